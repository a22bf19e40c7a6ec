"""The outbox for administrators: what was sent to whom, and every try at it (read only:
rows are written by the services and the dispatcher, never by hand)."""

from django.contrib import admin

from redress.complaints.admin import ReadOnlyAdmin
from redress.notify.models import DeliveryAttempt, OutboxMessage


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "channel", "outcome", "detail", "elapsed_ms")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxAdmin(ReadOnlyAdmin):
    list_display = ("id", "kind", "complaint", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("complaint__reference",)
    # The address and the text stay out of the list: a customer's phone or email is
    # personal data, and the payload may hold an access code until it is sent.
    fields = ("kind", "complaint", "to_role", "to_staff", "to_authority", "status", "attempts", "created_at",
              "sent_at", "last_error")
    readonly_fields = fields
    inlines = [AttemptInline]
