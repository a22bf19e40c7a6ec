"""The "time left / overdue by" shown next to every clock, on the institution's calendar."""

from __future__ import annotations

from django.utils import translation

from redress.complaints.timesource import frozen
from redress.web.templatetags.redress import time_left
from tests.conftest import at


def test_clock_shows_working_days_left(org, walk):
    w = walk(at(2026, 3, 2))  # due Monday 30 March
    clock = w.c.clocks.get(code="resolution")
    with frozen(at(2026, 3, 20)), translation.override("en"):
        assert time_left({}, clock) == (f'<span class="ok" title="{clock.due_at.isoformat()}">'
                                    "6 working days left</span>")


def test_overdue_clock_is_marked_late_in_chinese(org, walk):
    w = walk(at(2026, 3, 2))
    clock = w.c.clocks.get(code="resolution")
    with frozen(at(2026, 4, 1, 12)), translation.override("zh-hans"):
        html = time_left({}, clock)
    assert 'class="late"' in html


def test_last_day_counts_down_in_working_hours(org, walk):
    # the working minutes left on the last day, said as working hours (issue 12.4)
    w = walk(at(2026, 3, 2))
    clock = w.c.clocks.get(code="resolution")
    with frozen(at(2026, 3, 30, 15)), translation.override("en"):
        assert "2 working hours left" in time_left({}, clock)
    with frozen(at(2026, 3, 30, 16, 15)), translation.override("en"):
        assert "45 working minutes left" in time_left({}, clock)


def test_an_eight_week_final_response_counts_down_in_calendar_days(org, settings):
    # uk-fca: received Monday 2 March 2026 10:00 London, due Monday 27 April 10:00.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from redress.complaints import services as svc
    from tests.conftest import complaint_input

    settings.REDRESS_POLICY = "uk-fca"
    london = ZoneInfo("Europe/London")
    with frozen(datetime(2026, 3, 2, 10, tzinfo=london)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(), register=True)
    clock = c.clocks.get(code="final_response")
    with frozen(datetime(2026, 4, 17, 10, tzinfo=london)), translation.override("en"):
        assert '<span class="ok"' in time_left({}, clock) and "10 calendar days left" in time_left({}, clock)
    with frozen(datetime(2026, 4, 26, 10, tzinfo=london)), translation.override("zh-hans"):
        assert '<span class="soon"' in time_left({}, clock) and "1 个自然日" in time_left({}, clock)
    with frozen(datetime(2026, 4, 29, 10, tzinfo=london)), translation.override("en"):
        assert '<span class="late"' in time_left({}, clock) and "overdue by 2 calendar days" in time_left({}, clock)
