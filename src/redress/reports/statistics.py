"""Period statistics (issue 11 item 2; 001 第二十四条 汇总报告: numbers, content, root
causes; 003 statistical analysis): what came in, what was closed and how, for a period
and a scope (the institution, or a unit with the units under it), as the viewer may see.

Every figure is a count of one register list (register.register with a Filters), so
the page links each number to exactly the complaints it counts; a rate or a working-day
figure links to the list it was computed over. Figures are aggregate queries over the
period's rows, never one query per complaint, so a quarter costs the same whatever the
number of complaints outside it; the page's three periods are read together
(statistics_of): one GROUP BY of the received complaints by period, category, channel,
unit and severity with every received figure as a conditional count (the breakdowns and
the heat map are sums of its groups), one of the closed by period and (received,
closed) date with every closed figure (the working days and the closing trend come from
its groups), one of the closed with a callback by period and satisfaction, the open at
the ends in two parts, one GROUP BY each for products, root causes, accountability and
payments, and the receiving trend: ten queries for the three periods.
Viewers who see every complaint (and department heads) read the same figures from the
period tallies the services keep (statistics_tallied.TalliedPasses): a period's whole
months from the month rows, its edge days (a custom period's partial months) counted
here over those days' complaints alone.

Two sets of complaints, as a regulator's return counts them:
- received in the period: breakdowns, re-complaints, late (a clock stopped late or
  marked breached, or still running past due today), extended, referrals;
- closed in the period: closed within the limit, working days to close, callbacks,
  compensation paid, root causes, accountability.
Only complaints count (inquiries are answered, not complained of: kind=complaint).
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import reduce

from django.db import connection, transaction
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncDate, TruncMonth

from redress.complaints.models import Accountability, ComplaintParty, Staff
from redress.reports import register as reg
from redress.reports.periods import Period
from redress.sla.calendar import WorkCalendar

CENT = Decimal("0.01")
WORK_MEM = "64MB"
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
    return reg.register(scope.staff, filters, now=now, tz=cal.tz, many=True).order_by()


def _counts(qs: QuerySet, conditions: dict[str, Q]) -> dict[str, int]:
    """Every condition counted over qs in one pass."""
    return qs.aggregate(**{name: Count("pk", filter=cond) for name, cond in conditions.items()})


def statistics(scope: Scope, period: Period, *, now: datetime, cal: WorkCalendar, charts: bool = True) -> Statistics:
    """One period's figures. `charts`: also the heat map and the trend."""
    return statistics_of(scope, [period], now=now, cal=cal, charts=charts)[0]


def statistics_of(scope: Scope, periods: list[Period], *, now: datetime, cal: WorkCalendar,
                  charts: bool = True) -> list[Statistics]:
    """The figures of several periods (a period, the one before, the year before), each
    exactly what `statistics` gives it alone, read in one pass per kind of row for all
    of them: each query reads the rows of every period at once and tells them apart by a
    bucket (the period's number), so three periods cost one scan of their rows, not three.
    `charts`: the heat map and the trend of the first period (the comparisons have none).
    Periods that overlap (a custom period longer than a year and its year before) are
    computed one by one, since a row then belongs to two buckets."""
    if _overlap(periods):
        return [statistics_of(scope, [p], now=now, cal=cal, charts=charts and i == 0)[0]
                for i, p in enumerate(periods)]
    found = []
    with transaction.atomic(), connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Room to group a quarter's rows in memory (the default 4 MB sorted the
            # received complaints' groups on disk at a million). For this transaction only.
            cur.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
        from redress.reports import statistics_tallied  # it builds on this module

        tallied = statistics_tallied.usable(scope, periods)
        passes = (statistics_tallied.TalliedPasses if tallied else _Passes)(scope, periods, now, cal)
        for i, period in enumerate(periods):
            figures, breakdowns = passes.figures(i), passes.breakdowns(i)
            if charts and i == 0:
                found.append(Statistics(period=period, figures=figures, breakdowns=breakdowns,
                                        heat=passes.heat(0), trend=passes.trend(0)))
            else:
                found.append(Statistics(period=period, figures=figures, breakdowns=breakdowns, heat={}, trend=[]))
    return found


def _overlap(periods: list[Period]) -> bool:
    ordered = sorted(periods, key=lambda p: p.first)
    return any(b.first <= a.last for a, b in zip(ordered, ordered[1:], strict=False))


def _referrals() -> dict[str, tuple[Q, dict]]:
    found = {}
    for kind in reg.REFERRAL_KINDS:
        found[f"referred_{kind}"] = (reg.referral_condition(kind), {"referral": kind})
        found[f"referred_{kind}_decided"] = (reg.referral_condition(kind) & Q(state="closed"),
                                             {"referral": kind, "state": "closed"})
        found[f"referred_{kind}_pending"] = (reg.referral_condition(kind) & Q(state="referred"),
                                             {"referral": kind, "state": "referred"})
    return found


# The columns the received complaints are grouped by: every breakdown of them and the
# heat map are sums over these groups (a few thousand for a quarter of a million rows).
GRAIN = ("category", "channel", "responsible_unit_id", "severity")


class _Passes:
    """The queries behind the figures of several disjoint periods, run once each."""

    def __init__(self, scope: Scope, periods: list[Period], now: datetime, cal: WorkCalendar,
                 only: list[int] | None = None, excluded: list[int] | None = None, whole: bool = True):
        """`only`/`excluded`: of the scope's complaints, only / all but those ids.
        `whole`: False for the edge days of tallied periods (statistics_tallied): only
        the figures that add up over a split of a period by day (each complaint counts
        on its received or its closed day), not open at the end, root causes or
        accountability, which the tallied reading counts over the whole periods."""
        everything = self._setup(scope, periods, now, cal, only, excluded)
        # Reached and satisfied from one look at the callbacks (satisfied: reached, and
        # the answer the complaint keeps is yes): each look costs a hash of them all.
        self.callbacks = self._sums(self.closed.filter(reg.callback_condition(reg.REACHED, many=True)), "closed_at",
                                    Count("pk"), "satisfied")
        self.received_groups = self._received_groups()
        self.closed_groups = self._closed_groups()
        self.paid = self._sums(reg.paid_remedies().filter(complaint_id__in=self.closed.values("pk")),
                               "complaint__closed_at", Sum("amount"))
        self.products = self._sums(
            ComplaintParty.objects.filter(kind=ComplaintParty.Kind.PRODUCT, complaint_id__in=self.received.values("pk"))
            .exclude(product=""), "complaint__received_at", Count("complaint_id", distinct=True), "product")
        if whole:
            self.open_at_end = self._open_at_end(everything)
            self._closed_breakdowns()

    def _closed_breakdowns(self) -> None:
        """Root causes (an index of the closed) and accountability (a few rows): counted
        from the rows by both ways of reading."""
        self.root_causes = self._sums(self.closed.exclude(root_cause=""), "closed_at", Count("pk"), "root_cause")
        self.actions = self._sums(Accountability.objects.filter(complaint_id__in=self.closed.values("pk")),
                                  "complaint__closed_at", Count("complaint_id", distinct=True), "action")

    def _setup(self, scope: Scope, periods: list[Period], now: datetime, cal: WorkCalendar,
               only: list[int] | None = None, excluded: list[int] | None = None) -> QuerySet:
        """What both ways of reading share (no query): the periods' bounds, their
        received and closed complaints as querysets, each figure's register filters.
        Returns every complaint of the scope (`only`: those of them with these ids;
        `excluded`: but those)."""
        self.scope, self.periods, self.now, self.cal = scope, periods, now, cal
        self.starts = [(reg.day_start(p.first, cal.tz), reg.day_start(p.last + timedelta(days=1), cal.tz))
                       for p in periods]
        everything = _qs(scope, _base(scope), now, cal)
        if only is not None:
            everything = everything.filter(pk__in=only)
        if excluded:
            everything = everything.exclude(pk__in=excluded)
        self.received = everything.filter(self._within("received_at"))
        self.closed = everything.filter(closed_at__isnull=False).filter(self._within("closed_at"))
        self.on_received = {
            "received": (Q(), {}),
            "late": (reg.late_condition(now), {"late": reg.YES}),
            "extended": (reg.extended_condition(), {"extended": reg.YES}),
            "recomplaints": (reg.recomplaint_condition(), {"recomplaint": reg.YES}),
            **_referrals(),
        }
        self.on_closed = {
            "closed": (Q(), {}),
            "on_time": (~reg.late_condition(now), {"late": reg.NO}),
            "compensated": (reg.compensated_condition(), {"compensated": reg.YES}),
        }
        return everything

    def _within(self, column: str) -> Q:
        return reduce(operator.or_, (Q(**{f"{column}__gte": start, f"{column}__lt": end})
                                     for start, end in self.starts))

    def _bucket(self, column: str) -> Case:
        """Which period a row's date falls in (its index in self.periods)."""
        return Case(*[When(Q(**{f"{column}__gte": start, f"{column}__lt": end}), then=Value(i))
                      for i, (start, end) in enumerate(self.starts)], output_field=IntegerField())

    def _received_groups(self) -> list[dict]:
        """The received complaints by period and GRAIN, each group with every count
        of the received figures (one pass)."""
        counts = {k: Count("pk", filter=cond) for k, (cond, _) in self.on_received.items()}
        return list(self.received.annotate(bucket=self._bucket("received_at")).values("bucket", *GRAIN)
                    .annotate(**counts).order_by())

    def _closed_groups(self) -> list[dict]:
        """The closed complaints by period and their (received, closed) local dates,
        each group with every count of the closed figures: the dates give the working
        days to close (each pair counted on the calendar once) and the closing trend."""
        tz = self.cal.tz
        counts = {k: Count("pk", filter=cond) for k, (cond, _) in self.on_closed.items()}
        return list(self.closed.annotate(bucket=self._bucket("closed_at"), got=TruncDate("received_at", tzinfo=tz),
                                         done=TruncDate("closed_at", tzinfo=tz))
                    .values("bucket", "got", "done").annotate(**counts).order_by())

    def _open_at_end(self, everything: QuerySet) -> list[int]:
        """Open at each period's end, counted over the complaints that were open at any
        of the ends (received before the last end, not closed before the first), in two
        parts that add up: those still open, and those closed since (a range of the
        closing index, answered from the index alone for the whole institution)."""
        ends = [end for _, end in self.starts]
        counts = {f"open{i}": Count("pk", filter=reg.open_at_condition(end)) for i, end in enumerate(ends)}
        before = everything.filter(received_at__lt=max(ends))
        parts = [before.filter(closed_at__isnull=True).aggregate(**counts),
                 before.filter(closed_at__gte=min(ends)).aggregate(**counts)]
        return [sum(part[f"open{i}"] for part in parts) for i in range(len(ends))]

    def _sums(self, qs: QuerySet, dated: str, total, *keys: str) -> list[dict]:
        """qs summed by period (`dated` says which date places a row in one) and keys,
        largest first."""
        return list(qs.annotate(bucket=self._bucket(dated)).values("bucket", *keys).annotate(n=total)
                    .order_by("bucket", "-n", *keys))

    def figures(self, i: int) -> dict[str, Figure]:
        period = self.periods[i]
        received_f, closed_f = received_filters(self.scope, period), closed_filters(self.scope, period)
        figures: dict[str, Figure] = {}
        for groups, conditions, base in ((self.received_groups, self.on_received, received_f),
                                         (self.closed_groups, self.on_closed, closed_f)):
            mine = [g for g in groups if g["bucket"] == i]
            for key, (_, more) in conditions.items():
                figures[key] = Figure(sum(g[key] for g in mine), replace(base, **more))
                if key == "on_time":  # the callbacks next, in the order a report lists them
                    reached = [r for r in self.callbacks if r["bucket"] == i]
                    figures["callbacks_reached"] = Figure(sum(r["n"] for r in reached),
                                                          replace(closed_f, callback=reg.REACHED))
                    figures["callbacks_satisfied"] = Figure(sum(r["n"] for r in reached if r["satisfied"] is True),
                                                            replace(closed_f, callback=reg.SATISFIED))
        paid = next((r["n"] for r in self.paid if r["bucket"] == i), None)
        # Cents as the amounts are kept (SQLite's SUM drops them from a whole number).
        figures["compensation_amount"] = Figure(Decimal(paid or 0).quantize(CENT), figures["compensated"].filters)
        open_f = replace(_base(self.scope), open_at=period.last)
        figures["open_at_end"] = Figure(self.open_at_end[i], open_f)
        days = self.working_days(i)
        figures["median_days"] = Figure(percentile(days, 0.5), closed_f)
        figures["p90_days"] = Figure(percentile(days, 0.9), closed_f)
        return figures

    def working_days(self, i: int) -> Counter[int]:
        """How many complaints closed in period i took how many working days from
        receipt to closing (as the register's column counts them)."""
        counts: Counter[int] = Counter()
        for g in self.closed_groups:
            if g["bucket"] == i:
                counts[max(0, self.cal.working_days_between(_noon(g["got"], self.cal),
                                                            _noon(g["done"], self.cal)))] += g["closed"]
        return counts

    def breakdowns(self, i: int) -> dict[str, Breakdown]:
        period = self.periods[i]
        received_f, closed_f = received_filters(self.scope, period), closed_filters(self.scope, period)
        mine = [g for g in self.received_groups if g["bucket"] == i]
        found = {
            "category": _by(mine, "category", received_f, lambda v: {"category": v or reg.NONE}),
            "channel": _by(mine, "channel", received_f, lambda v: {"channel": v}),
            "unit": _by(mine, "responsible_unit_id", received_f, _unit_narrowed),
            "severity": _by(mine, "severity", received_f, lambda v: {"severity": v}),
        }
        found["product"] = Breakdown("product", {r["product"]: Figure(r["n"], replace(received_f, product_is=r["product"]))
                                                 for r in self.products if r["bucket"] == i}, additive=False)
        found["root_cause"] = Breakdown("root_cause", {
            r["root_cause"]: Figure(r["n"], replace(closed_f, root_cause=r["root_cause"]))
            for r in self.root_causes if r["bucket"] == i}, additive=False)
        found["accountability"] = Breakdown("accountability", {
            r["action"]: Figure(r["n"], replace(closed_f, accountability=r["action"]))
            for r in self.actions if r["bucket"] == i}, additive=False)
        return found

    def heat(self, i: int) -> dict[tuple[str, str], Figure]:
        base = received_filters(self.scope, self.periods[i])
        cells: Counter[tuple] = Counter()
        for g in self.received_groups:
            if g["bucket"] == i:
                cells[(g["responsible_unit_id"], g["category"])] += g["received"]
        return {(_code(unit), category): Figure(n, replace(base, category=category or reg.NONE, **_unit_narrowed(unit)))
                for (unit, category), n in cells.items() if n}  # none of no complaint (as _by)

    def trend(self, i: int) -> list[tuple[str, Figure, Figure]]:
        """Received and closed per day for up to three months, per month beyond."""
        period, tz = self.periods[i], self.cal.tz
        received_f, closed_f = received_filters(self.scope, period), closed_filters(self.scope, period)
        by_month = period.days > 92
        trunc = TruncMonth if by_month else TruncDate
        start, end = self.starts[i]
        rows = (self.received.filter(received_at__gte=start, received_at__lt=end)
                .annotate(step=trunc("received_at", tzinfo=tz)).values("step").annotate(n=Count("pk")).order_by())
        got = {(r["step"].date() if isinstance(r["step"], datetime) else r["step"]): r["n"] for r in rows}

        def first(day: date) -> date:  # the key a point's day or month is counted under
            return day.replace(day=1) if by_month else day

        done: Counter[date] = Counter()  # the closed groups' closing dates, by day or by month
        for g in self.closed_groups:
            if g["bucket"] == i:
                done[first(g["done"])] += g["closed"]
        points, day = [], period.first
        while day <= period.last:
            last = Period.containing("month", day).last if by_month else day
            last = min(last, period.last)
            label = f"{day:%Y-%m}" if by_month else day.isoformat()
            # A custom period may start in a month's middle: its first point counts from there.
            points.append((label, Figure(got.get(first(day), 0), replace(received_f, date_from=day, date_to=last)),
                           Figure(done.get(first(day), 0), replace(closed_f, date_from=day, date_to=last))))
            day = last + timedelta(days=1)
        return points


def _unit_narrowed(unit: int | None) -> dict:
    return {"unit": reg.NO_UNIT} if unit is None else {"unit": unit, "unit_alone": reg.YES}


def _by(groups: list[dict], column: str, base: reg.Filters, narrow) -> Breakdown:
    """Every value of the column among the groups, largest first: a value missing from a
    period is truly 0 there (the tables show the top ones: TOP)."""
    counts: Counter = Counter()
    for g in groups:
        counts[g[column]] += g["received"]
    # A value of no complaint is not listed: the tallied reading's groups may sum to
    # none (statistics_tallied.TalliedPasses._net).
    counts = Counter({value: n for value, n in counts.items() if n})
    # Largest first, then by value (a unit id, no unit last), as an ORDER BY would.
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0] is None, item[0] if item[0] is not None else 0))
    key = column.removesuffix("_id").removeprefix("responsible_")
    return Breakdown(key, {_code(value): Figure(n, replace(base, **narrow(value))) for value, n in ordered})


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
