from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "redress.notify"
    label = "notify"
    verbose_name = "通知 Notifications"
    default_auto_field = "django.db.models.BigAutoField"
