from django.contrib import admin

from redress.reports.models import ExportRecord


@admin.register(ExportRecord)
class ExportRecordAdmin(admin.ModelAdmin):
    """Read-only: an export record is evidence of who took which data away."""

    list_display = ("at", "staff", "report", "format", "rows", "personal_data")
    list_filter = ("personal_data", "format", "report")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
