"""The calendar's edges: close of business exactly, non-working days at either end of a
measurement, pauses of no length, and the argument an error names.

Each test here was written for a mutant that the rest of the suite let live
(docs/mutation.md); the dates are China's 2025 National Day bridge: Friday 09-26 is
worked, Saturday 09-27 is not, Sunday 09-28 is worked (调休), 10-01..08 are off.
"""

from __future__ import annotations

from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from redress.policy.schema import CalendarPolicy, Duration, Unit
from redress.sla.calendar import (
    WorkCalendar,
    official_data_covers,
    official_source,
    official_years,
    official_years_missing,
)

SH = ZoneInfo("Asia/Shanghai")


def cn() -> WorkCalendar:
    return WorkCalendar(country="CN", timezone="Asia/Shanghai", work_start=time(9), work_end=time(17))


def sh(m, d, hh=10, mm=0) -> datetime:
    return datetime(2025, m, d, hh, mm, tzinfo=SH)


NAIVE = datetime(2025, 9, 26, 10)


# ---- working time starts at the next opening --------------------------------------------


def test_no_working_minutes_from_close_of_business_is_due_at_the_next_opening():
    # 17:00 is the first minute after the working day, not its last: the count starts at
    # the next opening, Sunday 09-28 (a 调休 working day), not at 17:00 on Friday.
    due = cn().due(sh(9, 26, 17), Duration(amount=0, unit=Unit.WORKING_MINUTES))
    assert due == sh(9, 28, 9)


def test_working_minutes_on_a_day_off_count_nothing():
    assert cn().working_minutes_between(sh(9, 27, 10), sh(9, 27, 11)) == 0


def test_working_minutes_up_to_a_day_off_count_only_the_working_day():
    # Friday 16:00 to Saturday 11:00: the last hour of Friday; nothing of Saturday.
    assert cn().working_minutes_between(sh(9, 26, 16), sh(9, 27, 11)) == 60
    assert cn().working_minutes_between(sh(9, 27, 11), sh(9, 26, 16)) == -60


def test_working_minutes_over_a_holiday_week_count_the_days_worked_between():
    # Tuesday 09-30 16:00 to Thursday 10-09 10:00: one hour, the holiday, one hour.
    assert cn().working_minutes_between(sh(9, 30, 16), sh(10, 9, 10)) == 120


# ---- pauses -------------------------------------------------------------------------


@pytest.mark.parametrize("unit", [Unit.WORKING_HOURS, Unit.WORKING_DAYS, Unit.HOURS])
def test_a_pause_of_no_length_gives_nothing_back(unit):
    due = sh(10, 10, 17)
    assert cn().shift_for_pause(due, sh(9, 29, 11), sh(9, 29, 11), unit) == due


def test_a_pause_outside_working_hours_leaves_an_hour_clock_due_at_close_where_it_was():
    # Due at Friday's close; paused on Saturday (not worked): no working time to give back,
    # so the due time stays Friday 17:00 rather than moving to the next opening.
    due = sh(9, 26, 17)
    assert cn().shift_for_pause(due, sh(9, 27, 10), sh(9, 27, 15), Unit.WORKING_HOURS) == due


@pytest.mark.parametrize("unit", [Unit.HOURS, Unit.WORKING_HOURS, Unit.WORKING_DAYS])
def test_a_due_time_given_back_is_in_the_institutions_zone(unit):
    cal = cn()
    shifted = cal.shift_for_pause(sh(9, 30, 17), sh(9, 29, 10), sh(9, 29, 15), unit)
    assert shifted.tzinfo is cal.tz


def test_a_pause_that_ends_before_it_starts_is_refused_with_its_rule():
    with pytest.raises(ValueError, match=r"^resumed_at must not be before paused_at$"):
        cn().shift_for_pause(sh(10, 10, 17), sh(9, 29, 11), sh(9, 29, 10), Unit.WORKING_HOURS)


# ---- every refusal names its argument exactly ------------------------------------------


CALLS = {
    "due.start": lambda c: c.due(NAIVE, Duration(amount=1, unit=Unit.WORKING_DAYS)),
    "shift_for_pause.due": lambda c: c.shift_for_pause(NAIVE, sh(9, 29), sh(9, 30), Unit.WORKING_DAYS),
    "shift_for_pause.paused_at": lambda c: c.shift_for_pause(sh(10, 10), NAIVE, sh(9, 30), Unit.WORKING_DAYS),
    "shift_for_pause.resumed_at": lambda c: c.shift_for_pause(sh(10, 10), sh(9, 29), NAIVE, Unit.WORKING_DAYS),
    "working_days_between.a": lambda c: c.working_days_between(NAIVE, sh(9, 29)),
    "working_days_between.b": lambda c: c.working_days_between(sh(9, 29), NAIVE),
    "working_minutes_between.a": lambda c: c.working_minutes_between(NAIVE, sh(9, 29)),
    "working_minutes_between.b": lambda c: c.working_minutes_between(sh(9, 29), NAIVE),
    "time_left.now": lambda c: c.time_left(NAIVE, sh(9, 29), Unit.MINUTES),
    "time_left.due": lambda c: c.time_left(sh(9, 29), NAIVE, Unit.MINUTES),
}


@pytest.mark.parametrize("call", sorted(CALLS))
def test_a_naive_datetime_is_refused_naming_exactly_the_argument(call):
    argument = call.split(".")[1]
    with pytest.raises(ValueError, match=rf"^{argument} must be a timezone-aware datetime, got naive "):
        CALLS[call](cn())


# ---- the years chinese_calendar knows ----------------------------------------------------


def test_the_official_data_covers_its_first_and_last_years_and_nothing_outside():
    first, last = official_years()
    assert [official_data_covers(y) for y in (first - 1, first, last, last + 1)] == [
        False, True, True, False,
    ]


def test_next_years_missing_schedule_is_reported_from_the_first_of_november():
    # Complaints received in November run into January, so from 1 November a missing
    # next year matters; on 31 October it does not yet.
    _, last = official_years()
    assert official_years_missing(date(last, 10, 31)) == []
    assert official_years_missing(date(last, 11, 1)) == [last + 1]
    assert official_years_missing(date(last, 12, 31)) == [last + 1]
    assert official_years_missing(date(last + 1, 1, 2)) == [last + 1]
    assert official_years_missing(date(last + 1, 11, 1)) == [last + 1, last + 2]


def test_a_pack_naming_a_subdivision_gets_its_holidays():
    # 2 January is a bank holiday in Scotland, not in England.
    policy = CalendarPolicy(country="GB", subdivision="SCT", timezone="Europe/London")
    assert not WorkCalendar.from_policy(policy).is_working_day(date(2026, 1, 2))
    england = CalendarPolicy(country="GB", subdivision="ENG", timezone="Europe/London")
    assert WorkCalendar.from_policy(england).is_working_day(date(2026, 1, 2))


def test_the_official_source_fingerprint_changes_when_a_day_changes(monkeypatch):
    from chinese_calendar import constants

    before = official_source()
    assert before["version"] == chinese_calendar.__version__  # shown with the recomputation's reason
    assert before["years"] == list(official_years())
    assert len(before["digest"]) == 16 and int(before["digest"], 16) >= 0
    # A day moved from the holidays to the working days (a corrected release) is noticed.
    day = sorted(constants.holidays)[-1]
    monkeypatch.setattr(constants, "holidays", {d: v for d, v in constants.holidays.items() if d != day})
    monkeypatch.setattr(constants, "workdays", {**constants.workdays, day: "corrected"})
    assert official_source()["digest"] != before["digest"]


# ---- a calendar that cannot work is refused when it is configured -----------------------


def test_working_hours_that_open_and_close_at_the_same_time_are_refused():
    with pytest.raises(ValueError, match=r"^work_start \(09:00:00\) must be before work_end \(09:00:00\)$"):
        WorkCalendar(country="CN", timezone="Asia/Shanghai", work_start=time(9), work_end=time(9))


@pytest.mark.parametrize("aware", ["work_start", "work_end"])
def test_working_hours_with_a_time_zone_of_their_own_are_refused(aware):
    hours = {"work_start": time(9), "work_end": time(17)}
    hours[aware] = hours[aware].replace(tzinfo=SH)
    with pytest.raises(ValueError, match=r"^work_start/work_end must be naive local times of day$"):
        WorkCalendar(country="CN", timezone="Asia/Shanghai", **hours)


def test_the_calendar_keeps_the_hours_and_zone_it_was_given():
    cal = cn()
    assert (cal.work_start, cal.work_end, cal.tz) == (time(9), time(17), SH)
    assert cal.close_of_business(date(2025, 9, 26)) == sh(9, 26, 17)


def test_an_unknown_subdivision_is_refused_when_the_calendar_is_configured():
    with pytest.raises(ValueError, match=r"^country/subdivision: .*XX"):
        WorkCalendar(country="GB", subdivision="XX", timezone="Europe/London",
                     work_start=time(9), work_end=time(17))


def test_only_chinas_calendar_can_lack_a_years_schedule():
    # `holidays` computes any year's bank holidays from rules; chinese_calendar only knows
    # the years the State Council has published.
    _, last = official_years()
    uk = WorkCalendar(country="GB", subdivision="ENG", timezone="Europe/London",
                      work_start=time(9), work_end=time(17))
    assert uk.holiday_data_covers(date(last + 5, 1, 1))
    assert cn().holiday_data_covers(date(last, 1, 1))
    assert not cn().holiday_data_covers(date(last + 1, 1, 1))


def test_working_time_counts_seconds_and_microseconds():
    cal = cn()
    start = sh(9, 26, 10).replace(second=30)
    assert cal.due(start, Duration(amount=60, unit=Unit.WORKING_MINUTES)) == start.replace(hour=11)
    # 50 seconds and 59.9 seconds are not yet a whole working minute.
    assert cal.working_minutes_between(start, sh(9, 26, 10, 1).replace(second=20)) == 0
    half = sh(9, 26, 10).replace(microsecond=500_000)
    assert cal.working_minutes_between(half, sh(9, 26, 10, 1).replace(microsecond=400_000)) == 0


# ---- elapsed limits and malformed ones ---------------------------------------------------


def test_an_hours_limit_is_hours_of_elapsed_time_in_the_institutions_zone():
    cal = cn()
    due = cal.due(sh(9, 27, 22), Duration(amount=2, unit=Unit.HOURS))  # a Saturday night
    assert due == sh(9, 28, 0) and due.tzinfo is cal.tz
    assert cal.due(sh(9, 27, 22), Duration(amount=90, unit=Unit.MINUTES)) == sh(9, 27, 23, 30)


@pytest.mark.parametrize("amount", [1.5, True, "2"])
def test_a_limit_that_is_not_a_whole_number_is_refused(amount):
    bad = Duration.model_construct(amount=amount, unit=Unit.WORKING_DAYS)
    with pytest.raises(ValueError, match=rf"^limit.amount must be a whole number, got {amount!r}$"):
        cn().due(sh(9, 26), bad)


def test_same_working_day_takes_no_amount():
    bad = Duration.model_construct(amount=1, unit=Unit.SAME_WORKING_DAY)
    with pytest.raises(ValueError, match=r"^limit.amount must be 0 for same_working_day$"):
        cn().due(sh(9, 26), bad)


def test_a_date_that_is_not_a_datetime_is_refused_naming_what_it_is():
    with pytest.raises(ValueError, match=r"^start must be a datetime, got str$"):
        cn().due("2025-09-26 10:00", Duration(amount=1, unit=Unit.WORKING_DAYS))


class _NoOffset(tzinfo):
    """A zone that cannot say its offset: as good as naive."""

    def utcoffset(self, dt):
        return None


def test_a_datetime_whose_zone_gives_no_offset_is_refused():
    with pytest.raises(ValueError, match=r"^start must be a timezone-aware datetime"):
        cn().due(datetime(2025, 9, 26, 10, tzinfo=_NoOffset()), Duration(amount=1, unit=Unit.WORKING_DAYS))


def test_new_years_day_is_worked_when_the_institution_says_so():
    cal = WorkCalendar(country="GB", subdivision="ENG", timezone="Europe/London",
                       work_start=time(9), work_end=time(17), extra_working_days=[date(2027, 1, 1)])
    assert cal.is_working_day(date(2027, 1, 1))
    assert cal.next_working_day(date(2026, 12, 31)) == date(2027, 1, 1)


def test_a_year_past_the_official_schedule_still_rests_on_the_statutory_holidays():
    import holidays

    _, last = official_years()
    statutory = holidays.country_holidays("CN", years=last + 1)
    weekday_holidays = [d for d in sorted(statutory) if d.weekday() < 5]
    assert weekday_holidays, "the statutory holidays of a year include weekdays"
    cal = cn()
    assert not any(cal.is_working_day(d) for d in weekday_holidays)


def test_only_a_year_without_the_official_schedule_is_warned_about(caplog):
    _, last = official_years()
    cal = cn()
    with caplog.at_level("WARNING", logger="redress.sla.calendar"):
        cal.is_working_day(date(last, 6, 1))
    assert caplog.messages == []
    with caplog.at_level("WARNING", logger="redress.sla.calendar"):
        cal.is_working_day(date(last + 1, 6, 1))
    assert caplog.messages == [
        f"chinese_calendar has no data for {last + 1}; using statutory holidays without 调休"
    ]


# ---- a period of calendar days whose last day is a rest day -------------------------------


def test_a_period_ending_on_a_holiday_ends_when_business_closes_on_the_next_working_day():
    # 民法典 第二百零三条: 15 days from Tuesday 09-16 end on 10-01, National Day; the
    # holiday runs to 10-08, so the period ends at close of business on Thursday 10-09.
    limit = Duration(amount=15, unit=Unit.CALENDAR_DAYS, ends_on_working_day=True)
    assert cn().due(sh(9, 16), limit) == sh(10, 9, 17)
    # Without the rule the same period ends on the holiday, at the hour it started.
    assert cn().due(sh(9, 16), Duration(amount=15, unit=Unit.CALENDAR_DAYS)) == sh(10, 1)
