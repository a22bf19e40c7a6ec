"""The statistics' period tallies (complaints.period_tally): kept by the services step
by step, equal to a recount after a walk through the lifecycle, giving the office the
same statistics as a count of the rows, and rebuilt by `redress tallies --rebuild`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redress.cli import main as redress
from redress.complaints import period_tally
from redress.complaints import services as svc
from redress.complaints.models import Callback, Complaint, OrgUnit, PeriodTally, PeriodTallyState
from redress.complaints.services.timing import calendar_for, mark_breaches
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.reports import register as reg
from redress.reports import statistics as stats
from redress.reports import statistics_tallied
from redress.reports.periods import Period
from tests.conftest import at
from tests.reports.conftest import READ_AT, fill_book

MARCH = Period.containing("month", date(2026, 3, 1))
Q1 = Period.containing("quarter", date(2026, 3, 1))


def recount():
    return period_tally.recount(calendar_for(active_pack()))


def walk_the_lifecycle(org, walk):
    """Every state, a re-complaint, a payment carried out, an extension approved, the
    sweep finding late clocks: each step of the services moves the tallies."""
    book = fill_book(org, walk)
    paying = book["remedy_pending"]
    with frozen(at(2026, 3, 18)):
        svc.remedy_execute(paying, actor=org.handler, remedy_id=paying.remedies.get().pk, note="已转账")
    with frozen(at(2026, 3, 19)):
        svc.callback_record(paying, actor=org.callback, satisfied=True, opinion="")  # closed: compensation paid
    extended = walk(at(2026, 3, 2, 10)).assess().dispatch().accept()
    with frozen(at(2026, 3, 25, 16)):
        ext = svc.extension_request(extended.c, actor=org.handler, working_days=10, reason="待交易所回函",
                                    plan="回函后答复")
        svc.extension_decide(extended.c, actor=org.office, extension_id=ext.pk, approve=True)
    with frozen(READ_AT):
        assert mark_breaches() > 0
    return book


def test_the_tallies_equal_a_recount_after_a_walk_through_the_lifecycle(org, walk):
    walk_the_lifecycle(org, walk)
    counted = recount()
    assert period_tally.kept() == counted
    # Every figure was moved by some step of the walk (a recount of nothing would agree too).
    totals = {f: sum(figures.get(f, 0) for figures in counted.values()) for f in period_tally.FIGURES}
    assert all(totals[f] for f in ("received", "late", "extended", "recomplaints", "referred_mediation",
                                   "referred_mediation_pending", "closed", "compensated", "compensation",
                                   "callbacks_reached", "callbacks_satisfied")), totals
    assert any(key[0] == PeriodTally.Basis.PRODUCT for key in counted)
    # A row per step, not per key: the sweep merges them, and the figures stay.
    rows = PeriodTally.objects.count()
    assert period_tally.compact() > 0
    assert PeriodTally.objects.count() < rows
    assert period_tally.kept() == counted


def test_after_a_whole_pass_compaction_groups_only_the_rows_added_since(org, walk):
    """A sweep a minute at a million complaints cannot group 400,000 rows each time to
    find nothing to merge: the keys of the new rows are enough."""
    walk_the_lifecycle(org, walk)
    when = at(2026, 4, 1, 9)
    newest = PeriodTally.objects.order_by("-pk").values_list("pk", flat=True).first()
    assert period_tally.compact(at=when) > 0
    state = PeriodTallyState.objects.get()  # the merged rows come after it: the next pass finds them single
    assert (state.compacted_at, state.compacted_through) == (when, newest)
    assert period_tally.compact(at=when + timedelta(minutes=1)) == 0
    with frozen(when + timedelta(minutes=2)):  # a step adds a row beside a key's one row
        walk().assess()
    with CaptureQueriesContext(connection) as seen:
        assert period_tally.compact(at=when + timedelta(minutes=3)) > 0
    assert not [q for q in seen.captured_queries if "GROUP BY" in q["sql"] and "HAVING" in q["sql"]]
    assert period_tally.kept() == recount()
    assert PeriodTallyState.objects.get().compacted_at == when  # still the whole pass's time


def test_a_row_behind_the_mark_is_merged_by_the_hourly_whole_pass(org, walk):
    """A row whose transaction committed after a pass had read past its id."""
    walk_the_lifecycle(org, walk)
    when = at(2026, 4, 1, 9)
    period_tally.compact(at=when)
    with frozen(when + timedelta(minutes=2)):
        walk().assess()
    newest = PeriodTally.objects.order_by("-pk").values_list("pk", flat=True).first()
    PeriodTallyState.objects.update(compacted_through=newest)  # as if a pass had read past it
    rows = PeriodTally.objects.count()
    assert period_tally.compact(at=when + timedelta(minutes=59)) == 0
    assert period_tally.compact(at=when + timedelta(hours=1)) > 0
    assert PeriodTally.objects.count() < rows and period_tally.kept() == recount()
    assert PeriodTallyState.objects.get().compacted_at == when + timedelta(hours=1)


def test_the_office_reads_the_tallies_and_gets_what_the_rows_count(org, walk):
    walk_the_lifecycle(org, walk)
    cal = calendar_for(active_pack())
    for period in (MARCH, Q1):
        periods = [period, period.previous(), period.year_before()]
        scope = stats.Scope(org.office)
        assert statistics_tallied.usable(scope, periods)
        for unit, category in ((None, ""), (org.branch.pk, ""), (None, "counter"), (None, "none")):
            scope = stats.Scope(org.office, unit, category)
            with stats.transaction.atomic():
                tallied = statistics_tallied.TalliedPasses(scope, periods, READ_AT, cal)
                counted = stats._Passes(scope, periods, READ_AT, cal)
                for i in range(len(periods)):
                    assert tallied.figures(i) == counted.figures(i), (period, unit, category, i)
                    assert ({k: asdict(b) for k, b in tallied.breakdowns(i).items()}
                            == {k: asdict(b) for k, b in counted.breakdowns(i).items()})
                    assert tallied.heat(i) == counted.heat(i)
                    assert tallied.trend(i) == counted.trend(i)
    figures = stats.statistics(stats.Scope(org.office), MARCH, now=READ_AT, cal=cal).figures
    assert figures["late"].value > 0 and figures["compensated"].value == 1 and figures["recomplaints"].value == 2


def same_both_ways(scope, periods, cal):
    """The statistics read from the tallies equal those counted from the rows, figure by
    figure, breakdown by breakdown, with the same register links."""
    with stats.transaction.atomic():
        tallied = statistics_tallied.TalliedPasses(scope, periods, READ_AT, cal)
        counted = stats._Passes(scope, periods, READ_AT, cal)
        for i in range(len(periods)):
            assert tallied.figures(i) == counted.figures(i), (scope, periods[i])
            assert ({k: asdict(b) for k, b in tallied.breakdowns(i).items()}
                    == {k: asdict(b) for k, b in counted.breakdowns(i).items()})
            assert tallied.heat(i) == counted.heat(i)
            assert tallied.trend(i) == counted.trend(i)
        return tallied


def test_a_branch_head_reads_the_units_tallies_and_gets_what_the_rows_count(org, walk):
    """A branch head sees what their unit is responsible for, what concerns their branch,
    every work order sent to it (returned or not) and complaints of their own: each of
    those moves their statistics, and the tallies give what a count of the rows gives."""
    book = walk_the_lifecycle(org, walk)
    cal = calendar_for(active_pack())
    desk = OrgUnit.objects.create(institution=org.branch.institution, code="branch_tianhe_desk", name="天河柜台",
                                  name_en="desk", kind=OrgUnit.Kind.DEPARTMENT, parent=org.branch)
    # Sent to the branch, returned, sent to the other branch: the head still sees it (the
    # returned work order), and so its figures count for both branches.
    moved = walk(at(2026, 3, 3, 15)).assess().dispatch()
    with frozen(at(2026, 3, 4, 9)):
        svc.assignment_return(moved.c, actor=org.dept_head, reason="非本营业部客户")
        svc.complaint_dispatch(moved.c, actor=org.office, unit=org.branch2)
    # A sub-unit of the branch: the head sees it when it concerns the branch (assessed so).
    with frozen(at(2026, 3, 5, 9)):
        desk_case = walk(at(2026, 3, 5, 9)).assess(branch=org.branch).c
        svc.complaint_dispatch(desk_case, actor=org.office, unit=desk)
    elsewhere = walk(at(2026, 3, 5, 10)).assess()  # concerns no branch: the head never sees it
    with frozen(at(2026, 3, 5, 10)):
        svc.complaint_dispatch(elsewhere.c, actor=org.office, unit=desk)
    # The other branch's case, handed over to the head as a person: theirs, not their unit's.
    with frozen(at(2026, 3, 16)):
        svc.transfer_request(book["other_branch"], actor=org.office, to_staff=org.dept_head, reason="总部指定督办")
    # Received in February and closed in March, for the comparisons and the working days.
    walk(at(2026, 2, 20)).to_awaiting_callback().callback(satisfied=True)

    head = stats.Scope(org.dept_head)
    assert statistics_tallied.own_only(org.dept_head, org.branch.pk) == [book["other_branch"].pk]
    march = stats._Passes(head, [MARCH], READ_AT, cal)
    assert march.figures(0)["received"].value > 10  # the branch's walk, the moved case, the desk's, the handed-over one
    for period in (MARCH, Q1):
        periods = [period, period.previous(), period.year_before()]
        assert statistics_tallied.usable(head, periods)
        for unit, category in ((None, ""), (org.branch.pk, ""), (desk.pk, ""), (org.branch2.pk, ""),
                               (None, "counter"), (None, "none")):
            same_both_ways(stats.Scope(org.dept_head, unit, category), periods, cal)
    # Nothing of their own: the unit's tallies alone.
    svc.transfer_accept(book["other_branch"], actor=org.dept_head)
    with frozen(at(2026, 3, 17)):
        svc.transfer_request(book["other_branch"], actor=org.dept_head, to_staff=org.office, reason="交回")
        svc.transfer_accept(book["other_branch"], actor=org.office)
    assert statistics_tallied.own_only(org.dept_head, org.branch.pk) == []
    assert same_both_ways(head, [Q1, Q1.previous(), Q1.year_before()], cal).more is None


# ---- custom periods: whole months from the tallies, the edge days from their rows --------------

def walk_across_the_year_end(org, walk):
    """Complaints around the New Year (1 January a holiday) and the Spring Festival
    (15-23 February 2026), received in one month and closed in another, one closed on
    the holiday, some left open past due without the sweep having marked them."""
    w = walk(at(2025, 11, 20), parties=[svc.PartyInput(kind="product", product="融资融券")]).to_awaiting_callback()
    w.when = at(2025, 12, 15, 16)
    w.callback(satisfied=True)
    w = walk(at(2025, 12, 16)).to_awaiting_callback()
    w.when = at(2026, 1, 5)
    w.callback(satisfied=True)
    w = walk(at(2025, 12, 29, 17)).to_awaiting_callback()
    w.when = at(2026, 1, 1, 11)  # closed on the holiday
    w.callback(satisfied=True)
    walk(at(2025, 12, 31, 23, 30)).assess(category="trading_assets").dispatch()  # the year's last half hour: open
    walk(at(2026, 1, 1, 9)).assess().dispatch()  # received on the holiday: open
    remedy = svc.RemedyInput(kind="payment", description="补偿手续费", amount="150.50", due_date=date(2026, 2, 20))
    w = walk(at(2026, 1, 10), amount_claimed="150.50").assess().dispatch().accept()
    w.propose(compensation="150.50", remedies=[remedy]).approve(by=org.cro).communicate()
    with frozen(at(2026, 2, 13)):
        svc.remedy_execute(w.c, actor=org.handler, remedy_id=w.c.remedies.get().pk)
    w.when = at(2026, 2, 24)  # after the Spring Festival
    w.callback(satisfied=True)
    w = walk(at(2026, 2, 14), parties=[svc.PartyInput(kind="product", product="基金定投")]).to_awaiting_callback()
    w.when = at(2026, 3, 2)
    w.callback(satisfied=False)  # a follow-up: still open
    walk(at(2025, 3, 20)).to_awaiting_callback().callback(satisfied=True)  # a year before
    # Alone in its key (unit, category, channel, severity) in March, open past due, not
    # marked: 1-20 March is read as March less 21-31 March, and its key sums to no
    # complaint but its "late" must still be taken away.
    walk(at(2026, 3, 25), channel="letter").assess(category="marketing", severity="major").dispatch()


# Partial months at both ends (with and without whole months between), within one month,
# across the year end, ending on a holiday, a month to date; each with the one before and
# the year before.
CUSTOM = [Period("custom", date(2026, 2, 15), date(2026, 3, 20)),
          Period("custom", date(2026, 1, 15), date(2026, 3, 20)),
          Period("custom", date(2026, 3, 3), date(2026, 3, 17)),
          Period("custom", date(2025, 12, 15), date(2026, 1, 1)),
          Period("custom", date(2025, 11, 20), date(2026, 2, 10)),
          Period("custom", date(2026, 3, 1), date(2026, 3, 18)),
          Period("custom", date(2025, 12, 10), date(2026, 3, 31)),
          Period("custom", date(2026, 2, 3), date(2026, 3, 28)),
          Period("custom", date(2026, 7, 1), date(2026, 9, 10)),  # a quarter to date (READ_AT)
          Period("custom", date(2026, 9, 1), date(2026, 9, 10))]  # a month to date


def test_a_custom_period_splits_into_its_whole_months_and_at_most_two_edges():
    for period in CUSTOM:
        whole, edges = statistics_tallied.split(period)
        assert len(edges) <= 2
        parts = sorted(([whole] if whole else []) + edges, key=lambda p: p.first)
        assert parts[0].first == period.first and parts[-1].last == period.last
        assert all(a.last + timedelta(days=1) == b.first for a, b in zip(parts, parts[1:], strict=False))
        assert whole is None or statistics_tallied.whole_months(whole)
        assert all(e.first.replace(day=1) == e.last.replace(day=1) for e in edges)  # each within one month
    assert statistics_tallied.split(Q1) == (Period("custom", Q1.first, Q1.last), [])
    assert statistics_tallied.split(CUSTOM[2]) == (None, [CUSTOM[2]])  # within one month
    assert statistics_tallied.split(CUSTOM[0]) == (None, [Period("custom", date(2026, 2, 15), date(2026, 2, 28)),
                                                          Period("custom", date(2026, 3, 1), date(2026, 3, 20))])


def test_an_edge_is_added_from_its_rows_or_its_month_read_less_the_rest_whichever_counts_fewer_days():
    today = READ_AT.date()
    d = date
    # 15 February is a half: added; 1-20 March: March less its last 11 days.
    assert statistics_tallied.plans([CUSTOM[0]], today) == [(Period("custom", d(2026, 3, 1), d(2026, 3, 31)), [
        (Period("custom", d(2026, 2, 15), d(2026, 2, 28)), 1), (Period("custom", d(2026, 3, 21), d(2026, 3, 31)), -1)])]
    # Within one month: the 15 days, not the 16 around them.
    assert statistics_tallied.plans([CUSTOM[2]], today) == [(None, [(CUSTOM[2], 1)])]
    # A month to date: the month's rows less its days to come (nothing to count).
    september = Period.containing("month", today)
    assert statistics_tallied.plans([CUSTOM[-1]], today) == [
        (Period("custom", september.first, september.last), [(Period("custom", d(2026, 9, 11), d(2026, 9, 30)), -1)])]
    # A month is read whole for one period only: the other adds its days.
    first, second = Period("custom", d(2026, 3, 3), d(2026, 3, 9)), Period("custom", d(2026, 3, 12), d(2026, 3, 29))
    assert [months for months, _ in statistics_tallied.plans([second, first], today)] == [
        Period("custom", d(2026, 3, 1), d(2026, 3, 31)), None]
    # The runs counted from the rows are apart, each with the periods it goes to.
    runs, owners = statistics_tallied.segments([(0, Period("custom", d(2026, 3, 1), d(2026, 3, 10)), -1),
                                                (1, Period("custom", d(2026, 3, 5), d(2026, 3, 20)), 1)])
    assert [(r.first.day, r.last.day) for r in runs] == [(1, 4), (5, 10), (11, 20)]
    assert owners == [[(0, -1)], [(0, -1), (1, 1)], [(1, 1)]]


def test_the_office_reads_custom_periods_from_the_tallies_and_their_edge_days(org, walk):
    walk_the_lifecycle(org, walk)
    walk_across_the_year_end(org, walk)
    cal = calendar_for(active_pack())
    for period in CUSTOM:
        periods = [period, period.previous(), period.year_before()]
        assert statistics_tallied.usable(stats.Scope(org.office), periods)
        for unit, category in ((None, ""), (org.branch.pk, ""), (None, "counter"), (None, "none")):
            tallied = same_both_ways(stats.Scope(org.office, unit, category), periods, cal)
            assert (tallied.edges is None) == all(not statistics_tallied.split(p)[1] for p in periods)
    # The figures are not all nothing, and each links to a list of as many complaints.
    found = stats.statistics(stats.Scope(org.office), CUSTOM[3], now=READ_AT, cal=cal)
    assert found.figures["received"].value == 4 and found.figures["closed"].value == 2
    assert found.figures["late"].value >= 2  # the two still open past due, unmarked, and any marked
    assert found.figures["open_at_end"].value == 3  # received 16 December, 31 December and 1 January
    for key in stats.COUNTS:
        assert reg.register(org.office, found.figures[key].filters, now=READ_AT, tz=cal.tz).count() \
            == found.figures[key].value, key
    spring = stats.statistics(stats.Scope(org.office), CUSTOM[1], now=READ_AT, cal=cal).figures
    # 150.50 closed in February (a whole month: the month rows), 200 on 19 March (an edge: its rows)
    assert spring["compensation_amount"].value == Decimal("350.50") and spring["median_days"].value is not None


def test_a_branch_head_reads_custom_periods_from_the_units_tallies_and_their_edge_days(org, walk):
    book = walk_the_lifecycle(org, walk)
    walk_across_the_year_end(org, walk)
    cal = calendar_for(active_pack())
    # The other branch's case handed over to the head as a person: counted whole from the rows.
    with frozen(at(2026, 3, 16)):
        svc.transfer_request(book["other_branch"], actor=org.office, to_staff=org.dept_head, reason="总部指定督办")
    assert statistics_tallied.own_only(org.dept_head, org.branch.pk) == [book["other_branch"].pk]
    for period in CUSTOM:
        periods = [period, period.previous(), period.year_before()]
        assert statistics_tallied.usable(stats.Scope(org.dept_head), periods)
        for unit, category in ((None, ""), (org.branch.pk, ""), (org.branch2.pk, ""), (None, "counter")):
            same_both_ways(stats.Scope(org.dept_head, unit, category), periods, cal)


days_around_the_year = st.integers(min_value=0, max_value=160).map(lambda n: date(2025, 11, 1) + timedelta(days=n))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_custom_periods_read_from_the_tallies_equal_the_rows(org, walk, data):
    """Any first and last day, any length (none, some or many whole months), for the office
    or the branch head, any three periods apart."""
    if not getattr(org, "walked", False):  # the cast once for every example (the examples only read)
        walk_the_lifecycle(org, walk)
        walk_across_the_year_end(org, walk)
        org.walked = True
    periods = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        first = data.draw(days_around_the_year)
        period = Period("custom", first, first + timedelta(days=data.draw(st.integers(0, 100))))
        if not stats._overlap([*periods, period]):
            periods.append(period)
    staff = data.draw(st.sampled_from([org.office, org.dept_head]))
    unit = data.draw(st.sampled_from([None, org.branch.pk]))
    same_both_ways(stats.Scope(staff, unit), periods, calendar_for(active_pack()))


def test_other_scopes_are_counted_from_the_rows(org):
    march = [MARCH]
    assert statistics_tallied.usable(stats.Scope(org.dept_head), march)  # their unit's tallies
    for staff in (org.handler, org.intake2, org.callback):  # not kept per unit
        assert not statistics_tallied.usable(stats.Scope(staff), march)
    weeks = Period("custom", date(2026, 3, 2), date(2026, 3, 15))
    assert statistics_tallied.usable(stats.Scope(org.office), [weeks])  # its edge days from the rows
    PeriodTallyState.objects.update(viewers=False)  # tallied before the units' rows existed
    assert statistics_tallied.usable(stats.Scope(org.office), march)
    assert not statistics_tallied.usable(stats.Scope(org.dept_head), march)
    PeriodTallyState.objects.all().delete()
    assert not statistics_tallied.usable(stats.Scope(org.office), march)  # never built: the rows count


@pytest.mark.behind_the_services  # a callback written straight to the table, as an old database had it
def test_redress_tallies_finds_a_difference_and_rebuild_mends_it(org, walk, capsys):
    w = walk(at(2026, 3, 2)).to_awaiting_callback()
    with frozen(at(2026, 3, 9)):
        svc.callback_record(w.c, actor=org.callback, satisfied=True, opinion="")
    assert redress(["tallies"]) == 0
    Callback.objects.filter(complaint=w.c).delete()
    assert redress(["tallies"]) == 1
    assert "2 differ from a recount" in capsys.readouterr().out  # the institution's row and its branch's
    PeriodTallyState.objects.all().delete()
    assert redress(["tallies", "--rebuild"]) == 0
    assert "period tallies rebuilt" in capsys.readouterr().out
    assert period_tally.kept() == recount() and period_tally.built() and period_tally.built_for_viewers()
    assert redress(["tallies"]) == 0
    assert Complaint.objects.filter(pk=w.c.pk).exists()
