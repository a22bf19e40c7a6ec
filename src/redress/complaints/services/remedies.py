"""Remedies after the result was told (002 §二(五), 执行跟踪): waiving one with a reason,
and the sweep recording each one that passed its due date, once. Carrying one out is
services/outcome.remedy_execute."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redress.complaints import duties
from redress.complaints.errors import ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action, State
from redress.complaints.models import Complaint, Remedy, Staff
from redress.complaints.selectors import remedies as owed
from redress.complaints.services.base import acting_on, require_role
from redress.complaints.services.timing import calendar_for, step_calendar
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack

BATCH = 200  # complaints a transaction; the sweep goes on until none is left


def remedy_waive(complaint: Complaint | int, *, actor: Staff, remedy_id: int, reason: str, via: str = "web",
                 expected_version: int | None = None) -> Complaint:
    """The office records that a promised remedy will not be carried out, and why (the
    customer declined the payment, the account no longer exists). The last one settled
    in REMEDY_PENDING moves the case on to the callback, as carrying it out does."""
    if not reason.strip():
        raise ValidationFailed("reason", _("say why the remedy will not be carried out"))
    with acting_on(complaint, Action.WAIVE_REMEDY, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, duties.ROLES[Action.WAIVE_REMEDY], _("waiving a remedy"))
        c = step.complaint
        remedy = owed.outstanding(c.remedies.all()).filter(pk=remedy_id).first()
        if remedy is None:
            raise ValidationFailed("remedy_id", _("no such remedy is waiting to be carried out"))
        remedy.waived_at, remedy.waived_by, remedy.waive_reason = step.now, actor, reason.strip()
        remedy.save(update_fields=["waived_at", "waived_by", "waive_reason"])
        if c.state == State.REMEDY_PENDING and not owed.outstanding(c.remedies.all()).exists():
            step.move_to(State.AWAITING_CALLBACK)
        step.record(EventType.REMEDY_WAIVED, remedy=remedy.pk, amount=remedy.amount, due_date=remedy.due_date,
                    reason=remedy.waive_reason)
    return step.complaint


def mark_late_remedies(*, via: str = "sweep") -> int:
    """Record once, in the ledger, each remedy past its due date and neither done nor
    waived, and tell the complaints office. Each batch of complaints is its own
    transaction; each remedy is claimed by an update of its `late_at`, so two sweeps at
    once record it once. The due date is a day in the institution's time zone."""
    today = owed.local_today(current_time(), calendar_for(active_pack()).tz)
    count = 0
    while True:
        todo = (owed.late(today).filter(late_at__isnull=True).order_by("complaint_id")
                .values_list("complaint_id", flat=True).distinct()[:BATCH])
        ids = list(todo)
        for complaint_id in ids:
            with acting_on(complaint_id, Action.MARK_REMEDY_LATE, actor=None, via=via, changes_case=False) as step:
                count += _mark(step)
        if len(ids) < BATCH:
            return count


def _mark(step) -> int:
    today = owed.local_today(step.now, step_calendar(step).tz)
    marked = []
    for remedy in owed.late(today, step.complaint.remedies.all()).filter(late_at__isnull=True).order_by("due_date", "id"):
        # The claim: only the sweep whose update changed the row records it.
        if Remedy.objects.filter(pk=remedy.pk, late_at__isnull=True).update(late_at=step.now):
            step.record(EventType.REMEDY_LATE, remedy=remedy.pk, kind=remedy.kind, due_date=remedy.due_date,
                        amount=remedy.amount)
            marked.append(remedy)
    if marked:
        step.notify("remedy_late", role=duties.OFFICE, remedies=[r.pk for r in marked],
                    due=[r.due_date.isoformat() for r in marked])
    return len(marked)
