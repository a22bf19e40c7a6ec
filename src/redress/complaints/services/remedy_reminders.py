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
"""

from __future__ import annotations

from datetime import date, datetime

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
from redress.sla.calendar import WorkCalendar

KIND = "remedy_reminder"  # the outbox's and the inbox's kind (notify/alert_texts.py)


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
    count = 0
    with acting_on_each(ids, Action.MARK_REMEDY_LATE, via=via, changes_case=False,
                        related=("handler", "owner")) as steps:
        if not steps:
            return 0
        by_case = {s.complaint.pk: s for s in steps}
        # Read again under the locks: done, waived or reminded meanwhile is seen.
        remedies = list(owed.outstanding().filter(complaint_id__in=list(by_case), due_date__gte=today)
                        .order_by("complaint_id", "due_date", "pk"))
        audience, changed = Audience(), []
        for remedy in remedies:
            sent = _send_for_remedy(by_case[remedy.complaint_id], remedy, audience)
            if sent:
                changed.append(remedy)
                count += sent
        update_rows(changed, ["reminded"])
    return count


def _send_for_remedy(step: Step, remedy: Remedy, audience: Audience) -> int:
    cal = step_calendar(step)
    due = [i for i, r in enumerate(step.pack.remedy_reminders)
           if i not in remedy.reminded and reminder_at(r, remedy.due_date, cal) <= step.now]
    if not due:
        return 0
    remedy.reminded = [*remedy.reminded, *due]
    # Several points due at once (the sweep did not run): only the latest is sent; the
    # earlier ones, overtaken, are set down as done and say nothing it does not.
    latest = max(due, key=lambda i: reminder_at(step.pack.remedy_reminders[i], remedy.due_date, cal))
    _send(step, remedy, latest, audience)
    return 1


def _send(step: Step, remedy: Remedy, i: int, audience: Audience) -> None:
    reminder = step.pack.remedy_reminders[i]
    people = audience.recipients(step.complaint, reminder.to)
    what = {"remedy": remedy.pk, "kind": remedy.kind, "due_date": remedy.due_date, "step": i,
            "to": list(reminder.to), "told": [s.pk for s in people]}
    step.record(EventType.REMEDY_REMINDED, **what)
    # (`kind` is the message's own kind in the outbox: the remedy's is `remedy_kind` there.)
    message = {**{k: v for k, v in what.items() if k != "kind"}, "remedy_kind": remedy.kind,
               "due_date": remedy.due_date.isoformat(), "reference": step.complaint.reference,
               "subject": step.complaint.subject, "description": remedy.description}
    notices = []
    for person in people:
        how = audience.delivery(person)
        if how in (Delivery.BOTH, Delivery.EMAIL):
            step.notify(KIND, staff=person, **message)
        if how in (Delivery.BOTH, Delivery.IN_APP):
            notices.append(InboxNotice(staff=person, complaint=step.complaint, kind=KIND, payload=message,
                                       created_at=step.now))
    rows.insert(*notices)
