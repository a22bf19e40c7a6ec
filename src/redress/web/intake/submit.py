"""Turn a confirmed intake form into service calls. The paths other than "register"
are two services (receive, then answer / resolve / redirect) and a link to an open
complaint is a third: they run in one transaction, so a refusal by the second leaves
nothing behind (no half-saved complaint)."""

from __future__ import annotations

from django.db import transaction

from redress.complaints import services as svc
from redress.complaints.models import Complaint, ComplaintParty, Customer, OrgUnit, Staff
from redress.complaints.selectors.customers import open_complaints_of
from redress.complaints.services import customers

CUSTOMER_FIELDS = ("name", "phone", "email", "address", "account_number", "id_type", "id_number")


def customer_input(data: dict, *, decide: bool = False) -> svc.CustomerInput:
    """What was typed; blanks filled from the customer chosen in the lookup, so the
    agent need not retype (nor see in full) what the record already holds. A phone typed
    here was read back to the customer: verified. `decide`: with the agent's answer on
    the read-back about a record that shares the phone or email (customer_match)."""
    typed = {f: (data.get(f) or "").strip() for f in CUSTOMER_FIELDS}
    chosen = data.get("customer")  # resolved and checked by the view (views._resolve_chosen)
    if chosen is not None:
        for f in CUSTOMER_FIELDS:
            typed[f] = typed[f] or getattr(chosen, f)
    out = svc.CustomerInput(**typed, preferred_channel=data.get("preferred_channel") or "",
                            language=data.get("language") or "zh-hans", known=chosen,
                            verified=("phone",) if (data.get("phone") or "").strip() else ())
    if decide and chosen is None:
        _decided(out, data.get("customer_match") or "")
    return out


def _decided(out: svc.CustomerInput, answer: str) -> None:
    """The agent's answer about the records offered on the read-back (found again now,
    so only a record that was offered can be chosen)."""
    if not answer:
        return  # decide later: the offers go to the case page
    offered = [customer for customer, _shared in customers.find(out, customers.typed_phone(out)).offers]
    if answer == "new":
        out.not_same = frozenset(c.pk for c in offered)
        return
    picked = next((c for c in offered if str(c.public_id) == answer), None)
    if picked is not None:
        out.known, out.confirmed = picked, picked.pk
        out.not_same = frozenset(c.pk for c in offered if c.pk != picked.pk)


def parties(data: dict) -> list[svc.PartyInput]:
    out = []
    if data.get("party_unit"):
        out.append(svc.PartyInput(kind=ComplaintParty.Kind.UNIT, unit=data["party_unit"]))
    if data.get("party_employee"):
        out.append(svc.PartyInput(kind=ComplaintParty.Kind.EMPLOYEE, staff=data["party_employee"]))
    if (data.get("party_product") or "").strip():
        out.append(svc.PartyInput(kind=ComplaintParty.Kind.PRODUCT, product=data["party_product"].strip()))
    return out


def complaint_input(data: dict) -> svc.ComplaintInput:
    unit: OrgUnit | None = data.get("party_unit")
    return svc.ComplaintInput(
        customer=customer_input(data, decide=True), channel=data["channel"], subject=data["subject"], cause=data["cause"],
        request=data.get("request") or "", amount_claimed=data.get("amount_claimed"),
        currency=data.get("currency") or "", received_at=data.get("received_at"),
        kind=Complaint.Kind.INQUIRY if data["path"] == "inquiry" else Complaint.Kind.COMPLAINT,
        branch=unit if unit is not None and unit.kind == OrgUnit.Kind.BRANCH else None,
        parties=parties(data), referral_source=data.get("referral_source") or "",
        external_reference=(data.get("external_reference") or "").strip(),
    )


def link_target(data: dict, customer: Customer, actor: Staff) -> Complaint | None:
    """The open complaint chosen on the read-back; only one of this customer's that the
    agent may see."""
    reference = data.get("link_to")
    if not (reference and data.get("link_kind")):
        return None
    return next((c for c in open_complaints_of(customer, actor) if c.reference == reference), None)


def take_down(data: dict, *, actor: Staff, via: str = "web") -> Complaint:
    """Receive the complaint and follow the chosen path. Raises the services'
    DomainError unchanged; then nothing was written."""
    path = data["path"]
    confirmed = list(data.get("confirm_phrases") or [])
    with transaction.atomic():
        complaint = svc.complaint_receive(actor=actor, data=complaint_input(data), via=via,
                                          register=path == "complaint")
        if path == "complaint" and data.get("category"):
            svc.complaint_assess(complaint, actor=actor, category=data["category"], severity=data["severity"],
                                 via=via)
        elif path == "inquiry":
            svc.inquiry_answer(complaint, actor=actor, answer=data["answer"], confirm_phrases=confirmed, via=via)
        elif path == "on_spot":
            svc.resolve_on_spot(complaint, actor=actor, resolution=data["resolution"],
                                customer_opinion=data.get("customer_opinion") or "", confirm_phrases=confirmed,
                                via=via)
        elif path == "redirect":
            svc.complaint_redirect(complaint, actor=actor, authority=data["authority"],
                                   note=data.get("redirect_note") or "", confirm_phrases=confirmed, via=via)
        other = link_target(data, complaint.customer, actor)
        if other is not None and other.pk != complaint.pk:
            svc.complaint_link(complaint, actor=actor, other=other, kind=data["link_kind"], via=via)
    complaint.refresh_from_db()
    return complaint
