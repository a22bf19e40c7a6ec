"""Reminders before each remedy's due date (issue 15 item 5): a promised remedy's due
date is a clock like the others. The pack's `remedy_reminders` name the points (working
days before the due date, at the start of business of that day) and who hears (the
case's holder, the unit's head, a role), as a clock's reminders do; the message goes the
same ways (outbox email and in-app notice, written in the reader's language by
notify/alert_texts.py) and is recorded in the ledger (REMEDY_REMINDED).

The sweep finds the candidates by the partial index on the outstanding remedies' due
date (`remedy_outstanding`): those due from today up to the farthest day a point can
already have fallen due for. Each batch of complaints is one transaction under their
row locks (services/batches.py); a point sent is added to the remedy's `reminded`, read
again under the lock, so a second sweep sends nothing. A remedy already past its due
date is the late-remedy mark's (services/remedies.py), not a reminder's; a point missed
while the remedy is still not due is sent late rather than not at all.

After the due date the pack's `remedy_escalation` ladder climbs (`send_remedy_escalations`):
a step `after` n working days falls at the start of business of the (n + 1)-th working
day after the due date (n = 0: the first, the remedy being late), to whom it names,
recorded as REMEDY_ESCALATED and added once to the remedy's `escalated`; the
office has been told at once by the late-remedy mark. The candidates are the remedies
still owed and past their due date (the same index), looked at first without locks:
only the cases with a step due now are locked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.db.models import QuerySet

from redress.complaints import rows
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action
from redress.complaints.models import Remedy
from redress.complaints.selectors import remedies as owed
from redress.complaints.services.alerts import Audience
from redress.complaints.services.base import Step
from redress.complaints.services.batches import BATCH, acting_on_each, each_batch, update_rows
from redress.complaints.services.timing import calendar_for, step_calendar
from redress.complaints.timesource import now as current_time
from redress.notify.models import Delivery, InboxNotice
from redress.policy.loader import active_pack
from redress.policy.schema import EscalationStep
from redress.sla.calendar import WorkCalendar

KIND = "remedy_reminder"  # the outbox's and the inbox's kind (notify/alert_texts.py)
ESCALATION_KIND = "remedy_escalation"


def reminder_at(reminder, due_date: date, cal: WorkCalendar) -> datetime:
    """The morning of the n-th working day before the due day: a whole day to act."""
    return cal.start_of_business(cal.nth_working_day_before(due_date, reminder.before.amount))


def send_remedy_reminders(*, via: str = "sweep", batch: int = BATCH) -> int:
    """Send every remedy reminder now due, each once. Returns how many were sent."""
    pack = active_pack()
    if not pack.remedy_reminders:
        return 0
    cal = calendar_for(pack)
    today = owed.local_today(current_time(), cal.tz)
    farthest = max(r.before.amount for r in pack.remedy_reminders)
    candidates = owed.outstanding().filter(due_date__gte=today,
                                           due_date__lte=cal.nth_working_day_after(today, farthest))
    return each_batch(candidates.values_list("complaint_id", flat=True),
                      lambda ids: _send_for_batch(ids, today, via=via), batch=batch)


def _send_for_batch(ids: list[int], today: date, *, via: str) -> int:
    return _for_batch(ids, via=via, field="reminded", take=_send_for_remedy,
                      owed_now=lambda cases: owed.outstanding().filter(complaint_id__in=cases, due_date__gte=today))


def _for_batch(ids: list[int], *, via: str, field: str, take: Callable[[Step, Remedy, Audience], bool],
               owed_now: Callable[[list[int]], QuerySet]) -> int:
    """One batch of the sweep's reminders or escalations: the complaints locked, their
    remedies read again under the locks (done, waived, reminded or escalated meanwhile is
    seen), `take` for each, and the remedies it changed saved (`field`) in one statement."""
    count = 0
    with acting_on_each(ids, Action.MARK_REMEDY_LATE, via=via, changes_case=False,
                        related=("handler", "owner")) as steps:
        if not steps:
            return 0
        by_case = {s.complaint.pk: s for s in steps}
        remedies = list(owed_now(list(by_case)).order_by("complaint_id", "due_date", "pk"))
        audience, changed = Audience(), []
        for remedy in remedies:
            if take(by_case[remedy.complaint_id], remedy, audience):
                changed.append(remedy)
                count += 1
        update_rows(changed, [field])
    return count


def _send_for_remedy(step: Step, remedy: Remedy, audience: Audience) -> bool:
    cal = step_calendar(step)
    reminders = step.pack.remedy_reminders
    return _send_latest(step, remedy, audience, field="reminded", points=reminders,
                        moments=[reminder_at(r, remedy.due_date, cal) for r in reminders],
                        event=EventType.REMEDY_REMINDED, kind=KIND)


def _due(moments: list[datetime], done: list[int], now: datetime) -> dict[int, datetime]:
    """The points (index: moment) fallen due by `now` and not yet done."""
    return {i: at for i, at in enumerate(moments) if i not in done and at <= now}


def _send_latest(step: Step, remedy: Remedy, audience: Audience, *, field: str, points: list, moments: list[datetime],
                 event: EventType, kind: str) -> bool:
    """Set down every point of `points` now due as done (the remedy's `field`) and send
    the latest: several due at once (the sweep did not run), the earlier ones are
    overtaken and say nothing it does not."""
    due = _due(moments, getattr(remedy, field), step.now)
    if not due:
        return False
    setattr(remedy, field, [*getattr(remedy, field), *due])
    latest = max(due, key=due.get)
    _send(step, remedy, latest, points[latest].to, audience, event=event, kind=kind)
    return True


def _send(step: Step, remedy: Remedy, i: int, to: list[str], audience: Audience, *, event: EventType,
          kind: str) -> None:
    people = audience.recipients(step.complaint, to)
    what = {"remedy": remedy.pk, "kind": remedy.kind, "due_date": remedy.due_date, "step": i,
            "to": list(to), "told": [s.pk for s in people]}
    step.record(event, **what)
    # (`kind` is the message's own kind in the outbox: the remedy's is `remedy_kind` there.)
    message = {**{k: v for k, v in what.items() if k != "kind"}, "remedy_kind": remedy.kind,
               "due_date": remedy.due_date.isoformat(), "reference": step.complaint.reference,
               "subject": step.complaint.subject, "description": remedy.description}
    notices = []
    for person in people:
        how = audience.delivery(person)
        if how in (Delivery.BOTH, Delivery.EMAIL):
            step.notify(kind, staff=person, **message)
        if how in (Delivery.BOTH, Delivery.IN_APP):
            notices.append(InboxNotice(staff=person, complaint=step.complaint, kind=kind, payload=message,
                                       created_at=step.now))
    rows.insert(*notices)


# ---- after the due date: the ladder ---------------------------------------------------


def escalation_at(step: EscalationStep, due_date: date, cal: WorkCalendar) -> datetime:
    """A step of the remedy ladder: the start of business of the (after + 1)-th working
    day after the due date (after 0: the first day it is late)."""
    return cal.start_of_business(cal.nth_working_day_after(due_date, step.after.amount + 1))


def send_remedy_escalations(*, via: str = "sweep", batch: int = BATCH) -> int:
    """Take every step of a late remedy's ladder now due, each once. Returns how many
    were sent (overtaken steps, set down as done, not counted)."""
    pack = active_pack()
    if not pack.remedy_escalation:
        return 0
    cal = calendar_for(pack)
    now = current_time()
    today = owed.local_today(now, cal.tz)
    moments: dict[date, list[datetime]] = {}  # by due date: many remedies share one
    # Without locks, the few columns: a late remedy whose ladder is done costs a row read.
    ids = set()
    for complaint_id, due_date, escalated in owed.late(today).values_list("complaint_id", "due_date", "escalated"):
        at = moments.setdefault(due_date, [escalation_at(s, due_date, cal) for s in pack.remedy_escalation])
        if _due(at, escalated, now):
            ids.add(complaint_id)
    return each_batch(ids, lambda batch_ids: _escalate_batch(batch_ids, today, via=via), batch=batch)


def _escalate_batch(ids: list[int], today: date, *, via: str) -> int:
    return _for_batch(ids, via=via, field="escalated", take=_escalate_remedy,
                      owed_now=lambda cases: owed.late(today, Remedy.objects.filter(complaint_id__in=cases)))


def _escalate_remedy(step: Step, remedy: Remedy, audience: Audience) -> bool:
    cal = step_calendar(step)
    ladder = step.pack.remedy_escalation
    return _send_latest(step, remedy, audience, field="escalated", points=ladder,
                        moments=[escalation_at(s, remedy.due_date, cal) for s in ladder],
                        event=EventType.REMEDY_ESCALATED, kind=ESCALATION_KIND)
