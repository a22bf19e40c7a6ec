"""The worklist's query string as a form: every value is checked, and a bad one (an
unknown state, 2026-13-01) is named with its field instead of reaching the database."""

from __future__ import annotations

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints.models import OrgUnit
from redress.complaints.selectors import flags
from redress.complaints.selectors import worklists as wl
from redress.policy.schema import Pack
from redress.web import labels

SORT_CHOICES = [(code, code) for code in wl.SORTS]
FILTER_FIELDS = ("state", "category", "channel", "branch", "severity", "critical", "economic_dispute", "paused",
                 "received_from", "received_to")
YES_NO = [("", _("any")), (flags.YES, _("yes")), (flags.NO, _("no"))]


class WorklistForm(forms.Form):
    view = forms.ChoiceField(label=_("View"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)
    q = forms.CharField(label=_("Search"), required=False, max_length=100, strip=True)
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    branch = forms.ChoiceField(label=_("Branch"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False)
    critical = forms.ChoiceField(label=_("Critical"), required=False, choices=YES_NO)
    economic_dispute = forms.ChoiceField(label=_("Economic dispute"), required=False, choices=YES_NO)
    paused = forms.ChoiceField(label=_("Paused"), required=False, choices=[
        ("", _("any")), ("now", _("paused now")), ("too_long", _("paused too long"))])
    received_from = forms.DateField(label=_("Received from"), required=False, input_formats=["%Y-%m-%d"],
                                    widget=forms.DateInput(attrs={"type": "date"}))
    received_to = forms.DateField(label=_("Received to"), required=False, input_formats=["%Y-%m-%d"],
                                  widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=10_000)
    # Where the page starts or ends in the sorted list (keyset pagination): the page
    # links carry the position of the row they continue from.
    after = forms.CharField(label=_("Position"), required=False, max_length=80)
    before = forms.CharField(label=_("Position"), required=False, max_length=80)

    def __init__(self, data, *, views: list[str], pack: Pack):
        super().__init__(data)
        lang = get_language()
        any_ = [("", _("any"))]
        self.fields["view"].choices = [(v, v) for v in views]
        self.fields["state"].choices = any_ + [(s, labels.STATES[s]) for s in labels.STATES]
        self.fields["category"].choices = any_ + [(c.code, c.name.get(lang)) for c in pack.iter_categories()]
        self.fields["channel"].choices = any_ + [(c.code, c.name.get(lang)) for c in pack.channels]
        branches = OrgUnit.objects.filter(kind=OrgUnit.Kind.BRANCH, active=True).order_by("code")
        self.fields["branch"].choices = any_ + [
            (str(u.pk), u.name_en or u.name if lang == "en" else u.name) for u in branches]
        self.fields["severity"].choices = any_ + [(k, v) for k, v in labels.SEVERITIES.items()]

    def clean(self):
        data = super().clean()
        start, end = data.get("received_from"), data.get("received_to")
        if start and end and start > end:
            self.add_error("received_to", _("must be on or after the “received from” date"))
        sort = data.get("sort") or wl.default_sort(data.get("view") or "")
        for name in ("after", "before"):
            if not data.get(name):
                data[name] = None
            elif name not in self.errors:
                try:
                    data[name] = wl.parse_cursor(data[name], sort)
                except ValueError:
                    self.add_error(name, _("not a place in this list; the list starts from the first page"))
        if data.get("after"):
            data["before"] = None  # the links never carry both; forwards wins
        return data

    def filter_fields(self) -> list:
        return [self[name] for name in FILTER_FIELDS]

    def filters(self) -> wl.Filters:
        """The filters from the fields that are valid (a bad one is left out, and shown)."""
        data = getattr(self, "cleaned_data", {})
        ok = {name: data.get(name) for name in data if name not in self.errors}
        return wl.Filters(
            state=ok.get("state") or "", category=ok.get("category") or "", channel=ok.get("channel") or "",
            branch=int(ok["branch"]) if ok.get("branch") else None, severity=ok.get("severity") or "",
            received_from=ok.get("received_from"), received_to=ok.get("received_to"), q=ok.get("q") or "",
            paused=ok.get("paused") or "", critical=ok.get("critical") or "",
            economic_dispute=ok.get("economic_dispute") or "",
        )

    def problems(self) -> list[str]:
        """'Received from: enter a valid date.' — one line per bad field, named."""
        return [f"{self.fields[name].label}: {' '.join(errors)}" if name in self.fields else " ".join(errors)
                for name, errors in self.errors.items()]
