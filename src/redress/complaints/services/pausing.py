"""Pausing the clocks: a policy rule, not a button (SPEC §6; the pack's `pausing`).

A pause is no way around the extension 001 第二十二条 regulates, so:

* a clock stops only for a reason the pack lists (waiting for documents asked of the
  customer in a recorded question on this case; an external appraisal or test), and a
  pack without `pausing` cannot pause at all;
* only someone working the case may stop it (`ensure_works_the_case`): the case's
  handler, the head of its responsible unit, the complaints office while no unit holds
  the case yet (or when the office's own unit does, or it owns the case), the intake
  person who owns a case not yet sent to a unit — and only in a role the pack names;
* a pause running past `approval_after` must be approved by one of the pack's
  approver roles (never the person who paused: maker–checker). The sweep asks them
  halfway (or at once, when the pauser asks). **Unapproved, the pause ends by itself
  at the threshold**: the clocks are given back the time up to the threshold and no
  more, whenever the sweep notices, and the ledger says so. A refusal ends it at once;
* the customer's answer (portal, e-mail, a recorded contact) ends a pause whose reason
  waits for it;
* paused time is added up over all the case's pauses; past `max_total` the case is
  flagged (`ClockPause.over_limit`, selectors/pausing.py) and the office told.

Every change writes a ledger event; the case page, the worklists and the register read
paused time through selectors/pausing.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.guards import ensure_may_accept_or_handle
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action
from redress.complaints.models import ClockPause, Communication, Complaint, ComplaintClock, Staff
from redress.complaints.services import alerts
from redress.complaints.services.base import Step, acting_on, require_role
from redress.complaints.services.period_end import (
    approved_days,
    ends_on_working_day,
    given_back,
    period_due,
)
from redress.complaints.services.timing import calendar_for, step_calendar
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.policy.schema import PausingPolicy, Unit
from redress.sla.calendar import WorkCalendar

End = ClockPause.End
Approval = ClockPause.Approval


# ---- measuring -----------------------------------------------------------------------


def pause_amount(cal: WorkCalendar, start: datetime, end: datetime, unit: str) -> int:
    """Paused time from start to end in whole `unit`s. Working days count as the clock
    gives them back (calendar.shift_for_pause): working days after the pause date up to
    and including the end date."""
    if end <= start:
        return 0
    if unit == Unit.WORKING_DAYS:
        return max(cal.working_days_between(start, end), 0)
    if unit == Unit.CALENDAR_DAYS:
        return (end - start) // timedelta(days=1)
    return (end - start) // timedelta(hours=1)


def total_paused(cal: WorkCalendar, pauses, unit: str, now: datetime) -> int:
    """All the case's pauses added up in `unit`, a running one up to `now`."""
    return sum(pause_amount(cal, p.started_at, p.ended_at or now, unit) for p in pauses)


# ---- who may pause -------------------------------------------------------------------


def _policy(step: Step) -> PausingPolicy:
    policy = step.pack.pausing
    if policy is None:
        raise NotPermitted(_("the policy %(code)s does not let clocks pause: ask for an extension instead "
                             "(001 第二十二条)") % {"code": step.pack.code})
    return policy


def working_roles(actor: Staff, complaint: Complaint) -> list[str]:
    """The roles in which `actor` works this case (empty: they do not)."""
    roles = []
    if actor.has_role("handler") and complaint.handler_id == actor.pk:
        roles.append("handler")
    if actor.has_role("dept_head") and actor.unit_id and actor.unit_id == complaint.responsible_unit_id:
        roles.append("dept_head")
    if actor.has_role("complaints_office") and (
            complaint.responsible_unit_id is None or complaint.owner_id == actor.pk
            or (actor.unit_id and actor.unit_id == complaint.responsible_unit_id)):
        roles.append("complaints_office")
    if actor.has_role("intake") and complaint.owner_id == actor.pk and complaint.responsible_unit_id is None:
        roles.append("intake")
    return roles


def ensure_works_the_case(step: Step, what: str, allowed=None) -> str:
    """The actor works this case, in one of `allowed` roles (any, if None); sets and
    returns the role acted in."""
    actor, c = step.actor, step.complaint
    if actor is None:
        raise NotPermitted(_("%(what)s needs a member of staff") % {"what": what})
    roles = working_roles(actor, c)
    if not roles:
        raise NotPermitted(
            _("%(what)s is for those working the case: its handler, the head of the responsible unit, or the "
              "complaints office while no unit holds it; %(username)s is not") % {"what": what, "username": actor.username})
    if allowed is not None:
        wanted = [str(r) for r in allowed]
        roles = [r for r in roles if r in wanted]
        if not roles:
            raise NotPermitted(_("the policy %(code)s lets only %(wanted)s pause the clocks; %(username)s works "
                                 "this case as %(held)s") % {"code": step.pack.code, "wanted": ", ".join(wanted),
                                                             "username": actor.username,
                                                             "held": ", ".join(working_roles(actor, c))})
    ensure_may_accept_or_handle(actor, c)
    step.role = roles[0]
    return roles[0]


# ---- pausing -------------------------------------------------------------------------


def open_pause(step: Step) -> ClockPause | None:
    return step.complaint.pauses.filter(ended_at=None).order_by("-id").first()


def _request_message(step: Step, message_id: int | None) -> Communication:
    if not message_id:
        raise ValidationFailed("message_id", _("this reason needs the recorded question to the customer that asked "
                                               "for what the case waits for: send it first, then name it"))
    message = step.complaint.communications.filter(
        pk=message_id, direction=Communication.Direction.OUTBOUND, kind=Communication.Kind.QUESTION).first()
    if message is None:
        raise ValidationFailed("message_id", _("is not a question sent to the customer on this case"))
    answered = step.complaint.communications.filter(direction=Communication.Direction.INBOUND,
                                                    at__gt=message.at).exists()
    if answered:
        raise ValidationFailed("message_id", _("the customer has answered since that question was sent; "
                                               "ask again to wait again"))
    return message


def pause_in(step: Step, policy: PausingPolicy, reason_code: str, *, note: str = "",
             message: Communication | None = None, message_id: int | None = None,
             ask_approval: bool = False) -> ClockPause:
    """Stop the running clocks for `reason_code` inside `step` (whose actor was checked)."""
    reason = policy.reason(reason_code)
    if reason is None:
        raise ValidationFailed("reason_code", _("%(reason)s is not a reason the policy lets a clock stop for; "
                                                "the reasons are: %(known)s")
                               % {"reason": repr(reason_code), "known": ", ".join(r.code for r in policy.reasons)})
    if reason.needs_request and message is None:
        message = _request_message(step, message_id)
    settle_dangling(step)
    running = list(step.complaint.clocks.filter(status=ComplaintClock.Status.RUNNING))
    if not running:
        raise ValidationFailed("clocks", _("no clock is running"))
    for clock in running:
        clock.status, clock.paused_at, clock.pause_reason = ComplaintClock.Status.PAUSED, step.now, reason.code
        clock.save(update_fields=["status", "paused_at", "pause_reason"])
    step.forget_clocks()
    cal = step_calendar(step)
    due = cal.due(step.now, policy.approval_after)
    ask_at = step.now if ask_approval else step.now + (due - step.now) / 2
    pause = ClockPause.objects.create(
        complaint=step.complaint, reason=reason.code, note=note, message=message, clocks=[c.code for c in running],
        paused_by=step.actor, started_at=step.now, ask_at=ask_at, approval_due_at=due,
        unit=policy.max_total.unit.value)
    step.record(EventType.CLOCK_PAUSED, clocks=pause.clocks, pause=pause.pk, reason_code=reason.code, note=note,
                message=message.pk if message else None, approval_due=due)
    if ask_approval:
        _ask(step, policy, pause)
    return pause


def pause_clocks(complaint: Complaint | int, *, actor: Staff, reason_code: str, note: str = "",
                 message_id: int | None = None, ask_approval: bool = False, via: str = "web",
                 expected_version: int | None = None) -> ClockPause:
    """Stop the clocks for a reason the pack lists. `message_id`: the question sent to the
    customer, for reasons that need one. `ask_approval`: the wait will be long (an
    appraisal): ask the approvers now rather than halfway to the threshold."""
    with acting_on(complaint, Action.PAUSE_CLOCK, actor=actor, via=via, expected_version=expected_version) as step:
        policy = _policy(step)
        ensure_works_the_case(step, _("pausing the clocks"), policy.roles)
        pause = pause_in(step, policy, reason_code, note=note, message_id=message_id, ask_approval=ask_approval)
    return pause


def _ask(step: Step, policy: PausingPolicy, pause: ClockPause) -> None:
    pause.approval = Approval.ASKED
    pause.save(update_fields=["approval"])
    step.record(EventType.PAUSE_APPROVAL_ASKED, pause=pause.pk, approval_due=pause.approval_due_at)
    for role in policy.approver_roles:
        step.notify("pause_approval_needed", role=str(role), pause=pause.pk)


# ---- resuming ------------------------------------------------------------------------


def _resume_at(step: Step, at: datetime) -> list[str]:
    """Start the paused clocks again, giving them back the paused time up to `at`."""
    cal = step_calendar(step)
    resumed = []
    for clock in step.complaint.clocks.filter(status=ComplaintClock.Status.PAUSED):
        this_pause = (clock.paused_at, max(at, clock.paused_at))
        if ends_on_working_day(step.pack, clock):
            clock.due_at = period_due(cal, clock, pauses=[*given_back(clock), this_pause],
                                      extension_days=approved_days(clock))
        else:
            clock.due_at = cal.shift_for_pause(clock.due_at, *this_pause, Unit(clock.unit))
        clock.status, clock.paused_at, clock.pause_reason = ComplaintClock.Status.RUNNING, None, ""
        alerts.reschedule(step.pack, clock, cal)  # the reminders and the ladder move with the due time
        clock.save(update_fields=["due_at", "status", "paused_at", "pause_reason", "alert_at"])
        resumed.append(clock.code)
    step.forget_clocks()
    return resumed


def end_pause(step: Step, pause: ClockPause | None, how: str, *, at: datetime | None = None) -> list[str]:
    """End `pause` (and any clock still paused, from before pauses were recorded) as of
    `at` (default: now), record it, and flag the case if its paused time is now too long."""
    at = at or step.now
    if pause is not None and pause.approval != Approval.APPROVED and at > pause.approval_due_at:
        # Unapproved, a pause counts up to its threshold and no further, however late it
        # is ended (by the sweep, a person or the customer's answer).
        at = pause.approval_due_at
        how = End.LAPSED if how in (End.STAFF, End.CUSTOMER) else how
    resumed = _resume_at(step, at)
    if pause is None:
        if resumed:
            step.record(EventType.CLOCK_RESUMED, clocks=resumed, how=how)
        return resumed
    cal = step_calendar(step)
    pause.ended_at, pause.end = at, how
    pause.ended_by = step.actor if how in (End.STAFF, End.REFUSED) else None
    pause.amount = pause_amount(cal, pause.started_at, at, pause.unit)
    pause.save(update_fields=["ended_at", "end", "ended_by", "amount"])
    step.record(EventType.CLOCK_RESUMED, clocks=resumed, pause=pause.pk, how=how, ended_at=at,
                paused=pause.amount, unit=pause.unit)
    check_total(step, pause)
    return resumed


def resume_clocks(complaint: Complaint | int, *, actor: Staff, via: str = "web",
                  expected_version: int | None = None) -> Complaint:
    """Start the clocks again. Anyone working the case may (a running clock is never a
    way around a rule), whatever the pack says about pausing."""
    with acting_on(complaint, Action.RESUME_CLOCK, actor=actor, via=via, expected_version=expected_version) as step:
        ensure_works_the_case(step, _("resuming the clocks"))
        if not end_pause(step, open_pause(step), End.STAFF):
            raise ValidationFailed("clocks", _("no clock is paused"))
    return step.complaint


def end_on_answer(step: Step) -> list[str]:
    """The customer answered (portal, e-mail, a recorded contact): end a pause whose reason
    waits for them. A pause for another reason (an appraisal) goes on."""
    pause = open_pause(step)
    if pause is None:
        # Clocks paused before pauses were recorded waited for the customer.
        return end_pause(step, None, End.CUSTOMER)
    policy = step.pack.pausing
    reason = policy.reason(pause.reason) if policy else None
    if reason is not None and not reason.ends_on_answer:
        return []
    return end_pause(step, pause, End.CUSTOMER)


# ---- approval ------------------------------------------------------------------------


def pause_decide(complaint: Complaint | int, *, actor: Staff, pause_id: int, approve: bool, note: str = "",
                 via: str = "web", expected_version: int | None = None) -> ClockPause:
    """Approve a long pause (it may then run past the threshold) or refuse it (it ends now)."""
    with acting_on(complaint, Action.DECIDE_PAUSE, actor=actor, via=via, expected_version=expected_version) as step:
        policy = _policy(step)
        require_role(step, policy.approver_roles, _("deciding on a long pause"))
        pause = step.complaint.pauses.filter(pk=pause_id, ended_at=None).first()
        if pause is None or pause.approval in (Approval.APPROVED, Approval.REFUSED):
            raise ValidationFailed("pause_id", _("no such pause is waiting for a decision"))
        if pause.paused_by_id == actor.pk:
            raise NotPermitted(_("nobody may approve their own pause (maker–checker)"))
        if not approve and not note.strip():
            raise ValidationFailed("note", _("say why the pause is refused"))
        pause.approval = Approval.APPROVED if approve else Approval.REFUSED
        pause.decided_by, pause.decided_at, pause.decision_note = actor, step.now, note
        pause.save(update_fields=["approval", "decided_by", "decided_at", "decision_note"])
        if approve:
            step.record(EventType.PAUSE_APPROVED, pause=pause.pk, note=note)
        else:
            step.record(EventType.PAUSE_REFUSED, pause=pause.pk, note=note)
            end_pause(step, pause, End.REFUSED)
        step.notify("pause_decided", staff=pause.paused_by, pause=pause.pk, approved=approve)
    return pause


# ---- the flag ------------------------------------------------------------------------


def check_total(step: Step, pause: ClockPause) -> bool:
    """Flag the case (once) when its paused time passes the pack's max_total."""
    policy = step.pack.pausing
    if policy is None or step.complaint.pauses.filter(over_limit=True).exists():
        return False
    limit = policy.max_total
    total = total_paused(step_calendar(step), step.complaint.pauses.all(), limit.unit.value, step.now)
    if total <= limit.amount:
        return False
    pause.over_limit = True
    pause.save(update_fields=["over_limit"])
    step.record(EventType.PAUSED_TOO_LONG, pause=pause.pk, total=total, limit=limit.amount, unit=limit.unit.value)
    step.notify("paused_too_long", role="complaints_office", pause=pause.pk, total=total)
    return True


def settle_dangling(step: Step) -> None:
    """A pause whose clocks all stopped (the case moved on while paused) is over."""
    pause = open_pause(step)
    if pause is None or step.complaint.clocks.filter(status=ComplaintClock.Status.PAUSED).exists():
        return
    stopped = [c.stopped_at for c in step.complaint.clocks.filter(code__in=pause.clocks) if c.stopped_at]
    end_pause(step, pause, End.STOPPED, at=max([pause.started_at, *stopped]) if stopped else step.now)


# ---- the sweep -----------------------------------------------------------------------


def settle_pauses(*, via: str = "sweep", limit: int = 500) -> int:
    """Ask the approvers of pauses halfway to their threshold, end the unapproved ones
    that reached it (as of the threshold), close pauses the case left behind and flag
    cases paused too long. Idempotent; returns how many cases it changed. Running
    pauses are few (a case has at most one), so each is looked at without a lock first
    and only a case with something to do is locked and changed (its version moves)."""
    at, pack = current_time(), active_pack()
    cal = calendar_for(pack)
    running = list(ClockPause.objects.filter(ended_at=None).order_by("approval_due_at")[:limit])
    ids = [p.complaint_id for p in running]
    paused_cases = set(ComplaintClock.objects.filter(complaint_id__in=ids, status=ComplaintClock.Status.PAUSED)
                       .values_list("complaint_id", flat=True))
    history: dict[int, list[ClockPause]] = {}
    for pause in ClockPause.objects.filter(complaint_id__in=ids):
        history.setdefault(pause.complaint_id, []).append(pause)
    changed = 0
    for pause in running:
        if pause.complaint_id not in paused_cases or _due(pause, history[pause.complaint_id], pack, cal, at):
            changed += _settle(pause.complaint_id, via)
    return changed


def _due(pause: ClockPause, pauses: list[ClockPause], pack, cal: WorkCalendar, at: datetime) -> bool:
    """Whether the sweep has something to do about this running pause (`pauses`: all the
    case's pauses, this one among them)."""
    if pack.pausing is None:
        return False
    undecided = pause.approval in (Approval.NONE, Approval.ASKED)
    if (pause.approval == Approval.NONE and pause.ask_at <= at) or (undecided and pause.approval_due_at <= at):
        return True
    if any(p.over_limit for p in pauses):
        return False
    limit = pack.pausing.max_total
    return total_paused(cal, pauses, limit.unit.value, at) > limit.amount


def _settle(complaint_id: int, via: str) -> int:
    with acting_on(complaint_id, Action.SETTLE_PAUSES, actor=None, via=via) as step:
        settle_dangling(step)
        pause = open_pause(step)
        policy = step.pack.pausing
        if pause is not None and policy is not None:
            if pause.approval == Approval.NONE and pause.ask_at <= step.now:
                _ask(step, policy, pause)
            if pause.approval in (Approval.NONE, Approval.ASKED) and pause.approval_due_at <= step.now:
                end_pause(step, pause, End.LAPSED, at=pause.approval_due_at)
                owner = step.complaint.handler or step.complaint.owner
                step.notify("pause_lapsed", staff=owner, pause=pause.pk)
            else:
                check_total(step, pause)
    return 1
