"""Working-day clock arithmetic, checked against dates worked out by hand.

China 2025 National Day: 2025-10-01..08 off; Sunday 09-28 and Saturday 10-11 worked.
China 2026 Spring Festival: 2026-02-15..23 off; Saturdays 02-14 and 02-28 worked.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redress.policy.schema import CalendarPolicy, Duration, Unit
from redress.sla.calendar import WorkCalendar

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")
LDN = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")


def cn(**overrides) -> WorkCalendar:
    return WorkCalendar(
        country="CN", timezone="Asia/Shanghai", work_start=time(9), work_end=time(17), **overrides
    )


def us() -> WorkCalendar:
    return WorkCalendar(
        country="US", timezone="America/New_York", work_start=time(9), work_end=time(17)
    )


def uk() -> WorkCalendar:
    return WorkCalendar(
        country="GB",
        subdivision="ENG",
        timezone="Europe/London",
        work_start=time(9),
        work_end=time(17, 30),
    )


def sh(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def cob_sh(y, m, d) -> datetime:
    return datetime(y, m, d, 17, 0, tzinfo=SH)


def days(n: int) -> Duration:
    return Duration(amount=n, unit=Unit.WORKING_DAYS)


# ---- which days are worked in China ---------------------------------------------------


def test_adjusted_working_saturday_counts_as_working_day():
    cal = cn()
    assert cal.is_working_day(date(2025, 9, 28))  # Sunday, worked for National Day
    assert cal.is_working_day(date(2025, 10, 11))  # Saturday, worked for National Day
    assert cal.is_working_day(date(2026, 2, 14))  # Saturday, worked for Spring Festival
    assert cal.is_working_day(date(2026, 2, 28))  # Saturday, worked for Spring Festival


def test_national_day_golden_week_is_closed():
    cal = cn()
    for day in range(1, 9):
        assert not cal.is_working_day(date(2025, 10, day)), day
    assert cal.is_working_day(date(2025, 10, 9))


def test_ordinary_weekend_is_closed_and_weekday_open():
    cal = cn()
    assert not cal.is_working_day(date(2025, 9, 27))  # Saturday, not adjusted
    assert cal.is_working_day(date(2025, 9, 26))


def test_next_working_day_jumps_golden_week_and_on_or_after_keeps_working_day():
    cal = cn()
    assert cal.next_working_day(date(2025, 9, 30)) == date(2025, 10, 9)
    assert cal.next_working_day(date(2025, 9, 26)) == date(2025, 9, 28)  # the worked Sunday
    assert cal.working_day_on_or_after(date(2025, 10, 3)) == date(2025, 10, 9)
    assert cal.working_day_on_or_after(date(2025, 10, 9)) == date(2025, 10, 9)


def test_year_not_yet_published_keeps_statutory_holidays_without_adjusted_weekends(caplog):
    cal = cn()
    # chinese_calendar 1.11 stops at 2026; the State Council's 2027 schedule (with its
    # 调休 weekends) is not in it. National Day, Friday 2027-10-01, is a statutory
    # holiday all the same, and we say that the data is incomplete.
    with caplog.at_level(logging.WARNING, logger="redress.sla.calendar"):
        assert not cal.is_working_day(date(2027, 10, 1))
    assert "no data for 2027" in caplog.text
    assert not cal.holiday_data_covers(date(2027, 10, 1))
    assert cal.holiday_data_covers(date(2025, 10, 1))
    assert not cal.is_working_day(date(2027, 1, 1))  # New Year's Day, a Friday
    assert cal.is_working_day(date(2027, 1, 4))  # Monday
    assert not cal.is_working_day(date(2099, 1, 3))  # Saturday
    # Counting across the edge of the data still works: Thu 31 Dec 2026 + 1 working day
    # skips New Year's Day 2027 and the weekend.
    assert cal.due(sh(2026, 12, 31), days(1)) == cob_sh(2027, 1, 4)


def test_administrator_enters_the_adjusted_weekends_of_an_unpublished_year():
    cal = cn(extra_working_days=[date(2027, 9, 26)])  # a Sunday made a working day
    assert cal.is_working_day(date(2027, 9, 26))


# ---- working_days clocks -----------------------------------------------------------


def test_twenty_working_days_skip_national_day_golden_week():
    # Accepted Thursday 2025-09-25; the acceptance day is not counted. By hand:
    # 09-26 Fri (1), 09-28 Sun worked (2), 09-29 (3), 09-30 (4), 10-01..08 closed,
    # 10-09 (5), 10-10 (6), 10-11 Sat worked (7), 10-13..17 (8-12), 10-20..24 (13-17),
    # 10-27 (18), 10-28 (19), 10-29 Wed (20) -> due at 17:00 on 2025-10-29.
    assert cn().due(sh(2025, 9, 25), days(20)) == cob_sh(2025, 10, 29)


def test_working_days_acceptance_day_not_counted_even_after_hours():
    cal = cn()
    assert cal.due(sh(2025, 9, 25, 8, 0), days(1)) == cob_sh(2025, 9, 26)
    assert cal.due(sh(2025, 9, 25, 22, 0), days(1)) == cob_sh(2025, 9, 26)


def test_working_days_from_a_holiday_start_count_from_next_working_day():
    assert cn().due(sh(2025, 10, 3), days(1)) == cob_sh(2025, 10, 9)


def test_zero_working_days_is_close_of_start_day_or_next_working_day():
    cal = cn()
    assert cal.due(sh(2025, 9, 25), days(0)) == cob_sh(2025, 9, 25)
    assert cal.due(sh(2025, 10, 2), days(0)) == cob_sh(2025, 10, 9)


def test_spring_festival_2026_five_working_days():
    # From Thursday 2026-02-12: 02-13 Fri (1), 02-14 Sat worked (2), 02-15..23 closed,
    # 02-24 (3), 02-25 (4), 02-26 (5).
    assert cn().due(sh(2026, 2, 12), days(5)) == cob_sh(2026, 2, 26)


def test_one_working_day_from_friday_before_month_end_is_the_working_saturday():
    assert cn().due(sh(2026, 2, 27), days(1)) == cob_sh(2026, 2, 28)


def test_working_days_across_year_end():
    # 2025-12-31 Wed; 2026-01-01..03 closed (New Year), 2026-01-04 Sunday worked.
    cal = cn()
    assert cal.due(sh(2025, 12, 31), days(1)) == cob_sh(2026, 1, 4)
    assert cal.working_days_between(sh(2025, 12, 31), cob_sh(2026, 1, 5)) == 2


def test_same_working_day_before_and_after_close():
    cal = cn()
    same = Duration(amount=0, unit=Unit.SAME_WORKING_DAY)
    assert cal.due(sh(2025, 9, 30, 16, 59), same) == cob_sh(2025, 9, 30)
    assert cal.due(sh(2025, 9, 30, 17, 0), same) == cob_sh(2025, 10, 9)
    assert cal.due(sh(2025, 10, 5, 10, 0), same) == cob_sh(2025, 10, 9)


def test_a_due_time_kept_for_a_day_is_the_one_worked_out_afresh_for_every_moment_of_it():
    # due() keeps working-day and same-working-day due times by the start's local day
    # (and whether business had closed), not by the instant: each start of a day, read
    # in any zone, before and after hours, a rest day and a DST change included, must get
    # what _due_time works out for it alone.
    limits = [days(0), days(1), days(20), Duration(amount=0, unit=Unit.SAME_WORKING_DAY)]
    for cal, zone, first in ((cn(), SH, date(2025, 9, 29)), (uk(), LDN, date(2026, 3, 27))):
        for day in (first + timedelta(days=n) for n in range(4)):
            start = datetime.combine(day, time(), tzinfo=zone)
            for minutes in range(0, 24 * 60, 37):
                at = (start + timedelta(minutes=minutes)).astimezone(UTC)
                for limit in limits:
                    assert cal.due(at, limit) == cal._due_time(at, limit), (at, limit)
                    assert cal.due(at.astimezone(zone), limit) == cal._due_time(at, limit), (at, limit)


def test_close_of_business_is_local_work_end():
    assert cn().close_of_business(date(2025, 9, 26)) == cob_sh(2025, 9, 26)


# ---- institution overrides ---------------------------------------------------------


def test_extra_closure_is_never_a_working_day():
    cal = cn(extra_closures=[date(2025, 9, 26)])
    assert not cal.is_working_day(date(2025, 9, 26))
    assert cal.due(sh(2025, 9, 25), days(1)) == cob_sh(2025, 9, 28)


def test_extra_working_day_is_always_a_working_day():
    cal = cn(extra_working_days=[date(2025, 10, 8)])
    assert cal.is_working_day(date(2025, 10, 8))
    assert cal.due(sh(2025, 9, 30), days(1)) == cob_sh(2025, 10, 8)


def test_same_date_in_both_override_lists_is_rejected():
    with pytest.raises(ValueError, match="both list 2025-10-08"):
        cn(extra_closures=[date(2025, 10, 8)], extra_working_days=[date(2025, 10, 8)])


def test_from_policy_carries_hours_and_overrides():
    policy = CalendarPolicy(
        country="CN",
        timezone="Asia/Shanghai",
        work_start=time(8, 30),
        work_end=time(17, 30),
        extra_closures=[date(2025, 9, 26)],
        extra_working_days=[date(2025, 10, 8)],
    )
    cal = WorkCalendar.from_policy(policy)
    assert cal.tz == SH
    assert not cal.is_working_day(date(2025, 9, 26))
    assert cal.is_working_day(date(2025, 10, 8))  # the last day of the National Day holiday, worked here
    assert cal.close_of_business(date(2025, 9, 29)) == sh(2025, 9, 29, 17, 30)


def test_other_country_uses_public_holidays():
    cal = us()
    assert not cal.is_working_day(date(2026, 7, 3))  # Independence Day observed
    assert not cal.is_working_day(date(2026, 11, 26))  # Thanksgiving
    assert cal.is_working_day(date(2026, 11, 25))
    assert not uk().is_working_day(date(2026, 4, 6))  # Easter Monday


def test_bad_configuration_is_rejected_with_reason():
    with pytest.raises(ValueError, match="timezone"):
        WorkCalendar(country="CN", timezone="Mars/Base", work_start=time(9), work_end=time(17))
    with pytest.raises(ValueError, match="work_start"):
        WorkCalendar(country="CN", timezone="UTC", work_start=time(17), work_end=time(9))
    with pytest.raises(ValueError, match="country"):
        WorkCalendar(country="XX", timezone="UTC", work_start=time(9), work_end=time(17))


# ---- extension notice --------------------------------------------------------------


def test_extension_notice_three_working_days_before_due_across_holiday():
    # Due 2025-10-10 (Fri). Working days after Monday 09-29 up to the due date:
    # 09-30, 10-09, 10-10 = 3, so a request on 09-29 gives the required notice;
    # one on 09-30 leaves only 2 because 10-01..08 are closed.
    cal = cn()
    due = cob_sh(2025, 10, 10)
    assert cal.working_days_between(sh(2025, 9, 29), due) == 3
    assert cal.working_days_between(sh(2025, 9, 30), due) == 2


# ---- working hours and minutes -----------------------------------------------------


def test_working_minutes_start_at_next_opening_when_outside_hours():
    cal = cn()
    limit = Duration(amount=30, unit=Unit.WORKING_MINUTES)
    assert cal.due(sh(2025, 9, 26, 7, 0), limit) == sh(2025, 9, 26, 9, 30)
    assert cal.due(sh(2025, 9, 30, 18, 0), limit) == sh(2025, 10, 9, 9, 30)


def test_working_hours_ending_exactly_at_close_stay_on_that_day():
    cal = cn()
    assert cal.due(sh(2025, 9, 26, 16), Duration(amount=1, unit=Unit.WORKING_HOURS)) == cob_sh(
        2025, 9, 26
    )
    # 16 working hours from 09:00 Friday = two full days: Friday and the worked Sunday.
    assert cal.due(sh(2025, 9, 26, 9), Duration(amount=16, unit=Unit.WORKING_HOURS)) == cob_sh(
        2025, 9, 28
    )


def test_working_hours_cross_us_spring_forward():
    # US clocks go forward on Sunday 2026-03-08. 1 h on Friday, 1 h on Monday.
    cal = us()
    start = datetime(2026, 3, 6, 16, 0, tzinfo=NY)
    due = cal.due(start, Duration(amount=2, unit=Unit.WORKING_HOURS))
    assert due == datetime(2026, 3, 9, 10, 0, tzinfo=NY)
    assert due.utcoffset() == timedelta(hours=-4)
    assert start.utcoffset() == timedelta(hours=-5)
    assert cal.working_minutes_between(start, due) == 120


def test_working_hours_cross_us_fall_back():
    # US clocks go back on Sunday 2026-11-01.
    cal = us()
    start = datetime(2026, 10, 30, 16, 30, tzinfo=NY)
    due = cal.due(start, Duration(amount=90, unit=Unit.WORKING_MINUTES))
    assert due == datetime(2026, 11, 2, 10, 0, tzinfo=NY)
    assert due.utcoffset() == timedelta(hours=-5)


def test_elapsed_minutes_cross_us_spring_forward_use_real_time():
    cal = us()
    start = datetime(2026, 3, 8, 1, 30, tzinfo=NY)
    due = cal.due(start, Duration(amount=60, unit=Unit.MINUTES))
    assert due == datetime(2026, 3, 8, 3, 30, tzinfo=NY)  # 02:xx does not exist that night
    assert due.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=1)


def test_calendar_days_keep_wall_time_across_london_spring_and_autumn():
    cal = uk()
    # BST starts Sunday 2026-03-29 and ends Sunday 2026-10-25.
    spring = cal.due(
        datetime(2026, 3, 28, 10, tzinfo=LDN), Duration(amount=1, unit=Unit.CALENDAR_DAYS)
    )
    assert spring == datetime(2026, 3, 29, 10, tzinfo=LDN)
    assert spring.utcoffset() == timedelta(hours=1)
    autumn = cal.due(
        datetime(2026, 10, 24, 10, tzinfo=LDN), Duration(amount=2, unit=Unit.CALENDAR_DAYS)
    )
    assert autumn == datetime(2026, 10, 26, 10, tzinfo=LDN)
    assert autumn.utcoffset() == timedelta(0)


def test_working_hours_cross_london_spring_forward_and_autumn_back():
    cal = uk()
    hours = Duration(amount=2, unit=Unit.WORKING_HOURS)
    # Friday 16:30 GMT: 1 h Friday, 1 h Monday 30 March in BST.
    spring = cal.due(datetime(2026, 3, 27, 16, 30, tzinfo=LDN), hours)
    assert spring == datetime(2026, 3, 30, 10, tzinfo=LDN)
    assert spring.astimezone(UTC) == datetime(2026, 3, 30, 9, tzinfo=UTC)
    autumn = cal.due(datetime(2026, 10, 23, 16, 30, tzinfo=LDN), hours)
    assert autumn.astimezone(UTC) == datetime(2026, 10, 26, 10, tzinfo=UTC)


def test_start_given_in_utc_is_read_in_local_time():
    # 2025-09-25 20:00 UTC is already 04:00 on 09-26 in Shanghai: the acceptance day is 09-26.
    start = datetime(2025, 9, 25, 20, 0, tzinfo=UTC)
    assert cn().due(start, days(1)) == cob_sh(2025, 9, 28)


# ---- months ---------------------------------------------------------------------


def test_one_month_from_january_31_clamps_to_february_end():
    cal = cn()
    months = Duration(amount=1, unit=Unit.MONTHS)
    assert cal.due(sh(2026, 1, 31, 11), months) == sh(2026, 2, 28, 11)
    assert cal.due(sh(2024, 1, 31, 11), months) == sh(2024, 2, 29, 11)
    assert cal.due(sh(2025, 11, 30, 11), Duration(amount=3, unit=Unit.MONTHS)) == sh(
        2026, 2, 28, 11
    )
    assert cal.is_working_day(date(2026, 2, 28))


# ---- pauses ----------------------------------------------------------------------


def test_pause_across_weekend_gives_back_one_working_day():
    # Paused Friday 2026-03-06, resumed Monday 03-09: Monday is the one working day after
    # the pause date up to the resume date, so the due date moves by one working day.
    cal = cn()
    due = cob_sh(2026, 3, 20)
    shifted = cal.shift_for_pause(due, sh(2026, 3, 6, 15), sh(2026, 3, 9, 10), Unit.WORKING_DAYS)
    assert shifted == cob_sh(2026, 3, 23)


def test_pause_within_one_day_does_not_move_a_working_days_clock():
    cal = cn()
    due = cob_sh(2026, 3, 20)
    assert cal.shift_for_pause(due, sh(2026, 3, 6, 9), sh(2026, 3, 6, 16), Unit.WORKING_DAYS) == due


def test_pause_across_golden_week_gives_back_only_working_days():
    cal = cn()
    due = cob_sh(2025, 10, 10)
    paused, resumed = sh(2025, 9, 30, 10), sh(2025, 10, 9, 10)
    # Only 10-09 lies after the pause date up to the resume date and is worked.
    assert cal.shift_for_pause(due, paused, resumed, Unit.WORKING_DAYS) == cob_sh(2025, 10, 11)
    assert cal.shift_for_pause(due, paused, resumed, Unit.SAME_WORKING_DAY) == cob_sh(2025, 10, 11)
    # A calendar-day clock gets the full nine days back.
    assert cal.shift_for_pause(due, paused, resumed, Unit.CALENDAR_DAYS) == cob_sh(2025, 10, 19)


def test_pause_across_weekend_gives_back_working_minutes():
    # Paused Friday 16:00, resumed Monday 10:00 = 60 + 60 working minutes.
    cal = cn()
    due = sh(2026, 3, 10, 16, 30)
    shifted = cal.shift_for_pause(due, sh(2026, 3, 6, 16), sh(2026, 3, 9, 10), Unit.WORKING_HOURS)
    assert shifted == sh(2026, 3, 11, 10, 30)


def test_pause_of_elapsed_clock_adds_real_time_across_us_spring_forward():
    cal = us()
    due = datetime(2026, 3, 8, 12, 0, tzinfo=NY)
    paused = datetime(2026, 3, 8, 1, 0, tzinfo=NY)
    resumed = datetime(2026, 3, 8, 4, 0, tzinfo=NY)  # only 2 real hours: 02:xx was skipped
    assert cal.shift_for_pause(due, paused, resumed, Unit.MINUTES) == datetime(
        2026, 3, 8, 14, 0, tzinfo=NY
    )


def test_pause_that_resumes_before_it_started_is_rejected():
    with pytest.raises(ValueError, match="resumed_at"):
        cn().shift_for_pause(cob_sh(2025, 10, 10), sh(2025, 9, 30), sh(2025, 9, 29), Unit.MINUTES)


# ---- measuring and display ----------------------------------------------------------


def test_working_days_between_is_signed():
    cal = cn()
    assert cal.working_days_between(sh(2025, 9, 25), sh(2025, 10, 9)) == 5
    assert cal.working_days_between(sh(2025, 10, 9), sh(2025, 9, 25)) == -5
    assert cal.working_days_between(sh(2025, 9, 25, 9), sh(2025, 9, 25, 18)) == 0


def test_working_days_between_over_a_year_counts_the_published_calendar():
    # 2025 in China, by hand: 261 weekdays (starts Wednesday, 52 weeks + 1 day);
    # minus weekday holidays: New Year 1, Spring Festival 01-28..02-04 6, Qingming 1,
    # Labour Day 05-01..05 3, Dragon Boat 1, National Day 10-01..08 6 = 18;
    # plus worked weekends 01-26, 02-08, 04-27, 09-28, 10-11 = 5. 261 - 18 + 5 = 248.
    cal = cn()
    assert cal.working_days_between(sh(2024, 12, 31), sh(2025, 12, 31)) == 248


def test_working_minutes_between_counts_only_office_hours():
    cal = cn()
    assert cal.working_minutes_between(sh(2025, 9, 30, 16), sh(2025, 10, 9, 10)) == 120
    assert cal.working_minutes_between(sh(2025, 10, 9, 10), sh(2025, 9, 30, 16)) == -120
    assert cal.working_minutes_between(sh(2025, 9, 26, 7), sh(2025, 9, 26, 20)) == 480
    assert (
        cal.working_minutes_between(sh(2025, 9, 26, 12), sh(2025, 9, 29, 12))
        == 5 * 60 + 480 + 3 * 60
    )


def test_time_left_shows_working_days_then_minutes_then_overdue():
    cal = cn()
    due = cob_sh(2025, 10, 10)
    assert cal.time_left(sh(2025, 9, 29), due, Unit.WORKING_DAYS) == (3, "working_days")
    assert cal.time_left(sh(2025, 10, 10, 16), due, Unit.WORKING_DAYS) == (60, "working_minutes")
    assert cal.time_left(sh(2025, 10, 10, 18), due, Unit.WORKING_DAYS) == (-60, "minutes")
    assert cal.time_left(sh(2025, 10, 13, 10), due, Unit.WORKING_DAYS) == (-2, "working_days")
    assert cal.time_left(sh(2025, 10, 10, 15), due, Unit.WORKING_HOURS) == (120, "working_minutes")
    assert cal.time_left(sh(2025, 10, 10, 16, 50), due, Unit.MINUTES) == (10, "minutes")
    late = due + timedelta(seconds=30)
    assert cal.time_left(late, due, Unit.MINUTES) == (-1, "minutes")


# ---- errors ---------------------------------------------------------------------


def test_naive_datetimes_are_rejected_naming_the_argument():
    cal = cn()
    naive = datetime(2025, 9, 25, 10)
    with pytest.raises(ValueError, match="start must be a timezone-aware"):
        cal.due(naive, days(1))
    with pytest.raises(ValueError, match="paused_at"):
        cal.shift_for_pause(cob_sh(2025, 10, 10), naive, sh(2025, 9, 29), Unit.WORKING_DAYS)
    with pytest.raises(ValueError, match="resumed_at"):
        cal.shift_for_pause(cob_sh(2025, 10, 10), sh(2025, 9, 29), naive, Unit.WORKING_DAYS)
    with pytest.raises(ValueError, match="due"):
        cal.shift_for_pause(naive, sh(2025, 9, 29), sh(2025, 9, 30), Unit.WORKING_DAYS)
    with pytest.raises(ValueError, match="b must be"):
        cal.working_days_between(sh(2025, 9, 29), naive)
    with pytest.raises(ValueError, match="a must be"):
        cal.working_minutes_between(naive, sh(2025, 9, 29))
    with pytest.raises(ValueError, match="now"):
        cal.time_left(naive, sh(2025, 9, 29), Unit.MINUTES)


def test_negative_amounts_are_rejected():
    # Duration validates ge=0; model_construct skips validation, the calendar does not.
    bad = Duration.model_construct(amount=-1, unit=Unit.WORKING_DAYS)
    with pytest.raises(ValueError, match="limit.amount must not be negative"):
        cn().due(sh(2025, 9, 25), bad)
    odd = Duration.model_construct(amount=2, unit=Unit.SAME_WORKING_DAY)
    with pytest.raises(ValueError, match="same_working_day"):
        cn().due(sh(2025, 9, 25), odd)


# ---- properties -------------------------------------------------------------------

CALENDARS = {"CN": cn(), "US": us(), "GB": uk()}


@settings(max_examples=300, deadline=None)
@given(
    country=st.sampled_from(sorted(CALENDARS)),
    start=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2026, 9, 30), timezones=st.just(UTC)
    ),
    n=st.integers(min_value=0, max_value=60),
)
def test_working_days_due_is_close_of_business_on_a_working_day(country, start, n):
    cal = CALENDARS[country]
    due = cal.due(start, days(n))
    local = due.astimezone(cal.tz)
    assert cal.is_working_day(local.date())
    assert local.time() == cal.work_end
    assert due == cal.close_of_business(local.date())
    if n >= 1:
        assert cal.working_days_between(start, due) == n


@settings(max_examples=300, deadline=None)
@given(
    country=st.sampled_from(sorted(CALENDARS)),
    start=st.datetimes(
        min_value=datetime(2024, 1, 1), max_value=datetime(2026, 9, 30), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=0, max_value=20 * 8 * 60),
)
def test_working_minutes_due_is_that_many_working_minutes_away(country, start, minutes):
    # Checks the whole-day jumps in due() against the day-by-day sum in between().
    cal = CALENDARS[country]
    due = cal.due(start, Duration(amount=minutes, unit=Unit.WORKING_MINUTES))
    assert due >= start
    assert cal.working_minutes_between(start, due) == minutes
