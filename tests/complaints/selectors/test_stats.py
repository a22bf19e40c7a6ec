"""Dashboard numbers (selectors.stats): scoped, counted by the database, per the
institution's calendar day, chart data cached for a minute per scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from redress.complaints import services as svc
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
    intake = stats.intake_by_day(org.office, at(2026, 3, 31, 12))
    assert intake["days"][0] == date(2026, 3, 2)
    assert intake["by_category"] == {"": [1] + [0] * 29}  # not yet assessed


def test_intake_for_a_handler_leaves_out_another_branchs_complaints(org, walk):
    walk(at(2026, 3, 3)).assess().dispatch()  # to org.branch, the handler's
    other = walk(at(2026, 3, 3)).assess()
    with frozen(at(2026, 3, 3)):
        svc.complaint_dispatch(other.c, actor=org.office, unit=org.branch2)
    day = stats.intake_by_day(org.handler, at(2026, 3, 3, 18))["by_category"]["counter"][-1]
    assert day == 1
    assert stats.intake_by_day(org.office, at(2026, 3, 3, 18))["by_category"]["counter"][-1] == 2


def test_intake_is_one_grouped_query_whatever_the_number_of_complaints(org, walk):
    for day in (2, 3, 4, 5):
        walk(at(2026, 3, day)).assess()
    with CaptureQueriesContext(connection) as queries:
        stats.intake_by_day(org.office, at(2026, 3, 6))
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
    walk(at(2026, 3, 2)).assess()  # not dispatched: the branch handler cannot see it
    assert sum(stats.chart_data(org.office, at(2026, 3, 2, 12))["intake"]["by_category"]["counter"]) == 1
    assert stats.chart_data(org.handler, at(2026, 3, 2, 12))["intake"]["by_category"] == {}


def test_on_time_weeks_start_on_monday_and_cover_the_window(org):
    weeks = stats.on_time_by_week(org.office, at(2026, 3, 31, 12))
    assert [w["week"] for w in weeks] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16),
                                         date(2026, 3, 23), date(2026, 3, 30)]
    assert all(w["stopped"] == 0 for w in weeks)
