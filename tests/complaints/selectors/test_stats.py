"""Dashboard numbers (selectors.stats): scoped, counted by the database, per the
institution's calendar day; the charts from the day tallies the services keep by unit
(complaints.tally), cached for a minute per chart scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redress.complaints import services as svc
from redress.complaints import tally
from redress.complaints.selectors import stats
from redress.complaints.timesource import frozen
from tests.conftest import at


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_complaint_just_after_midnight_in_shanghai_counts_on_that_day(org, walk):
    """00:30 in Shanghai is 16:30 the day before in UTC: truncating in UTC would put it
    on the wrong day, and 23:30 the night before must fall outside the 30 days."""
    walk(at(2026, 3, 2, 0, 30))
    walk(at(2026, 3, 1, 23, 30))
    intake = stats.intake_by_day(stats.chart_scope(org.office), at(2026, 3, 31, 12))
    assert intake["days"][0] == date(2026, 3, 2)
    assert intake["by_category"] == {"": [1] + [0] * 29}  # not yet assessed


def test_intake_for_a_handler_leaves_out_another_branchs_complaints(org, walk):
    walk(at(2026, 3, 3)).assess().dispatch()  # to org.branch, the handler's
    other = walk(at(2026, 3, 3)).assess()
    with frozen(at(2026, 3, 3)):
        svc.complaint_dispatch(other.c, actor=org.office, unit=org.branch2)
    day = stats.intake_by_day(stats.chart_scope(org.handler), at(2026, 3, 3, 18))["by_category"]["counter"][-1]
    assert day == 1
    assert stats.intake_by_day(stats.chart_scope(org.office), at(2026, 3, 3, 18))["by_category"]["counter"][-1] == 2


def test_intake_is_one_grouped_query_whatever_the_number_of_complaints(org, walk):
    """A sum over the month's tallies, not over complaints (nor a join to check scope)."""
    for day in (2, 3, 4, 5):
        walk(at(2026, 3, day)).assess()
    with CaptureQueriesContext(connection) as queries:
        stats.intake_by_day(stats.chart_scope(org.office), at(2026, 3, 6))
    [query] = [q["sql"] for q in queries.captured_queries]
    assert "GROUP BY" in query.upper()


def test_chart_data_is_cached_for_a_minute_per_scope(org, walk):
    walk(at(2026, 3, 2)).assess()
    first = stats.chart_data(org.office, at(2026, 3, 2, 12))
    walk(at(2026, 3, 2)).assess()
    assert stats.chart_data(org.office, at(2026, 3, 2, 12)) == first  # same minute: cached
    assert stats.chart_data(org.compliance, at(2026, 3, 2, 12)) == first  # the same wide scope
    cache.clear()  # what a minute passing does
    assert sum(stats.chart_data(org.office, at(2026, 3, 2, 12))["intake"]["by_category"]["counter"]) == 2


def test_a_narrow_scope_has_its_own_cache_entry(org, walk):
    walk(at(2026, 3, 2)).assess()  # not dispatched: not yet the branch's case
    assert sum(stats.chart_data(org.office, at(2026, 3, 2, 12))["intake"]["by_category"]["counter"]) == 1
    assert stats.chart_data(org.handler, at(2026, 3, 2, 12))["intake"]["by_category"] == {}


def test_handlers_and_the_head_of_a_branch_share_the_branchs_figures(org):
    assert stats.chart_scope(org.handler) == stats.chart_scope(org.dept_head) == stats.ChartScope("unit", org.branch)
    assert stats.chart_scope(org.intake) == stats.ChartScope("intake_unit", org.customer_service)
    assert stats.chart_scope(org.callback) == stats.chart_scope(org.office) == stats.ChartScope("institution")


def test_a_complaint_dispatched_to_the_branch_moves_its_receipt_into_the_branchs_figures(org, walk):
    w = walk(at(2026, 3, 2, 10)).assess()
    branch = stats.chart_scope(org.handler)
    assert stats.intake_by_day(branch, at(2026, 3, 2, 12))["by_category"] == {}
    w.dispatch()
    assert stats.intake_by_day(branch, at(2026, 3, 2, 12))["by_category"]["counter"][-1] == 1
    # the desk that took it in keeps it in its own figures
    desk = stats.chart_scope(org.intake)
    assert stats.intake_by_day(desk, at(2026, 3, 2, 12))["by_category"]["counter"][-1] == 1


def test_reassessing_moves_the_day_count_to_the_new_category(org, walk):
    w = walk(at(2026, 3, 2, 10)).assess()
    with frozen(at(2026, 3, 2, 11)):
        svc.complaint_assess(w.c, actor=org.office, category="service_quality", severity="medium", urgency="normal")
    by_category = stats.intake_by_day(stats.chart_scope(org.office), at(2026, 3, 2, 12))["by_category"]
    assert by_category == {"service_quality": [0] * 29 + [1]}


def test_clocks_stopped_on_time_and_late_count_in_the_week_they_stopped(org, walk):
    walk(at(2026, 3, 2)).to_awaiting_callback()  # the resolution clock stops when the result is told
    late = walk(at(2026, 3, 2)).assess().dispatch().accept().propose().approve()
    with frozen(at(2026, 4, 10)):  # well past the 30-day limit
        svc.result_communicate(late.c, actor=org.handler, channel="phone",
                               body="经核实,您的委托价格超出当日涨跌停限制,被交易所作废。依据交易规则第3.3条。")
    weeks = {w["week"]: w for w in stats.on_time_by_week(stats.chart_scope(org.office), at(2026, 4, 10, 18), days=60)}
    stopped_late = weeks[date(2026, 4, 6)]
    assert stopped_late["stopped"] >= 1 and stopped_late["on_time"] == stopped_late["stopped"] - 1
    assert sum(w["stopped"] for w in weeks.values()) == sum(w["on_time"] for w in weeks.values()) + 1


def test_rebuilding_the_tallies_gives_the_figures_the_steps_kept(org, walk):
    walk(at(2026, 3, 2)).to_awaiting_callback().callback()
    walk(at(2026, 3, 3)).assess()
    kept = tally.kept()
    tally.rebuild()
    assert tally.kept() == kept and kept


def test_on_time_weeks_start_on_monday_and_cover_the_window(org):
    weeks = stats.on_time_by_week(stats.chart_scope(org.office), at(2026, 3, 31, 12))
    assert [w["week"] for w in weeks] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16),
                                         date(2026, 3, 23), date(2026, 3, 30)]
    assert all(w["stopped"] == 0 for w in weeks)


def test_the_sweep_merges_each_days_tally_rows_and_keeps_the_figures(org, walk):
    from redress.complaints.models import DayTally
    from redress.complaints.sweep import sweep

    for hour in (9, 10, 11):
        walk(at(2026, 3, 2, hour)).assess().dispatch().accept()  # received, moved twice, a clock stopped
    figures = tally.kept()
    assert DayTally.objects.count() > len(figures)  # a row per step and key
    with frozen(at(2026, 3, 3)):
        assert "day-tally rows merged" in sweep()
    assert tally.kept() == figures
    assert DayTally.objects.count() == len(figures)  # one row per key; the keys it left sum to nothing
    with frozen(at(2026, 3, 3)):
        sweep()
    assert DayTally.objects.count() == len(figures)  # nothing more to merge
