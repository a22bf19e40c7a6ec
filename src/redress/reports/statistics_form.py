"""The statistics page's query string as a form: which period (a month, quarter,
half-year or year holding a day, or a custom run of days) and which scope (a unit with
its sub-units, a category). A period ending before it starts, longer than ten years,
an unknown unit or category is named with its field, in the reader's language."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import OrgUnit
from redress.policy.schema import Pack
from redress.reports import periods as p


class StatisticsForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), required=False, choices=[
        (p.MONTH, _("month")), (p.QUARTER, _("quarter")), (p.HALF, _("half-year")), (p.YEAR, _("year")),
        (p.CUSTOM, _("custom"))])
    on = forms.DateField(label=_("Holding the day"), required=False, input_formats=["%Y-%m-%d"],
                         widget=forms.DateInput(attrs={"type": "date"}))
    date_from = forms.DateField(label=pgettext_lazy("period", "From"), required=False, input_formats=["%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=pgettext_lazy("period", "To"), required=False, input_formats=["%Y-%m-%d"],
                              widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ChoiceField(label=_("Unit and sub-units"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)

    def __init__(self, data, *, pack: Pack, today: date):
        super().__init__(data)
        self.today = today
        lang = get_language()
        everyone = [("", _("the whole institution"))]
        self.fields["unit"].choices = everyone + [
            (str(u.pk), u.name_en or u.name if lang == "en" else u.name) for u in OrgUnit.objects.order_by("code")]
        self.fields["category"].choices = [("", _("any"))] + [(c.code, c.name.get(lang))
                                                              for c in pack.iter_categories()]

    def clean(self):
        data = super().clean()
        kind = data.get("period") or p.QUARTER
        data["period"] = kind
        if kind == p.CUSTOM:
            start, end = data.get("date_from"), data.get("date_to")
            for name in ("date_from", "date_to"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("a custom period needs its first and last day"))
            if start and end and end < start:
                self.add_error("date_to", _("must be on or after the “from” date"))
            elif start and end and p.Period(kind, start, end).too_long():
                self.add_error("date_to", _("a period may span at most %(n)s years") % {"n": p.MAX_YEARS})
        return data

    def chosen(self) -> p.Period:
        """The period asked for (call after is_valid() is true)."""
        data = self.cleaned_data
        if data["period"] == p.CUSTOM:
            return p.Period(p.CUSTOM, data["date_from"], data["date_to"])
        return p.Period.containing(data["period"], data.get("on") or self.today)

    def chosen_unit(self) -> int | None:
        return int(self.cleaned_data["unit"]) if self.cleaned_data.get("unit") else None

    def problems(self) -> list[str]:
        return [f"{self.fields[name].label}: {' '.join(errors)}" if name in self.fields else " ".join(errors)
                for name, errors in self.errors.items()]
