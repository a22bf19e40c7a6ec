from django.contrib import admin

from redress.complaints.admin import ReadOnlyAdmin
from redress.earlywarning.models import Acknowledgment, EarlyWarning


@admin.register(EarlyWarning)
class EarlyWarningAdmin(ReadOnlyAdmin):
    list_display = ("raised_at", "kind", "key", "count", "status")
    list_filter = ("kind", "status")


@admin.register(Acknowledgment)
class AcknowledgmentAdmin(ReadOnlyAdmin):
    """Read-only: an acknowledgment is the record of who saw a warning and what they did."""

    list_display = ("at", "warning", "actor", "role")
