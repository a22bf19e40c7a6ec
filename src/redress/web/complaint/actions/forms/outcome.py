"""Forms from the remedy to the archive (services/outcome.py, services/links.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints.errors import NotFound
from redress.complaints.models import Remedy
from redress.complaints.selectors import remedies as owed
from redress.complaints.selectors.scope import get_visible
from redress.web.complaint.actions import labels
from redress.web.complaint.actions.forms.base import (
    ActionForm,
    channel_choices,
    choice,
    line,
    staff_field,
    text,
    unit_field,
    yes_no,
)
from redress.web.complaint.actions.forms.messages import ChecksPhrases


class ExecuteRemedyForm(ActionForm):
    remedy_id = forms.TypedChoiceField(label=_("Remedy"), coerce=int, widget=forms.RadioSelect)
    note = text(_("What was done (payment reference, rectification)"), required=False, rows=3)

    def setup(self):
        waiting = owed.outstanding(Remedy.objects.filter(complaint=self.complaint)).order_by("due_date", "id")
        kinds = labels.REMEDY_KINDS
        self.fields["remedy_id"].choices = [
            (r.pk, f"{kinds.get(r.kind, r.kind)} · {r.description}"
                   f"{f' · ¥{r.amount}' if r.amount is not None else ''} · {r.due_date:%Y-%m-%d}")
            for r in waiting]


class WaiveRemedyForm(ExecuteRemedyForm):
    """The same choice of remedies; the reason is required (services/remedies.py)."""

    note = None
    reason = text(_("Why it will not be carried out"), rows=3)


class CallbackForm(ActionForm):
    satisfied = choice(_("Is the customer satisfied with the outcome?"), labels.choices(labels.YES_NO), radio=True)
    opinion = text(_("The customer's opinion"), required=False, rows=4,
                   help_text=_("Needed when the customer is not satisfied."))
    channel = choice(_("Channel"), [])

    def setup(self):
        self.fields["channel"].choices = channel_choices(self.pack, get_language())
        self.initial.setdefault("channel", "phone")

    def service_kwargs(self):
        data = super().service_kwargs()
        data["satisfied"] = yes_no(data["satisfied"])
        return data


class NoteForm(ActionForm):
    note = text(_("Note"), required=False, rows=3)


class ReferForm(ChecksPhrases):
    action, phrase_field = "refer", "note"
    kind = choice(_("Refer to"), labels.choices(labels.REFERRAL_KINDS), radio=True)
    authority = choice(_("Body"), [])
    note = text(_("Added to the guidance sent to the customer"), required=False, rows=3)

    def setup(self):
        super().setup()
        lang = get_language()
        self.fields["authority"].choices = [(a.code, a.name.get(lang)) for a in self.pack.authorities]


class ReferralOutcomeForm(ActionForm):
    outcome = text(_("The mediator's, tribunal's or court's outcome"))


class ArchiveForm(ActionForm):
    root_cause = text(_("Root cause"), required=False, rows=3)

    def setup(self):
        self.initial.setdefault("root_cause", self.complaint.root_cause)
        # Closed cases need one to be archived (004 §7(六)); others are complete as they are.
        self.fields["root_cause"].required = not self.complaint.root_cause and self.complaint.state in (
            "closed", "deemed_closed")


class RecomplainForm(ActionForm):
    # Today's contact, in the order the agent hears it: how the customer came, what they
    # do not accept, what they want and how much (004 第七条(七): a new 处理单).
    channel = choice(_("How the customer complained again today"), [])
    cause = text(_("What the customer does not accept"))
    request = text(_("What the customer asks for now"), required=False, rows=3)
    amount_claimed = forms.CharField(label=_("Amount claimed now"), required=False, max_length=30,
                                     widget=forms.TextInput(attrs={"inputmode": "decimal"}),
                                     help_text=_("Leave empty if the customer claims no sum."))

    def setup(self):
        # No channel chosen for the agent: the original's is not today's (issue 12 item 6).
        self.fields["channel"].choices = [("", _("— choose —")), *channel_choices(self.pack, get_language())]
        self.fields["channel"].error_messages["required"] = _("Choose how the customer complained again today.")
        self.fields["cause"].error_messages["required"] = _("Say what the customer does not accept.")


class LinkForm(ActionForm):
    other = line(_("Reference number of the other complaint"), max_length=30)
    kind = choice(_("Link"), labels.choices(labels.LINK_KINDS), radio=True)

    def setup(self):
        self.initial.setdefault("kind", "related")

    def clean_other(self):
        reference = self.cleaned_data["other"].strip().upper()
        try:
            return get_visible(self.staff, reference=reference)
        except NotFound:
            raise forms.ValidationError(_("No complaint %(ref)s that you may see."), params={"ref": reference}) \
                from None


class AccountabilityForm(ActionForm):
    staff = staff_field(_("Member of staff held to account"), required=False)
    unit = unit_field(_("Or the unit held to account"), required=False)
    action = line(_("Action taken"), help_text=_("For example: written warning, retraining, deduction."))
    description = text(_("What they did and why this action"), rows=4)
    reported_to_regulator = forms.BooleanField(label=_("Reported to the regulator"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("staff") and not data.get("unit"):
            self.add_error("staff", _("Name the member of staff or the unit held to account."))
        return data
