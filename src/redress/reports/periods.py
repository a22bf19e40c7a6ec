"""Reporting periods: a month, quarter, half-year or year of the calendar, or any run of
days, and the periods each figure is set beside (the one before, the same a year
earlier). Days are the institution's calendar days; the last day is included."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

MONTH, QUARTER, HALF, YEAR, CUSTOM = "month", "quarter", "half", "year", "custom"
KINDS = (MONTH, QUARTER, HALF, YEAR, CUSTOM)
MONTHS = {MONTH: 1, QUARTER: 3, HALF: 6, YEAR: 12}
MAX_YEARS = 10


def add_months(day: date, months: int) -> date:
    """The first of the month `months` after day's month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February: the 28th of the year before
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    kind: str
    first: date
    last: date  # included

    @classmethod
    def containing(cls, kind: str, day: date) -> Period:
        """The calendar month, quarter, half-year or year that holds `day`."""
        months = MONTHS[kind]
        first = date(day.year, (day.month - 1) // months * months + 1, 1)
        return cls(kind, first, add_months(first, months) - timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def previous(self) -> Period:
        """The period just before: the calendar one for a month to a year, the same
        number of days for a custom period."""
        if self.kind in MONTHS:
            return Period.containing(self.kind, self.first - timedelta(days=1))
        return Period(self.kind, self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def year_before(self) -> Period:
        if self.kind in MONTHS:
            return Period.containing(self.kind, _year_earlier(self.first))
        return Period(self.kind, _year_earlier(self.first), _year_earlier(self.last))

    def too_long(self) -> bool:
        return self.last >= add_months(self.first, 12 * MAX_YEARS)

    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.first.year} Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == HALF:
            return f"{self.first.year} H{(self.first.month - 1) // 6 + 1}"
        if self.kind == YEAR:
            return f"{self.first.year}"
        return f"{self.first.isoformat()} – {self.last.isoformat()}"
