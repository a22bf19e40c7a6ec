"""The register's query string as a form: every filter is checked and a bad one (an
unknown state, 2026-13-01) is named with its field instead of reaching the database.
The page, the export links and the export itself read the same form, so an export is
of exactly the filter the page shows."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import OrgUnit
from redress.policy.schema import Pack
from redress.reports import register as reg
from redress.web import labels
from redress.web.complaint import words

FILTER_FIELDS = ("period", "date_from", "date_to", "unit", "unit_alone", "kind", "open_at", "category", "channel",
                 "state", "severity", "critical", "economic_dispute", "late", "late_remedies", "recomplaint", "product",
                 "product_is", "extended", "callback", "compensated", "referral", "root_cause", "accountability")
YES_NO_FIELDS = ("critical", "economic_dispute", "late", "late_remedies", "recomplaint", "extended", "compensated")
TEXT_FIELDS = ("category", "channel", "state", "severity", "critical", "economic_dispute", "late", "late_remedies",
               "recomplaint", "product", "product_is", "kind", "unit_alone", "extended", "callback", "compensated", "referral",
               "root_cause", "accountability")
EARLIEST, LATEST = date(1990, 1, 1), date(2199, 12, 31)  # the dates the API's fields accept too
MAX_YEARS = 10


class RegisterForm(forms.Form):
    period = forms.ChoiceField(label=_("Dates of"), required=False,
                               choices=[(reg.RECEIVED, _("receipt")), (reg.CLOSED, _("closing"))])
    date_from = forms.DateField(label=pgettext_lazy("period", "From"), required=False, input_formats=["%Y-%m-%d"],
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=pgettext_lazy("period", "To"), required=False, input_formats=["%Y-%m-%d"],
                              widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.ChoiceField(label=_("Unit and sub-units"), required=False)
    unit_alone = forms.ChoiceField(label=_("Without sub-units"), required=False,
                                   choices=[("", _("no")), (reg.YES, _("yes"))])
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("any")), ("complaint", _("complaint")), ("inquiry", _("inquiry"))])
    open_at = forms.DateField(label=_("Open at the end of"), required=False, input_formats=["%Y-%m-%d"],
                              widget=forms.DateInput(attrs={"type": "date"}))
    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    critical = forms.ChoiceField(label=_("Critical"), required=False)
    economic_dispute = forms.ChoiceField(label=_("Economic dispute"), required=False)
    late = forms.ChoiceField(label=_("Late"), required=False)
    late_remedies = forms.ChoiceField(label=_("Late remedies"), required=False)
    recomplaint = forms.ChoiceField(label=_("Re-complaint"), required=False)
    product = forms.CharField(label=_("Product"), required=False, max_length=100, strip=True)
    product_is = forms.CharField(label=_("Product (exactly)"), required=False, max_length=200, strip=True)
    extended = forms.ChoiceField(label=_("Extended"), required=False)
    callback = forms.ChoiceField(label=_("Callback"), required=False)
    compensated = forms.ChoiceField(label=_("Compensation paid"), required=False)
    referral = forms.ChoiceField(label=_("Referred to"), required=False)
    root_cause = forms.CharField(label=_("Root cause"), required=False, max_length=60, strip=True)
    accountability = forms.ChoiceField(label=_("Accountability"), required=False)
    count = forms.ChoiceField(label=_("Count"), required=False, choices=[("", _("up to 200")), (reg.ALL, _("all"))])
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=100_000)
    # Where the page starts or ends in the list (keyset pagination).
    after = forms.CharField(label=_("Position"), required=False, max_length=80)
    before = forms.CharField(label=_("Position"), required=False, max_length=80)

    def __init__(self, data, *, pack: Pack):
        super().__init__(data)
        lang = get_language()
        any_ = [("", _("any"))]
        yes_no = any_ + [(reg.YES, _("yes")), (reg.NO, _("no"))]
        units = OrgUnit.objects.order_by("code")
        self.fields["unit"].choices = any_ + [(str(reg.NO_UNIT), _("no unit yet"))] + [
            (str(u.pk), u.name_en or u.name if lang == "en" else u.name) for u in units]
        self.fields["category"].choices = any_ + [(reg.NONE, _("not assessed yet"))] + [
            (c.code, c.name.get(lang)) for c in pack.iter_categories()]
        self.fields["callback"].choices = any_ + [
            (reg.REACHED, _("reached")), (reg.SATISFIED, _("reached, satisfied")),
            (reg.UNSATISFIED, _("reached, not satisfied")), (reg.NO, _("none reached"))]
        self.fields["referral"].choices = any_ + [(reg.ANY, _("mediation, arbitration or litigation"))] + [
            (k, words.REFERRAL_KINDS[k]) for k in reg.REFERRAL_KINDS]
        self.fields["accountability"].choices = any_ + [(reg.ANY, _("any action"))] + list(
            words.ACCOUNTABILITY_ACTIONS.items())
        self.fields["channel"].choices = any_ + [(c.code, c.name.get(lang)) for c in pack.channels]
        self.fields["state"].choices = any_ + [(s, labels.STATES[s]) for s in labels.STATES]
        self.fields["severity"].choices = any_ + list(labels.SEVERITIES.items())
        for name in YES_NO_FIELDS:
            self.fields[name].choices = yes_no

    def clean(self):
        data = super().clean()
        if data.get("unit_alone") and not data.get("unit"):
            self.add_error("unit_alone", _("needs a unit"))
        start, end = data.get("date_from"), data.get("date_to")
        for name in ("date_from", "date_to"):
            day = data.get(name)
            if day and not EARLIEST <= day <= LATEST:  # year 9999 would overflow the day after it
                self.add_error(name, _("must be between %(first)s and %(last)s")
                               % {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()})
        if start and end and start > end:
            self.add_error("date_to", _("must be on or after the “from” date"))
        elif start and end and (end.year, end.month, end.day) >= (start.year + MAX_YEARS, start.month, start.day):
            self.add_error("date_to", _("a period may span at most %(n)s years") % {"n": MAX_YEARS})
        filters = self.filters()
        for name in ("after", "before"):
            if not data.get(name):
                data[name] = None
            elif name not in self.errors:
                try:
                    data[name] = reg.parse_cursor(data[name], filters)
                except ValueError:
                    self.add_error(name, _("not a place in this list; the list starts from the first page"))
        if data.get("after"):
            data["before"] = None
        return data

    def filter_fields(self) -> list:
        return [self[name] for name in FILTER_FIELDS]

    def filters(self) -> reg.Filters:
        """The filters from the fields that are valid (a bad one is left out, and shown)."""
        data = getattr(self, "cleaned_data", {})
        ok = {name: data.get(name) for name in FILTER_FIELDS if name in data and name not in self.errors}
        return reg.Filters(
            period=ok.get("period") or reg.RECEIVED, date_from=ok.get("date_from"), date_to=ok.get("date_to"),
            unit=int(ok["unit"]) if ok.get("unit") else None, open_at=ok.get("open_at"),
            **{name: ok.get(name) or "" for name in TEXT_FIELDS},
        )

    def problems(self) -> list[str]:
        return [f"{self.fields[name].label}: {' '.join(errors)}" if name in self.fields else " ".join(errors)
                for name, errors in self.errors.items()]
