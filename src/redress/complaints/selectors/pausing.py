"""Paused time, for the case page, the worklists and the register (services/pausing.py).

`paused_time(complaint)` and `paused_times(complaints)` give each case's total paused
time in the pack's `pausing.max_total` unit (a running pause counted up to now), the
limit and whether it is past it. `flagged(qs)` keeps the cases whose pauses added up
past the limit (`ClockPause.over_limit`, set once by the services and the sweep);
`with_paused(qs)` annotates `paused_amount` (ended pauses, in their stored unit) and
`pause_flagged` for SQL-side lists such as the register.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from redress.complaints.models import ClockPause, Complaint
from redress.complaints.services.pausing import pause_amount
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.policy.schema import Pack
from redress.sla.calendar import WorkCalendar


@dataclass(frozen=True)
class PausedTime:
    total: int  # all pauses, in `unit`, a running one up to now
    unit: str  # the pack's pausing.max_total unit (working_days when the pack has none)
    limit: int | None  # pausing.max_total.amount; None: the pack does not pause
    over_limit: bool  # flagged: the pauses passed the limit at some point
    current: ClockPause | None  # the pause running now
    current_amount: int  # how long it has run, in `unit`

    @property
    def any(self) -> bool:
        return bool(self.total or self.current or self.over_limit)


def measure(pack: Pack, pauses: list[ClockPause], now: datetime, cal: WorkCalendar | None = None) -> PausedTime:
    """`cal`: the calendar the caller already holds (a page's or a register batch's), so
    a list of rows does not read the calendar days once per row."""
    cal = cal or calendar_for(pack)
    policy = pack.pausing
    unit = policy.max_total.unit.value if policy else "working_days"
    current = next((p for p in pauses if p.ended_at is None), None)
    amounts = [pause_amount(cal, p.started_at, p.ended_at or now, unit) for p in pauses]
    return PausedTime(
        total=sum(amounts), unit=unit, limit=policy.max_total.amount if policy else None,
        over_limit=any(p.over_limit for p in pauses), current=current,
        current_amount=pause_amount(cal, current.started_at, now, unit) if current else 0)


def paused_time(complaint: Complaint, *, pack: Pack | None = None, now: datetime | None = None) -> PausedTime:
    return measure(pack or active_pack(), list(complaint.pauses.order_by("id")), now or current_time())


def paused_times(complaint_ids, *, pack: Pack | None = None, now: datetime | None = None) -> dict[int, PausedTime]:
    """paused_time for many cases in one query; cases never paused are left out."""
    by_case: dict[int, list[ClockPause]] = {}
    for pause in ClockPause.objects.filter(complaint_id__in=list(complaint_ids)).order_by("id"):
        by_case.setdefault(pause.complaint_id, []).append(pause)
    pack, now = pack or active_pack(), now or current_time()
    cal = calendar_for(pack)
    return {cid: measure(pack, pauses, now, cal) for cid, pauses in by_case.items()}


def flagged_condition() -> Exists:
    return Exists(ClockPause.objects.filter(complaint=OuterRef("pk"), over_limit=True))


def flagged(qs: QuerySet | None = None) -> QuerySet:
    """The cases whose pauses added up past the pack's pausing.max_total."""
    return (Complaint.objects.all() if qs is None else qs).filter(flagged_condition())


def with_paused(qs: QuerySet) -> QuerySet:
    """Annotate `paused_amount` (ended pauses added up, in their stored unit: the running
    one is not in it, see paused_times) and `pause_flagged`."""
    ended = (ClockPause.objects.filter(complaint=OuterRef("pk"), ended_at__isnull=False)
             .order_by().values("complaint").annotate(s=Sum("amount")).values("s"))
    return qs.annotate(paused_amount=Coalesce(Subquery(ended, output_field=IntegerField()), Value(0)),
                       pause_flagged=flagged_condition())
