"""Reminders before a clock's due time and the escalation ladder after it (issue 15).

The pack names the points (`Clock.reminders`, `Clock.escalation` or the pack's
`escalation`); they are the institution's choice, not a regulator's. Each clock keeps
`alert_at`, when its next point falls due, so the sweep finds the due ones by an index
range (`clock_alert_due`) instead of looking at every open clock. Each point is
recorded once as a `ClockAlert` row (unique per clock, kind and step) in the step that
sends it, with its ledger event, its emails (outbox) and its in-app notices — all in
one transaction under the complaint's row lock, so two sweeps at once send it once.

Points are computed from the clock's due time as it is now: a pause given back or an
extension moves them with it (`reschedule`, called wherever a due time moves). A
reminder whose moment was overtaken (the next reminder or the due time has also
passed, say the sweep did not run) is recorded as skipped and not sent: a reminder
after the deadline says nothing the escalation does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _

from redress.complaints import rows
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action
from redress.complaints.models import ClockAlert, Complaint, ComplaintClock, Staff
from redress.complaints.services.base import Step, acting_on
from redress.complaints.services.batches import BATCH, acting_on_each, each_batch, update_rows
from redress.complaints.timesource import now as current_time
from redress.notify.models import Delivery, InboxNotice, NoticePreference
from redress.policy.schema import HOLDER, UNIT_HEAD, Clock, Duration, Pack, Role, Unit
from redress.sla.calendar import WorkCalendar

REMINDER, ESCALATION = ClockAlert.Kind.REMINDER, ClockAlert.Kind.ESCALATION


@dataclass(frozen=True)
class Point:
    kind: str  # reminder | escalation
    step: int  # index in the pack's list
    at: datetime
    to: tuple[str, ...]


def _reminder_at(reminder, clock: ComplaintClock, cal: WorkCalendar) -> datetime:
    due, start = clock.due_at, clock.started_at
    before = reminder.before
    if before is None:
        if Unit(clock.unit) in (Unit.WORKING_MINUTES, Unit.WORKING_HOURS):
            minutes = cal.working_minutes_between(start, due) * reminder.percent // 100
            return cal.due(start, Duration(amount=minutes, unit=Unit.WORKING_MINUTES))
        return start + (due - start) * reminder.percent / 100
    if before.unit == Unit.WORKING_DAYS:
        # The morning of the n-th working day before the due day: a whole day to act.
        return cal.start_of_business(cal.nth_working_day_before(due.astimezone(cal.tz).date(), before.amount))
    if before.unit == Unit.CALENDAR_DAYS:
        return due - timedelta(days=before.amount)
    per = {Unit.HOURS: timedelta(hours=1), Unit.MINUTES: timedelta(minutes=1)}[before.unit]
    return due - per * before.amount


def points(pack: Pack, definition: Clock, clock: ComplaintClock, cal: WorkCalendar) -> list[Point]:
    """Every reminder and escalation step of the clock, in the order they fall due."""
    reminders = sorted((Point(REMINDER, i, _reminder_at(r, clock, cal), tuple(r.to))
                        for i, r in enumerate(definition.reminders)), key=lambda p: p.at)
    ladder = [Point(ESCALATION, i, clock.due_at if not s.after.amount else cal.due(clock.due_at, s.after), tuple(s.to))
              for i, s in enumerate(pack.ladder(definition))]
    return reminders + ladder


def _done(clock: ComplaintClock) -> set[tuple[str, int]]:
    if clock.pk is None:
        return set()
    return set(ClockAlert.objects.filter(clock=clock).values_list("kind", "step"))


def next_alert(pack: Pack, clock: ComplaintClock, cal: WorkCalendar, done=None) -> datetime | None:
    definition = pack.clock(clock.code)
    if definition is None or clock.status == ComplaintClock.Status.STOPPED:
        return None
    done = _done(clock) if done is None else done
    return min((p.at for p in points(pack, definition, clock, cal) if (p.kind, p.step) not in done), default=None)


def first_alert(pack: Pack, clock: ComplaintClock, cal: WorkCalendar) -> datetime | None:
    """When a new clock's first point falls due (none of its points recorded yet).

    Under bulk intake kept for the batch (its pack and calendar stay as they are, one
    transaction) by everything the points are worked out from: the clock's definition,
    due time and status, and its start and unit when a reminder is a share of the time
    allowed. A batch's complaints registered on one day share their clocks' due times, so
    the reminders and the ladder (several working-day steps each) are worked out once,
    not for every item."""
    held = rows.HOLDING.get()
    if held is None:
        return next_alert(pack, clock, cal, done=set())
    definition = pack.clock(clock.code)
    by_start = definition is not None and any(r.before is None for r in definition.reminders)
    key = ("first alert", pack.code, clock.code, clock.status, clock.due_at,
           (clock.started_at, clock.unit) if by_start else None)
    return held.remember(key, lambda: next_alert(pack, clock, cal, done=set()))


def reschedule(pack: Pack, clock: ComplaintClock, cal: WorkCalendar) -> None:
    """Set when the clock's next point falls due, after its due time moved (not saved
    here: the caller adds "alert_at" to what it saves)."""
    clock.alert_at = next_alert(pack, clock, cal)


# ---- who hears ---------------------------------------------------------------------


def holder(complaint: Complaint) -> Staff | None:
    """The person holding the case: its handler once assigned, else its owner (首问负责人)."""
    person = complaint.handler if complaint.handler_id else complaint.owner
    return person if person.is_active else None


class Audience:
    """Who hears and how, each read once per batch of the sweep (the unit heads of a
    unit, the holders of a role, everyone's delivery preference) instead of once per
    message."""

    def __init__(self):
        self._heads: dict[int, list[Staff]] = {}
        self._roles: dict[str, list[Staff]] = {}
        self._delivery: dict[int, str] | None = None

    def unit_heads(self, complaint: Complaint) -> list[Staff]:
        unit_id = complaint.responsible_unit_id or complaint.intake_unit_id
        if unit_id is None:
            return []
        if unit_id not in self._heads:
            self._heads[unit_id] = list(Staff.objects.filter(unit_id=unit_id, roles__role=Role.DEPT_HEAD,
                                                             is_active=True).distinct())
        return self._heads[unit_id]

    def role(self, code: str) -> list[Staff]:
        if code not in self._roles:
            self._roles[code] = list(Staff.objects.filter(roles__role=code, is_active=True).distinct())
        return self._roles[code]

    def recipients(self, complaint: Complaint, to) -> list[Staff]:
        people: dict[int, Staff] = {}
        for code in to:
            if code == HOLDER:
                found = [holder(complaint)]
            elif code == UNIT_HEAD:
                found = self.unit_heads(complaint)
            else:
                found = self.role(code)
            people.update({s.pk: s for s in found if s is not None})
        return sorted(people.values(), key=lambda s: s.pk)

    def delivery(self, staff: Staff) -> str:
        if self._delivery is None:
            self._delivery = dict(NoticePreference.objects.values_list("staff_id", "delivery"))
        return self._delivery.get(staff.pk) or Delivery.BOTH


def unit_heads(complaint: Complaint) -> list[Staff]:
    return Audience().unit_heads(complaint)


def recipients(complaint: Complaint, to) -> list[Staff]:
    return Audience().recipients(complaint, to)


def delivery(staff: Staff) -> str:
    return Audience().delivery(staff)


# ---- the sweep ---------------------------------------------------------------------


def send_due_alerts(*, via: str = "sweep", batch: int = BATCH) -> int:
    """Send every reminder and escalation step now due, each once, however many. The
    complaints with a clock due are found by the (status, alert_at) index, `batch` per
    transaction (services/batches.py); a clock handled moves its alert_at past now, out
    of the range. Returns how many were sent (skipped reminders not counted)."""
    candidates = ComplaintClock.objects.filter(status=ComplaintClock.Status.RUNNING,
                                               alert_at__lte=current_time()).values_list("complaint_id", flat=True)
    return each_batch(candidates, lambda ids: _send_for_batch(ids, via=via), batch=batch)


def _send_for_batch(ids: list[int], *, via: str) -> int:
    count = 0
    with acting_on_each(ids, Action.SEND_ALERTS, via=via, changes_case=False, related=("handler", "owner")) as steps:
        if not steps:
            return 0
        by_case = {s.complaint.pk: s for s in steps}
        # Read again under the locks: another sweep may have sent them, or the clock moved on.
        due = list(ComplaintClock.objects.filter(complaint_id__in=list(by_case), status=ComplaintClock.Status.RUNNING,
                                                 alert_at__lte=steps[0].now).order_by("pk"))
        done: dict[int, set] = {c.pk: set() for c in due}
        for clock_id, kind, step_no in ClockAlert.objects.filter(clock__in=due).values_list("clock_id", "kind", "step"):
            done[clock_id].add((kind, step_no))
        audience = Audience()
        for clock in due:
            step = by_case[clock.complaint_id]
            clock.complaint = step.complaint
            count += _send_for_clock(step, clock, done[clock.pk], audience)
        update_rows(due, ["alert_at"])
    return count


def _send_for_clock(step: Step, clock: ComplaintClock, done: set, audience: Audience) -> int:
    """Record the clock's points now due (not saved here: its alert_at, moved on)."""
    from redress.complaints.services.timing import step_calendar

    cal = step_calendar(step)
    definition = step.pack.clock(clock.code)
    count = 0
    if definition is not None:
        pts = points(step.pack, definition, clock, cal)
        for i, point in enumerate(pts):
            if (point.kind, point.step) in done or point.at > step.now:
                continue
            later = pts[i + 1].at if i + 1 < len(pts) and pts[i + 1].kind == REMINDER else clock.due_at
            skip = point.kind == REMINDER and later <= step.now
            _record(step, clock, point, audience, skipped=skip)
            done.add((point.kind, point.step))
            count += not skip
    clock.alert_at = next_alert(step.pack, clock, cal, done)
    return count


def _late_by(step: Step, clock: ComplaintClock, cal: WorkCalendar) -> dict:
    amount, unit = cal.time_left(step.now, clock.due_at, Unit(clock.unit))
    return {"left": amount, "left_unit": unit}


def _record(step: Step, clock: ComplaintClock, point: Point, audience: Audience, *, skipped: bool) -> None:
    from redress.complaints.services.timing import step_calendar

    people = [] if skipped else audience.recipients(step.complaint, point.to)
    alert = ClockAlert(complaint=step.complaint, clock=clock, kind=point.kind, step=point.step, due_at=point.at,
                       sent_at=step.now, skipped=skipped, recipients=list(point.to), staff=[s.pk for s in people])
    rows.insert(alert)  # its id at once (held with the batch's rows): the event and the notices name it
    if skipped:
        return
    what = {"clock": clock.code, "step": point.step, "due": clock.due_at, "to": list(point.to),
            "told": [s.pk for s in people], **_late_by(step, clock, step_calendar(step))}
    step.record(EventType.REMINDER_SENT if point.kind == REMINDER else EventType.CLOCK_ESCALATED,
                alert=alert.pk, **what)
    message = {**what, "due": clock.due_at.isoformat(), "alert": alert.pk, "reference": step.complaint.reference,
               "subject": step.complaint.subject}
    notices = []
    for person in people:
        how = audience.delivery(person)
        if how in (Delivery.BOTH, Delivery.EMAIL):
            step.notify(point.kind, staff=person, **message)
        if how in (Delivery.BOTH, Delivery.IN_APP):
            notices.append(InboxNotice(staff=person, complaint=step.complaint, alert=alert, kind=point.kind,
                                       payload=message, created_at=step.now))
    rows.insert(*notices)


# ---- answering an escalation ----------------------------------------------------------


def escalation_acknowledge(complaint: Complaint | int, *, actor: Staff, alert_id: int, plan: str,
                           by: date | None, via: str = "web") -> ClockAlert:
    """Someone told of an escalation answers it: what will happen, and by when. Recorded
    on the escalation and in the ledger; the case itself does not change (no version)."""
    with acting_on(complaint, Action.ACKNOWLEDGE_ESCALATION, actor=actor, via=via, changes_case=False) as step:
        alert = ClockAlert.objects.filter(pk=alert_id, complaint=step.complaint, kind=ESCALATION,
                                          skipped=False).first()
        if alert is None:
            raise ValidationFailed("alert", _("no such escalation on this case"))
        roles = [r for r in alert.recipients if r not in (HOLDER, UNIT_HEAD)]
        told = actor.pk in alert.staff or actor.has_role(*roles, Role.COMPLAINTS_OFFICE)
        if not told:
            raise NotPermitted(_("only someone the escalation was sent to, or the complaints office, may answer it"))
        step.role = next((r for r in [*roles, Role.COMPLAINTS_OFFICE] if actor.has_role(r)), "")
        if alert.acknowledged_at is not None:
            raise ValidationFailed("alert", _("this escalation was already answered"))
        if not plan.strip():
            raise ValidationFailed("plan", _("say what will happen next, so the escalation can be answered"))
        if by is None:
            raise ValidationFailed("by", _("say by when it will happen"))
        from redress.complaints.services.timing import step_calendar

        today = step.now.astimezone(step_calendar(step).tz).date()
        if by < today:
            raise ValidationFailed("by", _("the date it will happen by cannot be in the past (today is %(today)s)")
                                   % {"today": today.isoformat()})
        updated = ClockAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=actor, acknowledged_at=step.now, ack_plan=plan.strip(), ack_by=by)
        if updated != 1:
            raise ValidationFailed("alert", _("this escalation was already answered"))
        step.record(EventType.ESCALATION_ACKNOWLEDGED, alert=alert.pk, clock=alert.clock.code, step=alert.step,
                    plan=plan.strip(), by=by.isoformat())
        InboxNotice.objects.filter(alert=alert, staff=actor, read_at__isnull=True).update(read_at=step.now)
    alert.refresh_from_db()
    return alert

