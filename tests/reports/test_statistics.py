"""Period statistics (issue 11 item 2): every figure checked against a count written
plainly over the rows, every figure's register list counting exactly that number,
breakdowns adding up, and a complaint moved to another unit moving its figures."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redress.complaints import period_tally, rows
from redress.complaints import services as svc
from redress.complaints.lifecycle import OPEN
from redress.complaints.models import (
    Accountability,
    Callback,
    Complaint,
    ComplaintClock,
    ComplaintLink,
    ComplaintParty,
    Extension,
    Remedy,
)
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.reports import register as reg
from redress.reports import statistics as stats
from redress.reports.periods import Period
from tests.conftest import SH, at
from tests.reports.conftest import READ_AT, fill_book

MARCH = Period.containing("month", date(2026, 3, 1))


def more_cases(org, walk) -> dict[str, Complaint]:
    """What the register's book lacks for statistics: an extension, a payment carried
    out, a complaint received in February and closed in March, one of March a year
    before."""
    cases = {}
    w = walk(at(2026, 3, 17)).assess().dispatch().accept()
    with frozen(at(2026, 3, 18)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=5, reason="待交易所回函", plan="回函后答复")
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    cases["extended"] = w.c
    remedy = svc.RemedyInput(kind="payment", description="补偿手续费", amount="300", due_date=date(2026, 3, 30))
    w = walk(at(2026, 3, 18), amount_claimed="300").assess().dispatch().accept()
    w.propose(compensation="300", remedies=[remedy]).approve(by=org.cro).communicate()
    with frozen(at(2026, 3, 20)):
        svc.remedy_execute(w.c, actor=org.handler, remedy_id=w.c.remedies.get().pk)
    w.when = at(2026, 3, 23)
    cases["paid"] = w.callback(satisfied=True).c
    w = walk(at(2026, 2, 20)).to_awaiting_callback()
    w.when = at(2026, 3, 3)
    cases["february"] = w.callback(satisfied=True).c
    cases["year_before"] = walk(at(2025, 3, 10)).to_awaiting_callback().callback(satisfied=False).c
    for c in cases.values():
        c.refresh_from_db()
    return cases


@pytest.fixture
def cases(org, walk):
    return {**fill_book(org, walk), **more_cases(org, walk)}


def compute(staff, period=MARCH, unit=None) -> stats.Statistics:
    return stats.statistics(stats.Scope(staff, unit), period, now=READ_AT, cal=calendar_for(active_pack()))


def counted(filters: reg.Filters, staff) -> int:
    return reg.register(staff, filters, now=READ_AT, tz=SH).count()


# ---- the plain count: every complaint read one by one ---------------------------------------

def local_day(moment) -> date:
    return moment.astimezone(SH).date()


def within(moment, period: Period) -> bool:
    return moment is not None and period.first <= local_day(moment) <= period.last


def plain(period: Period, units: set | None = None) -> dict:
    """Every figure, from the complaint rows and their related rows read one by one."""
    cal = calendar_for(active_pack())
    rows = [c for c in Complaint.objects.all() if c.kind == "complaint"
            and (units is None or c.responsible_unit_id in units)]
    got = [c for c in rows if within(c.received_at, period)]
    done = [c for c in rows if within(c.closed_at, period)]
    open_states = {s.value for s in OPEN}

    def late(c):  # a clock marked late, or still open past its due time today
        return (any(k.breached for k in ComplaintClock.objects.filter(complaint=c))
                or (c.state in open_states and c.due_at is not None and c.due_at < READ_AT))

    linked = {i for pair in ComplaintLink.objects.filter(kind="recomplaint").values_list("source_id", "target_id")
              for i in pair}
    called = set(Callback.objects.values_list("complaint_id", flat=True))
    paid = [r for r in Remedy.objects.all() if r.amount and r.executed_at]
    end = period.last + timedelta(days=1)
    days = sorted(max(0, cal.working_days_between(c.received_at, c.closed_at)) for c in done)
    figures = {
        "received": len(got),
        "closed": len(done),
        "open_at_end": sum(1 for c in rows if local_day(c.received_at) < end
                           and (c.closed_at is None or local_day(c.closed_at) >= end)),
        "late": sum(1 for c in got if late(c)),
        "on_time": sum(1 for c in done if not late(c)),
        "extended": sum(1 for c in got if Extension.objects.filter(complaint=c, status="approved").exists()),
        "recomplaints": sum(1 for c in got if c.pk in linked),
        "callbacks_reached": sum(1 for c in done if c.pk in called),
        "callbacks_satisfied": sum(1 for c in done if c.pk in called and c.satisfied is True),
        "compensated": sum(1 for c in done if any(r.complaint_id == c.pk for r in paid)),
        "compensation_amount": sum((r.amount for r in paid if r.complaint_id in {c.pk for c in done}), Decimal(0)),
        "median_days": days[(len(days) + 1) // 2 - 1] if days else None,
        "p90_days": days[-(-len(days) * 9 // 10) - 1] if days else None,
    }
    for kind in reg.REFERRAL_KINDS:
        mine = [c for c in got if c.outcome == f"referred_{kind}"]
        figures[f"referred_{kind}"] = len(mine)
        figures[f"referred_{kind}_decided"] = sum(1 for c in mine if c.state == "closed")
        figures[f"referred_{kind}_pending"] = sum(1 for c in mine if c.state == "referred")
    products = Counter()
    for c in got:
        for name in set(ComplaintParty.objects.filter(complaint=c, kind="product").exclude(product="")
                        .values_list("product", flat=True)):
            products[name] += 1
    actions = Counter()
    for c in done:
        for action in set(Accountability.objects.filter(complaint=c).values_list("action", flat=True)):
            actions[action] += 1
    breakdowns = {
        "category": Counter(c.category for c in got),
        "channel": Counter(c.channel for c in got),
        "unit": Counter("" if c.responsible_unit_id is None else str(c.responsible_unit_id) for c in got),
        "severity": Counter(c.severity for c in got),
        "product": products,
        "root_cause": Counter(c.root_cause for c in done if c.root_cause),
        "accountability": actions,
    }
    return {"figures": figures, "breakdowns": breakdowns}


def as_counts(found: stats.Statistics) -> dict:
    return {"figures": {k: f.value for k, f in found.figures.items()},
            "breakdowns": {k: Counter({code: f.value for code, f in b.rows.items()})
                           for k, b in found.breakdowns.items()}}


# ---- tests -----------------------------------------------------------------------------------

def test_every_figure_of_march_equals_a_plain_count_over_the_rows(org, cases):
    found, expected = as_counts(compute(org.office)), plain(MARCH)
    assert found == expected
    # The data exercises what it checks: none of these is an empty zero.
    for key in ("received", "closed", "open_at_end", "late", "on_time", "extended", "recomplaints",
                "callbacks_reached", "callbacks_satisfied", "compensated", "referred_mediation",
                "referred_mediation_pending"):
        assert expected["figures"][key] > 0, key
    assert expected["figures"]["compensation_amount"] == Decimal("300")
    assert expected["breakdowns"]["product"] and expected["breakdowns"]["accountability"] == Counter(training=1)


def test_the_previous_period_and_the_year_before_count_their_own_complaints(org, cases):
    for period in (MARCH.previous(), MARCH.year_before()):
        found, expected = as_counts(compute(org.office, period)), plain(period)
        assert found == expected
        assert expected["figures"]["received"] == 1


def test_a_quarter_for_one_branch_equals_the_plain_count_of_its_complaints(org, cases):
    quarter = Period.containing("quarter", date(2026, 3, 1))
    units = set(reg.sub_units(org.branch.pk))
    assert as_counts(compute(org.office, quarter, unit=org.branch.pk)) == plain(quarter, units)


def test_root_causes_and_accountability_count_the_complaints_closed_in_the_period(org, cases):
    archived = cases["archived"]
    period = Period("custom", local_day(archived.closed_at), local_day(archived.closed_at))
    found = compute(org.office, period)
    assert as_counts(found) == plain(period)
    assert found.breakdowns["root_cause"].rows["customer_misunderstanding"].value == 1
    assert found.breakdowns["accountability"].rows["training"].value == 1


def test_every_figure_links_to_a_register_list_of_exactly_that_count(org, cases):
    found = compute(org.office, Period.containing("quarter", date(2026, 3, 1)))
    links = [(k, f) for k, f in found.figures.items() if k in stats.COUNTS or k in stats.REFERRAL_KEYS]
    links += [(f"{b}:{code}", f) for b, breakdown in found.breakdowns.items() for code, f in breakdown.rows.items()]
    links += [(f"heat:{cell}", f) for cell, f in found.heat.items()]
    links += [(f"trend:{label}", f) for label, got, done in found.trend for f in (got, done)]
    assert len(links) > 40
    for name, figure in links:
        assert counted(figure.filters, org.office) == figure.value, name


def test_rates_and_working_days_link_to_the_list_they_were_computed_over(org, cases):
    found = compute(org.office)
    for key in ("median_days", "p90_days"):
        assert found.figures[key].filters == found.figures["closed"].filters
    assert found.figures["compensation_amount"].filters == found.figures["compensated"].filters


def test_a_branch_handler_counts_only_what_they_may_see(org, cases):
    mine = compute(org.handler)
    everything = compute(org.office)
    assert mine.figures["received"].value < everything.figures["received"].value
    visible = set(reg.register(org.handler, reg.Filters(), now=READ_AT, tz=SH).values_list("pk", flat=True))
    assert mine.figures["received"].value == sum(
        1 for c in Complaint.objects.filter(pk__in=visible, kind="complaint") if within(c.received_at, MARCH))
    for f in mine.breakdowns["unit"].rows.values():
        assert counted(f.filters, org.handler) == f.value


ADDITIVE = ("category", "channel", "unit", "severity")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
@pytest.mark.behind_the_services  # the move is written straight to the row, then undone
def test_breakdowns_add_up_and_a_moved_complaint_moves_its_figures(org, cases, data):
    received = list(Complaint.objects.filter(kind="complaint", received_at__gte=at(2026, 3, 1),
                                             received_at__lt=at(2026, 4, 1)).order_by("pk"))
    units = [None, org.branch.pk, org.branch2.pk, org.brokerage.pk, org.hq.pk]
    moved = data.draw(st.sampled_from(received))
    to = data.draw(st.sampled_from(units))
    before = compute(org.office)
    was = moved.responsible_unit_id
    move(moved, to)
    try:
        after = compute(org.office)
        for found in (before, after):
            total = found.figures["received"].value
            for key in ADDITIVE:
                assert sum(f.value for f in found.breakdowns[key].rows.values()) == total, key
            assert sum(f.value for f in found.heat.values()) == total
            assert sum(got.value for _, got, _ in found.trend) == total
            assert sum(done.value for _, _, done in found.trend) == found.figures["closed"].value

        def unit_count(found, unit):
            row = found.breakdowns["unit"].rows.get("" if unit is None else str(unit))
            return row.value if row else 0

        if was != to:
            assert unit_count(after, was) == unit_count(before, was) - 1
            assert unit_count(after, to) == unit_count(before, to) + 1
        assert after.figures["received"].value == before.figures["received"].value
        if to is not None:
            scoped = compute(org.office, unit=to)
            assert counted(scoped.figures["received"].filters, org.office) == scoped.figures["received"].value
    finally:
        move(moved, was)


def move(complaint, unit):
    """Move the complaint to another unit straight on its row, and its period tallies as a
    service step would (period_tally.changes from its facts before and after), so the
    office's statistics, which read the tallies, see the move."""
    cal = calendar_for(active_pack())
    before = period_tally.facts([complaint.pk], cal)
    Complaint.objects.filter(pk=complaint.pk).update(responsible_unit_id=unit)
    rows.insert(*period_tally.changes(before, period_tally.facts([complaint.pk], cal)))


def test_the_three_periods_read_together_are_each_what_it_is_alone(org, cases):
    cal = calendar_for(active_pack())
    periods = [MARCH, MARCH.previous(), MARCH.year_before()]
    together = stats.statistics_of(stats.Scope(org.office), periods, now=READ_AT, cal=cal)
    for found, period in zip(together, periods, strict=True):
        assert found.period == period
        assert as_counts(found) == plain(period)
        alone = stats.statistics(stats.Scope(org.office), period, now=READ_AT, cal=cal, charts=found is together[0])
        assert found == alone
    assert together[0].trend and together[0].heat
    assert not together[1].trend and not together[2].heat


days_of_2026 = st.integers(min_value=0, max_value=150).map(lambda n: date(2026, 1, 1) + timedelta(days=n))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_periods_read_together_equal_the_plain_count_of_each(org, cases, data):
    """Custom periods of any length, overlapping or not, in any order (a row of two
    overlapping periods counts in both)."""
    periods = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        first = data.draw(days_of_2026)
        periods.append(Period("custom", first, first + timedelta(days=data.draw(st.integers(0, 120)))))
    unit = data.draw(st.sampled_from([None, org.branch.pk]))
    units = None if unit is None else set(reg.sub_units(unit))
    together = stats.statistics_of(stats.Scope(org.office, unit), periods, now=READ_AT, cal=calendar_for(active_pack()))
    for found, period in zip(together, periods, strict=True):
        assert as_counts(found) == plain(period, units), period


def test_a_long_custom_period_from_a_months_middle_counts_its_first_month_from_that_day(org, cases):
    """Beyond three months the trend is by month: the first point is the part of its
    month inside the period, and its number is its register list's count."""
    period = Period("custom", date(2026, 2, 15), date(2026, 5, 31))
    found = compute(org.office, period)
    assert [label for label, _, _ in found.trend] == ["2026-02", "2026-03", "2026-04", "2026-05"]
    first_got = found.trend[0][1]
    assert first_got.filters.date_from == date(2026, 2, 15)
    assert sum(1 for c in Complaint.objects.filter(kind="complaint")
               if date(2026, 2, 15) <= local_day(c.received_at) <= date(2026, 2, 28)) == first_got.value > 0
    for _label, got, done in found.trend:
        assert counted(got.filters, org.office) == got.value
        assert counted(done.filters, org.office) == done.value
    assert sum(got.value for _, got, _ in found.trend) == found.figures["received"].value
    assert sum(done.value for _, _, done in found.trend) == found.figures["closed"].value


def test_periods_of_the_calendar_and_their_comparisons():
    q = Period.containing("quarter", date(2026, 5, 17))
    assert (q.first, q.last) == (date(2026, 4, 1), date(2026, 6, 30))
    assert (q.previous().first, q.previous().last) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (q.year_before().first, q.year_before().last) == (date(2025, 4, 1), date(2025, 6, 30))
    h = Period.containing("half", date(2026, 1, 1))
    assert (h.previous().first, h.previous().last) == (date(2025, 7, 1), date(2025, 12, 31))
    custom = Period("custom", date(2024, 2, 29), date(2024, 3, 9))
    assert (custom.previous().first, custom.previous().last) == (date(2024, 2, 19), date(2024, 2, 28))
    assert custom.year_before().first == date(2023, 2, 28)
    assert not Period("custom", date(2016, 1, 1), date(2025, 12, 31)).too_long()
    assert Period("custom", date(2016, 1, 1), date(2026, 1, 1)).too_long()


# ---- the fixed demo period against a file reviewed by hand ------------------------------------

def test_the_complete_statistics_of_march_match_the_file_reviewed_by_hand(org, cases):
    """tests/reports/expected/README.md derives every figure of the file from the cases."""
    import json
    from pathlib import Path

    from redress.complaints.models import OrgUnit

    expected = json.loads((Path(__file__).parent / "expected" / "statistics-2026-03.json").read_text("utf-8"))
    found = compute(org.office)
    units = {str(pk): code for pk, code in OrgUnit.objects.values_list("pk", "code")}
    figures = {k: str(f.value) if isinstance(f.value, Decimal) else f.value for k, f in found.figures.items()}
    breakdowns = {key: {(units.get(code, code) if key == "unit" else code): f.value for code, f in b.rows.items()}
                  for key, b in found.breakdowns.items()}
    assert figures == expected["figures"]
    assert breakdowns == expected["breakdowns"]
