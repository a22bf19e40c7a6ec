"""The statistics read from the period tallies the services keep (models.PeriodTally),
for the viewers who see every complaint (and department heads), for any period: a
quarter and its two comparisons sum a few thousand monthly rows instead of counting
the 600,000 complaint rows of the three quarters.

A custom period's partial months (15 November - 6 December; this month or quarter to
date) are read by `plans`: its whole months from the month rows, and each edge (at
most two runs of days, each within one month: `split`) either counted from the rows of
its days alone and added, or its month read from the month rows and the rest of that
month counted from the rows and taken away, whichever has fewer days up to today to
count. Every figure the edges change adds up over a split of a period by day (a
complaint counts on its received day and, once closed, on its closing day): the groups,
histograms and sums of the edges' pass (statistics._Passes over those days, `whole`
False) are listed beside the month rows' with their sign (`_add`, `_net`).

The same figures as statistics._Passes counts from the rows, with the same register
filters behind each number, so the links are unchanged. What the tallies cannot hold
is read from the rows, each part small or answered from an index:
- "late" is partly a matter of now: a running clock past due that the sweep has not
  marked yet (register.late_condition's second part). The tallies count the complaints
  with a clock marked breached; the open complaints past due without one are counted
  live (open and overdue: an index of the open cases' due times) and added to "late"
  and taken from "on time";
- open at each period's end, root causes and accountability, as before (indexes, few
  rows).
A department head's scope (scope.unit_viewer) is read from their unit's rows (the
tallies keep a row set per unit that sees a complaint: responsible, branch, work orders,
PeriodTally.viewer; scope.UNIT_LINKS says them once for the tallies, the lists and
scope.unit_view_condition), plus, counted from the rows, the few complaints they see as a
person and not through the unit (scope.own_complaints: owned, first responded, a
transfer to them pending, handled): the two sets are apart, so every figure is the sum
of its two parts, and the register's link is the same one.
Other viewers (intake desks, handlers alone, callback agents) and a
database whose tallies were never built (`redress tallies --rebuild`) are counted from
the rows (statistics._Passes).
"""

from __future__ import annotations

import operator
from collections import Counter
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Sum, Value, When

from redress.complaints import period_tally
from redress.complaints.models import Complaint, ComplaintClock, PeriodTally
from redress.complaints.models.period_tally import REFERRALS
from redress.complaints.selectors.scope import (
    own_complaints,
    sees_everything,
    unit_view_condition,
    unit_viewer,
)
from redress.reports import register as reg
from redress.reports.periods import CUSTOM, Period, add_months
from redress.reports.statistics import (
    GRAIN,
    Figure,
    Scope,
    _Passes,
    closed_filters,
    received_filters,
)

RECEIVED_FIGURES = ("received", "late", "extended", "recomplaints", *REFERRALS)
CLOSED_FIGURES = ("closed", "late", "compensated", "compensation", "callbacks_reached", "callbacks_satisfied")
B, S = PeriodTally.Basis, PeriodTally.Span


def whole_months(period: Period) -> bool:
    return period.first.day == 1 and (period.last + timedelta(days=1)).day == 1


def split(period: Period) -> tuple[Period | None, list[Period]]:
    """The period's run of whole months (None when it holds no whole month) and its edge
    days: the days before its first whole month and after its last, each run within one
    month (at most two). The parts are apart and together make the period."""
    after = period.last + timedelta(days=1)
    first = period.first if period.first.day == 1 else add_months(period.first, 1)
    end = after if after.day == 1 else period.last.replace(day=1)  # the day after the whole months
    if first >= end:  # no whole month: within one month, or across one month's end
        if period.first.replace(day=1) == period.last.replace(day=1):
            return None, [period]
        return None, [Period(CUSTOM, period.first, first - timedelta(days=1)), Period(CUSTOM, first, period.last)]
    edges = []
    if period.first < first:
        edges.append(Period(CUSTOM, period.first, first - timedelta(days=1)))
    if end <= period.last:
        edges.append(Period(CUSTOM, end, period.last))
    return Period(CUSTOM, first, end - timedelta(days=1)), edges


def plans(periods: list[Period], today: date) -> list[tuple[Period | None, list[tuple[Period, int]]]]:
    """How to read each period: a run of months from the month rows (None: none), plus
    (+1) or less (-1) the rows of some days. Each edge (split) is either added from its
    rows, or its month is read whole and the rest of that month taken away, whichever
    has fewer days to count from the rows; days after today count nothing (no complaint
    is received or closed then), so a month or a quarter to date is all month rows (its
    month's future days are still counted, as nothing, so the sum stays exact). A month
    is read whole for one period at most (the month rows are told apart by the months),
    so an edge whose month another period reads is added."""
    split_up = [split(p) for p in periods]
    taken = {month for whole, _ in split_up if whole for month in _months(whole)}
    found = []
    for whole, edges in split_up:
        first, last = (whole.first, whole.last) if whole else (None, None)
        parts: list[tuple[Period, int]] = []
        for edge in edges:
            month = Period.containing("month", edge.first)
            rest = [p for p in (Period(CUSTOM, month.first, edge.first - timedelta(days=1)),
                                Period(CUSTOM, edge.last + timedelta(days=1), month.last)) if p.first <= p.last]
            if month.first not in taken and _cost(rest, today) < _cost([edge], today):
                taken.add(month.first)
                parts += [(p, -1) for p in rest]
                first, last = min(first or month.first, month.first), max(last or month.last, month.last)
            else:
                parts.append((edge, +1))
        found.append(((Period(CUSTOM, first, last) if first else None), parts))
    return found


def _months(period: Period) -> list[date]:
    found, day = [], period.first.replace(day=1)
    while day <= period.last:
        found.append(day)
        day = add_months(day, 1)
    return found


def _cost(runs: list[Period], today: date) -> int:
    """Days of the runs up to today: what counting their rows costs, roughly."""
    return sum(max(0, (min(p.last, today) - p.first).days + 1) for p in runs)


def segments(parts: list[tuple[int, Period, int]]) -> tuple[list[Period], list[list[tuple[int, int]]]]:
    """The runs of days to count from the rows, apart, for (period, run, sign) parts whose
    runs may overlap across periods (a custom period's month less its first days may
    take away the very days its previous period adds): each run of days once, with the
    (period, sign) pairs its figures go to."""
    cuts = sorted({p.first for _, p, _ in parts} | {p.last + timedelta(days=1) for _, p, _ in parts})
    found, owners = [], []
    for a, b in zip(cuts, cuts[1:], strict=False):
        mine = [(i, sign) for i, p, sign in parts if p.first <= a and b <= p.last + timedelta(days=1)]
        if mine:
            found.append(Period(CUSTOM, a, b - timedelta(days=1)))
            owners.append(mine)
    return found, owners


def usable(scope: Scope, periods: list[Period]) -> bool:
    """Whether the tallies can answer: every complaint visible, or a department head's
    unit (with their own complaints); built."""
    if sees_everything(scope.staff):
        return period_tally.built()
    return unit_viewer(scope.staff) is not None and period_tally.built_for_viewers()


def own_only(staff, viewer: int) -> list[int]:
    """The complaints a head sees as a person and not through their unit: counted from
    the rows beside their unit's tallies (usually none)."""
    mine = {pk for (pk,) in own_complaints(staff)}
    if not mine:
        return []
    return sorted(Complaint.objects.filter(pk__in=mine, kind=Complaint.Kind.COMPLAINT)
                  .exclude(unit_view_condition(viewer)).values_list("pk", flat=True))


def _sums(qs, names: tuple[str, ...]) -> dict:
    # Named apart from the model's columns (an annotation may not take a field's name).
    return {f"s_{name}": Sum(name) for name in names}


class TalliedPasses(_Passes):
    """statistics._Passes with the big passes read from the tallies: each period's months
    from the month rows, its edge days (plan) counted from the rows of those days alone
    (self.edges) and added, or the rest of their months taken away."""

    def __init__(self, scope: Scope, periods: list[Period], now, cal):
        everything = self._setup(scope, periods, now, cal)
        self.viewer = None if sees_everything(scope.staff) else unit_viewer(scope.staff)
        self.own = own_only(scope.staff, self.viewer) if self.viewer else []
        today = now.astimezone(cal.tz).date()
        how = plans(periods, today)
        self.months = [months for months, _ in how]
        self.received_groups, self.closed_groups = [], []
        self.days = [Counter() for _ in periods]
        closed_sums = [Counter() for _ in periods]
        self.products = []
        spans = [(i, m) for i, m in enumerate(self.months) if m is not None]
        if spans:
            self._read_months(spans, closed_sums)
        self.callbacks, self.paid = [], []
        for i, sums in enumerate(closed_sums):
            satisfied = sums["callbacks_satisfied"]
            self.callbacks += [{"bucket": i, "satisfied": True, "n": satisfied},
                               {"bucket": i, "satisfied": None, "n": sums["callbacks_reached"] - satisfied}]
            self.paid.append({"bucket": i, "n": Decimal(sums["compensation"] or 0)})
        # Late now and not marked: open, past due, no breached clock (few: the sweep marks
        # them). Over the months read from the month rows (which count only the marked),
        # as those read them: the days added or taken away are counted with the live
        # condition by their own pass.
        self.late_now = self.late_now_closed = [0] * len(periods)
        if spans:
            unmarked = everything.filter(state__in=reg.OPEN_STATES, due_at__lt=now).filter(
                ~Exists(ComplaintClock.objects.filter(complaint_id=OuterRef("pk"), breached=True)))
            if self.own:  # counted whole by their own passes
                unmarked = unmarked.exclude(pk__in=self.own)
            self.late_now = self._per_span(unmarked, "received_at", spans)
            self.late_now_closed = self._per_span(unmarked.filter(closed_at__isnull=False), "closed_at", spans)
        self.open_at_end = self._open_at_end_tallied() if self.viewer else self._open_at_end(everything)
        self._closed_breakdowns()
        # The edge days: the same passes as the rows' reading over those days alone (a
        # custom period's partial months, added, or the rest of their months, taken
        # away; none for a month to a year), each run of days once for all the periods.
        runs, owners = segments([(i, run, sign) for i, (_, parts) in enumerate(how) for run, sign in parts])
        self.edges = None
        if runs:
            self.edges = _Passes(scope, runs, now, cal, excluded=self.own, whole=False)
            self._add(self.edges, owners)
            self._net()
        self.more = _Passes(scope, periods, now, cal, only=self.own) if self.own else None
        if self.more:
            self._add(self.more, [[(i, 1)] for i in range(len(periods))])
            self.open_at_end = [a + b for a, b in zip(self.open_at_end, self.more.open_at_end, strict=True)]

    def _read_months(self, spans: list[tuple[int, Period]], closed_sums: list[Counter]) -> None:
        """The months' figures from the month rows: `spans` (period, its run of months;
        apart: plans)."""
        bucket = Case(*[When(day__gte=m.first, day__lte=m.last, then=Value(i)) for i, m in spans],
                      output_field=IntegerField())
        months = self._scoped(PeriodTally.objects.filter(span=S.MONTH)).filter(
            reduce(operator.or_, (Q(day__gte=m.first, day__lte=m.last) for _, m in spans)))
        for g in (months.filter(basis=B.RECEIVED).annotate(bucket=bucket).values("bucket", *GRAIN)
                  .annotate(**_sums(months, RECEIVED_FIGURES)).order_by()):
            if g["s_received"]:  # a key whose complaints all moved away sums to nothing
                self.received_groups.append({"bucket": g["bucket"], **{k: g[k] for k in GRAIN},
                                             **{f: g[f"s_{f}"] for f in RECEIVED_FIGURES}})
        for g in (months.filter(basis=B.CLOSED).annotate(bucket=bucket).values("bucket", "days")
                  .annotate(**_sums(months, CLOSED_FIGURES)).order_by()):
            if g["s_closed"]:
                i = g["bucket"]
                self.days[i][g["days"]] += g["s_closed"]
                self.closed_groups.append({"bucket": i, "closed": g["s_closed"],
                                           "on_time": g["s_closed"] - g["s_late"], "compensated": g["s_compensated"]})
                closed_sums[i].update({f: g[f"s_{f}"] for f in CLOSED_FIGURES})
        self.products = [{"bucket": r["bucket"], "product": r["product"], "n": r["n"]} for r in (
            months.filter(basis=B.PRODUCT).annotate(bucket=bucket).values("bucket", "product")
            .annotate(n=Sum("received")).filter(n__gt=0).order_by("bucket", "-n", "product"))]

    def _per_span(self, qs, dated: str, spans: list[tuple[int, Period]]) -> list[int]:
        """qs counted by the span its `dated` day falls in, for the span's period (the
        spans are apart: plans)."""
        tz = self.cal.tz

        def within(m: Period) -> Q:
            return Q(**{f"{dated}__gte": reg.day_start(m.first, tz),
                        f"{dated}__lt": reg.day_start(m.last + timedelta(days=1), tz)})

        bucket = Case(*[When(within(m), then=Value(i)) for i, m in spans], output_field=IntegerField())
        found = [0] * len(self.periods)
        for r in (qs.filter(reduce(operator.or_, (within(m) for _, m in spans))).annotate(bucket=bucket)
                  .values("bucket").annotate(n=Count("pk")).order_by()):
            found[r["bucket"]] += r["n"]
        return found

    def _open_at_end_tallied(self) -> list[int]:
        """Open at each period's end: received by then less closed by then (a complaint
        is closed after it was received: register.open_at_condition), from the month rows
        of the whole months up to it and the day rows of the days of its last month up
        to it. The institution's is answered from an index instead (_Passes._open_at_end);
        a head's scope is not an index's."""
        ends = [p.last for p in self.periods]
        # Each end's first day not in a whole month up to it: its month's first, or the next.
        cuts = [end + timedelta(days=1) if (end + timedelta(days=1)).day == 1 else end.replace(day=1) for end in ends]
        found = [0] * len(ends)
        months = self._scoped(PeriodTally.objects.filter(span=S.MONTH, basis__in=[B.RECEIVED, B.CLOSED],
                                                         day__lt=max(cuts)))
        for r in months.values("day").annotate(r=Sum("received"), c=Sum("closed")).order_by():
            for i, cut in enumerate(cuts):
                if r["day"] < cut:
                    found[i] += r["r"] - r["c"]
        partial = [(i, cut, end) for i, (cut, end) in enumerate(zip(cuts, ends, strict=True)) if cut <= end]
        if partial:
            days = self._scoped(PeriodTally.objects.filter(span=S.DAY, basis__in=[B.RECEIVED, B.CLOSED])).filter(
                reduce(operator.or_, (Q(day__gte=cut, day__lte=end) for _, cut, end in partial)))
            for r in days.values("day").annotate(r=Sum("received"), c=Sum("closed")).order_by():
                for i, cut, end in partial:
                    if cut <= r["day"] <= end:
                        found[i] += r["r"] - r["c"]
        return found

    def _add(self, more: _Passes, owners: list[list[tuple[int, int]]]) -> None:
        """Add (or take away) the figures of a set of complaints apart from the tallied
        ones (a head's own, the edge days'), counted from the rows: `more`'s period j
        goes to our periods owners[j], (period, +1 or -1) each. Groups are listed beside
        the tallies' groups (every figure sums its groups), the sums added."""
        def mine(rows: list[dict], *numbers: str) -> list[dict]:
            return [{**r, "bucket": i, **{k: sign * r[k] for k in numbers if r[k] is not None}}
                    for r in rows if r["bucket"] is not None for i, sign in owners[r["bucket"]]]

        self.received_groups += mine(more.received_groups, *more.on_received)
        self.closed_groups += mine(more.closed_groups, *more.on_closed)
        for j, pairs in enumerate(owners):
            for i, sign in pairs:
                self.days[i].update({days: sign * n for days, n in more.working_days(j).items()})
        self.callbacks += mine(more.callbacks, "n")
        for r in mine(more.paid, "n"):
            self.paid[r["bucket"]]["n"] += Decimal(r["n"] or 0)
        products = Counter({(r["bucket"], r["product"]): r["n"] for r in self.products})
        for r in mine(more.products, "n"):
            products[(r["bucket"], r["product"])] += r["n"]
        self.products = [{"bucket": b, "product": p, "n": n}
                         for (b, p), n in sorted(products.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))
                         if n]

    def _net(self) -> None:
        """After days were taken away: one group per key, none whose figures all sum to
        nothing. A key may sum to no complaint and still keep a figure: "late" of the
        days taken away counts the running clocks past due, which the month rows leave
        to late_now (over the whole month), so there it is negative, and it must stay
        in the sum; the breakdowns and the heat map list no value of no complaint
        (statistics._by), as the rows' count does not."""
        netted: dict[tuple, dict] = {}
        for g in self.received_groups:
            key = (g["bucket"], *(g[k] for k in GRAIN))
            if key not in netted:
                netted[key] = {"bucket": g["bucket"], **{k: g[k] for k in GRAIN}, **{f: 0 for f in self.on_received}}
            for f in self.on_received:
                netted[key][f] += g[f]
        self.received_groups = [g for g in netted.values() if any(g[f] for f in self.on_received)]
        self.days = [Counter({days: n for days, n in counts.items() if n}) for counts in self.days]

    def _scoped(self, qs):
        """The tallies of the viewer (the institution, or a head's unit), of the scope's
        unit (with the units under it) and category."""
        qs = qs.filter(viewer=self.viewer) if self.viewer else qs.filter(viewer__isnull=True)
        if self.scope.unit:
            qs = qs.filter(responsible_unit_id__in=reg.sub_units(self.scope.unit))
        if self.scope.category == reg.NONE:
            qs = qs.filter(category="")
        elif self.scope.category:
            qs = qs.filter(category=self.scope.category)
        return qs

    def figures(self, i: int) -> dict[str, Figure]:
        figures = super().figures(i)
        figures["late"] = replace(figures["late"], value=figures["late"].value + self.late_now[i])
        figures["on_time"] = replace(figures["on_time"], value=figures["on_time"].value - self.late_now_closed[i])
        return figures

    def working_days(self, i: int) -> Counter[int]:
        return self.days[i]

    def trend(self, i: int) -> list[tuple[str, Figure, Figure]]:
        """Received and closed per day for up to three months, per month beyond, from
        the day tallies."""
        period = self.periods[i]
        received_f, closed_f = received_filters(self.scope, period), closed_filters(self.scope, period)
        by_month = period.days > 92

        def first(day: date) -> date:
            return day.replace(day=1) if by_month else day

        got: Counter[date] = Counter()
        done: Counter[date] = Counter()
        days = self._scoped(PeriodTally.objects.filter(span=S.DAY, basis__in=[B.RECEIVED, B.CLOSED],
                                                       day__gte=period.first, day__lte=period.last))
        for r in days.values("day").annotate(r=Sum("received"), c=Sum("closed")).order_by():
            got[first(r["day"])] += r["r"]
            done[first(r["day"])] += r["c"]
        points, day = [], period.first
        while day <= period.last:
            last = min(Period.containing("month", day).last if by_month else day, period.last)
            label = f"{day:%Y-%m}" if by_month else day.isoformat()
            points.append((label, Figure(got.get(first(day), 0), replace(received_f, date_from=day, date_to=last)),
                           Figure(done.get(first(day), 0), replace(closed_f, date_from=day, date_to=last))))
            day = last + timedelta(days=1)
        if self.more:
            points = [(label, replace(got_f, value=got_f.value + more_got.value),
                       replace(done_f, value=done_f.value + more_done.value))
                      for (label, got_f, done_f), (_, more_got, more_done) in zip(points, self.more.trend(i), strict=True)]
        return points
