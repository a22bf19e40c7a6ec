"""The us-broker pack's business days are the New York Stock Exchange's trading days.

The holidays are worked out here from NYSE Rule 7.2 as written, not read from the
`holidays` library the calendar uses: New Year's Day, Martin Luther King Jr. Day,
Washington's Birthday, Good Friday, Memorial Day, Juneteenth (from 2022), Independence
Day, Labor Day, Thanksgiving and Christmas. A holiday on a Sunday is observed on the
Monday after, one on a Saturday on the Friday before — except New Year's Day, which on
a Saturday is not observed at all (the Friday is the last trading day of the year).
Columbus Day and Veterans Day are federal holidays on which the exchange trades.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from redress.policy.loader import load_pack
from redress.policy.schema import Duration
from redress.sla.calendar import WorkCalendar

NY = ZoneInfo("America/New_York")
PACK = load_pack("us-broker")
YEARS = range(2020, 2031)
# Days the exchange closed that no rule predicts (national days of mourning).
UNSCHEDULED = {date(2025, 1, 9)}  # President Carter


def easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous algorithm of 1876)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741 (the algorithm's own names)
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def observed(d: date) -> date | None:
    if d.weekday() == 5:
        return d - timedelta(days=1)
    if d.weekday() == 6:
        return d + timedelta(days=1)
    return d


def nyse_holidays(year: int) -> set[date]:
    new_year = date(year, 1, 1)
    days = {
        new_year + timedelta(days=1) if new_year.weekday() == 6 else new_year,
        nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        easter(year) - timedelta(days=2),  # Good Friday
        last_weekday(year, 5, 0),  # Memorial Day
        observed(date(year, 7, 4)),
        nth_weekday(year, 9, 0, 1),  # Labor Day
        nth_weekday(year, 11, 3, 4),  # Thanksgiving
        observed(date(year, 12, 25)),
    }
    if year >= 2022:
        days.add(observed(date(year, 6, 19)))
    return {d for d in days if d.weekday() < 5} | {d for d in UNSCHEDULED if d.year == year}


@pytest.fixture(scope="module")
def cal() -> WorkCalendar:
    return WorkCalendar.from_policy(PACK.calendar)


def ny(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=NY)


def test_easter_is_computed_right_on_known_years():
    assert [easter(y) for y in (2024, 2025, 2026, 2027)] == [
        date(2024, 3, 31), date(2025, 4, 20), date(2026, 4, 5), date(2027, 3, 28)
    ]


@pytest.mark.parametrize("year", YEARS)
def test_weekdays_off_are_exactly_the_exchange_holidays(cal, year):
    d, off = date(year, 1, 1), set()
    while d.year == year:
        if d.weekday() < 5 and not cal.is_working_day(d):
            off.add(d)
        d += timedelta(days=1)
    assert off == nyse_holidays(year)


def test_good_friday_is_not_a_business_day(cal):
    assert not cal.is_working_day(date(2026, 4, 3))
    assert not cal.is_working_day(date(2027, 3, 26))


def test_columbus_day_and_veterans_day_are_business_days(cal):
    assert cal.is_working_day(date(2026, 10, 12))
    assert cal.is_working_day(date(2026, 11, 11))


def test_new_years_day_on_a_saturday_leaves_the_last_friday_of_the_year_a_business_day(cal):
    # 1 January 2028 is a Saturday: the exchange trades on Friday 31 December 2027.
    assert date(2028, 1, 1).weekday() == 5
    assert cal.is_working_day(date(2027, 12, 31))
    assert cal.next_working_day(date(2027, 12, 30)) == date(2027, 12, 31)
    assert cal.next_working_day(date(2027, 12, 31)) == date(2028, 1, 3)


def test_independence_day_on_a_saturday_closes_the_friday_before(cal):
    assert date(2026, 7, 4).weekday() == 5
    assert not cal.is_working_day(date(2026, 7, 3))


def test_a_fifteen_business_day_limit_skips_good_friday(cal):
    # Received Thursday 18 March 2027; 15 business days skipping Good Friday (26 March)
    # ends Friday 9 April, not Thursday 8 April as a federal calendar would have it.
    due = cal.due(ny(2027, 3, 18), Duration(amount=15, unit="working_days"))
    assert due.date() == date(2027, 4, 9)


def test_a_pack_naming_an_unknown_market_is_refused():
    with pytest.raises(ValueError, match="market"):
        WorkCalendar(country="US", market="XXXX", timezone="America/New_York",
                     work_start=PACK.calendar.work_start, work_end=PACK.calendar.work_end)


def test_an_institution_may_go_back_to_the_federal_calendar(tmp_path):
    path = tmp_path / "firm.yaml"
    path.write_text("extends: us-broker\ncode: federal-firm\ncalendar: {market: null}\n", encoding="utf-8")
    federal = WorkCalendar.from_policy(load_pack(str(path)).calendar)
    assert federal.is_working_day(date(2026, 4, 3))  # Good Friday
    assert not federal.is_working_day(date(2026, 10, 12))  # Columbus Day
