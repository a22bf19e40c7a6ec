from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "redress.complaints"
    label = "complaints"
    verbose_name = "投诉 Complaints"
    default_auto_field = "django.db.models.BigAutoField"
