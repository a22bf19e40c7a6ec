"""Reporting periods (a month, a quarter, a half-year, a year) and when a return for one
is due. A period is named the way people write it (2026-07, 2026-Q3, 2026-H1, 2026) and
covers whole days of the institution's calendar, from its first day to the day after its
last, in the institution's time zone."""

from __future__ import annotations

import calendar as _months
import re
from dataclasses import dataclass
from datetime import date, datetime, time

from redress.policy.returns_schema import PeriodKind, RegulatorReturn
from redress.reports.periods import add_months
from redress.sla.calendar import WorkCalendar

MONTHS = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.HALF_YEAR: 6, PeriodKind.YEAR: 12}
PATTERNS = {
    PeriodKind.MONTH: re.compile(r"^(\d{4})-(\d{2})$"),
    PeriodKind.QUARTER: re.compile(r"^(\d{4})-Q([1-4])$"),
    PeriodKind.HALF_YEAR: re.compile(r"^(\d{4})-H([12])$"),
    PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
}
EXAMPLES = {PeriodKind.MONTH: "2026-07", PeriodKind.QUARTER: "2026-Q3", PeriodKind.HALF_YEAR: "2026-H1",
            PeriodKind.YEAR: "2026"}


@dataclass(frozen=True, order=True)
class Period:
    start: date  # its first day
    end: date  # the day after its last
    kind: PeriodKind

    @property
    def label(self) -> str:
        number = (self.start.month - 1) // MONTHS[self.kind] + 1
        return {PeriodKind.MONTH: f"{self.start:%Y-%m}", PeriodKind.QUARTER: f"{self.start.year}-Q{number}",
                PeriodKind.HALF_YEAR: f"{self.start.year}-H{number}", PeriodKind.YEAR: f"{self.start.year}"}[self.kind]

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)

    def bounds(self, tz) -> tuple[datetime, datetime]:
        """The period as instants: midnight of its first day to midnight after its last."""
        return datetime.combine(self.start, time.min, tzinfo=tz), datetime.combine(self.end, time.min, tzinfo=tz)

    def previous(self) -> Period:
        return containing(self.kind, date.fromordinal(self.start.toordinal() - 1))

    def next(self) -> Period:
        return containing(self.kind, self.end)

    def __str__(self) -> str:
        return self.label


def containing(kind: PeriodKind, day: date) -> Period:
    size = MONTHS[kind]
    first = date(day.year, (day.month - 1) // size * size + 1, 1)
    return Period(first, add_months(first, size), kind)


def parse(kind: PeriodKind, text: str) -> Period:
    """The period a label names; ValueError when it is not one of this kind."""
    found = PATTERNS[kind].match(text.strip())
    if not found:
        raise ValueError(text)
    year = int(found.group(1))
    if not 1900 <= year <= 9999:
        raise ValueError(text)
    if kind == PeriodKind.YEAR:
        month = 1
    elif kind == PeriodKind.MONTH:
        month = int(found.group(2))
        if not 1 <= month <= 12:
            raise ValueError(text)
    else:
        month = (int(found.group(2)) - 1) * MONTHS[kind] + 1
    return containing(kind, date(year, month, 1))


def last_ended(kind: PeriodKind, today: date) -> Period:
    """The latest period wholly before today."""
    return containing(kind, today).previous()


def due_date(ret: RegulatorReturn, period: Period, cal: WorkCalendar) -> date:
    """The day a return for `period` must be made by (ret.due)."""
    rule = ret.due
    if rule.working_days is not None:
        return cal.nth_working_day_after(period.last_day, rule.working_days)
    month = add_months(period.last_day.replace(day=1), rule.months_after)
    day = month.replace(day=min(rule.day, _months.monthrange(month.year, month.month)[1]))
    return cal.working_day_on_or_after(day) if rule.next_working_day else day


def next_due(ret: RegulatorReturn, today: date, cal: WorkCalendar) -> tuple[Period, date]:
    """The earliest period whose return falls due today or later, and that day."""
    period = last_ended(ret.period, today)
    while due_date(ret, period.previous(), cal) >= today:  # a long due rule: an older period still to come
        period = period.previous()
    while due_date(ret, period, cal) < today:
        period = period.next()
    return period, due_date(ret, period, cal)
