"""Historical complaints brought in from another system (`redress import`).

An imported complaint keeps what happened before it reached Redress: its received
date, channel, category, outcome and closing date. It is written in its final state
(closed, withdrawn, ...) or its current one (received, registered) in one transaction,
with a single IMPORTED ledger event naming the source file, row and source id, so an
auditor can trace every imported case back to the line it came from.

What it does *not* do, on purpose: it queues no notification (these customers were
answered long ago, or are being answered by the old system), it does not walk the case
through the lifecycle services (that would invent approvals and callbacks nobody
made), and it raises critical triggers only for cases still open. Open cases get
their clocks from the original dates, so a case that is already late shows as late.

Idempotency is the caller's: `redress.imports` keys each row by (source, source id)
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from redress.complaints import ledger, rows, tally, triggers
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import TERMINAL, Action, State
from redress.complaints.models import Complaint, ComplaintParty, Staff
from redress.complaints.references import next_reference
from redress.complaints.services import customers
from redress.complaints.services.base import Step
from redress.complaints.services.intake import (
    CLOCK_SKEW,
    INTAKE_ROLES,
    ComplaintInput,
    clean_amount,
    raise_triggers,
    validate_complaint,
)
from redress.complaints.services.timing import reach_stage
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.policy.schema import Pack, Stage

# The states a historical case can be brought in at. Cases further along the way
# (assessed, dispatched, ...) need a unit, a handler and approvals that a source file
# cannot vouch for: they come in as registered and the complaints office takes over.
OPEN_STATES = (State.RECEIVED, State.REGISTERED)
CLOSED_STATES = (State.CLOSED, State.WITHDRAWN, State.CLOSED_INQUIRY, State.RESOLVED_ON_SPOT)
IMPORT_STATES = OPEN_STATES + CLOSED_STATES


@dataclass
class ImportInput:
    complaint: ComplaintInput  # customer, channel, subject, cause, received_at (required), parties ...
    state: str
    source: str  # the system or publisher the file comes from, e.g. "cfpb"
    source_id: str  # the case's id there
    file_name: str
    row: int
    category: str = ""
    outcome: str = ""
    closed_at: datetime | None = None
    closed_at_estimated: bool = False  # the file has no closing date; the best known bound was used
    satisfied: bool | None = None
    original: dict = field(default_factory=dict)  # the source's own values, kept verbatim in the ledger


def import_check(data: ImportInput, *, pack: Pack | None = None, now: datetime | None = None) -> None:
    """Every rule complaint_import applies, without writing anything (for dry runs)."""
    pack = pack or active_pack()
    now = now or current_time()
    d = data.complaint
    if d.received_at is None:
        raise ValidationFailed("received_at", _("an imported complaint needs its original received date"))
    validate_complaint(d, pack, now)
    clean_amount(d.amount_claimed)
    if not data.source.strip() or len(data.source) > 40:
        raise ValidationFailed("source", _("name the source system in at most 40 characters"))
    if not data.source_id.strip():
        raise ValidationFailed("source_id", _("the row has no source id"))
    if len(data.source_id) > 60:
        raise ValidationFailed("source_id", _("at most 60 characters"))
    if data.state not in IMPORT_STATES:
        raise ValidationFailed("state", _("%(state)r cannot be imported; use one of %(allowed)s")
                               % {"state": data.state, "allowed": ", ".join(IMPORT_STATES)})
    if data.category and pack.category(data.category) is None:
        raise ValidationFailed("category", _("%(code)r is not a category of the policy %(pack)s")
                               % {"code": data.category, "pack": pack.code})
    if State(data.state) in TERMINAL:
        if data.closed_at is None:
            raise ValidationFailed("closed_at", _("a closed case needs its closing date"))
        if data.closed_at.tzinfo is None:
            raise ValidationFailed("closed_at", _("must carry a time zone"))
        if data.closed_at < d.received_at:
            raise ValidationFailed("closed_at", _("is before the received date"))
        if data.closed_at > now + CLOCK_SKEW:
            raise ValidationFailed("closed_at", _("may not be in the future"))


def import_role(actor: Staff) -> str:
    """The role `actor` imports in; refused unless they may. `redress import` asks before
    it reads the file, so a run as the wrong person stops before any row is checked."""
    role = next((r for r in INTAKE_ROLES if actor.has_role(r)), None)
    if role is None:
        raise NotPermitted(_("importing complaints needs one of the roles %(roles)s") % {"roles": ", ".join(INTAKE_ROLES)})
    if not actor.is_active or actor.unit_id is None:
        raise NotPermitted(_("%(username)s must be active and belong to a unit to import complaints")
                           % {"username": actor.username})
    return role


def complaint_import(*, actor: Staff, data: ImportInput, via: str = "import") -> Complaint:
    """Create one historical complaint (and its customer) as it stands in the source."""
    pack = active_pack()
    now = current_time()
    import_check(data, pack=pack, now=now)
    role = import_role(actor)
    d = data.complaint
    state = State(data.state)
    closed = state in TERMINAL
    amount = clean_amount(d.amount_claimed)
    received_at = d.received_at
    flags = triggers.detect(pack, d.subject, d.cause, d.request)
    with transaction.atomic():
        # The complainant's record as on every channel (services/customers.py): a file
        # proves no contact, so a repeat complainant is offered, not merged.
        found = customers.customer_record(d.customer, now)
        complaint = Complaint.objects.create(
            # The year in the institution's time zone (no calendar needed, so no query for it).
            reference=next_reference(pack.reference_prefix, received_at.astimezone(ZoneInfo(pack.calendar.timezone)).year),
            kind=d.kind, state=state, policy_code=pack.code, language=d.customer.language or "zh-hans",
            customer=found.customer, channel=d.channel, received_at=received_at,
            registered_at=None if state == State.RECEIVED else received_at,
            referral_source=d.referral_source, external_reference=data.source_id,
            subject=d.subject.strip(), cause=d.cause.strip(), request=d.request.strip(),
            amount_claimed=amount, currency=d.currency,
            is_economic_dispute=pack.is_economic_dispute(amount=amount, flags=flags),
            category=data.category, critical_flags=flags, outcome=data.outcome, satisfied=data.satisfied,
            closed_at=data.closed_at if closed else None,
            intake_unit_id=actor.unit_id, branch=d.branch, owner=actor, first_responder=actor,
            created_at=now, updated_at=now,
        )
        for party in d.parties:
            ComplaintParty.objects.create(complaint=complaint, kind=party.kind, unit=party.unit, staff=party.staff,
                                          product=party.product, description=party.description)
        ledger.append(complaint, EventType.IMPORTED, at=now, actor=actor, actor_role=role, channel=via, payload={
            "source": data.source, "source_id": data.source_id, "file": data.file_name, "row": data.row,
            "state": state.value, "channel": d.channel, "category": data.category, "outcome": data.outcome,
            "received_at": received_at, "closed_at": data.closed_at if closed else None,
            "closed_at_estimated": data.closed_at_estimated if closed else False, "satisfied": data.satisfied,
            "triggers": flags, "original": data.original,
        })
        if found.offers:
            customers.offers_insert(complaint, found, now)
            ledger.append(complaint, EventType.CUSTOMER_MATCH_OFFERED, at=now, actor=actor, actor_role=role,
                          channel=via, payload={"candidates": [{"customer": c.pk, "shared": shared}
                                                               for c, shared in found.offers]})
        if closed:  # in the dashboard's figures on the day it was received; it has no clocks
            rows.insert(*tally.changes(complaint, None, [], ZoneInfo(pack.calendar.timezone)))
        else:  # that step counts the receipt and any clock it stops
            _start_clocks(complaint, actor=actor, role=role, via=via, pack=pack, flags=flags)
        # due_at: the soonest running clock, as the worklists sort and filter on it.
        complaint.save(update_fields=["ledger_head", "ledger_length", "due_at"])
    return complaint


def _start_clocks(complaint: Complaint, *, actor: Staff, role: str, via: str, pack: Pack, flags: list[str]) -> None:
    """Clocks of an open case run from its original dates, so the case shows as late
    at once if it is; a live critical trigger is reported now."""
    step = Step(complaint=complaint, action=Action.REGISTER, actor=actor, via=via, now=complaint.received_at,
                pack=pack, before=State(complaint.state), role=role, clocks=[])  # a new case has no clocks
    # As at intake: every clock counts from the original received date, a registered case
    # passes through the received stage (its registration clock stopped on time).
    reach_stage(step, Stage.RECEIVED, *([] if complaint.state == State.RECEIVED else [Stage.REGISTERED]))
    if flags:
        step.now = current_time()
        raise_triggers(step, flags, source="import")
    step.count(None)
    step.flush()
