from django.apps import AppConfig
from django.db import connection


class ComplaintsConfig(AppConfig):
    name = "redress.complaints"
    label = "complaints"
    verbose_name = "投诉 Complaints"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from redress.complaints import retention

        retention.connect()  # no complaint is deleted before its retention ends
        if connection.vendor == "postgresql":
            from redress.complaints import pg_times

            pg_times.connect()  # timestamps read by psycopg's C loader, not Django's Python one
