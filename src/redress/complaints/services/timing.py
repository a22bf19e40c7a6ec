"""Clocks and extensions (SPEC §6; 001 第二十二条).

A clock starts and stops when the complaint reaches a lifecycle stage named by the
policy; its due time is computed on the institution's calendar and stored (and
computed again if that calendar changes: services/recompute.py).
Pausing, a policy rule of its own, is in services/pausing.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from functools import lru_cache

from django.db import connection
from django.db.models import F
from django.utils.translation import gettext as _

from redress.complaints import prepared_reads, rows
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import TERMINAL, Action
from redress.complaints.models import CalendarDay, Complaint, ComplaintClock, Extension
from redress.complaints.services import alerts
from redress.complaints.services.base import Step, acting_on, require_role, sync_due_at
from redress.complaints.services.batches import BATCH, acting_on_each, clocks_of, each_batch
from redress.complaints.services.period_end import (
    approved_days,
    ends_on_working_day,
    extension_unit,
    given_back,
    period_due,
)
from redress.complaints.timesource import now as current_time
from redress.policy.schema import CalendarPolicy, Duration, Pack, Stage, Unit
from redress.sla.calendar import WorkCalendar

OPEN_CLOCK = (ComplaintClock.Status.RUNNING, ComplaintClock.Status.PAUSED)


@lru_cache(maxsize=16)
def _calendar(policy_json: str, days: tuple[tuple[date, bool], ...]) -> WorkCalendar:
    policy = CalendarPolicy.model_validate_json(policy_json)
    closures = {d for d, working in days if not working}
    working = {d for d, working in days if working}
    policy = policy.model_copy(update={
        "extra_closures": sorted((set(policy.extra_closures) - working) | closures),
        "extra_working_days": sorted((set(policy.extra_working_days) - closures) | working),
    })
    return WorkCalendar.from_policy(policy)


def calendar_for(pack: Pack) -> WorkCalendar:
    """The pack's calendar with the administrator's closures and working days on top
    (those win over the pack). One small query: every web process sees a change at once;
    under bulk intake, once per batch (one transaction)."""
    held = rows.HOLDING.get()
    if held is not None:
        return held.remember(("calendar", pack.code), lambda: _calendar_for(pack))
    return _calendar_for(pack)


_DAYS = f'SELECT "date", working FROM "{CalendarDay._meta.db_table}" ORDER BY "date"'


def _calendar_for(pack: Pack) -> WorkCalendar:
    if connection.vendor == "postgresql":  # every create reads it: a prepared statement
        days = tuple(prepared_reads.fetch_all(_DAYS, []))
    else:
        days = tuple(CalendarDay.objects.order_by("date").values_list("date", "working"))
    return _calendar(pack.calendar.model_dump_json(by_alias=True), days)


def step_calendar(step: Step) -> WorkCalendar:
    """calendar_for, read once per service call rather than once per clock."""
    if step.calendar is None:
        step.calendar = calendar_for(step.pack)
    return step.calendar


# A stage that is over once a later one is reached, whichever way the case got there: a
# result told (a referral's outcome, an inquiry answered) or a callback made ends the
# investigation even when no resolution was proposed on the case.
_ALSO_ENDS = {Stage.COMMUNICATED: (Stage.PROPOSED,), Stage.CALLED_BACK: (Stage.PROPOSED,)}


def ends_also(stage: Stage) -> tuple[Stage, ...]:
    """The stop stages a clock may have that reaching `stage` ends."""
    return (stage, *_ALSO_ENDS.get(stage, ()))


def reach_stage(step: Step, *stages: Stage) -> None:
    """Stop the clocks that end at the stage (every clock, when the case closes) and start
    the ones that begin there. Idempotent per clock: a stage reached twice (say, a
    re-dispatch after a returned work order) does not restart a clock. Several stages
    reached at one moment (a complaint taken down and registered in one go) are passed
    in order: a clock that starts on one and stops on a later one is written once,
    already stopped, and every new clock in one INSERT."""
    complaint, pack = step.complaint, step.pack
    clocks = step.known_clocks()
    is_inquiry = complaint.kind == Complaint.Kind.INQUIRY
    cal = step_calendar(step)
    new = []
    for stage in stages:
        for clock in (c for c in clocks if c.status in OPEN_CLOCK):
            definition = pack.clock(clock.code)
            if stage == Stage.CLOSED or (definition and definition.stops_on in ends_also(stage)):
                stop_clock(step, clock, save=not any(clock is n for n in new))
        existing = {c.code for c in clocks}
        for definition in pack.clocks:
            if definition.starts_on != stage or definition.code in existing:
                continue
            if definition.applies_to_inquiries != is_inquiry:
                continue
            if definition.when is not None and definition.when.failing(complaint):
                continue  # not for this case, as it stands now (judged again when assessed)
            # 自受理投诉之日起: the limit runs from when the complaint was taken down, however
            # late it is typed in or registered; a later stage counts from when it is reached.
            start = complaint.received_at if definition.counts_from_receipt() else step.now
            clock = rows.build(ComplaintClock, related={"complaint": complaint}, code=definition.code,
                               unit=definition.limit.unit.value, limit_amount=definition.limit.amount,
                               started_at=start, due_at=cal.due(start, definition.limit))
            # A letter or a regulator's referral can arrive after its limit has passed:
            # the clock is late from the start, and says so now rather than at the next sweep.
            if clock.due_at < step.now:
                breach(step, clock)
            clock.alert_at = alerts.first_alert(pack, clock, cal)
            new.append(clock)
            clocks.append(clock)
    rows.insert(*new)
    late = [c.code for c in new if c.breached and c.status == ComplaintClock.Status.RUNNING]
    if late:
        step.record(EventType.CLOCK_BREACHED, clocks=late)
        step.notify("clock_breached", role="complaints_office", clocks=late)
    sync_due_at(complaint, clocks)  # complaint_receive saves the new row without acting_on


# The ledger events that mark a stage reached (services call reach_stage beside them),
# to know, when a condition starts to hold mid-case, which clocks' stages are behind it.
_STAGE_EVENTS = {
    EventType.RECEIVED: Stage.RECEIVED, EventType.REGISTERED: Stage.REGISTERED,
    EventType.DISPATCHED: Stage.DISPATCHED, EventType.ASSIGNMENT_ACCEPTED: Stage.ASSIGNED,
    EventType.CUSTOMER_CONTACTED: Stage.CONTACTED, EventType.PROPOSED: Stage.PROPOSED,
    EventType.RESULT_COMMUNICATED: Stage.COMMUNICATED, EventType.RESOLVED_ON_SPOT: Stage.COMMUNICATED,
    EventType.INQUIRY_ANSWERED: Stage.COMMUNICATED, EventType.REFERRED: Stage.COMMUNICATED,
    EventType.REFERRAL_OUTCOME: Stage.COMMUNICATED,
    EventType.CALLBACK_RECORDED: Stage.CALLED_BACK,
}


def stages_reached(complaint: Complaint) -> dict[Stage, object]:
    """When the case first reached each stage it has reached: its receipt and
    registration from its own dates (an imported case has no such events), the rest
    from the ledger."""
    reached = {Stage.RECEIVED: complaint.received_at}
    if complaint.registered_at is not None:
        reached[Stage.REGISTERED] = complaint.registered_at
    rows_ = (complaint.events.filter(type__in=[int(t) for t in _STAGE_EVENTS]).order_by("seq")
             .values_list("type", "at"))
    for type_, at in rows_:
        reached.setdefault(_STAGE_EVENTS[EventType(type_)], at)
    return reached


def reconsider_clocks(step: Step) -> None:
    """Judge the clocks' conditions (`Clock.when`) again for the case as it now stands:
    assessed (complaint_assess, first time or again: urgency, severity, category,
    triggers) or escalated with a higher severity (complaint_escalate). A running or
    paused clock whose condition no longer holds is stopped as not applicable (VOID: in
    no on-time figure; a lateness it had while it applied stays), with a
    CLOCK_NOT_APPLICABLE event naming the fields that fail and the case's values. A clock
    whose condition now holds, that the case has not got (or has void), whose start
    stage the case has reached and whose stop stage it has not, is started as if it had
    held all along: from the receipt (issue 10: the clocks run from received_at) or the
    moment its stage was reached; late at once if that time has passed. A clock whose
    stage is still ahead is judged when it is reached (reach_stage). A closed case's
    clocks are left as they are."""
    complaint, pack = step.complaint, step.pack
    if complaint.state in TERMINAL:
        return
    clocks = {c.code: c for c in step.known_clocks()}
    is_inquiry = complaint.kind == Complaint.Kind.INQUIRY
    cal = step_calendar(step)
    reached = None
    for definition in pack.clocks:
        if definition.when is None or definition.applies_to_inquiries != is_inquiry:
            continue
        failing = definition.when.failing(complaint)
        clock = clocks.get(definition.code)
        if failing and clock is not None and clock.status in OPEN_CLOCK:
            clock.status, clock.stopped_at, clock.alert_at = ComplaintClock.Status.VOID, step.now, None
            clock.save(update_fields=["status", "stopped_at", "alert_at"])
            step.record(EventType.CLOCK_NOT_APPLICABLE, clock=clock.code, because=failing,
                        condition=definition.when.fields(), due=clock.due_at)
        elif not failing and (clock is None or clock.status == ComplaintClock.Status.VOID):
            if reached is None:
                reached = stages_reached(complaint)
            begun = reached.get(definition.starts_on)
            over = any(definition.stops_on in ends_also(s) for s in reached)
            if begun is None or over:
                continue  # its stage is still ahead (reach_stage judges it), or it is over
            _start_applying(step, definition, clock, cal, begun)


def _start_applying(step: Step, definition, clock: ComplaintClock | None, cal: WorkCalendar, begun) -> None:
    complaint = step.complaint
    start = complaint.received_at if definition.counts_from_receipt() else begun
    if clock is None:
        clock = ComplaintClock(complaint=complaint, code=definition.code)
        step.known_clocks().append(clock)
    clock.unit, clock.limit_amount = definition.limit.unit.value, definition.limit.amount
    clock.status, clock.started_at, clock.stopped_at, clock.paused_at = ComplaintClock.Status.RUNNING, start, None, None
    clock.due_at = cal.due(start, definition.limit)
    late = clock.due_at < step.now and not clock.breached
    if clock.due_at < step.now:
        breach(step, clock)  # its time passed before it was known to apply: late from the start
    clock.alert_at = alerts.next_alert(step.pack, clock, cal, done=None)
    clock.save()
    step.record(EventType.CLOCK_APPLIES, clock=clock.code, condition=definition.when.fields(), started=start,
                due=clock.due_at, late=clock.breached)
    if late:
        step.record(EventType.CLOCK_BREACHED, clocks=[clock.code])
        step.notify("clock_breached", role="complaints_office", clocks=[clock.code])


def stop_clock(step: Step, clock: ComplaintClock, *, save: bool = True) -> None:
    """Stop a running or paused clock now; late if it ran past its due time. The step
    counts it in the dashboard's on-time figures. `save=False`: a clock reach_stage has
    not written yet."""
    effective = clock.paused_at or step.now  # a paused clock was not running when the case moved on
    clock.status = ComplaintClock.Status.STOPPED
    clock.stopped_at = step.now
    if effective > clock.due_at:
        breach(step, clock)
    if save:
        clock.save(update_fields=["status", "stopped_at", "breached", "breached_at"])
    step.stopped.append(clock)


def breach(step: Step, clock: ComplaintClock) -> None:
    """Mark a clock late, once (not saved here): it passed its due time, which is kept
    as `breached_at`, the day the dashboard counts the limit as missed (the step counts
    it, whether the clock stops later or runs on)."""
    if clock.breached:
        return
    clock.breached, clock.breached_at = True, clock.due_at
    step.breached.append(clock)


# ---- extensions (001 第二十二条) ----------------------------------------------------


def extension_request(complaint: Complaint | int, *, actor, working_days: int, reason: str, plan: str,
                      customer_consent: bool = False, consent_note: str = "", via: str = "web",
                      expected_version: int | None = None) -> Extension:
    with acting_on(complaint, Action.REQUEST_EXTENSION, actor=actor, via=via,
                   expected_version=expected_version) as step:
        require_role(step, ["handler", "dept_head", "complaints_office"], _("requesting an extension"))
        policy = step.pack.extension
        if policy is None:
            raise NotPermitted(_("the policy %(code)s does not allow extensions") % {"code": step.pack.code})
        clock = _extendable_clock(step, policy.clock)
        _refuse_if_lapsed(step, clock, _("an extension must be asked for before the time limit passes; it passed on %(due)s (001 第二十二条)"))
        if not reason.strip():
            raise ValidationFailed("reason", _("say why the case cannot be finished in time (未能办结原因)"))
        if not plan.strip():
            raise ValidationFailed("plan", _("say what will be done next (下一步处理方案)"))
        if step.complaint.extensions.filter(status=Extension.Status.REQUESTED).exists():
            raise ValidationFailed("extension", _("an extension request is already waiting for a decision"))
        sequence = step.complaint.extensions.filter(status=Extension.Status.APPROVED).count() + 1
        cal = step_calendar(step)
        if not isinstance(working_days, int) or working_days < 1:
            raise ValidationFailed("working_days", _("must be a whole number of working days, at least 1"))
        if sequence == 1:
            _check_first_extension(step, cal, clock, working_days, policy)
        else:
            _check_further_extension(working_days, customer_consent, consent_note, policy)
        _check_total(step, clock, working_days, policy)
        ext = Extension.objects.create(
            complaint=step.complaint, clock_code=clock.code, sequence=sequence, working_days=working_days,
            reason=reason, plan=plan, customer_consent=customer_consent, consent_note=consent_note,
            requested_by=actor, requested_at=step.now, due_before=clock.due_at,
        )
        step.record(EventType.EXTENSION_REQUESTED, extension=ext.pk, sequence=sequence, working_days=working_days,
                    reason=reason, plan=plan, customer_consent=customer_consent, due=clock.due_at)
        for role in policy.deciders(sequence):
            step.notify("extension_requested", role=role, extension=ext.pk)
    return ext


def _extendable_clock(step: Step, code: str) -> ComplaintClock:
    clock = step.complaint.clocks.filter(code=code, status__in=OPEN_CLOCK).first()
    if clock is None:
        raise ValidationFailed("clock", _("the %(code)s clock is not running, so there is nothing to extend") % {"code": code})
    return clock


def _refuse_if_lapsed(step: Step, clock: ComplaintClock, message: str) -> None:
    """No extension once the limit has passed (001 第二十二条: 在办理期限到期…前; 延长期内):
    a late case is late, and a lapsed extension is not extended again. A paused clock
    counts up to its pause, as when it is stopped."""
    if (clock.paused_at or step.now) > clock.due_at:
        tz = step_calendar(step).tz
        raise ValidationFailed("due_at", message % {"due": format(clock.due_at.astimezone(tz), "%Y-%m-%d %H:%M")})


def _check_first_extension(step, cal: WorkCalendar, clock, working_days, policy) -> None:
    notice = policy.min_notice
    left = cal.working_days_between(step.now, clock.due_at)
    if notice.unit == Unit.WORKING_DAYS and left < notice.amount:
        raise ValidationFailed(
            "requested_at",
            _("an extension must be requested at least %(amount)s working days before the time limit (due %(cal)s; %(left)s working days left) — 001 第二十二条") % {"amount": notice.amount, "cal": format(clock.due_at.astimezone(cal.tz), '%Y-%m-%d %H:%M'), "left": max(left, 0)},
        )
    if notice.unit != Unit.WORKING_DAYS and cal.due(step.now, notice) > clock.due_at:
        raise ValidationFailed("requested_at", _("an extension must be requested %(amount)s %(unit)s before the time limit") % {"amount": notice.amount, "unit": notice.unit})
    limit = policy.max_extension
    if working_days > limit.amount:
        if limit.unit == Unit.CALENDAR_DAYS:
            raise ValidationFailed("working_days", _("an extension may be at most %(amount)s days") % {"amount": limit.amount})
        raise ValidationFailed("working_days", _("an extension may be at most %(amount)s working days") % {"amount": limit.amount})


def _check_further_extension(working_days, consent: bool, consent_note: str, policy) -> None:
    if policy.further_requires_consent and not (consent and consent_note.strip()):
        raise ValidationFailed(
            "customer_consent",
            _("a further extension needs the complainant's consent, recorded with how and when it was given (001 第二十二条)"),
        )
    if policy.max_further and working_days > policy.max_further.amount:
        raise ValidationFailed("working_days", _("a further extension may be at most %(amount)s days") % {"amount": policy.max_further.amount})


def _check_total(step: Step, clock: ComplaintClock, days: int, policy) -> None:
    if policy.max_total is None:
        return
    granted = sum(step.complaint.extensions.filter(clock_code=clock.code, status=Extension.Status.APPROVED)
                  .values_list("working_days", flat=True))
    if granted + days > policy.max_total.amount:
        raise ValidationFailed("working_days", _(
            "extensions may add up to at most %(amount)s days in all; %(granted)s are already granted"
        ) % {"amount": policy.max_total.amount, "granted": granted})


def extension_decide(complaint: Complaint | int, *, actor, extension_id: int, approve: bool, note: str = "",
                     via: str = "web", expected_version: int | None = None) -> Extension:
    with acting_on(complaint, Action.DECIDE_EXTENSION, actor=actor, via=via,
                   expected_version=expected_version) as step:
        policy = step.pack.extension
        if policy is None:
            raise NotPermitted(_("the policy %(code)s does not allow extensions") % {"code": step.pack.code})
        require_role(step, policy.all_deciders(), _("deciding an extension"))
        ext = step.complaint.extensions.filter(pk=extension_id, status=Extension.Status.REQUESTED).first()
        if ext is None:
            raise ValidationFailed("extension_id", _("no such extension request is waiting for a decision"))
        require_role(step, policy.deciders(ext.sequence),
                     _("deciding a further extension") if ext.sequence > 1 else _("deciding an extension"))
        if ext.requested_by_id == actor.pk:
            raise NotPermitted(_("nobody may approve their own extension request (maker–checker)"))
        if not approve and not note.strip():
            raise ValidationFailed("note", _("say why the extension is refused"))
        ext.decided_by, ext.decided_at, ext.decision_note = actor, step.now, note
        if approve:
            clock = _extendable_clock(step, ext.clock_code)
            _refuse_if_lapsed(step, clock, _("the time limit passed on %(due)s, so the extension can no longer be granted; refuse the request instead (001 第二十二条)"))
            if ext.sequence > 1:
                _check_further_extension(ext.working_days, ext.customer_consent, ext.consent_note, policy)
            cal = step_calendar(step)
            if ends_on_working_day(step.pack, clock):
                clock.due_at = period_due(cal, clock, pauses=given_back(clock),
                                          extension_days=[*approved_days(clock), ext.working_days])
            else:
                clock.due_at = cal.due(clock.due_at, Duration(amount=ext.working_days, unit=extension_unit(clock)))
            clock.extended = True
            alerts.reschedule(step.pack, clock, cal)
            clock.save(update_fields=["due_at", "extended", "alert_at"])
            step.forget_clocks()
            ext.status, ext.due_after = Extension.Status.APPROVED, clock.due_at
            # 延长期内仍未办结…同时将处理情况向经纪业务主管部门、合规与法律事务部及审计总部报告:
            # the further extension is reported as it is granted, and the case says so.
            reported = list(policy.report_further_to) if ext.sequence > 1 else []
            ext.reported_to = reported
            step.record(EventType.EXTENSION_APPROVED, extension=ext.pk, sequence=ext.sequence, due=clock.due_at,
                        note=note, reported_to=reported, consent_note=ext.consent_note if ext.sequence > 1 else "")
            for role in reported:
                step.notify("further_extension_report", role=role, extension=ext.pk, sequence=ext.sequence,
                            due=clock.due_at.isoformat(), reason=ext.reason, plan=ext.plan,
                            consent_note=ext.consent_note)
        else:
            ext.status = Extension.Status.REFUSED
            step.record(EventType.EXTENSION_REFUSED, extension=ext.pk, note=note)
        ext.save()
        step.notify("extension_decided", staff=ext.requested_by, extension=ext.pk, approved=approve)
    return ext


def mark_breaches(*, via: str = "sweep", batch: int = BATCH) -> int:
    """Record once, in the ledger, each running clock that has passed its due time, and
    tell the complaints office; every such clock, however many, `batch` complaints per
    transaction (services/batches.py). Found by the partial index of running clocks not
    yet marked (clock_due_unmarked); safe to run repeatedly and two at once."""
    candidates = ComplaintClock.objects.filter(status=ComplaintClock.Status.RUNNING, breached=False,
                                               due_at__lt=current_time()).values_list("complaint_id", flat=True)
    return each_batch(candidates, lambda ids: _mark_late(ids, via=via), batch=batch)


def _now_late(step: Step, facts):
    """Marking a clock late changes one of a case's statistical facts: it is late."""
    return dataclasses.replace(facts, late=True) if step.breached else facts


def _mark_late(ids: list[int], *, via: str) -> int:
    marked = []
    with acting_on_each(ids, Action.MARK_BREACH, via=via, moves_facts=_now_late) as steps:
        clocks_of(steps)  # read again under the locks: another sweep may have marked them since
        for step in steps:
            late = [c for c in step.clocks if c.status == ComplaintClock.Status.RUNNING and c.due_at < step.now
                    and not c.breached]
            for clock in late:
                breach(step, clock)
            if late:
                step.record(EventType.CLOCK_BREACHED, clocks=[c.code for c in late])
                step.notify("clock_breached", role="complaints_office", clocks=[c.code for c in late])
                marked += late
        # breach() keeps the due time passed as breached_at: one UPDATE for the batch.
        ComplaintClock.objects.filter(pk__in=[c.pk for c in marked]).update(breached=True, breached_at=F("due_at"))
    return len(marked)
