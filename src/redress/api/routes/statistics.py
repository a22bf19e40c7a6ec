"""GET /api/statistics (issue 11 item 6): the figures of /statistics/ for a period and
scope, as the token's member of staff may see them, each with the register filter of
exactly the complaints it counts (the same names as the register's query string).

The query is checked by the page's own form (reports.statistics_form), so a bad period
or an unknown unit or category is refused with the same rule, in the caller's
Accept-Language, as a 422 in the API's error shape."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router, Schema

from redress.api.auth import TokenAuth
from redress.api.models import Scope
from redress.api.routes.common import error_responses
from redress.complaints.errors import ValidationFailed
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.reports import statistics as stats
from redress.reports import statistics_tables as st
from redress.reports.statistics_form import StatisticsForm
from redress.sla.calendar import WorkCalendar

router = Router(tags=["reports"])


class StatisticsQuery(Schema):
    """As on /statistics/: `period` month, quarter (default), half, year or custom; the
    calendar period holding `on` (default today), or `date_from`..`date_to` for custom;
    `unit` (an id: that unit with its sub-units) and `category` (a code) narrow it."""

    period: str = ""
    on: str = ""
    date_from: str = ""
    date_to: str = ""
    unit: str = ""
    category: str = ""


def _value(value):
    return str(value) if isinstance(value, Decimal) else value


def _figure(figure: stats.Figure) -> dict:
    return {"value": _value(figure.value), "register": figure.filters.as_json()}


def _period(s: stats.Statistics) -> dict:
    return {"kind": s.period.kind, "first": s.period.first.isoformat(), "last": s.period.last.isoformat(),
            "label": s.period.label()}


def as_json(periods: list[stats.Statistics], names: st.Names) -> dict:
    """Every figure and breakdown of the period, the period before and the year before:
    each value a list of three, in that order."""
    figures = {key: [_figure(s.figures[key]) for s in periods] for key in periods[0].figures}
    breakdowns = {}
    for key in periods[0].breakdowns:
        codes = list(dict.fromkeys(code for s in periods for code in s.breakdowns[key].rows))
        breakdowns[key] = {
            "additive": periods[0].breakdowns[key].additive,
            "rows": [{"code": code, "label": names.of(key, code),
                      "values": [_figure(s.breakdowns[key].rows[code]) if code in s.breakdowns[key].rows else
                                 {"value": 0, "register": None} for s in periods]} for code in codes],
        }
    return {"periods": [_period(s) for s in periods], "figures": figures, "breakdowns": breakdowns}


@router.get("/statistics", response={200: dict, **error_responses(401, 403, 422)}, auth=TokenAuth(Scope.REPORTS_READ),
            summary="Period statistics beside the period before and the same period a year earlier")
def statistics(request: HttpRequest, query: Query[StatisticsQuery]):
    """Received, closed, open at the end, by category, channel, unit, severity and
    product; closed within the limit, working days to close (median, 90th percentile),
    extensions, late, re-complaints, callbacks, compensation paid, referrals and their
    outcomes, root causes, accountability. Each value carries `register`: the register
    filter whose list has exactly that many complaints (`value` null for the working
    days of a period with nothing closed)."""
    pack = active_pack()
    cal: WorkCalendar = calendar_for(pack)
    now = current_time()
    form = StatisticsForm({k: v for k, v in query.dict().items() if v}, pack=pack,
                          today=now.astimezone(cal.tz).date())
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise ValidationFailed(name, " ".join(errors))
    scope = stats.Scope(request.auth.staff, form.chosen_unit(), form.cleaned_data.get("category") or "")
    period = form.chosen()
    periods = stats.statistics_of(scope, [period, period.previous(), period.year_before()], now=now, cal=cal,
                                  charts=False)
    return as_json(periods, st.Names(pack, translation.get_language()))
