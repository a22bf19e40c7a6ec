"""From the result told to the customer to the archive: remedies, callback, follow-up,
deemed closure, referral, withdrawal, re-complaint (SPEC §3; 001 第十九、二十二、二十三条;
002 §二(四)(五); 004 §7(五)-(七))."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redress.complaints import duties
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.guards import ensure_may_callback
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action, State
from redress.complaints.models import (
    Accountability,
    Callback,
    Communication,
    Complaint,
    OrgUnit,
    Staff,
)
from redress.complaints.selectors import closure
from redress.complaints.selectors import remedies as owed
from redress.complaints.services.base import acting_on, require_role
from redress.complaints.services.messages import tell_customer
from redress.complaints.services.timing import reach_stage, step_calendar
from redress.notify import texts
from redress.policy.schema import Stage

OFFICE = duties.OFFICE
REFERRAL_KINDS = ("mediation", "arbitration", "litigation")


def result_communicate(complaint: Complaint | int, *, actor: Staff, body: str, channel: str,
                       confirm_phrases: list[str] | None = None, customer_opinion: str = "", via: str = "web",
                       expected_version: int | None = None) -> Communication:
    """Tell the customer the result with the facts, the basis and the remedy, and ask
    their opinion (002 §二(四)); `customer_opinion`: what they said when told, if they
    were told in person or by phone."""
    with acting_on(complaint, Action.COMMUNICATE_RESULT, actor=actor, via=via,
                   expected_version=expected_version) as step:
        c = step.complaint
        if actor.pk != c.handler_id and actor.pk != c.owner_id:
            require_role(step, duties.ROLES[Action.COMMUNICATE_RESULT], _("telling the customer the result"))
        else:
            step.role = "handler" if actor.pk == c.handler_id else "owner"
        if not body.strip():
            raise ValidationFailed("body", _("the result must state the facts, the basis and the remedy"))
        if channel not in step.pack.channel_codes():
            raise ValidationFailed("channel", _("unknown channel %(channel)s") % {"channel": repr(channel)})
        body = texts.with_referral_notice(body, pack=step.pack, language=c.language)
        message = tell_customer(step, Communication.Kind.RESULT, body, channel=channel, confirmed=confirm_phrases)
        c.outcome = result_outcome(step.pack, c)
        if customer_opinion.strip():
            c.customer_opinion = customer_opinion.strip()
        open_remedies = owed.outstanding(c.remedies.all()).exists()
        step.move_to(State.REMEDY_PENDING if open_remedies else State.AWAITING_CALLBACK)
        reach_stage(step, Stage.COMMUNICATED)
        opinion = {"customer_opinion": customer_opinion.strip()} if customer_opinion.strip() else {}
        step.record(EventType.RESULT_COMMUNICATED, message=message.pk, channel=channel,
                    forbidden_confirmed=message.forbidden_phrases_confirmed, **opinion)
    return message


def result_outcome(pack, c: Complaint) -> str:
    """What the told result counts as: ``resolved``, or the pack's own outcome codes
    (`result_outcomes`) by what the approved proposal gives."""
    names = pack.result_outcomes
    if names is None:
        return "resolved"
    proposal = c.proposals.filter(status="approved").order_by("-decided_at", "-pk").first()
    if proposal is None:
        return names.explanation
    kinds = set(proposal.remedies.values_list("kind", flat=True))
    if (proposal.compensation or 0) > 0 or "payment" in kinds:
        return names.monetary
    return names.non_monetary if kinds else names.explanation


def remedy_execute(complaint: Complaint | int, *, actor: Staff, remedy_id: int, note: str = "", via: str = "web",
                   expected_version: int | None = None) -> Complaint:
    """Record that a payment was made or a rectification done (002 §二(五))."""
    with acting_on(complaint, Action.EXECUTE_REMEDY, actor=actor, via=via, expected_version=expected_version) as step:
        c = step.complaint
        if actor.pk == c.handler_id:
            step.role = "handler"
        else:
            require_role(step, duties.ROLES[Action.EXECUTE_REMEDY], _("recording a remedy as done"))
        remedy = owed.outstanding(c.remedies.all()).filter(pk=remedy_id).first()
        if remedy is None:
            raise ValidationFailed("remedy_id", _("no such remedy is waiting to be carried out"))
        remedy.executed_at, remedy.executed_by, remedy.execution_note = step.now, actor, note
        remedy.save()
        if not owed.outstanding(c.remedies.all()).exists():
            step.move_to(State.AWAITING_CALLBACK)
        else:
            step.move_to(State.REMEDY_PENDING)
        step.record(EventType.REMEDY_EXECUTED, remedy=remedy.pk, amount=remedy.amount, note=note)
    return step.complaint


def callback_record(complaint: Complaint | int, *, actor: Staff, satisfied: bool, opinion: str = "",
                    channel: str = "phone", via: str = "web", expected_version: int | None = None) -> Callback:
    """The independent satisfaction callback (001 第二十三条). Satisfied: closed. Not
    satisfied: followed up (001 第二十二条), and the customer may re-complain."""
    with acting_on(complaint, Action.RECORD_CALLBACK, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, duties.ROLES[Action.RECORD_CALLBACK], _("the callback"))
        c = step.complaint
        ensure_may_callback(actor, c, step.pack.callback.excluded_roles)
        if not satisfied and not opinion.strip():
            raise ValidationFailed("opinion", _("record what the customer is not satisfied with"))
        callback = Callback.objects.create(complaint=c, agent=actor, at=step.now, channel=channel,
                                           satisfied=satisfied, opinion=opinion)
        c.satisfied, c.customer_opinion = satisfied, opinion
        # The callback is done, on time or not, whatever the answer: a dissatisfied
        # customer's follow-up (001 第二十二条) is not a late callback.
        reach_stage(step, Stage.CALLED_BACK)
        if satisfied:
            c.closed_at = step.now
            step.move_to(State.CLOSED)
            reach_stage(step, Stage.CLOSED)
        else:
            c.follow_up_since = c.follow_up_since or step.now
            step.move_to(State.FOLLOW_UP)
            step.notify("callback_dissatisfied", role=OFFICE, opinion=opinion)
        step.record(EventType.CALLBACK_RECORDED, callback=callback.pk, satisfied=satisfied, opinion=opinion)
    return callback


def close_without_callback(complaint: Complaint | int, *, actor: Staff, reason: str, via: str = "web",
                           expected_version: int | None = None) -> Complaint:
    """Only where the policy makes the callback optional (004 §7(五): 必要时回访)."""
    with acting_on(complaint, Action.CLOSE_WITHOUT_CALLBACK, actor=actor, via=via,
                   expected_version=expected_version) as step:
        require_role(step, [OFFICE], _("closing without a callback"))
        if step.pack.callback.required:
            raise NotPermitted(_("the policy %(code)s requires a callback before closing (001 第二十三条)") % {"code": step.pack.code})
        if not reason.strip():
            raise ValidationFailed("reason", _("say why no callback is needed"))
        step.complaint.closed_at = step.now
        step.move_to(State.CLOSED)
        reach_stage(step, Stage.CLOSED)
        step.record(EventType.CLOSED_WITHOUT_CALLBACK, reason=reason)
    return step.complaint


def deem_closed(complaint: Complaint | int, *, actor: Staff, note: str = "", via: str = "web",
                expected_version: int | None = None) -> Complaint:
    """001 第二十二条: not satisfied at callback, but no repeat or escalated complaint and
    no fault of staff found, after 6 months of follow-up: deemed closed."""
    with acting_on(complaint, Action.DEEM_CLOSED, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, duties.ROLES[Action.DEEM_CLOSED], _("deeming a complaint closed"))
        rule = step.pack.deemed_closure
        if rule is None:
            raise NotPermitted(_("the policy %(code)s has no deemed closure") % {"code": step.pack.code})
        c = step.complaint
        # The rule the office's worklist offers cases by (selectors.closure).
        cal = step_calendar(step)
        earliest = closure.eligible_from(c.follow_up_since, rule, cal)
        if step.now < earliest:
            raise ValidationFailed("follow_up", _("followed up since %(follow_up_since)s; it can be deemed closed from %(earliest)s (001 第二十二条)") % {"follow_up_since": format(c.follow_up_since.astimezone(cal.tz), '%Y-%m-%d'), "earliest": format(earliest.astimezone(cal.tz), '%Y-%m-%d')})
        blocked = closure.obstacle(c, rule)
        if blocked is not None:
            raise ValidationFailed(*blocked)
        c.closed_at, c.outcome = step.now, "deemed_closed"
        step.move_to(State.DEEMED_CLOSED)
        reach_stage(step, Stage.CLOSED)
        step.record(EventType.DEEMED_CLOSED, follow_up_since=c.follow_up_since, note=note)
    return step.complaint


def complaint_refer(complaint: Complaint | int, *, actor: Staff, kind: str, authority: str, note: str = "",
                    confirm_phrases: list[str] | None = None, via: str = "web",
                    expected_version: int | None = None) -> Complaint:
    """No settlement: guide the customer to mediation, arbitration or litigation
    (001 第十一、十九条; 003 §2.3)."""
    if kind not in REFERRAL_KINDS:
        raise ValidationFailed("kind", _("must be one of %(REFERRAL_KINDS)s") % {"REFERRAL_KINDS": ', '.join(REFERRAL_KINDS)})
    with acting_on(complaint, Action.REFER, actor=actor, via=via, expected_version=expected_version) as step:
        c = step.complaint
        if actor.pk == c.handler_id:
            step.role = "handler"
        else:
            require_role(step, [OFFICE], _("referring a dispute"))
        body_authority = step.pack.authority(authority)
        if body_authority is None:
            raise ValidationFailed("authority", _("unknown authority %(authority)s") % {"authority": repr(authority)})
        body = texts.referral_guidance(authority_name=body_authority.name.get(c.language),
                                       contact=body_authority.contact, language=c.language)
        message = tell_customer(step, Communication.Kind.REDIRECT, f"{body}\n{note}".strip(), channel=c.channel,
                                confirmed=confirm_phrases, field="note")
        c.outcome = f"referred_{kind}"
        step.move_to(State.REFERRED)
        reach_stage(step, Stage.COMMUNICATED)
        step.record(EventType.REFERRED, kind=kind, authority=authority, message=message.pk, note=note,
                    forbidden_confirmed=message.forbidden_phrases_confirmed)
    return step.complaint


def referral_outcome(complaint: Complaint | int, *, actor: Staff, outcome: str, via: str = "web",
                     expected_version: int | None = None) -> Complaint:
    if not outcome.strip():
        raise ValidationFailed("outcome", _("record the mediator's, tribunal's or court's outcome"))
    with acting_on(complaint, Action.RECORD_REFERRAL_OUTCOME, actor=actor, via=via,
                   expected_version=expected_version) as step:
        require_role(step, duties.ROLES[Action.RECORD_REFERRAL_OUTCOME], _("recording a referral's outcome"))
        c = step.complaint
        c.resolution = f"{c.resolution}\n{outcome}".strip()
        c.closed_at = step.now
        step.move_to(State.CLOSED)
        reach_stage(step, Stage.CLOSED)
        step.record(EventType.REFERRAL_OUTCOME, outcome=outcome)
    return step.complaint


def complaint_withdraw(complaint: Complaint | int, *, actor: Staff, reason: str, via: str = "web",
                       expected_version: int | None = None) -> Complaint:
    """The customer withdraws; recorded by the owner or the complaints office."""
    if not reason.strip():
        raise ValidationFailed("reason", _("record how and why the customer withdrew"))
    with acting_on(complaint, Action.WITHDRAW, actor=actor, via=via, expected_version=expected_version) as step:
        c = step.complaint
        if actor.pk == c.owner_id:
            step.role = "owner"
        else:
            require_role(step, [OFFICE], _("recording a withdrawal"))
        c.closed_at, c.outcome = step.now, "withdrawn"
        step.move_to(State.WITHDRAWN)
        reach_stage(step, Stage.CLOSED)
        step.record(EventType.WITHDRAWN, reason=reason)
    return step.complaint


def missing_for_archive(c: Complaint) -> list[str]:
    """What the record still lacks (004 §7(六): check the work order is complete)."""
    # A remedy promised is owed in every state (a withdrawn case's payment too): each is
    # carried out, or waived with its reason (002 执行跟踪).
    owing = ["remedies"] if owed.outstanding(c.remedies.all()).exists() else []
    if c.state != State.CLOSED and c.state != State.DEEMED_CLOSED:
        return owing  # inquiries, on-the-spot, redirected and withdrawn cases are otherwise complete
    missing = []
    if not c.category:
        missing.append("category")
    if not c.facts:
        missing.append("facts")
    if not c.resolution:
        missing.append("resolution")
    missing += owing
    if not c.root_cause:
        missing.append("root_cause")
    return missing


def complaint_archive(complaint: Complaint | int, *, actor: Staff, root_cause: str = "", via: str = "web",
                      expected_version: int | None = None) -> Complaint:
    with acting_on(complaint, Action.ARCHIVE, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, duties.ROLES[Action.ARCHIVE], _("archiving"))
        c = step.complaint
        if root_cause:
            c.root_cause = root_cause
        missing = missing_for_archive(c)
        if missing:
            raise ValidationFailed(missing[0], _("the record is incomplete; still missing: %(missing)s") % {"missing": ', '.join(missing)})
        c.archived_at = step.now
        step.move_to(State.ARCHIVED)
        step.record(EventType.ARCHIVED, root_cause=c.root_cause)
    return step.complaint


def accountability_record(complaint: Complaint | int, *, actor: Staff, action: str, description: str,
                          staff: Staff | None = None, unit: OrgUnit | None = None,
                          reported_to_regulator: bool = False, via: str = "web",
                          expected_version: int | None = None) -> Accountability:
    """责任追究 (001 第十、十八条): who is held to account and how."""
    if staff is None and unit is None:
        raise ValidationFailed("staff", _("name the member of staff or the unit held to account"))
    if not action.strip() or not description.strip():
        raise ValidationFailed("action", _("say what action is taken"))
    with acting_on(complaint, Action.RECORD_ACCOUNTABILITY, actor=actor, via=via,
                   expected_version=expected_version) as step:
        require_role(step, [OFFICE, "compliance", "dept_head"], _("recording accountability"))
        c = step.complaint
        if staff is not None and staff.pk == actor.pk:
            raise NotPermitted(_("nobody records accountability for themselves"))
        record = Accountability.objects.create(complaint=c, staff=staff, unit=unit, action=action,
                                               description=description, reported_to_regulator=reported_to_regulator,
                                               decided_by=actor, at=step.now)
        if staff is not None:
            c.staff_fault_found = True
        step.record(EventType.ACCOUNTABILITY_RECORDED, record=record.pk, staff=staff.pk if staff else None,
                    unit=unit.code if unit else "", action=action, reported_to_regulator=reported_to_regulator)
        if reported_to_regulator:
            step.notify("accountability_report", role="compliance", record=record.pk)
    return record
