"""Period statistics (issue 11 item 2; 001 第二十四条 汇总报告: numbers, content, root
causes; 003 statistical analysis): what came in, what was closed and how, for a period
and a scope (the institution, or a unit with the units under it), as the viewer may see.

Every figure is a count of one register list (register.register with a Filters), so
the page links each number to exactly the complaints it counts; a rate or a working-day
figure links to the list it was computed over. Figures are aggregate queries over the
period's rows (one pass with conditional counts for the received, one for the closed,
one GROUP BY per breakdown), never one query per complaint, so a quarter costs the
same whatever the number of complaints outside it.

Two sets of complaints, as a regulator's return counts them:
- received in the period: breakdowns, re-complaints, late (a clock stopped late or
  marked breached, or still running past due today), extended, referrals;
- closed in the period: closed within the limit, working days to close, callbacks,
  compensation paid, root causes, accountability.
Only complaints count (inquiries are answered, not complained of: kind=complaint).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate, TruncMonth

from redress.complaints.models import Accountability, ComplaintParty, Staff
from redress.reports import register as reg
from redress.reports.periods import Period
from redress.sla.calendar import WorkCalendar

CENT = Decimal("0.01")
# How many rows the tables show of the breakdowns with free values (largest first).
TOP = {"root_cause": 10, "product": 20}


@dataclass(frozen=True)
class Scope:
    """Whose complaints: the viewer's visible ones, of one unit and its sub-units and of
    one category if set."""

    staff: Staff
    unit: int | None = None
    category: str = ""


@dataclass(frozen=True)
class Figure:
    """A number and the register list it counts (or was computed over)."""

    value: int | Decimal | float | None
    filters: reg.Filters


@dataclass
class Breakdown:
    """Counts of the received complaints by one attribute: code -> Figure, largest first.
    `additive`: the rows add up to the total (each complaint in exactly one row);
    products do not (a complaint may name several, or none)."""

    key: str
    rows: dict[str, Figure] = field(default_factory=dict)
    additive: bool = True


@dataclass
class Statistics:
    period: Period
    figures: dict[str, Figure]
    breakdowns: dict[str, Breakdown]
    heat: dict[tuple[str, str], Figure]  # (unit code, category) -> received
    trend: list[tuple[str, Figure, Figure]]  # (day or month, received, closed)


# The figures in the order a report lists them, with what each counts.
COUNTS = ("received", "closed", "open_at_end", "on_time", "late", "extended", "recomplaints",
          "callbacks_reached", "callbacks_satisfied", "compensated")
REFERRAL_KEYS = tuple(f"referred_{k}{suffix}" for k in reg.REFERRAL_KINDS for suffix in ("", "_decided", "_pending"))


def _base(scope: Scope) -> reg.Filters:
    return reg.Filters(kind="complaint", unit=scope.unit, category=scope.category)


def received_filters(scope: Scope, period: Period, **more) -> reg.Filters:
    return replace(_base(scope), period=reg.RECEIVED, date_from=period.first, date_to=period.last, **more)


def closed_filters(scope: Scope, period: Period, **more) -> reg.Filters:
    return replace(_base(scope), period=reg.CLOSED, date_from=period.first, date_to=period.last, **more)


def _qs(scope: Scope, filters: reg.Filters, now: datetime, cal: WorkCalendar) -> QuerySet:
    return reg.register(scope.staff, filters, now=now, tz=cal.tz).order_by()


def _counts(qs: QuerySet, conditions: dict[str, Q]) -> dict[str, int]:
    """Every condition counted over qs in one pass."""
    return qs.aggregate(**{name: Count("pk", filter=cond) for name, cond in conditions.items()})


def statistics(scope: Scope, period: Period, *, now: datetime, cal: WorkCalendar, charts: bool = True) -> Statistics:
    """`charts`: also the heat map and the trend (the comparison periods have no charts)."""
    received_f, closed_f = received_filters(scope, period), closed_filters(scope, period)
    received, closed = _qs(scope, received_f, now, cal), _qs(scope, closed_f, now, cal)
    figures: dict[str, Figure] = {}

    referrals = {}
    for kind in reg.REFERRAL_KINDS:
        referrals[f"referred_{kind}"] = (reg.referral_condition(kind), {"referral": kind})
        referrals[f"referred_{kind}_decided"] = (reg.referral_condition(kind) & Q(state="closed"),
                                                 {"referral": kind, "state": "closed"})
        referrals[f"referred_{kind}_pending"] = (reg.referral_condition(kind) & Q(state="referred"),
                                                 {"referral": kind, "state": "referred"})
    on_received = {
        "received": (Q(), {}),
        "late": (reg.late_condition(now), {"late": reg.YES}),
        "extended": (reg.extended_condition(), {"extended": reg.YES}),
        "recomplaints": (reg.recomplaint_condition(), {"recomplaint": reg.YES}),
        **referrals,
    }
    counted = _counts(received, {k: cond for k, (cond, _) in on_received.items()})
    for key, (_, more) in on_received.items():
        figures[key] = Figure(counted[key], replace(received_f, **more))

    on_closed = {
        "closed": (Q(), {}),
        "on_time": (~reg.late_condition(now), {"late": reg.NO}),
        "callbacks_reached": (reg.callback_condition(reg.REACHED), {"callback": reg.REACHED}),
        "callbacks_satisfied": (reg.callback_condition(reg.SATISFIED), {"callback": reg.SATISFIED}),
        "compensated": (reg.compensated_condition(), {"compensated": reg.YES}),
    }
    counted = _counts(closed, {k: cond for k, (cond, _) in on_closed.items()})
    for key, (_, more) in on_closed.items():
        figures[key] = Figure(counted[key], replace(closed_f, **more))

    paid = reg.paid_remedies().filter(complaint_id__in=closed.values("pk")).aggregate(total=Sum("amount"))["total"]
    # Cents as the amounts are kept (SQLite's SUM drops them from a whole number).
    figures["compensation_amount"] = Figure(Decimal(paid or 0).quantize(CENT), figures["compensated"].filters)

    open_f = replace(_base(scope), open_at=period.last)
    figures["open_at_end"] = Figure(_qs(scope, open_f, now, cal).count(), open_f)

    days = working_days_to_close(closed, cal)
    figures["median_days"] = Figure(percentile(days, 0.5), closed_f)
    figures["p90_days"] = Figure(percentile(days, 0.9), closed_f)

    breakdowns = {
        "category": _by(received, "category", received_f, lambda v: {"category": v or reg.NONE}),
        "channel": _by(received, "channel", received_f, lambda v: {"channel": v}),
        "unit": _by(received, "responsible_unit_id", received_f,
                    lambda v: {"unit": reg.NO_UNIT} if v is None else {"unit": v, "unit_alone": reg.YES}),
        "severity": _by(received, "severity", received_f, lambda v: {"severity": v}),
        "product": _products(received, received_f),
        "root_cause": _by(closed.exclude(root_cause=""), "root_cause", closed_f, lambda v: {"root_cause": v},
                          additive=False),
        "accountability": _accountability(closed, closed_f),
    }
    if not charts:
        return Statistics(period=period, figures=figures, breakdowns=breakdowns, heat={}, trend=[])
    return Statistics(period=period, figures=figures, breakdowns=breakdowns,
                      heat=_heat(received, received_f), trend=_trend(received, closed, period, received_f,
                                                                     closed_f, cal))


def _by(qs: QuerySet, column: str, base: reg.Filters, narrow, *, additive: bool = True) -> Breakdown:
    """Every value, so a value missing from a period is truly 0 there (the tables show
    the top ones: TOP)."""
    rows = qs.values(column).annotate(n=Count("pk")).order_by("-n", column)
    key = column.removesuffix("_id").removeprefix("responsible_")
    return Breakdown(key, {_code(r[column]): Figure(r["n"], replace(base, **narrow(r[column]))) for r in rows},
                     additive=additive)


def _code(value) -> str:
    """A breakdown row's key: the code, the unit id as text, "" for none."""
    return "" if value is None else str(value)


def _products(received: QuerySet, base: reg.Filters) -> Breakdown:
    rows = (ComplaintParty.objects.filter(kind=ComplaintParty.Kind.PRODUCT, complaint_id__in=received.values("pk"))
            .exclude(product="").values("product").annotate(n=Count("complaint_id", distinct=True))
            .order_by("-n", "product"))
    return Breakdown("product", {r["product"]: Figure(r["n"], replace(base, product_is=r["product"])) for r in rows},
                     additive=False)


def _accountability(closed: QuerySet, base: reg.Filters) -> Breakdown:
    """Complaints closed in the period with someone held to account, by the action."""
    rows = (Accountability.objects.filter(complaint_id__in=closed.values("pk")).values("action")
            .annotate(n=Count("complaint_id", distinct=True)).order_by("-n", "action"))
    found = {r["action"]: Figure(r["n"], replace(base, accountability=r["action"])) for r in rows}
    return Breakdown("accountability", found, additive=False)


def _heat(received: QuerySet, base: reg.Filters) -> dict[tuple[str, str], Figure]:
    rows = received.values("responsible_unit_id", "category").annotate(n=Count("pk"))
    heat = {}
    for r in rows:
        unit, category = r["responsible_unit_id"], r["category"]
        narrow = {"unit": reg.NO_UNIT} if unit is None else {"unit": unit, "unit_alone": reg.YES}
        heat[(_code(unit), category)] = Figure(r["n"], replace(base, category=category or reg.NONE, **narrow))
    return heat


def _trend(received: QuerySet, closed: QuerySet, period: Period, received_f: reg.Filters, closed_f: reg.Filters,
           cal: WorkCalendar) -> list[tuple[str, Figure, Figure]]:
    """Received and closed per day for up to three months, per month beyond."""
    by_month = period.days > 92
    trunc = TruncMonth if by_month else TruncDate

    def count(qs, column):
        rows = qs.annotate(step=trunc(column, tzinfo=cal.tz)).values("step").annotate(n=Count("pk"))
        return {(r["step"].date() if isinstance(r["step"], datetime) else r["step"]): r["n"] for r in rows}

    got, done = count(received, "received_at"), count(closed, "closed_at")
    points, day = [], period.first
    while day <= period.last:
        last = Period.containing("month", day).last if by_month else day
        last = min(last, period.last)
        label = f"{day:%Y-%m}" if by_month else day.isoformat()
        points.append((label, Figure(got.get(day, 0), replace(received_f, date_from=day, date_to=last)),
                       Figure(done.get(day, 0), replace(closed_f, date_from=day, date_to=last))))
        day = last + timedelta(days=1)
    return points


def working_days_to_close(closed: QuerySet, cal: WorkCalendar) -> Counter[int]:
    """How many complaints took how many working days from receipt to closing (as the
    register's column counts them). The calendar counts whole local days
    (WorkCalendar.working_days_between), so the database groups the complaints by their
    two dates and each pair is counted on the calendar once: a quarter's tens of
    thousands of closings are a few thousand pairs."""
    pairs = (closed.annotate(got=TruncDate("received_at", tzinfo=cal.tz), done=TruncDate("closed_at", tzinfo=cal.tz))
             .values("got", "done").annotate(n=Count("pk")))
    counts: Counter[int] = Counter()
    for r in pairs:
        counts[max(0, cal.working_days_between(_noon(r["got"], cal), _noon(r["done"], cal)))] += r["n"]
    return counts


def _noon(day: date, cal: WorkCalendar) -> datetime:
    return datetime.combine(day, time(12), tzinfo=cal.tz)


def percentile(counts: Counter[int], q: float) -> int | None:
    """Nearest rank: the smallest value with at least q of all the values at or below it."""
    total = sum(counts.values())
    if not total:
        return None
    rank, seen = max(1, math.ceil(q * total)), 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= rank:
            return value
    raise AssertionError("unreachable: the ranks add up to the total")
