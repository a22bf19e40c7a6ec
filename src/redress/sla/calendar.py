"""Working-day clock arithmetic: when is a complaint due, and how much time is left.

Pure Python on purpose (no models, no DB): the SLA services, the sweep and the displays
all need the same answers, and regulators' time limits are easiest to audit when the
arithmetic can be tested on its own against dates worked out by hand.

Conventions, each of which is a choice a regulator or a customer could ask about:

* All inputs are timezone-aware; a naive datetime is a bug upstream, never "probably
  local time". Arithmetic happens in the institution's zone, so DST is handled.
* A working day is a *local calendar date*. China uses ``chinese_calendar`` (it knows
  the adjusted working weekends, 调休); other countries use ``holidays`` plus Mon–Fri.
  A pack that names a ``market`` (a broker's business day is a trading day) uses that
  exchange's calendar from ``holidays.financial_holidays`` instead of the country's.
  Institution overrides always win.
* Working time is measured on the local wall clock inside [work_start, work_end). DST
  transitions happen at night in every zone we serve, so every working day holds the
  same number of working minutes, which keeps the sums O(1) per day.
* Working days for the year are built once and kept as a sorted list of ordinals, so
  counting and stepping over N working days is a bisect per year, not a loop per day.
"""

from __future__ import annotations

import calendar as _stdcal
import hashlib
import logging
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import chinese_calendar
import holidays

from redress.policy.schema import CalendarPolicy, Duration, Unit

log = logging.getLogger(__name__)

WORKING_TIME_UNITS = frozenset({Unit.WORKING_MINUTES, Unit.WORKING_HOURS})
WORKING_DAY_UNITS = frozenset({Unit.WORKING_DAYS, Unit.SAME_WORKING_DAY})


def _require_aware(name: str, value: datetime) -> None:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}")


def _elapsed(a: datetime, b: datetime) -> timedelta:
    # Aware datetimes sharing one tzinfo subtract as wall clocks in Python, so a DST
    # change would be lost; going through UTC gives the real elapsed time.
    return b.astimezone(UTC) - a.astimezone(UTC)


def _time_of_day(t: datetime | time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


def _add_months(d: date, months: int) -> date:
    # Clamp to the month's last day: Jan 31 + 1 month is Feb 28 (29), never Mar 3.
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, _stdcal.monthrange(year, month)[1]))


def official_years() -> tuple[int, int]:
    """The first and last year for which chinese_calendar has the State Council's
    holiday schedule (with the 调休 working weekends). Read from the package's data, the
    same dictionaries its is_workday checks against."""
    from chinese_calendar import constants

    years = [d.year for d in constants.holidays]
    return min(years), max(years)


def official_data_covers(year: int) -> bool:
    first, last = official_years()
    return first <= year <= last


# The State Council usually publishes next year's schedule in late October or November;
# from this day on, a missing next year is worth telling the people who can act on it.
WARN_NEXT_YEAR_FROM = (11, 1)


def official_years_missing(today: date) -> list[int]:
    """Years that due dates computed today may reach and chinese_calendar has no data
    for: this year, and from 1 November next year too (complaints registered then run
    into January). Due dates in them are computed without their holidays' 调休."""
    wanted = [today.year]
    if (today.month, today.day) >= WARN_NEXT_YEAR_FROM:
        wanted.append(today.year + 1)
    return [year for year in wanted if not official_data_covers(year)]


def official_source() -> dict:
    """What the official calendar data is now: the package version, the years it covers,
    and a digest of its days, so a new release (or a corrected one) is noticed even when
    the version string is the same. Plain data: it is stored and compared by the sweep."""
    from chinese_calendar import constants

    material = ";".join(f"{d.isoformat()}{k}" for k, table in (("h", constants.holidays), ("w", constants.workdays))
                        for d in sorted(table))
    first, last = official_years()
    return {"version": getattr(chinese_calendar, "__version__", "?"), "years": [first, last],
            "digest": hashlib.sha256(material.encode()).hexdigest()[:16]}

DUE_KEPT = 50_000  # due times a calendar keeps (WorkCalendar.due)


class WorkCalendar:
    """An institution's calendar: which days are worked, and the hours of a working day."""

    @classmethod
    def from_policy(cls, policy: CalendarPolicy) -> WorkCalendar:
        return cls(
            country=policy.country,
            subdivision=policy.subdivision,
            market=policy.market,
            timezone=policy.timezone,
            work_start=policy.work_start,
            work_end=policy.work_end,
            extra_closures=policy.extra_closures,
            extra_working_days=policy.extra_working_days,
        )

    def __init__(
        self,
        *,
        country: str,
        timezone: str,
        work_start: time,
        work_end: time,
        subdivision: str | None = None,
        market: str | None = None,
        extra_closures: Iterable[date] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        try:
            self.tz = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"timezone: unknown time zone {timezone!r}") from None
        if work_start.tzinfo is not None or work_end.tzinfo is not None:
            raise ValueError("work_start/work_end must be naive local times of day")
        if work_start >= work_end:
            raise ValueError(f"work_start ({work_start}) must be before work_end ({work_end})")
        self.country = country.upper()
        self.subdivision = subdivision
        self.market = market
        self.work_start = work_start
        self.work_end = work_end
        self._open = _time_of_day(work_start)
        self._close = _time_of_day(work_end)
        self._day_length = self._close - self._open
        self.extra_closures = frozenset(extra_closures)
        self.extra_working_days = frozenset(extra_working_days)
        both = self.extra_closures & self.extra_working_days
        if both:
            raise ValueError(
                f"extra_closures and extra_working_days both list {sorted(both)[0].isoformat()}"
            )
        # Fail at configuration time, not at the first due date computed.
        if market is not None:
            try:
                holidays.financial_holidays(market, years=())
            except NotImplementedError as exc:
                raise ValueError(f"market: {exc}") from None
        elif self.country != "CN":
            try:
                holidays.country_holidays(self.country, subdiv=subdivision, years=())
            except NotImplementedError as exc:
                raise ValueError(f"country/subdivision: {exc}") from None
        self._years: dict[int, list[int]] = {}  # year -> sorted ordinals of its working days
        self._due: dict[tuple, datetime] = {}  # due(): (start, unit, amount, ends on a working day) -> due time

    # ---- which days are worked -------------------------------------------------------

    def holiday_data_covers(self, d: date) -> bool:
        """False when China's calendar has no data for d's year (so Mon–Fri is assumed)."""
        if self.country != "CN" or self.market is not None:
            return True
        try:
            chinese_calendar.is_workday(d)
        except NotImplementedError:
            return False
        return True

    def _country_works(self, d: date, public_holidays) -> bool:
        if self.country == "CN" and self.market is None:
            try:
                return chinese_calendar.is_workday(d)
            except NotImplementedError:
                # chinese_calendar only knows the years the State Council has published;
                # beyond them, Mon–Fri less the statutory holidays (see _working_ordinals).
                return d.weekday() < 5 and d not in (public_holidays or ())
        return d.weekday() < 5 and d not in public_holidays

    def package_holidays(self, year: int):
        """The `holidays` package's days off for year, where the calendar takes them from
        it: an exchange's trading holidays, another country's public holidays, or China's
        statutory holidays for a year chinese_calendar does not know yet (the State Council
        publishes next year's schedule late in the year; until the package knows it the
        调休 swaps are unknown and administrators enter them as calendar days). None when
        chinese_calendar decides the year."""
        if self.market is not None:
            return holidays.financial_holidays(self.market, years=year)
        if self.country != "CN":
            return holidays.country_holidays(self.country, subdiv=self.subdivision, years=year)
        if not self.holiday_data_covers(date(year, 1, 1)):
            return holidays.country_holidays("CN", years=year)
        return None

    def package_source(self, years: Iterable[int]) -> str:
        """The `holidays` package's version and a digest of the days this calendar takes
        from it in years: a newer release that moves a holiday (a one-off closure, a
        corrected date) changes it even when nothing else in the calendar did."""
        material = []
        for year in years:
            public = self.package_holidays(year)
            material += sorted(d.isoformat() for d in public or ())
        digest = hashlib.sha256(";".join(material).encode()).hexdigest()[:16]
        return f"{holidays.__version__}/{digest}"

    def _working_ordinals(self, year: int) -> list[int]:
        cached = self._years.get(year)
        if cached is not None:
            return cached
        public = self.package_holidays(year)
        if public is not None and self.country == "CN" and self.market is None:
            log.warning("chinese_calendar has no data for %s; using statutory holidays without 调休", year)
        days = []
        d = date(year, 1, 1)
        while d.year == year:
            if d in self.extra_working_days or (
                d not in self.extra_closures and self._country_works(d, public)
            ):
                days.append(d.toordinal())
            d += timedelta(days=1)
        self._years[year] = days
        return days

    def is_working_day(self, d: date) -> bool:
        days = self._working_ordinals(d.year)
        i = bisect_left(days, d.toordinal())
        return i < len(days) and days[i] == d.toordinal()

    def _nth_working_day_after(self, d: date, n: int) -> date:
        """The n-th working day strictly after d (n >= 1); d itself when n == 0."""
        if n == 0:
            return d
        year, ordinal = d.year, d.toordinal()
        while True:  # one iteration per calendar year crossed
            days = self._working_ordinals(year)
            i = bisect_right(days, ordinal)
            available = len(days) - i
            if n <= available:
                return date.fromordinal(days[i + n - 1])
            n -= available
            year += 1

    def nth_working_day_after(self, d: date, n: int) -> date:
        """The n-th working day strictly after d (d itself when n == 0)."""
        return self._nth_working_day_after(d, n)

    def nth_working_day_before(self, d: date, n: int) -> date:
        """The n-th working day strictly before d (n >= 1): where a reminder "n working
        days before" a due date falls."""
        while n:
            d -= timedelta(days=1)
            n -= self.is_working_day(d)
        return d

    def next_working_day(self, d: date) -> date:
        return self._nth_working_day_after(d, 1)

    def working_day_on_or_after(self, d: date) -> date:
        return d if self.is_working_day(d) else self.next_working_day(d)

    def _count_after_through(self, a: date, b: date) -> int:
        """Working days in (a, b] for a <= b: whole years by length, ends by bisect."""
        total = sum(len(self._working_ordinals(y)) for y in range(a.year, b.year))
        total += bisect_right(self._working_ordinals(b.year), b.toordinal())
        return total - bisect_right(self._working_ordinals(a.year), a.toordinal())

    # ---- local time helpers -----------------------------------------------------------

    def _local(self, name: str, value: datetime) -> datetime:
        _require_aware(name, value)
        return value.astimezone(self.tz)

    def _at(self, d: date, offset: timedelta) -> datetime:
        """Aware local datetime at wall-clock `offset` after midnight on d.

        The UTC round trip resolves wall times that a DST gap skips (02:30 on the
        spring-forward night becomes 03:30) into real instants.
        """
        naive = datetime.combine(d, time()) + offset
        return naive.replace(tzinfo=self.tz).astimezone(UTC).astimezone(self.tz)

    def start_of_business(self, d: date) -> datetime:
        """work_start local on d (whether or not d is a working day)."""
        return self._at(d, self._open)

    def close_of_business(self, d: date) -> datetime:
        """work_end local on d (whether or not d is a working day)."""
        return self._at(d, self._close)

    def _clamp(self, local: datetime) -> timedelta:
        return min(max(_time_of_day(local), self._open), self._close)

    def _add_working_time(self, local: datetime, amount: timedelta) -> datetime:
        d, tod = local.date(), _time_of_day(local)
        # Outside working hours the count starts at the next opening.
        if not self.is_working_day(d) or tod >= self._close:
            d, tod = self.next_working_day(d), self._open
        tod = max(tod, self._open)
        if amount <= self._close - tod:
            return self._at(d, tod + amount)
        remaining = amount - (self._close - tod)
        # Jump over whole days at once; an exact multiple ends at a close, not an opening.
        full, rest = divmod(remaining, self._day_length)
        if not rest:
            full, rest = full - 1, self._day_length
        return self._at(self._nth_working_day_after(d, full + 1), self._open + rest)

    def _working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b] for local a <= b."""
        da, db = a.date(), b.date()
        if da == db:
            return self._clamp(b) - self._clamp(a) if self.is_working_day(da) else timedelta()
        first = self._close - self._clamp(a) if self.is_working_day(da) else timedelta()
        last = self._clamp(b) - self._open if self.is_working_day(db) else timedelta()
        middle = self._count_after_through(da, db) - (1 if self.is_working_day(db) else 0)
        return first + middle * self._day_length + last

    # ---- the clock ----------------------------------------------------------------

    def due(self, start: datetime, limit: Duration) -> datetime:
        # Kept per calendar (its days do not change once built): an import of ten years
        # asks for the same few thousand dates' due times on every row. A limit in
        # working days ends at a close of business fixed by the start's local date alone
        # (the day of acceptance is not counted, whatever the hour), and a same-working-day
        # one by that date and whether business has closed: kept by those, so the
        # complaints registered at different moments of one day (a batch of the API: a
        # new start every item) share one due time.
        unit = limit.unit
        if unit == Unit.WORKING_DAYS or unit == Unit.SAME_WORKING_DAY:
            local = self._local("start", start)
            day = local.date()
            moment = day if unit == Unit.WORKING_DAYS else (day, _time_of_day(local) < self._close)
        else:
            moment = start
        key = (moment, unit, limit.amount, getattr(limit, "ends_on_working_day", False))
        found = self._due.get(key)
        if found is None:
            if len(self._due) >= DUE_KEPT:
                self._due.clear()
            found = self._due[key] = self._due_time(start, limit)
        return found

    def _due_time(self, start: datetime, limit: Duration) -> datetime:
        local = self._local("start", start)
        unit, amount = Unit(limit.unit), limit.amount
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise ValueError(f"limit.amount must be a whole number, got {amount!r}")
        if amount < 0:
            raise ValueError(f"limit.amount must not be negative, got {amount}")
        if unit in (Unit.MINUTES, Unit.HOURS):
            # Elapsed time: add in UTC so a DST change does not add or remove an hour.
            step = timedelta(minutes=amount) if unit == Unit.MINUTES else timedelta(hours=amount)
            return (local.astimezone(UTC) + step).astimezone(self.tz)
        if unit in WORKING_TIME_UNITS:
            minutes = amount if unit == Unit.WORKING_MINUTES else amount * 60
            return self._add_working_time(local, timedelta(minutes=minutes))
        if unit == Unit.WORKING_DAYS:
            # 自受理之日起N个工作日: the day of acceptance is not counted, whatever the hour.
            # N == 0 is taken literally: close of the start day (or the next working day),
            # even if the start is after hours; use same_working_day for "today if possible".
            d = local.date()
            end = (
                self.working_day_on_or_after(d)
                if amount == 0
                else self._nth_working_day_after(d, amount)
            )
            return self.close_of_business(end)
        if unit == Unit.SAME_WORKING_DAY:
            if amount != 0:
                raise ValueError("limit.amount must be 0 for same_working_day")
            d = local.date()
            if self.is_working_day(d) and _time_of_day(local) < self._close:
                return self.close_of_business(d)
            return self.close_of_business(self.next_working_day(d))
        if unit in (Unit.CALENDAR_DAYS, Unit.MONTHS):
            # Same wall time N days later, re-localised: 10:00 stays 10:00 across DST.
            end = local.date() + timedelta(days=amount) if unit == Unit.CALENDAR_DAYS else _add_months(local.date(), amount)
            if getattr(limit, "ends_on_working_day", False):
                return self.ending_on_working_day(end)
            return self._at(end, _time_of_day(local))
        raise ValueError(f"limit.unit {unit!r} is not supported")  # pragma: no cover

    def ending_on_working_day(self, last: date) -> datetime:
        """The end of a period whose last day is `last`, moved to the first working day
        after it if it is a rest day; it ends when business closes (民法典 第二百零三条)."""
        return self.close_of_business(self.working_day_on_or_after(last))

    def shift_for_pause(
        self, due: datetime, paused_at: datetime, resumed_at: datetime, unit: Unit
    ) -> datetime:
        """Give a clock back the time it spent paused (waiting for the customer).

        working_minutes/hours: the working minutes inside the pause are added to `due`
        with the same rules as due() (counting continues at the next opening).

        working_days/same_working_day: the pause is worth working_days_between(paused_at,
        resumed_at) working days, i.e. working days after the pause date up to and
        including the resume date. This mirrors the acceptance rule (the day the clock
        starts is not counted): the day the customer's answer arrives is treated like a
        new acceptance day and is not charged to the institution, while the pause day
        is. It depends only on dates, as regulators count, so a pause that starts and
        ends on the same date never moves the due date, and one from Friday to Monday
        gives back one day. The new due is close of business of the N-th working day
        after due's date.

        minutes/hours/calendar_days/months: the elapsed time of the pause is added.
        """
        local_due = self._local("due", due)
        paused = self._local("paused_at", paused_at)
        resumed = self._local("resumed_at", resumed_at)
        if _elapsed(paused, resumed) < timedelta():
            raise ValueError("resumed_at must not be before paused_at")
        unit = Unit(unit)
        if unit in WORKING_TIME_UNITS:
            spent = self._working_time_between(paused, resumed)
            return self._add_working_time(local_due, spent) if spent else local_due
        if unit in WORKING_DAY_UNITS:
            days = self.working_days_between(paused, resumed)
            if not days:
                return local_due
            return self.close_of_business(self._nth_working_day_after(local_due.date(), days))
        return (local_due.astimezone(UTC) + _elapsed(paused, resumed)).astimezone(self.tz)

    # ---- measuring ---------------------------------------------------------------

    def working_days_between(self, a: datetime, b: datetime) -> int:
        """Working days after a's local date up to and including b's; negative if b < a."""
        da, db = self._local("a", a).date(), self._local("b", b).date()
        if db >= da:
            return self._count_after_through(da, db)
        return -self._count_after_through(db, da)

    def working_minutes_between(self, a: datetime, b: datetime) -> int:
        """Whole working minutes from a to b (truncated); negative if b < a."""
        la, lb = self._local("a", a), self._local("b", b)
        if _elapsed(la, lb) >= timedelta():
            return int(self._working_time_between(la, lb) // timedelta(minutes=1))
        return -int(self._working_time_between(lb, la) // timedelta(minutes=1))

    def time_left(self, now: datetime, due: datetime, unit: Unit) -> tuple[int, str]:
        """What to show next to a clock: (amount, unit) with positive = left, negative = overdue.

        Day clocks show working days; when none separate now and due (due today, or
        overdue only since the last close), they fall back to working minutes, then to
        elapsed minutes, so the sign still tells "overdue" from "due soon". Elapsed
        minutes are floored: 30 seconds late shows as -1, never 0. Limits in calendar
        days or months show local calendar days (an eight-week final response has "40
        calendar days" left, not 57,600 minutes), then elapsed minutes on the due date.
        """
        local_now = self._local("now", now)
        local_due = self._local("due", due)
        unit = Unit(unit)
        if unit in (Unit.CALENDAR_DAYS, Unit.MONTHS):
            days = (local_due.date() - local_now.date()).days
            if days:
                return days, "calendar_days"
        if unit in WORKING_DAY_UNITS:
            days = self.working_days_between(now, due)
            if days:
                return days, "working_days"
        if unit in WORKING_DAY_UNITS or unit in WORKING_TIME_UNITS:
            minutes = self.working_minutes_between(now, due)
            if minutes:
                return minutes, "working_minutes"
        return _elapsed(now, due) // timedelta(minutes=1), "minutes"
