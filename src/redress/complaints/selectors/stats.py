"""Numbers for the dashboard: a person's open work, deadlines in their scope, and the
last 30 days of intake and on-time rate. Read-only. Open work and deadlines start from
the scope selector and are counted by the database on indexed columns; the charts sum
the day tallies the services keep per unit (models.DayTally), a few hundred rows for a
month, so the page stays fast on a million complaints.

"Today" and "per day" are the institution's calendar days (the policy pack's time
zone), not the server's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from redress.complaints.lifecycle import OPEN
from redress.complaints.models import (
    Assignment,
    Complaint,
    ComplaintClock,
    DayTally,
    OrgUnit,
    Staff,
)
from redress.complaints.selectors.scope import (
    sees_everything,
    visible_complaints,
)
from redress.complaints.selectors.worklists import breached_ahead, overdue_condition
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack

CHART_DAYS = 30
# Chart data is the same for a minute: a dashboard reloaded by many people in the
# complaints office then costs one aggregation, not one each.
CHART_CACHE_SECONDS = 60

_OPEN_STATES = [s.value for s in OPEN]


def institution_tz() -> ZoneInfo:
    return ZoneInfo(active_pack().calendar.timezone)


def day_bounds(at: datetime) -> tuple[date, datetime]:
    """The institution's calendar day containing `at`, and the start of the next one."""
    tz = institution_tz()
    today = at.astimezone(tz).date()
    return today, datetime.combine(today + timedelta(days=1), time.min, tz)


# ---- the person's own open work ---------------------------------------------------


@dataclass(frozen=True)
class OpenWork:
    assigned: QuerySet  # they are the handler, or a live work order names them


def open_work(staff: Staff) -> OpenWork:
    mine = visible_complaints(staff).filter(state__in=_OPEN_STATES)
    # A UNION of two index lookups ((handler, state) and the work orders' handler)
    # rather than an OR across a join, which PostgreSQL can only answer by a scan.
    # The work orders only of open complaints: a handler has thousands over the years,
    # and PostgreSQL joins them to the open ids read from the open index alone.
    handled = (Complaint.objects.filter(handler=staff, state__in=_OPEN_STATES).values("pk")
               .union(Assignment.objects.filter(handler=staff, complaint__state__in=_OPEN_STATES)
                      .exclude(status=Assignment.Status.RETURNED).values("complaint_id")))
    return OpenWork(
        assigned=mine.filter(pk__in=handled),
    )


def with_next_clock(qs: QuerySet) -> QuerySet:
    """Complaints with their running clocks (earliest due first) as `.running_clocks`."""
    running = ComplaintClock.objects.filter(status=ComplaintClock.Status.RUNNING).order_by("due_at")
    return qs.prefetch_related(Prefetch("clocks", queryset=running, to_attr="running_clocks"))


# ---- deadlines in the person's scope ----------------------------------------------


def deadline_counts(staff: Staff, at: datetime | None = None) -> dict[str, int]:
    """Complaints in scope that are overdue (`overdue`) and due later today
    (`due_today`), counted as the worklists of those names list them (by the soonest
    running due time kept on the complaint, on its index). Cached per scope for a minute
    like the charts: the worklists give the exact, live list."""
    at = at or current_time()
    key = f"redress:stats:deadlines:{_scope_key(staff)}:{at:%Y-%m-%dT%H:%M}"
    counts = cache.get(key)
    if counts is None:
        counts = _deadline_counts(staff, at)
        cache.set(key, counts, CHART_CACHE_SECONDS)
    return counts


def _deadline_counts(staff: Staff, at: datetime) -> dict[str, int]:
    _, tomorrow = day_bounds(at)
    breached = breached_ahead(at)
    late, today = overdue_condition(at, breached), Q(due_at__gte=at, due_at__lt=tomorrow)
    # Both sets as one range of the due-time index ("before tomorrow"), which answers
    # the office's counts from the index alone; as "late OR today" PostgreSQL read the
    # 5,000 heap pages of a bitmap for them (2.5 against 12–43 ms at 1M).
    rows = Q(due_at__lt=tomorrow) | Q(pk__in=breached) if breached else Q(due_at__lt=tomorrow)
    counts = (visible_complaints(staff).filter(rows)
              .aggregate(overdue=Count("pk", filter=late), due_today=Count("pk", filter=today)))
    return {k: v or 0 for k, v in counts.items()}


# ---- charts: the last 30 days --------------------------------------------------------


def _scope_key(staff: Staff) -> str:
    if sees_everything(staff):
        return "all"  # everyone who oversees the institution sees the same numbers
    return f"staff{staff.pk}-unit{staff.unit_id}-" + ".".join(sorted(staff.role_set()))


@dataclass(frozen=True)
class ChartScope:
    """Whose figures the charts show. The charts read the day tallies (models.DayTally),
    kept by unit: the whole institution for those who oversee it (and the callback desk,
    which calls back across it), the unit responsible for the cases for handlers and
    department heads, the unit that took them in for an intake desk."""

    kind: str  # "institution", "unit" or "intake_unit"
    unit: OrgUnit | None = None

    @property
    def condition(self) -> Q:
        if self.kind == "unit":
            return Q(responsible_unit_id=self.unit.pk)
        if self.kind == "intake_unit":
            return Q(intake_unit_id=self.unit.pk)
        return Q()

    @property
    def clock_condition(self) -> Q:
        """The same scope for ComplaintClock rows (through their complaint)."""
        if self.kind == "unit":
            return Q(complaint__responsible_unit_id=self.unit.pk)
        if self.kind == "intake_unit":
            return Q(complaint__intake_unit_id=self.unit.pk)
        return Q()

    @property
    def key(self) -> str:
        return self.kind if self.unit is None else f"{self.kind}{self.unit.pk}"


def chart_scope(staff: Staff) -> ChartScope | None:
    """None: no charts (no unit and no role that looks at a unit's figures)."""
    roles = staff.role_set()
    if sees_everything(staff) or "callback" in roles:
        return ChartScope("institution")
    if staff.unit_id and roles & {"handler", "dept_head"}:
        return ChartScope("unit", staff.unit)
    if staff.unit_id and "intake" in roles:
        return ChartScope("intake_unit", staff.unit)
    return None


def _window(at: datetime, days: int) -> tuple[date, date]:
    today, _ = day_bounds(at)
    return today - timedelta(days=days - 1), today


def _tallies(scope: ChartScope, first: date, last: date) -> QuerySet:
    return DayTally.objects.filter(scope.condition, day__gte=first, day__lte=last)


def intake_by_day(scope: ChartScope | None, at: datetime | None = None, days: int = CHART_DAYS) -> dict:
    """{"days": [date, ...], "by_category": {category code or "": [count per day]}} for
    complaints received in scope on each of the last `days` calendar days."""
    first, today = _window(at or current_time(), days)
    day_list = [first + timedelta(days=i) for i in range(days)]
    by_category: dict[str, list[int]] = {}
    if scope is None:
        return {"days": day_list, "by_category": by_category}
    rows = _tallies(scope, first, today).values("day", "category").annotate(n=Sum("received")).order_by()
    index = {d: i for i, d in enumerate(day_list)}
    for row in rows:  # one row per (day, category): at most days × categories
        if row["n"]:
            by_category.setdefault(row["category"], [0] * days)[index[row["day"]]] += row["n"]
    return {"days": day_list, "by_category": by_category}


def on_time_by_week(scope: ChartScope | None, at: datetime | None = None, days: int = CHART_DAYS) -> list[dict]:
    """[{"week": Monday, "on_time": m, "late": n, "stopped": s}] for the last `days`
    days, by week: `on_time`, clocks stopped within their limit that week; `late`, clocks
    that passed their due time that week, stopped since or still running; `stopped`,
    every clock stopped that week. A limit counts once, met or missed, in the week that
    settled it.

    The late ones are the day tallies (the sweep's mark_breaches, or the step that
    stopped or started a clock already past due) plus the running clocks past due that
    the sweep has not reached yet, read here (status and due time are indexed; between
    two sweeps they are a handful), so the chart agrees with the overdue count beside it."""
    at = at or current_time()
    first, today = _window(at, days)
    first_monday = first - timedelta(days=first.weekday())
    weeks = {first_monday + timedelta(weeks=i): {"stopped": 0, "on_time": 0, "late": 0}
             for i in range((today - first_monday).days // 7 + 1)}

    def week(day: date) -> dict:
        return weeks[day - timedelta(days=day.weekday())]

    if scope is not None:
        rows = (_tallies(scope, first, today).values("day")
                .annotate(stopped=Sum("stopped"), on_time=Sum("on_time"), late=Sum("late")).order_by())
        for row in rows:
            for figure in ("stopped", "on_time", "late"):
                week(row["day"])[figure] += row[figure]
        tz = institution_tz()
        unmarked = ComplaintClock.objects.filter(
            scope.clock_condition, status=ComplaintClock.Status.RUNNING, breached=False,
            due_at__gte=datetime.combine(first, time.min, tz), due_at__lt=at)
        # Counted per local day by the database: when the sweep has fallen behind they
        # are thousands, and reading each due time into Python cost 25 ms at a million.
        by_day = (unmarked.annotate(local_day=TruncDate("due_at", tzinfo=tz)).values("local_day")
                  .annotate(n=Count("pk")).order_by())
        for row in by_day:
            week(row["local_day"])["late"] += row["n"]
    return [{"week": week, **counts} for week, counts in sorted(weeks.items())]


def chart_data(staff: Staff, at: datetime | None = None) -> dict:
    """Both charts for the person's chart scope, cached per scope and day for a minute."""
    at = at or current_time()
    today, _ = day_bounds(at)
    scope = chart_scope(staff)
    key = f"redress:stats:charts:{scope.key if scope else 'none'}:{today.isoformat()}"
    data = cache.get(key)
    if data is None:
        data = {"intake": intake_by_day(scope, at), "on_time": on_time_by_week(scope, at)}
        cache.set(key, data, CHART_CACHE_SECONDS)
    return {**data, "scope": scope}
