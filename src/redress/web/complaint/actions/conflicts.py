"""Which changes made while a form was open really conflict with it.

A form carries the complaint's version and the length of its ledger when it was drawn.
The service refuses a form whose version is old (StaleComplaint). The form then asks
here what was recorded since, and:

- when nothing recorded conflicts with this form, it is sent again at once at the new
  version (a colleague's note does not block a proposal);
- otherwise it comes back with everything typed, the changes listed, and the new
  version: the person reads what changed and sends it again (or changes it).

The rule (docs/architecture.md, "Stale forms"):

1. Looks never conflict: a reveal of the complainant's details, a download.
2. Additions to the file (a finding, evidence, a contact note, a link, a party, a
   message to the customer, an accountability record, a report to an authority) do
   not conflict with a form that adds or proposes; they do conflict with a decision
   on what others wrote (approve or reject a proposal, decide an extension or a
   pause, clear an economic dispute, accept a transfer): the decider must see them.
3. A message from the customer conflicts with a form that writes to the customer and
   with the decisions: what goes out must answer what came in.
4. Everything else — a change of state, of owner or unit, of the clocks, a proposal
   or a decision, an assessment, an escalation — conflicts with every form.

The services still check every rule of the action itself (state, roles, separation
of duties) when the form is sent again: this decides only whether the person must
look first. The API keeps the strict version check; the client decides there.
"""

from __future__ import annotations

import dataclasses
import json

from redress.complaints.ledger import EventType as E
from redress.complaints.lifecycle import Action as A
from redress.complaints.models import Communication, Complaint, Event
from redress.web.complaint.timeline import Entry, timeline

LOOKS = frozenset({E.PERSONAL_DATA_VIEWED, E.EVIDENCE_DOWNLOADED})
ADDITIONS = frozenset({E.FINDING_ADDED, E.EVIDENCE_ADDED, E.CUSTOMER_CONTACTED, E.LINKED, E.PARTY_ADDED,
                       E.MESSAGE_SENT, E.ACCOUNTABILITY_RECORDED, E.AUTHORITY_REPORT_DUE,
                       E.AUTHORITY_REPORT_RECORDED})
CUSTOMER_WROTE = frozenset({E.MESSAGE_RECEIVED})
DECISIONS = frozenset({A.APPROVE, A.REJECT, A.DECIDE_EXTENSION, A.DECIDE_PAUSE, A.CLEAR_ECONOMIC_DISPUTE,
                       A.ACCEPT_TRANSFER})


def since(complaint: Complaint, seen: int | None) -> list[Event]:
    """What was recorded on the complaint after the form was drawn (oldest first)."""
    if seen is None:
        return []
    return list(Event.objects.filter(complaint_id=complaint.pk, seq__gt=seen).select_related("actor").order_by("seq"))


def conflicting(action: A, events: list[Event], *, writes_to_customer: bool) -> list[Event]:
    """The events among `events` the person must see before `action` goes through."""
    out = []
    for event in events:
        kind = event.type
        if kind in LOOKS:
            continue
        if kind in ADDITIONS and action not in DECISIONS:
            continue
        if kind in CUSTOMER_WROTE and action not in DECISIONS and not writes_to_customer:
            continue
        out.append(event)
    return out


def shown(events: list[Event]) -> list[Entry]:
    """The changes as the timeline words them, with the text of any message in or out:
    the person has to read what the customer wrote, not only that they wrote."""
    entries = timeline(events)
    ids = {}
    for entry in entries:
        try:
            message = json.loads(entry.event.payload or "{}").get("message")
        except (ValueError, AttributeError):
            message = None
        if isinstance(message, int):
            ids[entry.event.pk] = message
    bodies = dict(Communication.objects.filter(pk__in=ids.values()).values_list("pk", "body"))
    return [dataclasses.replace(e, detail="\n".join(filter(None, [e.detail, bodies.get(ids.get(e.event.pk), "")])))
            for e in entries]
