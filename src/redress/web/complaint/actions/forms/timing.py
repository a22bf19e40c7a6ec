"""Forms for the clocks: pause and resume, extensions (services/timing.py; 001 第二十二条)."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import ClockPause, Communication, Extension
from redress.policy.schema import Unit
from redress.web.complaint import words
from redress.web.complaint.actions import labels
from redress.web.complaint.actions.forms.base import ActionForm, choice, text, yes_no


class ExtensionRequestForm(ActionForm):
    # Named for the API's field; the pack says whether its days are working or calendar days.
    working_days = forms.IntegerField(label=_("Working days more"), min_value=1, max_value=365)
    reason = text(_("Why the case cannot be finished in time (未能办结原因)"), rows=3)
    plan = text(_("What will be done next (下一步处理方案)"), rows=3)
    customer_consent = forms.BooleanField(
        label=_("The complainant consents"), required=False,
        help_text=_("Needed for any extension after the first (001 第二十二条)."))
    consent_note = text(_("How and when the complainant consented"), required=False, rows=2)

    def setup(self):
        policy = self.pack.extension
        if policy and policy.unit == Unit.CALENDAR_DAYS:
            self.fields["working_days"].label = _("Days more")
        if policy and not policy.further_requires_consent:
            del self.fields["customer_consent"], self.fields["consent_note"]


class ExtensionDecideForm(ActionForm):
    extension_id = forms.TypedChoiceField(label=_("Request"), coerce=int, widget=forms.RadioSelect)
    approve = choice(_("Decision"), [("yes", _("Approve")), ("no", _("Refuse"))], radio=True)
    note = text(_("Note"), required=False, rows=3, help_text=_("Needed when the request is refused."))

    def setup(self):
        waiting = Extension.objects.filter(complaint=self.complaint, status=Extension.Status.REQUESTED)
        unit = words.extension_unit(self.pack)
        self.fields["extension_id"].choices = [
            (e.pk, _("No. %(n)s: %(days)s") % {"n": e.sequence, "days": words.duration(e.working_days, unit)})
            for e in waiting.order_by("id")]
        if len(self.fields["extension_id"].choices) == 1:
            self.initial.setdefault("extension_id", self.fields["extension_id"].choices[0][0])

    def service_kwargs(self):
        data = super().service_kwargs()
        data["approve"] = yes_no(data["approve"])
        return data


class PauseForm(ActionForm):
    """Pause for one of the pack's reasons (services/pausing.py), naming the question sent
    to the customer when the reason waits for an answer."""

    reason_code = forms.ChoiceField(label=_("What the case waits for"), widget=forms.RadioSelect)
    message_id = forms.TypedChoiceField(
        label=_("The question that asked the customer for it"), coerce=int, required=False, empty_value=None,
        help_text=_("Needed for a reason that waits for the customer: send the question first."))
    note = text(_("Note"), required=False, rows=2)
    ask_approval = forms.BooleanField(
        label=_("The wait will be long: ask for approval now"), required=False,
        help_text=_("A longer pause than the policy allows without approval ends by itself unless approved."))

    def setup(self):
        policy, lang = self.pack.pausing, get_language()
        self.fields["reason_code"].choices = [(r.code, r.name.get(lang)) for r in (policy.reasons if policy else [])]
        questions = self.complaint.communications.filter(direction=Communication.Direction.OUTBOUND,
                                                         kind=Communication.Kind.QUESTION).order_by("-at")
        self.fields["message_id"].choices = [("", _("none"))] + [
            (m.pk, f"{m.at:%Y-%m-%d %H:%M} · {m.body[:60]}") for m in questions]


class PauseDecideForm(ActionForm):
    pause_id = forms.TypedChoiceField(label=_("Pause"), coerce=int, widget=forms.RadioSelect)
    approve = choice(_("Decision"), [("yes", _("Approve")), ("no", _("Refuse: the clocks run again"))], radio=True)
    note = text(_("Note"), required=False, rows=3, help_text=_("Needed when the pause is refused."))

    def setup(self):
        lang = get_language()
        waiting = ClockPause.objects.filter(complaint=self.complaint, ended_at=None).exclude(
            approval__in=(ClockPause.Approval.APPROVED, ClockPause.Approval.REFUSED))
        reasons = {r.code: r.name.get(lang) for r in (self.pack.pausing.reasons if self.pack.pausing else [])}
        self.fields["pause_id"].choices = [
            (p.pk, f"{reasons.get(p.reason, p.reason)} · {p.started_at:%Y-%m-%d %H:%M}") for p in waiting]
        if len(self.fields["pause_id"].choices) == 1:
            self.initial.setdefault("pause_id", self.fields["pause_id"].choices[0][0])

    def service_kwargs(self):
        data = super().service_kwargs()
        data["approve"] = yes_no(data["approve"])
        return data


__all__ = ["ExtensionDecideForm", "ExtensionRequestForm", "PauseDecideForm", "PauseForm", "labels"]
