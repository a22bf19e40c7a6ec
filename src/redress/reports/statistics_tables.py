"""The statistics as tables a person reads: each row a figure or a breakdown value, each
column the period, the period before and the same period a year earlier, each cell a
number with the register link of exactly the complaints it counts. The page, its xlsx
export and the API read the same tables, so they cannot disagree."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from redress.complaints.models import OrgUnit
from redress.policy.schema import Pack
from redress.reports import register as reg
from redress.reports import statistics as stats
from redress.web import labels
from redress.web.complaint import words

COLUMNS = ("current", "previous", "year_before")


@dataclass
class Cell:
    value: int | Decimal | float | None
    text: str
    url: str = ""  # the register filtered to what the number counts
    rate: str = ""  # "87.5%": of what the row says
    counts: bool = True  # the number is the register list's count (else computed over it: days, amounts)


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]


@dataclass
class Table:
    key: str
    title: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""


def register_url(filters: reg.Filters) -> str:
    """The register page showing exactly these complaints, counted in full."""
    return reverse("reports:register") + "?" + urlencode({**filters.as_json(), "count": reg.ALL})


def _number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=2, force_grouping=True)
    return number_format(value, force_grouping=True)


def _rate(part, whole) -> str:
    if not whole or part is None:
        return ""
    return f"{number_format(round(100 * part / whole, 1), decimal_pos=1)}%"


# (key, label, the key of the figure it is a share of, or "")
SUMMARY = (
    ("received", pgettext_lazy("statistics", "Received"), ""),
    ("closed", pgettext_lazy("statistics", "Closed"), ""),
    ("open_at_end", gettext_lazy("Open at the end of the period"), ""),
    ("on_time", gettext_lazy("Closed within the time limit"), "closed"),
    ("median_days", gettext_lazy("Working days to close, median"), ""),
    ("p90_days", gettext_lazy("Working days to close, 90th percentile"), ""),
    ("extended", gettext_lazy("Received and given an extension"), "received"),
    ("late", gettext_lazy("Received and late (including still open past due)"), "received"),
    ("recomplaints", gettext_lazy("Re-complaints (received)"), "received"),
    ("callbacks_reached", gettext_lazy("Closed, callback reached the customer"), "closed"),
    ("callbacks_satisfied", gettext_lazy("Closed, customer satisfied at callback"), "callbacks_reached"),
    ("compensated", gettext_lazy("Closed with compensation paid"), "closed"),
    ("compensation_amount", gettext_lazy("Compensation paid (amount)"), ""),
)
REFERRALS = {
    "mediation": gettext_lazy("Referred to mediation"),
    "arbitration": gettext_lazy("Referred to arbitration"),
    "litigation": gettext_lazy("Referred to litigation"),
}
BREAKDOWN_TITLES = {
    "category": gettext_lazy("Received by category"),
    "channel": gettext_lazy("Received by channel"),
    "unit": gettext_lazy("Received by responsible unit"),
    "severity": gettext_lazy("Received by severity"),
    "product": gettext_lazy("Received by product (a complaint may name several)"),
    "root_cause": gettext_lazy("Top root causes (closed)"),
    "accountability": gettext_lazy("Accountability actions (closed complaints)"),
}


class Names:
    """Words for the codes of a breakdown, in the active language."""

    def __init__(self, pack: Pack, language: str):
        self.language = language
        self.categories = {c.code: c.name.get(language) for c in pack.iter_categories()}
        self.channels = {c.code: c.name.get(language) for c in pack.channels}
        self.units = {str(u.pk): (u.name_en or u.name) if language == "en" else u.name
                      for u in OrgUnit.objects.only("pk", "name", "name_en")}

    def of(self, breakdown: str, code: str) -> str:
        if breakdown == "category":
            return self.categories.get(code, code) if code else _("not assessed yet")
        if breakdown == "channel":
            return self.channels.get(code, code)
        if breakdown == "unit":
            return self.units.get(code, code) if code else _("no unit yet")
        if breakdown == "severity":
            return str(labels.SEVERITIES.get(code, code))
        if breakdown == "accountability":
            return str(words.ACCOUNTABILITY_ACTIONS.get(code, code))
        return code


def _cell(figure: stats.Figure, whole: stats.Figure | None = None, counts: bool = True) -> Cell:
    return Cell(figure.value, _number(figure.value), register_url(figure.filters),
                _rate(figure.value, whole.value if whole else None), counts)


# Figures computed over a list rather than counting it.
OVER = frozenset({"median_days", "p90_days", "compensation_amount"})


def summary(periods: list[stats.Statistics]) -> Table:
    table = Table("summary", _("Figures"))
    for key, label, of in SUMMARY:
        table.rows.append(Row(key, str(label), [_cell(s.figures[key], s.figures.get(of), key not in OVER)
                                                for s in periods]))
    for kind, label in REFERRALS.items():
        k = f"referred_{kind}"
        table.rows.append(Row(k, str(label), [_cell(s.figures[k]) for s in periods]))
        table.rows.append(Row(f"{k}_decided", "↳ " + _("outcome recorded, closed"),
                              [_cell(s.figures[f"{k}_decided"], s.figures[k]) for s in periods]))
        table.rows.append(Row(f"{k}_pending", "↳ " + _("awaiting the outcome"),
                              [_cell(s.figures[f"{k}_pending"], s.figures[k]) for s in periods]))
    return table


def breakdown(key: str, periods: list[stats.Statistics], names: Names) -> Table:
    """A row for every value any of the periods has, ordered by the current period; a
    period without it shows 0, linked to the same list over its own dates (empty)."""
    codes: list[str] = []
    for s in periods:
        codes += [c for c in s.breakdowns[key].rows if c not in codes]
    codes = codes[:stats.TOP.get(key, len(codes))]
    table = Table(key, str(BREAKDOWN_TITLES[key]))
    if not periods[0].breakdowns[key].additive:
        table.note = _("A complaint may count in several rows or in none: the rows do not add up to the total.")
    for code in codes:
        cells = []
        known = next(s.breakdowns[key].rows[code] for s in periods if code in s.breakdowns[key].rows)
        for s in periods:
            figure = s.breakdowns[key].rows.get(code) or stats.Figure(
                0, replace(known.filters, date_from=s.period.first, date_to=s.period.last))
            base = s.figures["closed" if key in ("root_cause", "accountability") else "received"]
            cells.append(_cell(figure, base))
        table.rows.append(Row(code, names.of(key, code), cells))
    return table


def heat_table(current: stats.Statistics, names: Names) -> dict:
    """The heat map: units down, categories across, received in the current period."""
    units = sorted({u for u, _ in current.heat}, key=lambda u: names.of("unit", u))
    categories = sorted({c for _, c in current.heat}, key=lambda c: names.of("category", c))
    cells = [[i, j, f.value, register_url(f.filters)] for (u, c), f in current.heat.items()
             for i, j in [(categories.index(c), units.index(u))]]
    return {"units": [names.of("unit", u) for u in units], "categories": [names.of("category", c) for c in categories],
            "cells": cells}


def trend_data(current: stats.Statistics) -> dict:
    return {"labels": [label for label, _, _ in current.trend],
            "received": [got.value for _, got, _ in current.trend],
            "closed": [done.value for _, _, done in current.trend],
            "received_urls": [register_url(got.filters) for _, got, _ in current.trend],
            "closed_urls": [register_url(done.filters) for _, _, done in current.trend],
            "names": {"received": pgettext("statistics", "Received"), "closed": pgettext("statistics", "Closed")}}


def trend_table(current: stats.Statistics) -> Table:
    table = Table("trend", _("Received and closed over the period"))
    for label, got, done in current.trend:
        table.rows.append(Row(label, label, [_cell(got), _cell(done)]))
    return table


def tables(periods: list[stats.Statistics], names: Names) -> list[Table]:
    return [summary(periods)] + [breakdown(k, periods, names) for k in BREAKDOWN_TITLES]


def category_chart(periods: list[stats.Statistics], names: Names) -> dict:
    """Bars of the received by category, a series per period, each bar a register link."""
    codes = list(periods[0].breakdowns["category"].rows)
    codes += [c for s in periods[1:] for c in s.breakdowns["category"].rows if c not in codes]
    series = []
    for s in periods:
        rows = s.breakdowns["category"].rows
        series.append({"name": s.period.label(), "data": [rows[c].value if c in rows else 0 for c in codes],
                       "urls": [register_url(rows[c].filters) if c in rows else "" for c in codes]})
    return {"categories": [names.of("category", c) for c in codes], "series": series}
