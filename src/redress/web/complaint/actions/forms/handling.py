"""Forms from assessment to the decision on a proposal (services/handling.py)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints.services import RemedyInput, recomplaint_route
from redress.policy.schema import Severity
from redress.web import labels as words
from redress.web.complaint.actions import labels
from redress.web.complaint.actions.forms.base import (
    ActionForm,
    channel_choices,
    choice,
    line,
    staff_field,
    text,
    unit_field,
)


def category_choices(pack, language: str) -> list[tuple[str, str]]:
    """The pack's tree, children indented under their parent."""
    out: list[tuple[str, str]] = []

    def walk(cats, depth):
        for cat in cats:
            out.append((cat.code, "\u2003" * depth + cat.name.get(language)))
            walk(cat.children, depth + 1)

    walk(pack.categories, 0)
    return out


SEVERITIES = [(s.value, words.SEVERITIES[s.value]) for s in Severity]


class AssessForm(ActionForm):
    category = choice(_("Category"), [])
    severity = choice(_("Severity"), SEVERITIES)
    urgency = choice(_("Urgency"), labels.choices(labels.URGENCY), radio=True)
    is_economic_dispute = forms.BooleanField(
        label=_("Economic dispute (a claim for money)"), required=False,
        help_text=_("Decided by the chief risk officer or senior management (004 第十六条)."))
    critical_flags = forms.MultipleChoiceField(
        label=_("Critical triggers"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("Reported at once to the roles and authorities the policy names. Flags already raised stay."))

    def setup(self):
        lang, c = get_language(), self.complaint
        self.fields["category"].choices = [("", _("— choose —")), *category_choices(self.pack, lang)]
        self.fields["critical_flags"].choices = [(t.code, t.name.get(lang)) for t in self.pack.triggers]
        self.initial.update(category=c.category, severity=c.severity or "medium", urgency=c.urgency,
                            is_economic_dispute=c.is_economic_dispute, critical_flags=c.critical_flags)


class DispatchForm(ActionForm):
    unit = unit_field(_("Responsible unit"), required=False, empty_label=_("As the policy routes this category"))
    handler = staff_field(_("Send to a person"), required=False)
    instructions = text(_("Instructions for the unit"), required=False, rows=3)

    def setup(self):
        # Handlers and department heads who may take it (services.handling._check_dispatch_handler
        # says why anyone else is refused); empty: the whole unit sees the work order.
        self.fields["handler"].queryset = self.fields["handler"].queryset.filter(
            roles__role__in=("handler", "dept_head"), is_marketing=False, unit__isnull=False).distinct()
        self.fields["handler"].empty_label = _("Nobody in particular: the unit")
        rerouted = recomplaint_route.route(self.pack, self.complaint)
        if rerouted is not None:  # 004 第七条(七): the pack says where re-complaints go
            self.fields["unit"].empty_label = _("As the policy routes re-complaints: %(unit)s") % {
                "unit": rerouted.local_name}


class AcceptAssignmentForm(ActionForm):
    handler = staff_field(_("Handler (经办人)"), required=False)

    def setup(self):
        if not self.staff.has_role("dept_head"):
            del self.fields["handler"]  # a handler accepts for themselves (services.assignment_accept)
            return
        unit = self.complaint.responsible_unit_id
        self.fields["handler"].queryset = self.fields["handler"].queryset.filter(
            unit_id=unit, roles__role__in=("handler", "dept_head")).distinct()
        self.fields["handler"].empty_label = _("Myself")


class ReasonForm(ActionForm):
    reason = text(_("Reason"))


class FindingForm(ActionForm):
    kind = choice(_("Kind"), labels.choices(labels.FINDING_KINDS), radio=True)
    text = text(_("What was found"), rows=5)

    def setup(self):
        self.initial.setdefault("kind", "note")


class PartyForm(ActionForm):
    kind = choice(_("The complaint is about"), labels.choices(labels.PARTY_KINDS), radio=True)
    unit = unit_field(_("Unit"), required=False)
    staff = staff_field(_("Employee"), required=False)
    product = line(_("Product"), required=False)
    description = text(_("Description"), required=False, rows=2)

    def setup(self):
        self.fields["staff"].help_text = _("Naming the current handler takes the case away from them (001 第十四条).")
        self.initial.setdefault("kind", "unit")

    def service_kwargs(self):
        data = super().service_kwargs()
        data["product"] = data.get("product") or ""
        return data


class ContactForm(ActionForm):
    channel = choice(_("Channel"), [])
    note = text(_("What was said"))

    def setup(self):
        self.fields["channel"].choices = channel_choices(self.pack, get_language())
        self.initial.setdefault("channel", "phone")


class RemedyForm(forms.Form):
    kind = choice(_("Remedy"), [("", "—"), *labels.choices(labels.REMEDY_KINDS)], required=False)
    description = line(_("What will be done"), required=False, max_length=500)
    amount = forms.DecimalField(label=_("Amount (CNY)"), required=False, min_value=0, max_digits=16,
                                decimal_places=2)
    due_date = forms.DateField(label=_("Due by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("kind") or data.get("description"):
            for name in ("kind", "description", "due_date"):
                if not data.get(name):
                    self.add_error(name, _("Needed for each remedy."))
        return data

    def remedy(self) -> RemedyInput | None:
        d = self.cleaned_data
        if not d.get("kind"):
            return None
        amount = d.get("amount")
        return RemedyInput(kind=d["kind"], description=d["description"], due_date=d["due_date"],
                           amount=None if amount is None else str(amount))


RemedyFormSet = forms.formset_factory(RemedyForm, extra=3, max_num=10)


class ProposeForm(ActionForm):
    summary = line(_("Resolution in one line"))
    facts = text(_("Facts found"), rows=5)
    responsibility = choice(_("Responsibility"), [("", _("— choose —")), *labels.choices(labels.RESPONSIBILITY)])
    legal_basis = text(_("Legal or contractual basis"), required=False, rows=3)
    compensation = forms.DecimalField(label=_("Compensation (CNY)"), required=False, min_value=0, max_digits=16,
                                      decimal_places=2,
                                      help_text=_("Any amount makes it an economic dispute, decided by the chief "
                                                  "risk officer or senior management (004 第十六条)."))
    field_aliases = {"amount_claimed": "compensation"}

    def setup(self):
        self.remedies = RemedyFormSet(self.data or None, prefix="remedies")

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.remedies.is_valid()])

    def service_kwargs(self):
        data = super().service_kwargs()
        rows = [(i, f.remedy()) for i, f in enumerate(self.remedies.forms) if f.cleaned_data]
        rows = [(i, r) for i, r in rows if r]
        # The service numbers the remedies it was given; blank rows in between are not given.
        self.row_of = [i for i, _ in rows]
        data["remedies"] = [r for _, r in rows]
        return data

    def place(self, err):
        found = re.match(r"^remedies\[(\d+)\](.*)$", err.field or "")
        if found and int(found[1]) < len(getattr(self, "row_of", [])):
            err.field = f"remedies[{self.row_of[int(found[1])]}]{found[2]}"
        super().place(err)


class DecideForm(ActionForm):
    note = text(_("Note"), required=False, rows=3)
    approve = True

    def service_kwargs(self):
        return {**super().service_kwargs(), "approve": self.approve}


class ApproveForm(DecideForm):
    pass


class RejectForm(DecideForm):
    note = text(_("Why it is rejected"), rows=3)
    approve = False


__all__ = ["AcceptAssignmentForm", "ApproveForm", "AssessForm", "ContactForm", "DispatchForm", "FindingForm",
           "PartyForm", "ProposeForm", "ReasonForm", "RejectForm"]
