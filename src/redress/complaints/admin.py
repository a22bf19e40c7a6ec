"""Django admin: administrators manage org units, staff, roles and the calendar. Complaints and the
ledger are shown read-only — they change only through the services (DESIGN rule 1)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redress.complaints.models import (
    CalendarDay,
    Complaint,
    ComplaintClock,
    CustomerLookup,
    Event,
    Institution,
    OrgUnit,
    Staff,
    StaffRole,
)
from redress.complaints.services.recompute import calendar_day_delete, calendar_day_save


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "working", "reason")
    list_filter = ("working",)
    date_hierarchy = "date"

    # Through the service: the open clocks are recomputed and each case moved says why.
    def save_model(self, request, obj, form, change):
        self._told(request, *calendar_day_save(obj, actor=request.user))

    def delete_model(self, request, obj):
        self._told(request, *calendar_day_delete(obj, actor=request.user))

    def delete_queryset(self, request, queryset):
        moved, done = 0, True
        for day in queryset:
            more, done = calendar_day_delete(day, actor=request.user)
            moved += more
        self._told(request, moved, done)

    def _told(self, request, moved: int, done: bool) -> None:
        text = _("Due times recomputed: %(n)s open cases moved.") % {"n": moved}
        if not done:
            text += " " + _("The rest are recomputed by the next runs of redress sweep.")
        self.message_user(request, text, messages.INFO)


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en", "kind", "parent", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name", "name_en")


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 1


@admin.register(Staff)
class StaffAdmin(UserAdmin):
    inlines = [StaffRoleInline]
    list_display = ("username", "display_name", "unit", "is_marketing", "is_active")
    list_filter = ("unit", "is_marketing", "is_active", "roles__role")
    fieldsets = (*UserAdmin.fieldsets, ("Redress", {"fields": ("display_name", "unit", "is_marketing", "language")}))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        staff = form.instance
        staff.__dict__.pop("_role_cache", None)  # the inline has just changed the roles
        roles = sorted(staff.role_set())
        if staff.is_marketing and roles:
            # Allowed (a marketer may also be, say, an intake clerk for inquiries), but the
            # services refuse them every complaint: say so now, not at the first refusal.
            self.message_user(request, _(
                "%(username)s is marketing staff: 001 第十四条 bars them from accepting, handling or opening any "
                "complaint, so the roles %(roles)s will be refused on every case.")
                % {"username": staff.username, "roles": ", ".join(roles)}, level=messages.WARNING)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(ReadOnlyAdmin):
    list_display = ("reference", "state", "category", "severity", "channel", "received_at", "owner")
    list_filter = ("state", "category", "severity", "channel")
    search_fields = ("reference", "subject")
    # Contact details stay out of admin lists; the complaint page masks them by role.
    exclude = ("ledger_head",)
    readonly_fields = ("kept_until",)

    @admin.display(description=gettext_lazy("kept until (retention_years after archiving)"))
    def kept_until(self, obj):
        from redress.complaints.retention import kept_until

        return kept_until(obj) or "—"


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "seq", "type", "at", "actor", "actor_role", "channel")
    list_filter = ("type", "channel")


@admin.register(CustomerLookup)
class CustomerLookupAdmin(ReadOnlyAdmin):
    list_display = ("at", "staff", "kind", "outcome", "matches", "via")
    list_filter = ("kind", "outcome", "via")


@admin.register(ComplaintClock)
class ComplaintClockAdmin(ReadOnlyAdmin):
    list_display = ("complaint", "code", "status", "due_at", "breached", "extended")
    list_filter = ("code", "status", "breached")
