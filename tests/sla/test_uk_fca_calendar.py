"""The uk-fca pack's calendar and limits, checked against dates worked out by hand.

England & Wales bank holidays as the UK government publishes them (gov.uk/bank-holidays),
written out here rather than read from the `holidays` library the calendar uses. A
business day (FCA Glossary) is any day but a Saturday, a Sunday or a bank holiday;
British Summer Time starts on the last Sunday of March and ends on the last Sunday of
October. DISP 1.5: resolved by close of business on the third business day after the
day of receipt; DISP 1.6.2R: final response by the end of eight weeks after receipt.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from redress.policy.loader import load_pack
from redress.policy.schema import Duration
from redress.sla.calendar import WorkCalendar

LDN = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
PACK = load_pack("uk-fca")

# Bank holidays in England and Wales that fall on a weekday (a substitute day where the
# holiday itself is at the weekend), from the government's published lists.
BANK_HOLIDAYS = {
    2020: ["01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25", "12-28"],  # early May moved to VE Day
    2021: ["01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27", "12-28"],  # both Christmas days substituted
    2022: ["01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29", "09-19", "12-26", "12-27"],
    2023: ["01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28", "12-25", "12-26"],
    2024: ["01-01", "03-29", "04-01", "05-06", "05-27", "08-26", "12-25", "12-26"],
    2025: ["01-01", "04-18", "04-21", "05-05", "05-26", "08-25", "12-25", "12-26"],
    2026: ["01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25", "12-28"],
    2027: ["01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27", "12-28"],
    2028: ["01-03", "04-14", "04-17", "05-01", "05-29", "08-28", "12-25", "12-26"],
}
OFF = {date.fromisoformat(f"{year}-{day}") for year, days in BANK_HOLIDAYS.items() for day in days}


def london(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LDN)


def close_of_business(y, m, d) -> datetime:
    return london(y, m, d, 17, 30)


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.from_policy(PACK.calendar)


def three_business_days(cal: WorkCalendar, received: datetime) -> datetime:
    return cal.due(received, PACK.summary_resolution.within)


def eight_weeks(cal: WorkCalendar, received: datetime) -> datetime:
    return cal.due(received, PACK.clock("final_response").limit)


@pytest.mark.parametrize("year", sorted(BANK_HOLIDAYS))
def test_weekdays_off_are_exactly_the_published_bank_holidays(cal, year):
    d, off = date(year, 1, 1), []
    while d.year == year:
        if d.weekday() < 5 and not cal.is_working_day(d):
            off.append(d.strftime("%m-%d"))
        d += timedelta(days=1)
    assert off == BANK_HOLIDAYS[year]


def test_the_pack_is_on_london_time_and_england_and_wales_holidays():
    assert (PACK.calendar.country, PACK.calendar.subdivision, PACK.calendar.timezone) == ("GB", "ENG", "Europe/London")


def test_the_subdivision_decides_the_holidays():
    # 2 January and St Andrew's Day are bank holidays in Scotland, not in England.
    scotland = WorkCalendar.from_policy(PACK.calendar.model_copy(update={"subdivision": "SCT"}))
    england = WorkCalendar.from_policy(PACK.calendar)
    assert england.is_working_day(date(2026, 1, 2)) and not scotland.is_working_day(date(2026, 1, 2))
    assert england.is_working_day(date(2026, 11, 30)) and not scotland.is_working_day(date(2026, 11, 30))


def test_an_unknown_subdivision_is_refused_when_the_calendar_is_built():
    with pytest.raises(ValueError, match="country/subdivision"):
        WorkCalendar(country="GB", subdivision="XXX", timezone="Europe/London", work_start=time(9),
                     work_end=time(17, 30))


# ---- the three business days of DISP 1.5 ---------------------------------------------


def test_three_business_days_close_at_close_of_business_on_the_third_day_after_receipt(cal):
    # Received Monday 1 June 2026 at 09:00: Tuesday, Wednesday, Thursday; closes Thursday 17:30.
    assert three_business_days(cal, london(2026, 6, 1, 9)) == close_of_business(2026, 6, 4)
    # The hour of receipt does not matter: late on Monday evening gives the same Thursday.
    assert three_business_days(cal, london(2026, 6, 1, 23, 59)) == close_of_business(2026, 6, 4)


def test_received_the_day_before_good_friday_waits_for_the_easter_monday_too(cal):
    # Thursday 2 April 2026: Good Friday 3 and Easter Monday 6 April are bank holidays,
    # so Tuesday 7, Wednesday 8, Thursday 9.
    assert three_business_days(cal, london(2026, 4, 2, 15)) == close_of_business(2026, 4, 9)
    # Received on Good Friday itself (a day off): the same three days follow.
    assert three_business_days(cal, london(2026, 4, 3, 11)) == close_of_business(2026, 4, 9)


def test_the_early_may_bank_holiday_is_not_a_business_day(cal):
    # Thursday 30 April 2026: Friday 1 May, (Monday 4 May off), Tuesday 5, Wednesday 6.
    assert three_business_days(cal, london(2026, 4, 30)) == close_of_business(2026, 5, 6)


def test_received_23_december_when_boxing_day_falls_on_a_saturday(cal):
    # 2026: Christmas is a Friday, Boxing Day a Saturday, so Monday 28 December is the
    # substitute: Thursday 24, Tuesday 29, Wednesday 30.
    assert three_business_days(cal, london(2026, 12, 23, 15)) == close_of_business(2026, 12, 30)


def test_received_23_december_when_christmas_and_boxing_day_fall_at_the_weekend(cal):
    # 2027: Christmas on a Saturday, Boxing Day on a Sunday: Monday 27 and Tuesday 28 are
    # both substitutes. Friday 24, Wednesday 29, Thursday 30.
    assert three_business_days(cal, london(2027, 12, 23, 15)) == close_of_business(2027, 12, 30)


def test_the_day_of_receipt_is_the_london_date_not_the_utc_one(cal):
    # 23:30 UTC on Tuesday 31 March 2026 is 00:30 BST on Wednesday 1 April: the receipt
    # day is Wednesday. Thursday 2, (Easter) Tuesday 7, Wednesday 8.
    received = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    assert three_business_days(cal, received) == close_of_business(2026, 4, 8)


def test_close_of_business_is_on_the_london_wall_clock_across_the_clocks_changing(cal):
    # Friday 27 March 2026, the weekend the clocks go forward: Monday 30, Tuesday 31,
    # Wednesday 1 April, closing 17:30 BST, which is 16:30 UTC.
    closes = three_business_days(cal, london(2026, 3, 27, 16))
    assert closes == close_of_business(2026, 4, 1)
    assert closes.astimezone(UTC) == datetime(2026, 4, 1, 16, 30, tzinfo=UTC)
    # Friday 23 October 2026, the weekend they go back: closes 17:30 GMT on Wednesday 28.
    closes = three_business_days(cal, london(2026, 10, 23, 16))
    assert closes.astimezone(UTC) == datetime(2026, 10, 28, 17, 30, tzinfo=UTC)


# ---- the eight weeks of DISP 1.6.2R -----------------------------------------------------


def test_eight_weeks_are_fifty_six_calendar_days_to_the_minute(cal):
    # Received Monday 2 March 2026 at 10:00: due Monday 27 April at 10:00, bank holidays
    # (Good Friday, Easter Monday) and weekends counted like any day.
    assert eight_weeks(cal, london(2026, 3, 2, 10)) == london(2026, 4, 27, 10)
    assert PACK.clock("final_response").limit == Duration(amount=56, unit="calendar_days")


def test_eight_weeks_keep_the_london_hour_when_the_clocks_change_inside_them(cal):
    # Received Saturday 28 March 2026 10:00 GMT, the day before the clocks go forward:
    # due Saturday 23 May 10:00 BST (09:00 UTC), the date eight weeks on, an hour sooner
    # in elapsed time.
    due = eight_weeks(cal, london(2026, 3, 28, 10))
    assert due == london(2026, 5, 23, 10)
    assert due.astimezone(UTC) == datetime(2026, 5, 23, 9, tzinfo=UTC)
    # Received Saturday 24 October 2026 10:00 BST, the day before they go back: due
    # Saturday 19 December 10:00 GMT.
    assert eight_weeks(cal, london(2026, 10, 24, 10)) == london(2026, 12, 19, 10)


def test_eight_weeks_from_christmas_week_and_from_easter(cal):
    assert eight_weeks(cal, london(2026, 12, 23, 15)) == london(2027, 2, 17, 15)
    assert eight_weeks(cal, london(2026, 4, 2, 15)) == london(2026, 5, 28, 15)


def test_eight_weeks_may_end_on_a_bank_holiday_or_a_sunday(cal):
    # Calendar weeks are not moved to a business day: received Monday 8 March 2027,
    # due Monday 3 May 2027, the early May bank holiday.
    due = eight_weeks(cal, london(2027, 3, 8, 11))
    assert due == london(2027, 5, 3, 11) and not cal.is_working_day(due.date())


def test_time_left_on_eight_weeks_is_told_in_london_calendar_days_then_minutes(cal):
    due = eight_weeks(cal, london(2026, 3, 2, 10))  # Monday 27 April 10:00 BST
    limit = PACK.clock("final_response").limit.unit
    assert cal.time_left(london(2026, 3, 2, 10), due, limit) == (56, "calendar_days")
    # 23:30 UTC on Sunday 26 April is already Monday 27 in London: due today, in minutes.
    assert cal.time_left(datetime(2026, 4, 26, 23, 30, tzinfo=UTC), due, limit) == (9 * 60 + 30, "minutes")
    assert cal.time_left(london(2026, 4, 27, 10, 1), due, limit) == (-1, "minutes")
    assert cal.time_left(london(2026, 4, 29, 9), due, limit) == (-2, "calendar_days")


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2028, 12, 15), timezones=st.just(UTC)))
def test_three_business_days_agree_with_a_plain_count_over_the_published_holidays(receipt):
    # Walk the London dates after the day of receipt one by one; the third that is a
    # weekday and not a published bank holiday closes at 17:30 London time.
    cal = WorkCalendar.from_policy(PACK.calendar)
    d, counted = receipt.astimezone(LDN).date(), 0
    while counted < 3:
        d += timedelta(days=1)
        counted += d.weekday() < 5 and d not in OFF
    assert three_business_days(cal, receipt) == close_of_business(d.year, d.month, d.day)


@settings(max_examples=300, deadline=None)
@given(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2028, 10, 1), timezones=st.just(UTC)))
def test_eight_weeks_are_the_london_date_56_days_on_at_the_same_wall_time(receipt):
    cal = WorkCalendar.from_policy(PACK.calendar)
    local = receipt.astimezone(LDN)
    due = eight_weeks(cal, receipt).astimezone(LDN)
    assert due.date() == local.date() + timedelta(days=56)
    # The wall time is kept, except when it falls in the hour the spring change skips
    # (01:00-02:00 on the last Sunday of March), which does not exist: an hour later.
    skipped = due.month == 3 and due.weekday() == 6 and due.day > 24 and local.hour == 1
    expected = (local.hour + 1, local.minute) if skipped else (local.hour, local.minute)
    assert (due.hour, due.minute) == expected
