"""Rows to response dictionaries. Customer data leaves masked unless revealed through the
recorded view_personal_data action (DESIGN rule 6)."""

from __future__ import annotations

import json

from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import allowed_actions
from redress.complaints.models import Complaint, ComplaintClock, Event, Evidence, OrgUnit
from redress.complaints.selectors.personal import PERSONAL_FIELDS, shown
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack

# Actions that are not called through /actions/: evidence is added through its own
# endpoint and downloaded (on the record) in the workbench, breaches are marked by the
# sweep, and only the customer rates an outcome (through the portal). Whether two
# customer records are one person is decided by intake or the complaints office on the
# read-back or the complaint page, asking the customer (services/customers.py).
NOT_ACTIONS = frozenset({"add_evidence", "download_evidence", "mark_breach", "mark_remedy_late", "mark_report_overdue",
                         "rate_outcome", "recompute_clocks", "settle_pauses", "decide_customer_match", "send_alerts",
                         "acknowledge_escalation"})


def _unit(unit: OrgUnit | None) -> dict | None:
    return {"code": unit.code, "name": unit.name} if unit else None


def _username(staff) -> str | None:
    return staff.username if staff else None


def complaint_out(c: Complaint, *, revealed: bool = False, parties=None, reports=None) -> dict:
    """`parties`, `reports`: the rows in hand (a create knows them), else read."""
    customer = c.customer
    if parties is None:
        parties = c.parties.select_related("unit", "staff").order_by("id")
    people = shown(customer, revealed)
    if reports is None:
        reports = list(c.authority_reports.order_by("due_at", "id"))
    # Allowed in every state (a report outlives the case), offered only while one is open.
    hidden = NOT_ACTIONS if any(r.status == "open" for r in reports) else NOT_ACTIONS | {"record_authority_report"}
    return {
        "reference": c.reference, "kind": c.kind, "state": c.state, "version": c.version,
        "allowed_actions": [a.value for a in allowed_actions(c.state) if a.value not in hidden],
        "policy": c.policy_code, "channel": c.channel, "received_at": c.received_at,
        "registered_at": c.registered_at, "referral_source": c.referral_source,
        "external_reference": c.external_reference, "subject": c.subject, "cause": c.cause, "request": c.request,
        "amount_claimed": c.amount_claimed, "currency": c.currency, "category": c.category,
        "severity": c.severity, "urgency": c.urgency, "critical_flags": list(c.critical_flags),
        "is_economic_dispute": c.is_economic_dispute, "escalated": c.escalated,
        "intake_unit": _unit(c.intake_unit), "branch": _unit(c.branch), "responsible_unit": _unit(c.responsible_unit),
        "owner": c.owner.username, "handler": _username(c.handler), "outcome": c.outcome, "satisfied": c.satisfied,
        "closed_at": c.closed_at, "archived_at": c.archived_at, "created_at": c.created_at,
        "updated_at": c.updated_at,
        "customer": {**{k: people[k] for k in PERSONAL_FIELDS if k in people},
                     "preferred_channel": customer.preferred_channel, "language": customer.language,
                     "masked": not revealed},
        "parties": [{"kind": p.kind, "unit": p.unit.code if p.unit else None, "staff": _username(p.staff),
                     "product": p.product, "description": p.description}
                    for p in parties],
        "authority_reports": [report_out(r) for r in reports],
        "url": c.get_absolute_url(),
    }


def report_out(r) -> dict:
    """A report owed to an authority: open until recorded (record_authority_report)."""
    return {"id": r.pk, "authority": r.authority, "kind": r.kind, "reasons": list(r.reasons), "due_at": r.due_at,
            "status": r.status, "overdue": r.overdue_at is not None, "escalated": r.escalated_at is not None,
            "reported_at": r.reported_at, "how": r.how, "receipt": r.receipt}


def detail_queryset(qs):
    return qs.select_related("customer", "intake_unit", "branch", "responsible_unit", "owner", "handler")


def summary_out(c: Complaint) -> dict:
    return {"reference": c.reference, "kind": c.kind, "state": c.state, "version": c.version, "channel": c.channel,
            "category": c.category, "severity": c.severity, "subject": c.subject, "received_at": c.received_at,
            "updated_at": c.updated_at, "external_reference": c.external_reference}


def _event_name(code: int) -> str:
    try:
        return EventType(code).name.lower()
    except ValueError:
        return f"unknown_{code}"


def event_out(e: Event) -> dict:
    return {"seq": e.seq, "type": e.type, "name": _event_name(e.type), "at": e.at, "actor": _username(e.actor),
            "actor_role": e.actor_role, "channel": e.channel, "payload": json.loads(e.payload or "{}")}


def clocks_out(clocks: list[ComplaintClock]) -> list[dict]:
    pack = active_pack()
    cal = calendar_for(pack)
    now = current_time()
    out = []
    for clock in clocks:
        left = unit = None
        if clock.status == ComplaintClock.Status.RUNNING:
            definition = pack.clock(clock.code)
            left, unit = cal.time_left(now, clock.due_at, definition.limit.unit if definition else clock.unit)
        out.append({"code": clock.code, "status": clock.status, "started_at": clock.started_at,
                    "due_at": clock.due_at, "paused_at": clock.paused_at, "stopped_at": clock.stopped_at,
                    "breached": clock.breached, "extended": clock.extended, "left": left, "left_unit": unit})
    return out


def evidence_out(item: Evidence) -> dict:
    return {"id": item.pk, "name": item.original_name, "content_type": item.content_type, "size": item.size,
            "sha256": item.sha256, "description": item.description, "source": item.source,
            "uploaded_by": _username(item.uploaded_by), "uploaded_at": item.uploaded_at}
