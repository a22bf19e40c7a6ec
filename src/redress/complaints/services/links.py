"""Re-complaints and links between complaints (004 §7(七); SPEC §3)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redress.complaints.errors import ValidationFailed
from redress.complaints.guards import ensure_may_accept_or_handle
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action, State
from redress.complaints.models import Complaint, ComplaintLink, Staff
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


def complaint_recomplain(original: Complaint | int, *, actor: Staff, cause: str, request: str = "",
                         channel: str | None = None, via: str = "web",
                         expected_version: int | None = None) -> Complaint:
    """The customer does not accept the outcome: a new complaint, linked to the original
    (the original 处理单 attached), goes to the responsible or a higher department.
    An original still awaiting callback or in follow-up is closed as not satisfied."""
    if not cause.strip():
        raise ValidationFailed("cause", _("say what the customer does not accept"))
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
            channel=channel or o.channel, subject=_recomplaint_subject(o)[:200],
            cause=cause, request=request or o.request, amount_claimed=o.amount_claimed, currency=o.currency,
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
        step.record(EventType.RECOMPLAINED, new_reference=new.reference, new_id=new.pk, cause=cause)
        step.notify("recomplaint", role="complaints_office", new_reference=new.reference,
                    previous_unit=o.responsible_unit.code if o.responsible_unit else "")
    return Complaint.objects.get(pk=new.pk)


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
