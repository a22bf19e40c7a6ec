"""Forms for the clocks: pause and resume, extensions (services/timing.py; 001 第二十二条)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import Extension
from redress.web.complaint.actions import labels
from redress.web.complaint.actions.forms.base import ActionForm, choice, text, yes_no


class ExtensionRequestForm(ActionForm):
    working_days = forms.IntegerField(label=_("Working days more"), min_value=1, max_value=365)
    reason = text(_("Why the case cannot be finished in time (未能办结原因)"), rows=3)
    plan = text(_("What will be done next (下一步处理方案)"), rows=3)
    customer_consent = forms.BooleanField(
        label=_("The complainant consents"), required=False,
        help_text=_("Needed for any extension after the first (001 第二十二条)."))
    consent_note = text(_("How and when the complainant consented"), required=False, rows=2)


class ExtensionDecideForm(ActionForm):
    extension_id = forms.TypedChoiceField(label=_("Request"), coerce=int, widget=forms.RadioSelect)
    approve = choice(_("Decision"), [("yes", _("Approve")), ("no", _("Refuse"))], radio=True)
    note = text(_("Note"), required=False, rows=3, help_text=_("Needed when the request is refused."))

    def setup(self):
        waiting = Extension.objects.filter(complaint=self.complaint, status=Extension.Status.REQUESTED)
        self.fields["extension_id"].choices = [
            (e.pk, _("No. %(n)s: %(days)s working days") % {"n": e.sequence, "days": e.working_days})
            for e in waiting.order_by("id")]
        if len(self.fields["extension_id"].choices) == 1:
            self.initial.setdefault("extension_id", self.fields["extension_id"].choices[0][0])

    def service_kwargs(self):
        data = super().service_kwargs()
        data["approve"] = yes_no(data["approve"])
        return data


__all__ = ["ExtensionDecideForm", "ExtensionRequestForm", "labels"]
