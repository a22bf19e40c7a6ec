"""From assessment to an approved resolution: classify, dispatch the work order,
investigate, propose, approve (SPEC §3; 002 §二(二)(三); 004 §7(二)(三), 第十六条)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.utils.translation import gettext as _

from redress.complaints import duties
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.guards import (
    ensure_in_unit,
    ensure_may_accept_or_handle,
    ensure_not_own_proposal,
    involved_staff_ids,
)
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action, State
from redress.complaints.models import (
    Assignment,
    Communication,
    Complaint,
    ComplaintParty,
    Finding,
    OrgUnit,
    OwnershipTransfer,
    Proposal,
    Remedy,
    Staff,
)
from redress.complaints.services import recomplaint_route
from redress.complaints.services.base import Step, acting_on, require_role
from redress.complaints.services.intake import clean_amount, raise_triggers
from redress.complaints.services.pausing import end_on_answer
from redress.complaints.services.reports import owe_report
from redress.complaints.services.timing import reach_stage, reconsider_clocks, step_calendar
from redress.policy.schema import RESPONSIBILITIES, SEVERITY_ORDER, Severity, Stage

OFFICE = duties.OFFICE
HANDLING_ROLES = duties.HANDLING_ROLES
RESPONSIBILITY = RESPONSIBILITIES


def complaint_assess(complaint: Complaint | int, *, actor: Staff, category: str, severity: str,
                     urgency: str = Complaint.Urgency.NORMAL, critical_flags: list[str] | None = None,
                     is_economic_dispute: bool | None = None, branch: OrgUnit | None = None, via: str = "web",
                     expected_version: int | None = None) -> Complaint:
    """Classify: category, severity, urgency, critical triggers, economic dispute
    (001 第十六条). New critical flags are reported at once."""
    with acting_on(complaint, Action.ASSESS, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, duties.ROLES[Action.ASSESS], _("assessing a complaint"))
        pack, c = step.pack, step.complaint
        definition = pack.category(category)
        if definition is None:
            raise ValidationFailed("category", _("unknown category %(category)s in policy %(code)s") % {"category": repr(category), "code": pack.code})
        if severity not in Severity.__members__.values():
            raise ValidationFailed("severity", _("must be one of %(Severity)s") % {"Severity": ', '.join(s.value for s in Severity)})
        if urgency not in Complaint.Urgency.values:
            raise ValidationFailed("urgency", _("must be one of %(values)s") % {"values": ', '.join(Complaint.Urgency.values)})
        known = {t.code for t in pack.triggers}
        flags = list(dict.fromkeys(critical_flags or []))
        unknown = [f for f in flags if f not in known]
        if unknown:
            raise ValidationFailed("critical_flags", _("unknown trigger(s) %(unknown)s") % {"unknown": ', '.join(unknown)})
        before = {"category": c.category, "severity": c.severity, "urgency": c.urgency,
                  "economic": c.is_economic_dispute}
        new_flags = [f for f in flags if f not in c.critical_flags]
        c.category, c.severity, c.urgency = category, severity, urgency
        c.critical_flags = list(dict.fromkeys([*c.critical_flags, *flags]))
        # Severity never sits below the highest trigger's floor: a threat to client
        # assets is not a "low" case whatever the form said.
        floor = max((SEVERITY_ORDER[t.min_severity] for t in pack.triggers if t.code in c.critical_flags), default=0)
        if SEVERITY_ORDER[Severity(c.severity)] < floor:
            c.severity = list(Severity)[floor].value
        if is_economic_dispute is False and c.is_economic_dispute:
            # 004 第十六条: the office does not decide alone that money is not at stake.
            raise NotPermitted(_("the complaint is an economic dispute; only %(roles)s may clear that, with a reason "
                                 "(004 第十六条)") % {"roles": ", ".join(pack.economic_dispute.decider_roles)})
        if is_economic_dispute or pack.is_economic_dispute(amount=None, flags=new_flags):
            c.is_economic_dispute = True
        if branch is not None:
            c.branch = branch
        step.move_to(State.ASSESSED)
        step.record(EventType.ASSESSED, before=before, after={"category": c.category, "severity": c.severity,
                    "urgency": c.urgency, "economic": c.is_economic_dispute, "flags": c.critical_flags})
        for special in definition.special_steps:
            for role in special.notify_roles:
                step.notify("category_step", role=role, step=special.code)
            for authority in special.notify_authorities:
                owe_report(step, authority, source="category_step", code=special.code)
        if new_flags:
            raise_triggers(step, new_flags, source="manual")
        reconsider_clocks(step)  # a clock for urgent cases, say, starts or stops with the assessment
    return step.complaint


def complaint_escalate(complaint: Complaint | int, *, actor: Staff, reason: str, severity: str | None = None,
                       via: str = "web", expected_version: int | None = None) -> Complaint:
    """Raise a case to the complaints office and, for major ones, senior management
    (004 第四条: 行政部 handles major complaints)."""
    if not reason.strip():
        raise ValidationFailed("reason", _("say why the case is escalated"))
    with acting_on(complaint, Action.ESCALATE, actor=actor, via=via, expected_version=expected_version) as step:
        if step.actor is None or not step.actor.role_set():
            raise NotPermitted(_("escalating needs a member of staff with a role"))
        if not step.actor.role_set() - duties.INSPECTING_ROLES:
            raise NotPermitted(_("an auditor inspects cases and does not escalate them (SPEC §1: read-only)"))
        step.role = sorted(step.actor.role_set())[0]
        c = step.complaint
        raised = severity is not None and severity != c.severity
        if severity is not None:
            if severity not in Severity.__members__.values():
                raise ValidationFailed("severity", _("must be one of %(Severity)s") % {"Severity": ', '.join(s.value for s in Severity)})
            if SEVERITY_ORDER[Severity(severity)] < SEVERITY_ORDER[Severity(c.severity)]:
                raise ValidationFailed("severity", _("escalation cannot lower the severity"))
            c.severity = severity
        c.escalated = True
        step.record(EventType.ESCALATED, reason=reason, severity=c.severity)
        step.notify("escalated", role=OFFICE, reason=reason)
        if c.severity == Severity.MAJOR:
            step.notify("escalated", role="senior_management", reason=reason)
        if raised:
            reconsider_clocks(step)  # a clock for major cases, say, starts (or one for the rest stops)
    return step.complaint


def _route(pack, complaint: Complaint, unit: OrgUnit | None) -> OrgUnit:
    if unit is not None:
        return unit
    # A re-complaint goes where the pack sends re-complaints, whatever its category.
    rerouted = recomplaint_route.route(pack, complaint)
    if rerouted is not None:
        return rerouted
    definition = pack.category(complaint.category)
    code = definition.default_unit if definition else None
    if code:
        found = OrgUnit.objects.filter(code=code, active=True).first()
        if found is None:
            raise ValidationFailed("unit", _("the policy routes %(category)s to unit %(code)s, which does not exist") % {"category": complaint.category, "code": repr(code)})
        return found
    # No default unit: the branch the complaint concerns handles it (001 第十六条).
    return complaint.branch or complaint.intake_unit


def complaint_dispatch(complaint: Complaint | int, *, actor: Staff, unit: OrgUnit | None = None,
                       handler: Staff | None = None, instructions: str = "", via: str = "web",
                       expected_version: int | None = None) -> Assignment:
    """Send the work order (处理单) to the responsible unit (004 §7(二)), or to a person in
    it (`handler`: their unit unless `unit` says the same). A work order to a person waits
    for them to accept it (or the head of their unit); they are told, not the whole unit."""
    with acting_on(complaint, Action.DISPATCH, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, duties.ROLES[Action.DISPATCH], _("dispatching a complaint"))
        c = step.complaint
        if handler is not None:
            _check_dispatch_handler(c, handler, unit)
        target = _route(step.pack, c, unit if handler is None else handler.unit)
        if not target.active:
            raise ValidationFailed("unit", _("unit %(code)s is inactive") % {"code": target.code})
        order = Assignment.objects.create(complaint=c, unit=target, instructions=instructions, assigned_by=actor,
                                          assigned_at=step.now, handler=handler)
        c.responsible_unit, c.handler = target, handler
        step.move_to(State.DISPATCHED)
        reach_stage(step, Stage.DISPATCHED)
        named = {"handler": handler.pk} if handler is not None else {}
        step.record(EventType.DISPATCHED, unit=target.code, assignment=order.pk, instructions=instructions, **named)
        if handler is not None:
            step.notify("assignment_new", staff=handler, unit=target.code, assignment=order.pk)
        else:
            for role in HANDLING_ROLES:
                step.notify("assignment_new", role=role, unit=target.code, assignment=order.pk)
    return order


def _check_dispatch_handler(c: Complaint, handler: Staff, unit: OrgUnit | None) -> None:
    """The person a work order is sent to: active, a handler or department head, in the
    unit named (if one is), and free to handle it (001 第十四条)."""
    if not handler.is_active:
        raise ValidationFailed("handler", _("%(username)s is deactivated") % {"username": handler.username})
    if not handler.has_role(*HANDLING_ROLES):
        raise ValidationFailed("handler", _("%(username)s has no handler role") % {"username": handler.username})
    if handler.unit_id is None:
        raise ValidationFailed("handler", _("%(username)s belongs to no unit") % {"username": handler.username})
    if unit is not None and unit.pk != handler.unit_id:
        raise ValidationFailed("handler", _("%(username)s is not in unit %(code)s") % {
            "username": handler.username, "code": unit.code})
    try:
        ensure_may_accept_or_handle(handler, c)
    except NotPermitted as err:
        raise ValidationFailed("handler", err.message) from None


def _open_assignment(c: Complaint) -> Assignment:
    order = c.assignments.exclude(status=Assignment.Status.RETURNED).order_by("-id").first()
    if order is None:
        raise ValidationFailed("assignment", _("the complaint has no open work order"))
    return order


def assignment_accept(complaint: Complaint | int, *, actor: Staff, handler: Staff | None = None, via: str = "web",
                      expected_version: int | None = None) -> Complaint:
    """The responsible unit accepts the work order and names the handler (经办人)."""
    with acting_on(complaint, Action.ACCEPT_ASSIGNMENT, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, duties.ROLES[Action.ACCEPT_ASSIGNMENT], _("accepting a work order"))
        c = step.complaint
        order = _open_assignment(c)
        ensure_in_unit(actor, order.unit_id, "accepting a work order")
        if order.handler_id is not None and actor.pk != order.handler_id and not actor.has_role("dept_head"):
            raise NotPermitted(_("the work order was sent to %(name)s: only they or the department head may accept "
                                 "it") % {"name": order.handler.display_name or order.handler.username})
        # The head accepting a work order sent to a person keeps that person unless they name another.
        handler = handler or (order.handler if order.handler_id is not None else None) or actor
        if handler.pk != actor.pk and not actor.has_role("dept_head"):
            raise NotPermitted(_("only the department head may name someone else as handler"))
        ensure_in_unit(handler, order.unit_id, "handling the complaint")
        if not handler.has_role(*HANDLING_ROLES):
            raise NotPermitted(_("%(username)s has no handler role") % {"username": handler.username})
        involved = involved_staff_ids(c)
        ensure_may_accept_or_handle(actor, c, involved)
        ensure_may_accept_or_handle(handler, c, involved)
        order.status, order.accepted_by, order.accepted_at, order.handler = (
            Assignment.Status.ACCEPTED, actor, step.now, handler)
        order.save()
        c.handler = handler
        step.move_to(State.INVESTIGATING)
        reach_stage(step, Stage.ASSIGNED)
        step.record(EventType.ASSIGNMENT_ACCEPTED, assignment=order.pk, handler=handler.pk)
        if handler.pk != actor.pk:
            step.notify("handler_named", staff=handler)
    return step.complaint


def assignment_return(complaint: Complaint | int, *, actor: Staff, reason: str, via: str = "web",
                      expected_version: int | None = None) -> Complaint:
    """The unit sends the work order back (not theirs); the complaints office re-routes."""
    if not reason.strip():
        raise ValidationFailed("reason", _("say why the work order is returned"))
    with acting_on(complaint, Action.RETURN_ASSIGNMENT, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, HANDLING_ROLES, _("returning a work order"))
        c = step.complaint
        order = _open_assignment(c)
        ensure_in_unit(actor, order.unit_id, "returning a work order")
        order.status, order.return_reason = Assignment.Status.RETURNED, reason
        order.save()
        c.responsible_unit, c.handler = None, None
        step.move_to(State.ASSESSED)
        step.record(EventType.ASSIGNMENT_RETURNED, assignment=order.pk, reason=reason)
        step.notify("assignment_returned", role=OFFICE, reason=reason)
    return step.complaint


def _ensure_handling(step: Step, what: str) -> None:
    """The handler, or the head of the responsible unit, works the case."""
    actor, c = step.actor, step.complaint
    if actor is None:
        raise NotPermitted(_("%(what)s needs a member of staff") % {"what": what})
    if c.handler_id == actor.pk:
        step.role = "handler" if actor.has_role("handler") else "dept_head"
    elif actor.has_role("dept_head") and actor.unit_id == c.responsible_unit_id:
        step.role = "dept_head"
    else:
        raise NotPermitted(_("%(what)s is for the handler or the head of the responsible unit") % {"what": what})
    step.confirm()  # a stale form is told so only now that the person is known to be theirs
    # Marketing staff and employees the complaint names were refused at the door (acting_on).


def finding_add(complaint: Complaint | int, *, actor: Staff, kind: str, text: str, via: str = "web",
                expected_version: int | None = None) -> Finding:
    if kind not in Finding.Kind.values:
        raise ValidationFailed("kind", _("must be one of %(values)s") % {"values": ', '.join(Finding.Kind.values)})
    if not text.strip():
        raise ValidationFailed("text", _("may not be empty"))
    with acting_on(complaint, Action.ADD_FINDING, actor=actor, via=via, expected_version=expected_version) as step:
        _ensure_handling(step, _("recording findings"))
        finding = Finding.objects.create(complaint=step.complaint, kind=kind, text=text, author=actor,
                                         created_at=step.now)
        step.record(EventType.FINDING_ADDED, finding=finding.pk, kind=kind, text=text)
    return finding


def party_add(complaint: Complaint | int, *, actor: Staff, kind: str, unit: OrgUnit | None = None,
              staff: Staff | None = None, product: str = "", description: str = "", via: str = "web",
              expected_version: int | None = None) -> ComplaintParty:
    """Name a party the complaint is about. Naming the current handler removes them
    from the case: they may not handle a complaint about themselves."""
    if kind not in ComplaintParty.Kind.values:
        raise ValidationFailed("kind", _("must be one of %(values)s") % {"values": ', '.join(ComplaintParty.Kind.values)})
    if not {"unit": unit, "employee": staff, "product": product.strip()}[kind]:
        raise ValidationFailed(kind, _("a %(kind)s party must name the %(kind)s") % {"kind": kind})
    with acting_on(complaint, Action.ADD_PARTY, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, [OFFICE, "intake", *HANDLING_ROLES], _("naming a party"))
        c = step.complaint
        party = ComplaintParty.objects.create(complaint=c, kind=kind, unit=unit, staff=staff, product=product,
                                              description=description)
        step.record(EventType.PARTY_ADDED, party=party.pk, kind=kind, unit=unit.code if unit else "",
                    staff=staff.pk if staff else None, product=product)
        if staff is not None and staff.pk == c.handler_id:
            c.handler = None
            step.notify("handler_conflict", role=OFFICE, staff_id=staff.pk)
        if staff is not None and staff.pk == c.owner_id:
            step.notify("owner_conflict", role=OFFICE, staff_id=staff.pk)
    return party


@dataclass
class RemedyInput:
    kind: str
    description: str
    due_date: date
    amount: str | None = None


def resolution_propose(complaint: Complaint | int, *, actor: Staff, summary: str, facts: str, responsibility: str,
                       legal_basis: str = "", compensation=None, remedies: list[RemedyInput] | None = None,
                       via: str = "web", expected_version: int | None = None) -> Proposal:
    """The handler proposes a resolution. Who must approve it is fixed now from the
    authority matrix, or the economic-dispute deciders (004 第十六条)."""
    for name, value in (("summary", summary), ("facts", facts)):
        if not value.strip():
            raise ValidationFailed(name, _("may not be empty"))
    if responsibility not in RESPONSIBILITY:
        raise ValidationFailed("responsibility", _("must be one of %(RESPONSIBILITY)s") % {"RESPONSIBILITY": ', '.join(RESPONSIBILITY)})
    amount = clean_amount(compensation)
    with acting_on(complaint, Action.PROPOSE, actor=actor, via=via, expected_version=expected_version) as step:
        _ensure_handling(step, _("proposing a resolution"))
        c, pack = step.complaint, step.pack
        today = step.now.astimezone(step_calendar(step).tz).date()
        for i, r in enumerate(remedies or []):
            if r.kind not in Remedy.Kind.values:
                raise ValidationFailed(f"remedies[{i}].kind", _("must be one of %(values)s") % {"values": ', '.join(Remedy.Kind.values)})
            if not r.description.strip():
                raise ValidationFailed(f"remedies[{i}].description", _("may not be empty"))
            if r.due_date < today:
                raise ValidationFailed(f"remedies[{i}].due_date", _("may not be in the past"))
        remedy_amounts = [clean_amount(r.amount) for r in remedies or []]
        if (amount or 0) > 0 or any(r.kind == Remedy.Kind.PAYMENT for r in remedies or []) \
                or any((a or 0) > 0 for a in remedy_amounts):
            c.is_economic_dispute = True  # any payment proposed is an economic dispute (004 第十六条)
        roles = pack.approver_roles(amount=max(amount or 0, c.amount_claimed or 0), severity=c.severity)
        if c.is_economic_dispute:
            roles = list(pack.economic_dispute.decider_roles)
        proposal = Proposal.objects.create(
            complaint=c, summary=summary, facts=facts, responsibility=responsibility, legal_basis=legal_basis,
            compensation=amount, approver_roles=[str(r) for r in roles], proposed_by=actor, proposed_at=step.now,
        )
        for r, remedy_amount in zip(remedies or [], remedy_amounts, strict=True):
            Remedy.objects.create(complaint=c, proposal=proposal, kind=r.kind, description=r.description,
                                  amount=remedy_amount, due_date=r.due_date)
        step.move_to(State.PROPOSED)
        reach_stage(step, Stage.PROPOSED)  # the investigation is done (003 §2: 调查 3个工作日内)
        step.record(EventType.PROPOSED, proposal=proposal.pk, compensation=amount, approver_roles=proposal.approver_roles,
                    responsibility=responsibility, remedies=len(remedies or []), economic=c.is_economic_dispute)
        for role in proposal.approver_roles:
            step.notify("approval_needed", role=role, proposal=proposal.pk)
    return proposal


def _pending_proposal(c: Complaint) -> Proposal:
    proposal = c.proposals.filter(status=Proposal.Status.PENDING).order_by("-id").first()
    if proposal is None:
        raise ValidationFailed("proposal", _("no proposal is waiting for a decision"))
    return proposal


def _pays(proposal: Proposal) -> bool:
    return (proposal.compensation or 0) > 0 or proposal.remedies.filter(
        Q(kind=Remedy.Kind.PAYMENT) | Q(amount__gt=0)).exists()


def economic_dispute_clear(complaint: Complaint | int, *, actor: Staff, reason: str, via: str = "web",
                           expected_version: int | None = None) -> Complaint:
    """004 第十六条: only the deciders the policy names may say a complaint flagged as an
    economic dispute is not one (an amount claimed by mistake, a word that matched), and
    the reason is on the record. A later fact (a trigger, a payment proposed) flags it again."""
    if not reason.strip():
        raise ValidationFailed("reason", _("say why the complaint is not an economic dispute (004 第十六条)"))
    with acting_on(complaint, Action.CLEAR_ECONOMIC_DISPUTE, actor=actor, via=via,
                   expected_version=expected_version) as step:
        require_role(step, step.pack.economic_dispute.decider_roles,
                     _("clearing the economic-dispute flag (004 第十六条)"))
        c = step.complaint
        if not c.is_economic_dispute:
            raise ValidationFailed("is_economic_dispute", _("the complaint is not flagged as an economic dispute"))
        c.is_economic_dispute = False
        step.record(EventType.ECONOMIC_DISPUTE_CLEARED, reason=reason, amount_claimed=c.amount_claimed,
                    flags=[f for f in c.critical_flags if f in step.pack.economic_dispute.triggers])
        step.notify("economic_dispute_cleared", role=OFFICE, reason=reason)
    return step.complaint


def resolution_decide(complaint: Complaint | int, *, actor: Staff, approve: bool, note: str = "", via: str = "web",
                      expected_version: int | None = None) -> Proposal:
    """Approve or reject the pending proposal: an approver role from the proposal, never
    the proposer, never someone the complaint is about."""
    action = Action.APPROVE if approve else Action.REJECT
    if not approve and not note.strip():
        raise ValidationFailed("note", _("say why the proposal is rejected"))
    with acting_on(complaint, action, actor=actor, via=via, expected_version=expected_version) as step:
        c = step.complaint
        proposal = _pending_proposal(c)
        if c.is_economic_dispute or _pays(proposal):
            # 004 第十六条: whatever the authority matrix said when it was proposed (a flag
            # raised since, a payment the proposal carries), the deciders decide.
            roles = list(step.pack.economic_dispute.decider_roles)
            require_role(step, roles, _("deciding on an economic dispute (004 第十六条)"))
        else:
            roles = proposal.approver_roles
            require_role(step, roles, _("deciding this proposal"))
        ensure_not_own_proposal(actor, proposal)
        if (actor.role_set() & set(roles)) == {"dept_head"} and actor.unit_id != c.responsible_unit_id:
            # A department head approves for their own department, not for another branch.
            raise NotPermitted(_("%(username)s heads another unit and may not decide this unit's proposal") % {"username": actor.username})
        # Employees the complaint names were refused at the door (acting_on, 001 第十四条).
        proposal.decided_by, proposal.decided_at, proposal.decision_note = actor, step.now, note
        if approve:
            proposal.status = Proposal.Status.APPROVED
            c.facts, c.responsibility, c.legal_basis = proposal.facts, proposal.responsibility, proposal.legal_basis
            c.resolution = proposal.summary
            step.move_to(State.APPROVED)
            step.record(EventType.APPROVED, proposal=proposal.pk, note=note)
        else:
            proposal.status = Proposal.Status.REJECTED
            proposal.remedies.all().delete()  # never executed: they belonged to a plan that was refused
            step.move_to(State.INVESTIGATING)
            step.record(EventType.REJECTED, proposal=proposal.pk, note=note)
        proposal.save()
        step.notify("proposal_decided", staff=proposal.proposed_by, approved=approve)
    return proposal


def contact_record(complaint: Complaint | int, *, actor: Staff, channel: str, note: str, via: str = "web",
                   expected_version: int | None = None) -> Communication:
    """The department's first contact with the customer (004 §7(三): within 1 hour)."""
    if not note.strip():
        raise ValidationFailed("note", _("record what was said"))
    with acting_on(complaint, Action.RECORD_CONTACT, actor=actor, via=via, expected_version=expected_version) as step:
        _ensure_handling(step, _("recording contact with the customer"))
        if channel not in step.pack.channel_codes():
            raise ValidationFailed("channel", _("unknown channel %(channel)s") % {"channel": repr(channel)})
        message = Communication.objects.create(complaint=step.complaint, direction=Communication.Direction.OUTBOUND,
                                               kind=Communication.Kind.CONTACT, channel=channel, body=note,
                                               staff=actor, at=step.now, visible_to_customer=False)
        reach_stage(step, Stage.CONTACTED)
        # Speaking with the customer is their answer: a pause waiting for them ends.
        resumed = end_on_answer(step)
        step.record(EventType.CUSTOMER_CONTACTED, message=message.pk, channel=channel, resumed=resumed)
    return message


def transfer_request(complaint: Complaint | int, *, actor: Staff, to_staff: Staff, reason: str, via: str = "web",
                     expected_version: int | None = None) -> OwnershipTransfer:
    """首问负责制: the owner hands the case over; it stays theirs until accepted."""
    if not reason.strip():
        raise ValidationFailed("reason", _("say why the case is handed over"))
    with acting_on(complaint, Action.REQUEST_TRANSFER, actor=actor, via=via, expected_version=expected_version) as step:
        c = step.complaint
        if actor.pk == c.owner_id:
            step.role = sorted(actor.role_set())[0] if actor.role_set() else "owner"
        else:
            require_role(step, [OFFICE], _("handing over someone else's case"))
        if to_staff.pk == c.owner_id:
            raise ValidationFailed("to_staff", _("is already the owner"))
        if not to_staff.is_active:
            raise ValidationFailed("to_staff", _("%(username)s is deactivated") % {"username": to_staff.username})
        ensure_may_accept_or_handle(to_staff, c)
        c.transfers.filter(status=OwnershipTransfer.Status.PENDING).update(
            status=OwnershipTransfer.Status.CANCELLED, decided_at=step.now)
        transfer = OwnershipTransfer.objects.create(complaint=c, from_staff_id=c.owner_id, to_staff=to_staff,
                                                    reason=reason, requested_at=step.now)
        step.record(EventType.TRANSFER_REQUESTED, transfer=transfer.pk, to_staff=to_staff.pk, reason=reason)
        step.notify("transfer_offered", staff=to_staff, transfer=transfer.pk)
    return transfer


def transfer_accept(complaint: Complaint | int, *, actor: Staff, via: str = "web",
                    expected_version: int | None = None) -> Complaint:
    with acting_on(complaint, Action.ACCEPT_TRANSFER, actor=actor, via=via, expected_version=expected_version) as step:
        c = step.complaint
        transfer = c.transfers.filter(status=OwnershipTransfer.Status.PENDING, to_staff=actor).first()
        if transfer is None:
            raise NotPermitted(_("no hand-over of %(reference)s is waiting for %(username)s") % {"reference": c.reference, "username": actor.username})
        ensure_may_accept_or_handle(actor, c)
        step.role = sorted(actor.role_set())[0] if actor.role_set() else "staff"
        transfer.status, transfer.decided_at = OwnershipTransfer.Status.ACCEPTED, step.now
        transfer.save()
        previous = c.owner_id
        c.owner = actor
        step.record(EventType.TRANSFER_ACCEPTED, transfer=transfer.pk, from_staff=previous, to_staff=actor.pk)
    return step.complaint
