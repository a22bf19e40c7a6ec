"""The statistics read from the period tallies the services keep (models.PeriodTally),
for the viewers who see every complaint and periods made of whole months (a month, a
quarter, a half, a year, or a custom period from a month's first day to a month's last):
a quarter and its two comparisons sum a few thousand monthly rows instead of counting
the 600,000 complaint rows of the three quarters.

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
Other viewers (intake desks, handlers alone, callback agents), other periods, and a
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
from redress.reports.periods import Period
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


def usable(scope: Scope, periods: list[Period]) -> bool:
    """Whether the tallies can answer: every complaint visible, or a department head's
    unit (with their own complaints); whole months; built."""
    if not all(whole_months(p) for p in periods):
        return False
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
    """statistics._Passes with the big passes read from the tallies."""

    def __init__(self, scope: Scope, periods: list[Period], now, cal):
        everything = self._setup(scope, periods, now, cal)
        self.viewer = None if sees_everything(scope.staff) else unit_viewer(scope.staff)
        self.own = own_only(scope.staff, self.viewer) if self.viewer else []
        self.bucket_by_day = Case(*[When(day__gte=p.first, day__lte=p.last, then=Value(i))
                                    for i, p in enumerate(periods)], output_field=IntegerField())
        months = self._scoped(PeriodTally.objects.filter(span=S.MONTH)).filter(
            reduce(operator.or_, (Q(day__gte=p.first, day__lte=p.last) for p in periods)))
        self.received_groups = []
        for g in (months.filter(basis=B.RECEIVED).annotate(bucket=self.bucket_by_day).values("bucket", *GRAIN)
                  .annotate(**_sums(months, RECEIVED_FIGURES)).order_by()):
            if g["s_received"]:  # a key whose complaints all moved away sums to nothing
                self.received_groups.append({"bucket": g["bucket"], **{k: g[k] for k in GRAIN},
                                             **{f: g[f"s_{f}"] for f in RECEIVED_FIGURES}})
        self.closed_groups, self.days = [], [Counter() for _ in periods]
        closed_sums = [Counter() for _ in periods]
        for g in (months.filter(basis=B.CLOSED).annotate(bucket=self.bucket_by_day).values("bucket", "days")
                  .annotate(**_sums(months, CLOSED_FIGURES)).order_by()):
            if g["s_closed"]:
                i = g["bucket"]
                self.days[i][g["days"]] += g["s_closed"]
                self.closed_groups.append({"bucket": i, "closed": g["s_closed"],
                                           "on_time": g["s_closed"] - g["s_late"], "compensated": g["s_compensated"]})
                closed_sums[i].update({f: g[f"s_{f}"] for f in CLOSED_FIGURES})
        self.callbacks, self.paid = [], []
        for i, sums in enumerate(closed_sums):
            satisfied = sums["callbacks_satisfied"]
            self.callbacks += [{"bucket": i, "satisfied": True, "n": satisfied},
                               {"bucket": i, "satisfied": None, "n": sums["callbacks_reached"] - satisfied}]
            self.paid.append({"bucket": i, "n": Decimal(sums["compensation"] or 0)})
        self.products = [{"bucket": r["bucket"], "product": r["product"], "n": r["n"]} for r in (
            months.filter(basis=B.PRODUCT).annotate(bucket=self.bucket_by_day).values("bucket", "product")
            .annotate(n=Sum("received")).filter(n__gt=0).order_by("bucket", "-n", "product"))]
        # Late now and not marked: open, past due, no breached clock (few: the sweep marks them).
        unmarked = everything.filter(state__in=reg.OPEN_STATES, due_at__lt=now).filter(
            ~Exists(ComplaintClock.objects.filter(complaint_id=OuterRef("pk"), breached=True)))
        if self.own:  # counted whole by their own passes
            unmarked = unmarked.exclude(pk__in=self.own)
        self.late_now = self._per_period(unmarked.filter(self._within("received_at")), "received_at")
        self.late_now_closed = self._per_period(unmarked.filter(closed_at__isnull=False)
                                                .filter(self._within("closed_at")), "closed_at")
        self.open_at_end = self._open_at_end_tallied() if self.viewer else self._open_at_end(everything)
        self._closed_breakdowns()
        self.more = _Passes(scope, periods, now, cal, only=self.own) if self.own else None
        if self.more:
            self._add(self.more)

    def _open_at_end_tallied(self) -> list[int]:
        """Open at each period's end: received by then less closed by then, from the
        month rows of all the months up to it (a complaint is closed after it was
        received: register.open_at_condition). The institution's is answered from an
        index instead (_Passes._open_at_end); a head's scope is not an index's."""
        ends = [p.last.replace(day=1) for p in self.periods]
        months = self._scoped(PeriodTally.objects.filter(span=S.MONTH, basis__in=[B.RECEIVED, B.CLOSED],
                                                         day__lte=max(ends)))
        found = [0] * len(ends)
        for r in months.values("day").annotate(r=Sum("received"), c=Sum("closed")).order_by():
            for i, end in enumerate(ends):
                if r["day"] <= end:
                    found[i] += r["r"] - r["c"]
        return found

    def _add(self, more: _Passes) -> None:
        """Add the figures of a set of complaints apart from the tallied ones (a head's
        own), counted from the rows: groups are listed beside the tallies' groups (every
        figure sums its groups), the sums added."""
        self.received_groups += more.received_groups
        self.closed_groups += more.closed_groups
        for i in range(len(self.periods)):
            self.days[i].update(more.working_days(i))
        self.callbacks += more.callbacks
        self.open_at_end = [a + b for a, b in zip(self.open_at_end, more.open_at_end, strict=True)]
        for r in more.paid:
            self.paid[r["bucket"]]["n"] += Decimal(r["n"] or 0)
        products = Counter({(r["bucket"], r["product"]): r["n"] for r in self.products})
        products.update({(r["bucket"], r["product"]): r["n"] for r in more.products})
        self.products = [{"bucket": b, "product": p, "n": n}
                         for (b, p), n in sorted(products.items(), key=lambda item: (item[0][0], -item[1], item[0][1]))]

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

    def _per_period(self, qs, dated: str) -> list[int]:
        found = [0] * len(self.periods)
        for r in self._sums(qs, dated, Count("pk")):
            if r["bucket"] is not None:
                found[r["bucket"]] += r["n"]
        return found

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
