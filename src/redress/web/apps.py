from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "redress.web"
    label = "web"
    verbose_name = "Staff workbench"
