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
from redress.complaints.models import Callback, Complaint, PeriodTally, PeriodTallyState
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


def test_a_branch_and_a_part_of_a_month_are_counted_from_the_rows(org):
    march = [MARCH]
    assert not statistics_tallied.usable(stats.Scope(org.dept_head), march)  # sees the branch's, work orders too
    weeks = Period("custom", date(2026, 3, 2), date(2026, 3, 15))
    assert not statistics_tallied.usable(stats.Scope(org.office), [weeks])
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
    assert "1 differ from a recount" in capsys.readouterr().out
    PeriodTallyState.objects.all().delete()
    assert redress(["tallies", "--rebuild"]) == 0
    assert "period tallies rebuilt" in capsys.readouterr().out
    assert period_tally.kept() == recount() and period_tally.built()
    assert redress(["tallies"]) == 0
    assert Complaint.objects.filter(pk=w.c.pk).exists()
