"""What every action form shares: the version the person saw (optimistic concurrency),
the complaint and the policy it is checked against, and putting a service's refusal
next to the field it names."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from redress.complaints.errors import DomainError
from redress.complaints.models import Complaint, OrgUnit, Staff
from redress.policy.schema import Pack
from redress.web.complaint.actions.refusals import explain

ROW = re.compile(r"^(?P<set>\w+)\[(?P<i>\d+)\]\.(?P<field>\w+)$")


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    # How many events the complaint's ledger held when the form was drawn: if the
    # version has moved on, what was recorded since is what the person has not seen
    # (conflicts.py decides whether it matters to this form).
    seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    # A service names the field it refuses; where its name differs from the form's.
    field_aliases: dict[str, str] = {}
    # Fields the generic template does not draw in its loop (drawn by a partial).
    drawn_apart: tuple[str, ...] = ()

    def __init__(self, *args, complaint: Complaint, staff: Staff, pack: Pack, **kwargs):
        self.complaint, self.staff, self.pack = complaint, staff, pack
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = complaint.version
        self.fields["seen"].initial = complaint.ledger_length
        self.setup()

    def setup(self) -> None:
        """Choices and initial values that depend on the complaint or the policy."""

    def from_query(self, query) -> None:
        """Initial values from the link that opened the form (a new, unbound form)."""

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("seen", None)
        return data

    def looped_fields(self):
        return [f for f in self if f.name not in self.drawn_apart]

    def place(self, err: DomainError) -> None:
        """The refusal next to the field it names, or on top of the form."""
        message = explain(err)
        name = self.field_aliases.get(err.field or "", err.field or "")
        row = ROW.match(name)
        nested = getattr(self, row["set"], None) if row else None
        if nested is not None and int(row["i"]) < len(nested.forms):
            target = nested.forms[int(row["i"])]
            if row["field"] in target.fields:
                target.add_error(row["field"], message)
                return
        if name in self.fields and name not in self.drawn_apart:
            self.add_error(name, message)
        else:
            self.add_error(None, message)


def text(label, *, required: bool = True, rows: int = 4, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=help_text, strip=True,
                           widget=forms.Textarea(attrs={"rows": rows}))


def line(label, *, required: bool = True, max_length: int = 200, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=max_length, help_text=help_text)


def choice(label, options, *, required: bool = True, radio: bool = False) -> forms.ChoiceField:
    widget = forms.RadioSelect if radio else forms.Select
    return forms.ChoiceField(label=label, choices=options, required=required, widget=widget)


def yes_no(value: str) -> bool:
    return value == "yes"


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Staff) -> str:
        unit = obj.unit.local_name if obj.unit_id else ""
        return f"{obj} · {unit}" if unit else str(obj)


def staff_field(label, queryset=None, *, required: bool = True) -> StaffChoice:
    qs = queryset if queryset is not None else Staff.objects.filter(is_active=True)
    return StaffChoice(label=label, queryset=qs.select_related("unit").order_by("unit__code", "username"),
                       required=required, empty_label=_("— choose —"))


class UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: OrgUnit) -> str:
        return obj.local_name


def unit_field(label, *, required: bool = True, empty_label=None) -> UnitChoice:
    return UnitChoice(label=label, queryset=OrgUnit.objects.filter(active=True).order_by("code"),
                      required=required, empty_label=empty_label or _("— choose —"))


def channel_choices(pack: Pack, language: str) -> list[tuple[str, str]]:
    return [(c.code, c.name.get(language)) for c in pack.channels]
