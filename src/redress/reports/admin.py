from django.contrib import admin

from redress.complaints.admin import ReadOnlyAdmin
from redress.reports.models import ExportRecord


@admin.register(ExportRecord)
class ExportRecordAdmin(ReadOnlyAdmin):
    """Read-only: an export record is evidence of who took which data away."""

    list_display = ("at", "staff", "report", "format", "rows", "personal_data")
    list_filter = ("personal_data", "format", "report")
