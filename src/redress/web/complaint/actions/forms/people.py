"""Forms about who works the case: escalation and hand-over of ownership (首问负责制)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Staff
from redress.policy.schema import SEVERITY_ORDER, Severity
from redress.web import labels as words
from redress.web.complaint.actions.forms.base import ActionForm, choice, staff_field, text


class EscalateForm(ActionForm):
    reason = text(_("Why the case is escalated"))
    severity = choice(_("Raise the severity to"), [], required=False)

    def setup(self):
        current = SEVERITY_ORDER.get(Severity(self.complaint.severity), 0) if self.complaint.severity else 0
        self.fields["severity"].choices = [("", _("Keep as it is"))] + [
            (s.value, words.SEVERITIES[s.value]) for s in Severity if SEVERITY_ORDER[s] >= current]

    def service_kwargs(self) -> dict:
        data = super().service_kwargs()
        data["severity"] = data["severity"] or None  # "Keep as it is": the service keeps it only for None
        return data


class TransferRequestForm(ActionForm):
    to_staff = staff_field(_("Hand over to"))
    reason = text(_("Why the case is handed over"), rows=3,
                  help_text=_("The case stays yours until the person named accepts it."))

    def setup(self):
        self.fields["to_staff"].queryset = Staff.objects.filter(is_active=True, is_marketing=False).exclude(
            pk=self.complaint.owner_id).select_related("unit").order_by("unit__code", "username")
