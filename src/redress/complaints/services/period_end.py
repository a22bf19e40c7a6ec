"""Clocks whose period ends on a working day (民法典 第二百零三条, as the banking rules
count: 银行业保险业消费投诉处理管理办法, decision within 15 days of receipt).

Such a limit counts calendar days, and only its *end* moves: a last day falling on a rest
day becomes the first working day after it (sla/calendar.ending_on_working_day). So the
due time cannot be moved step by step from the last due time, as other clocks are: a
15-day period that ended on a holiday and was moved to the next working day, extended by
15 days, ends 30 days after receipt, not 15 days after the moved end. Every change is
therefore computed from the clock's start: the period, plus the time given back for each
pause, plus each approved extension, and then its end moved to a working day. The live
services (timing.extension_decide, pausing.end_pause) and the replay of the ledger
(recompute.replay) give the same answer by construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from redress.complaints.models import ComplaintClock, Extension
from redress.policy.schema import Duration, Pack, Unit
from redress.sla.calendar import WorkCalendar

CALENDAR_UNITS = (Unit.CALENDAR_DAYS.value, Unit.MONTHS.value)


def ends_on_working_day(pack: Pack, clock: ComplaintClock) -> bool:
    definition = pack.clock(clock.code)
    return bool(definition and definition.limit.ends_on_working_day and definition.limit.unit.value == clock.unit)


def extension_unit(clock: ComplaintClock) -> Unit:
    """An extension adds calendar days to a limit counted in calendar days or months, and
    working days to any other (the pack loader checks the extension policy agrees)."""
    return Unit.CALENDAR_DAYS if clock.unit in CALENDAR_UNITS else Unit.WORKING_DAYS


def period_due(cal: WorkCalendar, clock: ComplaintClock, *, pauses: Iterable[tuple[datetime, datetime]],
               extension_days: Iterable[int]) -> datetime:
    """The due time of a clock whose period ends on a working day, from its start."""
    end = cal.due(clock.started_at, Duration(amount=clock.limit_amount, unit=Unit(clock.unit)))
    for paused_at, resumed_at in pauses:
        end = cal.shift_for_pause(end, paused_at, resumed_at, Unit(clock.unit))
    for days in extension_days:
        end = cal.due(end, Duration(amount=days, unit=Unit.CALENDAR_DAYS))
    return cal.ending_on_working_day(end.astimezone(cal.tz).date())


def given_back(clock: ComplaintClock) -> list[tuple[datetime, datetime]]:
    """The clock's finished pauses, each as far as it was given back (ClockPause.ended_at
    is already capped at the approval threshold for an unapproved one)."""
    pauses = clock.complaint.pauses.filter(ended_at__isnull=False).order_by("started_at")
    return [(p.started_at, max(p.ended_at, p.started_at)) for p in pauses if clock.code in (p.clocks or ())]


def approved_days(clock: ComplaintClock) -> list[int]:
    return list(clock.complaint.extensions.filter(clock_code=clock.code, status=Extension.Status.APPROVED)
                .order_by("sequence").values_list("working_days", flat=True))
