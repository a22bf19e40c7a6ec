from django.apps import AppConfig


class MailinConfig(AppConfig):
    name = "redress.mailin"
    label = "mailin"
    default_auto_field = "django.db.models.BigAutoField"
