"""The statistics' period tallies (complaints.period_tally): kept by the services step
by step, equal to a recount after a walk through the lifecycle, giving the office the
same statistics as a count of the rows, and rebuilt by `redress tallies --rebuild`."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

import pytest

from redress.cli import main as redress
from redress.complaints import period_tally
from redress.complaints import services as svc
from redress.complaints.models import Callback, Complaint, OrgUnit, PeriodTally, PeriodTallyState
from redress.complaints.services.timing import calendar_for, mark_breaches
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
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


def test_other_scopes_and_a_part_of_a_month_are_counted_from_the_rows(org):
    march = [MARCH]
    assert statistics_tallied.usable(stats.Scope(org.dept_head), march)  # their unit's tallies
    for staff in (org.handler, org.intake2, org.callback):  # not kept per unit
        assert not statistics_tallied.usable(stats.Scope(staff), march)
    weeks = Period("custom", date(2026, 3, 2), date(2026, 3, 15))
    assert not statistics_tallied.usable(stats.Scope(org.office), [weeks])
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
