"""Historical complaints brought in from another system (`redress import`).

An imported complaint keeps what happened before it reached Redress: its received
date, channel, category, outcome and closing date. It is written in its final state
(closed, withdrawn, ...) or its current one (received, registered) in one transaction,
with a single IMPORTED ledger event naming the source file, row and source id, so an
auditor can trace every imported case back to the line it came from.

What the old system knew besides the case (registration date, resolution, handler
and unit, correspondence, files) comes in through `services.history`, which also
reconstructs the clocks of a closed case from its dates, so the on-time figures count
it. Dates the source did not have are flagged on the complaint (`estimated_dates`).

What it does *not* do, on purpose: it queues no notification (these customers were
answered long ago, or are being answered by the old system), it does not walk the case
through the lifecycle services (that would invent approvals and callbacks nobody
made), and it raises no critical trigger: a threat of court action in a complaint of
2015 is not a report owed to the police today. The triggers found are listed in the
import's summary for the complaints office to review and kept in the IMPORTED event; a
closed case keeps them as its `critical_flags` (the register's critical filter), an
open one does not, so that the office's assessment, which every open imported case
needs, raises those it confirms (complaint_assess raises the flags it adds).
Open cases get their clocks from the original dates, so a case that is already late
shows as late.

Idempotency is the caller's: `redress.imports` keys each row by (source, source id)
in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.translation import gettext as _

from redress.complaints import period_tally, rows, triggers
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import TERMINAL, Action, State
from redress.complaints.models import Complaint, ComplaintParty, Staff
from redress.complaints.references import allocate
from redress.complaints.services import customers
from redress.complaints.services import history as past
from redress.complaints.services.base import Step
from redress.complaints.services.intake import (
    CLOCK_SKEW,
    INTAKE_ROLES,
    ComplaintInput,
    clean_amount,
    validate_complaint,
)
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.policy.schema import Pack

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
    history: past.History = field(default_factory=past.History)  # what the old system knew besides


def import_triggers(data: ImportInput, pack: Pack) -> list[str]:
    """The critical triggers the case's text shows: kept and listed for review, not raised.
    Remembered on `data` for the same pack and texts (bulk intake and the import's report
    ask for each row two or three times)."""
    d = data.complaint
    asked = (d.subject, d.cause, d.request)
    known = data.__dict__.get("_triggers")
    if known is not None and known[0] is pack and known[1] == asked:
        return list(known[2])
    found = triggers.detect(pack, *asked)
    data._triggers = (pack, asked, tuple(found))
    return found


def import_check(data: ImportInput, *, pack: Pack | None = None, now: datetime | None = None) -> past.Found:
    """Every rule complaint_import applies, without writing anything (for dry runs);
    the handler and unit the history names."""
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
    return past.check(data.history, pack=pack, now=now + CLOCK_SKEW, received_at=d.received_at,
                      closed_at=data.closed_at if State(data.state) in TERMINAL else None)


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


def complaint_import(*, actor: Staff, data: ImportInput, via: str = "import",
                     checked: past.Found | None = None) -> Complaint:
    """Create one historical complaint (and its customer) as it stands in the source.
    `checked`: what import_check gave for `data`, run by the caller in this transaction
    (bulk intake under `redress import`, which checks each batch before writing it); the
    check is not run a second time."""
    pack = active_pack()
    now = current_time()
    found = checked if checked is not None else import_check(data, pack=pack, now=now)
    role = import_role(actor)
    d = data.complaint
    state = State(data.state)
    closed = state in TERMINAL
    amount = clean_amount(d.amount_claimed)
    received_at = d.received_at
    flags = import_triggers(data, pack)
    kept = flags if closed else []  # an open case's are for its assessment to raise
    registered_at = data.history.registered_at or received_at
    # Under bulk intake its rows are held, not written: no savepoint to take (held_rows).
    with transaction.atomic(savepoint=not rows.held()):
        # Built whole, then written (as at intake): on PostgreSQL, and under bulk intake
        # (complaints/held_rows.py) on both databases, the id comes with the reference, so
        # the complaint row is one INSERT, last; on SQLite alone it is inserted first for
        # its id and saved again at the end.
        # The complainant's record as on every channel (services/customers.py): a file
        # proves no contact, so a repeat complainant is offered, not merged.
        record = customers.customer_record(d.customer, now)
        reference, complaint_id = allocate(
            # The year in the institution's time zone (no calendar needed, so no query for it).
            pack.reference_prefix, received_at.astimezone(ZoneInfo(pack.calendar.timezone)).year,
            row_id_for=Complaint)
        complaint = rows.build(
            Complaint, id=complaint_id, reference=reference,
            kind=d.kind, state=state, policy_code=pack.code, language=d.customer.language or "zh-hans",
            channel=d.channel, received_at=received_at,
            registered_at=None if state == State.RECEIVED else registered_at,
            referral_source=d.referral_source, external_reference=data.source_id,
            subject=d.subject.strip(), cause=d.cause.strip(), request=d.request.strip(),
            amount_claimed=amount, currency=d.currency,
            is_economic_dispute=pack.is_economic_dispute(amount=amount, flags=kept),
            category=data.category, critical_flags=kept, outcome=data.outcome, satisfied=data.satisfied,
            closed_at=data.closed_at if closed else None, resolution=data.history.resolution,
            estimated_dates=past.estimated(data.history, closed_at_estimated=data.closed_at_estimated, closed=closed),
            intake_unit_id=actor.unit_id, created_at=now, updated_at=now,
            related={"customer": record.customer, "responsible_unit": found.unit, "handler": found.handler,
                     "branch": d.branch, "owner": actor, "first_responder": actor},
        )
        if complaint_id is None:
            rows.insert(complaint)
        rows.insert(*[rows.build(ComplaintParty, kind=party.kind, product=party.product, description=party.description,
                                 related={"complaint": complaint, "unit": party.unit, "staff": party.staff})
                      for party in d.parties])
        step = Step(complaint=complaint, action=Action.REGISTER, actor=actor, via=via, now=now, pack=pack,
                    before=state, role=role, clocks=[])  # a new case has no clocks
        clocks = past.reconstruct_clocks(step, data.history)
        # The clocks' summary and the triggers for review are in the one event that says
        # where the case came from; `historical` events follow it (services.history).
        step.record(EventType.IMPORTED, **{
            "source": data.source, "source_id": data.source_id, "file": data.file_name, "row": data.row,
            "state": state.value, "channel": d.channel, "category": data.category, "outcome": data.outcome,
            "received_at": received_at, "closed_at": data.closed_at if closed else None,
            "closed_at_estimated": data.closed_at_estimated if closed else False, "satisfied": data.satisfied,
            "triggers": flags, "original": data.original,
            **_history_payload(complaint, data, found, clocks, flags)})
        customers.record_found(step, record, d.customer)
        past.write(step, data.history)
        step.count(None)  # the receipt, and every clock stopped or late
        step.flush()
        # due_at: the soonest running clock, as the worklists sort and filter on it.
        if complaint_id is None:
            complaint.save(update_fields=["ledger_head", "ledger_length", "due_at"])
        else:
            rows.insert(complaint)
        if rows.held():  # the statistics' figures from the rows in memory, added up with the batch's
            products = [p.product for p in d.parties if p.kind == ComplaintParty.Kind.PRODUCT]
            cal = step.work_calendar()
            days = rows.HOLDING.get().remember(("period days", id(cal)), dict)  # a batch's (received, closed) pairs
            if (sums := rows.held_tallies()) is not None:  # added up by key, no row object each
                period_tally.add_received_now(sums.period, complaint, clocks, products, cal, days)
            else:
                rows.insert(*period_tally.received_now(complaint, clocks, products, cal, days))
        else:  # from the rows written
            period_tally.count_new(complaint.pk, step.work_calendar())
        if record.offers:  # written once the complaint row is
            customers.offers_insert(complaint, record, now)
    return complaint


def _history_payload(c: Complaint, data: ImportInput, found: past.Found, clocks: list, flags: list[str]) -> dict:
    """What the IMPORTED event adds when the source brought more than the case (older
    events have none of these keys, and their hashes stay as they were)."""
    h = data.history
    out: dict = {}
    if h.registered_at is not None:
        out["registered_at"] = c.registered_at
    if c.estimated_dates:
        out["estimated_dates"] = c.estimated_dates
    if found.handler is not None:
        out["handler"] = found.handler.pk
    if found.unit is not None:
        out["unit"] = found.unit.pk
    if h.resolution:
        out["resolution"] = h.resolution
    if clocks and c.closed_at is not None:
        out["clocks_reconstructed"] = past.clock_summary(clocks)
    if flags:
        out["triggers_for_review"] = True  # found in the text, not raised (see the module's docstring)
    return out
