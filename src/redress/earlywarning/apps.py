from django.apps import AppConfig


class EarlyWarningConfig(AppConfig):
    name = "redress.earlywarning"
    label = "earlywarning"
    default_auto_field = "django.db.models.BigAutoField"
