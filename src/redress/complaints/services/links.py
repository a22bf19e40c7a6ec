"""Re-complaints and links between complaints (004 §7(七); SPEC §3)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from redress.complaints.errors import InvalidTransition, ValidationFailed
from redress.complaints.guards import ensure_may_accept_or_handle
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import OPEN, TRANSITIONS, Action, State, allowed_actions
from redress.complaints.models import Complaint, ComplaintLink, Staff
from redress.complaints.services import recomplaint_route
from redress.complaints.services.base import acting_on, require_role
from redress.complaints.services.intake import (
    ComplaintInput,
    CustomerInput,
    PartyInput,
    complaint_receive,
)
from redress.complaints.services.timing import reach_stage
from redress.policy.schema import Stage


def _recomplaint_subject(original: Complaint) -> str:
    """In the complainant's language, as the acknowledgment is: it is their case."""
    if original.language.startswith("en"):
        return f"Re-complaint about {original.reference}: {original.subject}"
    return f"再次投诉({original.reference}):{original.subject}"


# A re-complaint is about an outcome: the customer heard it (or the case ended) and does
# not accept it. A case still being handled takes what the customer says instead.
RECOMPLAINABLE = TRANSITIONS[Action.RECOMPLAIN][0]


def refuse_open(original: Complaint | int) -> None:
    """Said before the generic state check, which names codes: the first responder needs
    to hear what to do instead."""
    o = original if isinstance(original, Complaint) else Complaint.objects.filter(pk=original).first()
    if o is not None and State(o.state) not in RECOMPLAINABLE and State(o.state) in OPEN:
        err = InvalidTransition(action=Action.RECOMPLAIN.value, state=o.state,
                                allowed=[a.value for a in allowed_actions(o.state)])
        err.message = _("%(reference)s is still being handled, so a re-complaint cannot be taken on it: add "
                        "what the customer says to that complaint instead") % {"reference": o.reference}
        err.args = (err.message,)
        raise err


def complaint_recomplain(original: Complaint | int, *, actor: Staff, cause: str, channel: str = "",
                         request: str = "", amount_claimed: str | Decimal | None = None, via: str = "web",
                         expected_version: int | None = None) -> Complaint:
    """The customer does not accept the outcome of a finished complaint (closed, archived,
    deemed closed, resolved on the spot, or told and awaiting callback): a new complaint,
    linked to the original (the original 处理单 attached), taken on today's channel with
    the amount claimed now, whose work order goes where the pack routes re-complaints
    (004 第七条(七); services/recomplaint_route.py). An original still awaiting callback
    or in follow-up is closed as not satisfied."""
    if not cause.strip():
        raise ValidationFailed("cause", _("say what the customer does not accept"))
    if not channel.strip():
        # Not the original's: the customer is calling, writing or visiting today.
        raise ValidationFailed("channel", _("say how the customer complained again today"))
    refuse_open(original)
    with acting_on(original, Action.RECOMPLAIN, actor=actor, via=via, expected_version=expected_version) as step:
        # The new complaint is taken down like any other (首问负责制), so by an intake role;
        # a callback agent who hears the customer is not satisfied records that instead.
        require_role(step, ["intake", "complaints_office"], _("taking a re-complaint"))
        o = step.complaint
        ensure_may_accept_or_handle(actor, o)
        cust = o.customer
        data = ComplaintInput(
            customer=CustomerInput(name=cust.name, phone=cust.phone, email=cust.email, address=cust.address,
                                   account_number=cust.account_number, preferred_channel=cust.preferred_channel,
                                   language=cust.language, known=cust),
            channel=channel.strip(), subject=_recomplaint_subject(o)[:200],
            cause=cause, request=request or o.request, amount_claimed=amount_claimed, currency=o.currency,
            branch=o.branch,
            parties=[PartyInput(kind=p.kind, unit=p.unit, staff=p.staff, product=p.product,
                                description=p.description) for p in o.parties.all()],
        )
        new = complaint_receive(actor=actor, data=data, via=via, register=True)
        step.watch(new)  # the link makes the new case a re-complaint in the statistics too
        ComplaintLink.objects.create(source=new, target=o, kind=ComplaintLink.Kind.RECOMPLAINT, created_at=step.now)
        if o.state in (State.FOLLOW_UP, State.AWAITING_CALLBACK):
            o.satisfied, o.closed_at = False, step.now
            step.move_to(State.CLOSED)
            reach_stage(step, Stage.CLOSED)
        routed = recomplaint_route.unit_for(step.pack, o)
        route_to = routed.code if routed else ""
        step.record(EventType.RECOMPLAINED, new_reference=new.reference, new_id=new.pk, cause=cause,
                    channel=data.channel, route_to=route_to)
        step.notify("recomplaint", role="complaints_office", new_reference=new.reference,
                    previous_unit=o.responsible_unit.code if o.responsible_unit else "", route_to=route_to)
    code = getattr(new, "issued_access_code", "")
    new = Complaint.objects.get(pk=new.pk)
    new.issued_access_code = code  # the receipt reads it out once (services/intake.complaint_register)
    return new


def complaint_link(complaint: Complaint | int, *, actor: Staff, other: Complaint, kind: str, via: str = "web",
                   expected_version: int | None = None) -> ComplaintLink:
    if kind not in (ComplaintLink.Kind.DUPLICATE, ComplaintLink.Kind.RELATED):
        raise ValidationFailed("kind", _("must be duplicate or related (re-complaints link themselves)"))
    with acting_on(complaint, Action.LINK, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, ["intake", "handler", "dept_head", "complaints_office"], _("linking complaints"))
        if other.pk == step.complaint.pk:
            raise ValidationFailed("other", _("a complaint cannot be linked to itself"))
        link, created = ComplaintLink.objects.get_or_create(source=step.complaint, target=other, kind=kind,
                                                           defaults={"created_at": step.now})
        if not created:
            raise ValidationFailed("other", _("already linked to %(reference)s as %(kind)s") % {"reference": other.reference, "kind": kind})
        step.record(EventType.LINKED, other=other.reference, kind=kind)
    return link
