"""Improbably many complaints in a series (003 §7 预警).

A series is all complaints, a unit × category (the unit responsible for the complaint,
or before it is dispatched the branch it concerns) or a product named in the
complaint's parties. For
each window (7 and 30 days by default, ending now) its complaints are counted and set
against the same series over the baseline: the `baseline_weeks` before the window.
The baseline's rate, scaled to the window, is the count to expect; if the chance of at
least the count seen, under a Poisson law with that mean, is below the pack's
`p_value`, the series is a candidate. A series with nothing in its baseline is taken
as if it had one complaint there, so a new series needs a real cluster, not two
complaints, and `min_count` sets a floor. Too little history (under four weeks of
complaints before the window) is no baseline at all: nothing is judged.

With the pack's `allow_for_overall_rise` (off by default), when all the other complaints
came in faster in the window than in the baseline, a unit × category's or a product's
expectation is raised by the same factor: a series that only rose with everything else
is not singled out — the rise itself is the "all complaints" warning, raised once.
All complaints are a series too, judged last: not raised when the series found in
that window or a shorter one hold half its complaints or more (the rise is theirs).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Count, Min
from django.db.models.functions import Coalesce

from redress.complaints.models import ComplaintParty
from redress.earlywarning.candidates import Candidate, counted
from redress.earlywarning.poisson import upper_tail
from redress.policy.schema import EarlyWarningPolicy

MIN_HISTORY = timedelta(days=28)
DAY = timedelta(days=1)


def _in(start: datetime, end: datetime):
    return counted().filter(received_at__gte=start, received_at__lt=end)


def unit_category_counts(start: datetime, end: datetime) -> dict[tuple[int, str], int]:
    rows = (_in(start, end).exclude(category="").annotate(series_unit=Coalesce("responsible_unit_id", "branch_id"))
            .filter(series_unit__isnull=False).values("series_unit", "category").annotate(n=Count("id")))
    return {(r["series_unit"], r["category"]): r["n"] for r in rows}


def product_counts(start: datetime, end: datetime) -> dict[str, int]:
    rows = (ComplaintParty.objects.filter(kind=ComplaintParty.Kind.PRODUCT, complaint__kind="complaint",
                                          complaint__received_at__gte=start, complaint__received_at__lt=end)
            .exclude(product="").values("product").annotate(n=Count("complaint_id", distinct=True)))
    return {r["product"]: r["n"] for r in rows}


def unit_category_ids(unit_id: int, category: str, start: datetime, end: datetime) -> list[int]:
    qs = (_in(start, end).filter(category=category).annotate(series_unit=Coalesce("responsible_unit_id", "branch_id"))
          .filter(series_unit=unit_id))
    return list(qs.order_by("received_at", "id").values_list("id", flat=True))


def product_ids(product: str, start: datetime, end: datetime) -> list[int]:
    ids = ComplaintParty.objects.filter(kind=ComplaintParty.Kind.PRODUCT, product=product).values("complaint_id")
    return list(_in(start, end).filter(pk__in=ids).order_by("received_at", "id").values_list("id", flat=True))


def expected_count(baseline_count: int, baseline_days: float, window_days: int) -> float:
    """The window's count the baseline leads one to expect; an empty baseline counts as one."""
    return max(baseline_count, 1) * window_days / baseline_days


def overall_change(total: int, n: int, total_before: int, before: int, days: float, baseline_days: float) -> float:
    """How much faster all the other complaints came in the window than in the baseline
    (1 when they did not rise): a series that only rose with everything else is not
    singled out; the rise itself is the "all complaints" series' warning."""
    rest_before = total_before - before
    if rest_before <= 0:
        return 1.0
    return max(1.0, ((total - n) / days) / (rest_before / baseline_days))


def find(policy: EarlyWarningPolicy, now: datetime) -> Iterator[Candidate]:
    earliest = counted().aggregate(first=Min("received_at"))["first"]
    if earliest is None:
        return
    explained: set[int] = set()  # complaints of the unit × category and product series found so far
    for days in policy.windows_days:
        start = now - days * DAY
        history_start = max(start - timedelta(weeks=policy.baseline_weeks), earliest)
        if start - history_start < MIN_HISTORY:
            continue
        baseline_days = (start - history_start) / DAY
        total, total_before = _in(start, now).count(), _in(history_start, start).count()
        unit_base, product_base = unit_category_counts(history_start, start), product_counts(history_start, start)
        series = [((unit, category), n, unit_base, f"unit={unit}|category={category}")
                  for (unit, category), n in unit_category_counts(start, now).items()]
        series += [(product, n, product_base, f"product={product}") for product, n in product_counts(start, now).items()]
        series.append((None, total, {None: total_before}, "all"))  # last: see `explained`
        for name, n, baseline, label in series:
            if n < policy.min_count:
                continue
            before = baseline.get(name, 0)
            change = 1.0
            if name is not None and policy.allow_for_overall_rise:
                change = overall_change(total, n, total_before, before, days, baseline_days)
            expected = expected_count(before, baseline_days, days) * change
            p = upper_tail(n, expected)
            if p >= policy.p_value:
                continue
            if name is None:
                ids = list(_in(start, now).order_by("received_at", "id").values_list("id", flat=True))
                if len(explained) * 2 >= len(ids):
                    continue  # the rise is mostly the series already warned of: no more to say
            elif isinstance(name, str):
                ids = product_ids(name, start, now)
            else:
                ids = unit_category_ids(*name, start, now)
            if name is not None:
                explained.update(ids)
            yield Candidate(
                kind="spike", key=f"spike|{label}|{days}", series=f"spike|{label}", window_start=start,
                window_end=now, window_days=days, count=n, complaint_ids=ids,
                unit_id=name[0] if isinstance(name, tuple) else None,
                category=name[1] if isinstance(name, tuple) else "",
                product=name if isinstance(name, str) else "", baseline_count=before,
                baseline_days=round(baseline_days), expected=expected, overall_change=change, p_value=p)
