"""The dashboard's on-time chart tells the truth (issue 11 item 3): a time limit counts
as met in the week its clock stopped in time, and as missed in the week it passed its
due time, whether the clock has stopped since or is still running, and whether the
sweep has marked it yet or not. Each figure is held to a count written plainly over the
clocks."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache

from redress.complaints import services as svc
from redress.complaints.models import ComplaintClock
from redress.complaints.selectors import stats
from redress.complaints.timesource import frozen
from redress.web.dashboard.charts import on_time_chart
from tests.conftest import at

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = at(2026, 4, 24, 16)  # a Friday afternoon
DAYS = 60


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clocks(org, walk):
    """Every kind of clock: stopped on time, stopped late, running late (marked by the
    sweep, and not yet), running and not yet due, and a late one moved to the branch
    after the sweep marked it."""
    walk(at(2026, 3, 2)).to_awaiting_callback().callback()  # everything on time
    stopped_late = walk(at(2026, 3, 3)).assess().dispatch().accept().propose().approve()
    stopped_late.when = at(2026, 4, 10)  # resolution due 31 Mar: told late
    stopped_late.communicate()
    walk(at(2026, 3, 4)).assess().dispatch().accept()  # resolution due 1 Apr, never told
    moved = walk(at(2026, 3, 5))  # registered, then left alone: resolution due 2 Apr
    with frozen(at(2026, 4, 15)):
        assert svc.mark_breaches() >= 2  # the sweep marks the running ones late
    moved.when = at(2026, 4, 16)
    moved.assess().dispatch().accept()  # its figures follow it to the branch
    walk(at(2026, 3, 25)).assess().dispatch().accept()  # due 23 Apr: late, the sweep has not run since
    walk(at(2026, 4, 10)).assess().dispatch().accept()  # due in May: neither met nor missed yet
    kinds = Counter((k.status, k.breached, k.due_at < NOW) for k in ComplaintClock.objects.all())
    assert kinds[("stopped", False, True)] and kinds[("stopped", True, True)]
    assert kinds[("running", True, True)] and kinds[("running", False, True)] and kinds[("running", False, False)]


def monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def week_of(moment: datetime) -> date:
    return monday(moment.astimezone(SHANGHAI).date())


def counted_over_the_clocks(unit=None) -> dict[date, tuple[int, int]]:
    """{week: (met, missed)} in the window, from the clocks themselves. Nothing in the
    data pauses or extends a clock, so a late clock passed its due time at `due_at`."""
    first = monday(NOW.astimezone(SHANGHAI).date() - timedelta(days=DAYS - 1))
    first_day = NOW.astimezone(SHANGHAI).date() - timedelta(days=DAYS - 1)
    met, missed = Counter(), Counter()
    for k in ComplaintClock.objects.select_related("complaint"):
        if unit is not None and k.complaint.responsible_unit_id != unit.pk:
            continue
        if k.status == "stopped" and not k.breached and k.stopped_at.astimezone(SHANGHAI).date() >= first_day:
            met[week_of(k.stopped_at)] += 1
        late = k.breached or (k.status == "running" and k.due_at < NOW)
        if late and k.due_at.astimezone(SHANGHAI).date() >= first_day:
            missed[week_of(k.due_at)] += 1
    weeks = [first + timedelta(weeks=i) for i in range((NOW.astimezone(SHANGHAI).date() - first).days // 7 + 1)]
    return {w: (met[w], missed[w]) for w in weeks}


def charted(staff) -> dict[date, tuple[int, int]]:
    return {w["week"]: (w["on_time"], w["late"])
            for w in stats.on_time_by_week(stats.chart_scope(staff), NOW, days=DAYS)}


def test_the_chart_counts_running_late_clocks_as_late(org, clocks):
    weeks = stats.on_time_by_week(stats.chart_scope(org.office), NOW, days=DAYS)
    rates = on_time_chart(weeks)["rate"]
    expected = counted_over_the_clocks()
    assert rates == [round(100 * met / (met + missed), 1) if met + missed else None
                     for met, missed in expected.values()]
    assert any(missed for _met, missed in expected.values())


def test_met_and_missed_per_week_equal_a_count_over_the_clocks(org, clocks):
    assert charted(org.office) == counted_over_the_clocks()


def test_the_branchs_figures_are_its_clocks_including_one_moved_in_after_it_was_late(org, clocks):
    assert charted(org.handler) == counted_over_the_clocks(unit=org.branch)
    assert sum(missed for _met, missed in charted(org.handler).values()) == 5


def test_a_clock_stopped_late_is_missed_once_in_the_week_it_fell_due(org, walk):
    late = walk(at(2026, 3, 3)).assess().dispatch().accept().propose().approve()
    with frozen(at(2026, 4, 1)):
        svc.mark_breaches()
    late.when = at(2026, 4, 10)
    late.communicate().callback()  # the callback clock that starts then is stopped on time
    weeks = {w["week"]: w for w in stats.on_time_by_week(stats.chart_scope(org.office), NOW, days=DAYS)}
    assert sum(w["late"] for w in weeks.values()) == 1
    assert weeks[date(2026, 3, 30)]["late"] == 1  # due Tuesday 31 March
    # Week of 6 April: the late resolution and the callback stopped, only the callback met
    assert weeks[date(2026, 4, 6)]["stopped"] == 2 and weeks[date(2026, 4, 6)]["on_time"] == 1
    assert weeks[date(2026, 4, 6)]["late"] == 0


def test_the_sweep_marking_a_clock_late_does_not_change_the_chart(org, clocks):
    before = charted(org.office)
    with frozen(NOW):
        assert svc.mark_breaches() == 2  # due 23 April, and the callback due after the late result
    cache.clear()
    assert charted(org.office) == before


def test_a_clock_falling_due_just_after_midnight_on_monday_is_missed_in_mondays_week(org, walk):
    """Unmarked late clocks are counted per day of the institution's calendar: 00:30 on
    Monday in Shanghai is still Sunday in UTC, and belongs to the new week."""
    case = walk(at(2026, 4, 1)).assess().dispatch().accept()
    monday_after_midnight = datetime(2026, 4, 20, 0, 30, tzinfo=SHANGHAI)
    ComplaintClock.objects.filter(complaint=case.c, status="running").update(due_at=monday_after_midnight)
    weeks = charted(org.office)
    assert weeks == counted_over_the_clocks()
    assert weeks[date(2026, 4, 20)] == (0, 1) and weeks[date(2026, 4, 13)] == (0, 0)
