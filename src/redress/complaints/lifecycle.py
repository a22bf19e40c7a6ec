"""The complaint lifecycle as one table (SPEC §3).

Every action that changes a complaint's state is a row here: the states it may start
from and the state it leads to. Services look their action up in this table *inside*
the transaction, after locking the row, so the table is the only source of truth for
"what may happen next" (the UI and API read `allowed_actions` from it too).
"""

from __future__ import annotations

import functools
from enum import StrEnum


class State(StrEnum):
    RECEIVED = "received"  # taken down by the first responder, not yet registered
    REGISTERED = "registered"  # reference number given, acknowledgment sent
    ASSESSED = "assessed"  # category, severity, urgency, triggers, economic dispute decided
    DISPATCHED = "dispatched"  # work order (处理单) sent to the responsible department
    INVESTIGATING = "investigating"  # department accepted; facts being established
    PROPOSED = "proposed"  # resolution proposed, awaiting approval
    APPROVED = "approved"  # resolution approved per the authority matrix
    REMEDY_PENDING = "remedy_pending"  # result told; payments/rectification still to execute
    AWAITING_CALLBACK = "awaiting_callback"  # result told and remedies done; callback due
    FOLLOW_UP = "follow_up"  # customer not satisfied at callback; followed up (001 第二十二条)
    REFERRED = "referred"  # guided to mediation / arbitration / litigation
    CLOSED = "closed"
    CLOSED_INQUIRY = "closed_inquiry"  # an inquiry answered and accepted: not a complaint
    RESOLVED_ON_SPOT = "resolved_on_spot"
    REDIRECTED = "redirected"  # out of scope: told the competent authority and contact
    WITHDRAWN = "withdrawn"
    DEEMED_CLOSED = "deemed_closed"  # 6 months of follow-up, no repeat, no staff fault
    ARCHIVED = "archived"


TERMINAL = frozenset(
    {
        State.CLOSED,
        State.CLOSED_INQUIRY,
        State.RESOLVED_ON_SPOT,
        State.REDIRECTED,
        State.WITHDRAWN,
        State.DEEMED_CLOSED,
        State.ARCHIVED,
    }
)
OPEN = frozenset(State) - TERMINAL
# Open states in which the case is being worked on by the institution (clocks run,
# extensions, escalations and transfers make sense).
IN_PROGRESS = OPEN - {State.RECEIVED}


class Action(StrEnum):
    ANSWER_INQUIRY = "answer_inquiry"
    RESOLVE_ON_SPOT = "resolve_on_spot"
    REDIRECT = "redirect"
    REGISTER = "register"
    ASSESS = "assess"
    CLEAR_ECONOMIC_DISPUTE = "clear_economic_dispute"  # 004 第十六条: the deciders only, with a reason
    DISPATCH = "dispatch"
    ACCEPT_ASSIGNMENT = "accept_assignment"
    RETURN_ASSIGNMENT = "return_assignment"
    ADD_FINDING = "add_finding"
    PROPOSE = "propose"
    APPROVE = "approve"
    REJECT = "reject"
    COMMUNICATE_RESULT = "communicate_result"
    EXECUTE_REMEDY = "execute_remedy"
    WAIVE_REMEDY = "waive_remedy"  # services/remedies.py
    RECORD_CALLBACK = "record_callback"
    CLOSE_WITHOUT_CALLBACK = "close_without_callback"
    DEEM_CLOSED = "deem_closed"
    REFER = "refer"
    RECORD_REFERRAL_OUTCOME = "record_referral_outcome"
    WITHDRAW = "withdraw"
    ARCHIVE = "archive"
    RECOMPLAIN = "recomplain"
    # Actions that do not move the state but are allowed only in some states.
    SEND_MESSAGE = "send_message"
    RECORD_CONTACT = "record_contact"
    ADD_EVIDENCE = "add_evidence"
    ADD_PARTY = "add_party"
    ESCALATE = "escalate"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    PAUSE_CLOCK = "pause_clock"
    RESUME_CLOCK = "resume_clock"
    DECIDE_PAUSE = "decide_pause"  # approve or refuse a long pause (services/pausing.py)
    SETTLE_PAUSES = "settle_pauses"  # the sweep: ask for approval, end lapsed pauses, flag
    REQUEST_TRANSFER = "request_transfer"
    ACCEPT_TRANSFER = "accept_transfer"
    RECORD_ACCOUNTABILITY = "record_accountability"
    LINK = "link"
    MARK_BREACH = "mark_breach"
    RECOMPUTE_CLOCKS = "recompute_clocks"  # the calendar changed: services/recompute.py
    VIEW_PERSONAL_DATA = "view_personal_data"  # recorded, not a change: see services/privacy.py
    DOWNLOAD_EVIDENCE = "download_evidence"  # recorded, not a change: services/evidence.evidence_open
    RATE_OUTCOME = "rate_outcome"  # the complainant rates the result told (portal)
    RECORD_AUTHORITY_REPORT = "record_authority_report"  # services/reports.py
    MARK_REPORT_OVERDUE = "mark_report_overdue"  # the sweep: services/reports.py
    DECIDE_CUSTOMER_MATCH = "decide_customer_match"  # same customer or not: services/customers.py
    SEND_ALERTS = "send_alerts"  # the sweep: reminders and escalations, services/alerts.py
    ACKNOWLEDGE_ESCALATION = "acknowledge_escalation"  # services/alerts.py
    MARK_REMEDY_LATE = "mark_remedy_late"  # the sweep: services/remedies.py


S = State
_CLOSED_ANY = {S.CLOSED, S.DEEMED_CLOSED, S.CLOSED_INQUIRY, S.RESOLVED_ON_SPOT, S.REDIRECTED, S.WITHDRAWN}
_WORKING = {S.REGISTERED, S.ASSESSED, S.DISPATCHED, S.INVESTIGATING, S.PROPOSED, S.APPROVED}

# action: (states it may start from, state it leads to; None = stays where it is)
TRANSITIONS: dict[Action, tuple[frozenset[State], State | None]] = {
    Action.ANSWER_INQUIRY: (frozenset({S.RECEIVED}), S.CLOSED_INQUIRY),  # 001 第十五条
    Action.RESOLVE_ON_SPOT: (frozenset({S.RECEIVED}), S.RESOLVED_ON_SPOT),  # 004 §7(一)
    Action.REDIRECT: (frozenset({S.RECEIVED, S.REGISTERED, S.ASSESSED}), S.REDIRECTED),  # 004 第十七条
    Action.REGISTER: (frozenset({S.RECEIVED}), S.REGISTERED),  # 002 §二(一)
    Action.ASSESS: (frozenset({S.REGISTERED, S.ASSESSED}), S.ASSESSED),
    # Before a resolution is proposed: a pending or approved one was routed by the flag.
    Action.CLEAR_ECONOMIC_DISPUTE: (frozenset({S.REGISTERED, S.ASSESSED, S.DISPATCHED, S.INVESTIGATING}), None),
    Action.DISPATCH: (frozenset({S.ASSESSED}), S.DISPATCHED),  # 004 §7(二)
    Action.ACCEPT_ASSIGNMENT: (frozenset({S.DISPATCHED}), S.INVESTIGATING),
    Action.RETURN_ASSIGNMENT: (frozenset({S.DISPATCHED, S.INVESTIGATING}), S.ASSESSED),
    Action.ADD_FINDING: (frozenset({S.INVESTIGATING}), None),
    Action.PROPOSE: (frozenset({S.INVESTIGATING}), S.PROPOSED),
    Action.APPROVE: (frozenset({S.PROPOSED}), S.APPROVED),  # 002 §二(三), 004 第十六条
    Action.REJECT: (frozenset({S.PROPOSED}), S.INVESTIGATING),
    # Leads to REMEDY_PENDING or AWAITING_CALLBACK depending on open remedies.
    Action.COMMUNICATE_RESULT: (frozenset({S.APPROVED}), S.AWAITING_CALLBACK),  # 002 §二(四)
    Action.EXECUTE_REMEDY: (frozenset({S.REMEDY_PENDING}), S.AWAITING_CALLBACK),  # 002 §二(五)
    # Leads to AWAITING_CALLBACK from REMEDY_PENDING once none is left; a closed or referred
    # case stays where it is (a remedy still open there blocks the archive).
    Action.WAIVE_REMEDY: (frozenset({S.REMEDY_PENDING, S.REFERRED} | _CLOSED_ANY), None),
    # Leads to CLOSED when satisfied, FOLLOW_UP when not.
    Action.RECORD_CALLBACK: (frozenset({S.AWAITING_CALLBACK, S.FOLLOW_UP}), S.CLOSED),  # 001 第二十三条
    Action.CLOSE_WITHOUT_CALLBACK: (frozenset({S.AWAITING_CALLBACK}), S.CLOSED),
    Action.DEEM_CLOSED: (frozenset({S.FOLLOW_UP}), S.DEEMED_CLOSED),  # 001 第二十二条
    Action.REFER: (frozenset(_WORKING | {S.FOLLOW_UP, S.AWAITING_CALLBACK}), S.REFERRED),  # 001 第十九条
    Action.RECORD_REFERRAL_OUTCOME: (frozenset({S.REFERRED}), S.CLOSED),
    Action.WITHDRAW: (frozenset(OPEN - {S.RECEIVED}), S.WITHDRAWN),
    Action.ARCHIVE: (frozenset(_CLOSED_ANY), S.ARCHIVED),  # 004 §7(六)
    # A new linked complaint; the original (if still in follow-up) is closed. From any case
    # whose outcome the customer heard: archived and resolved-on-the-spot ones too.
    Action.RECOMPLAIN: (frozenset({S.FOLLOW_UP, S.AWAITING_CALLBACK, S.CLOSED, S.DEEMED_CLOSED, S.ARCHIVED,
                                   S.RESOLVED_ON_SPOT}), None),  # 004 §7(七)
    Action.SEND_MESSAGE: (frozenset(IN_PROGRESS | {S.RECEIVED}), None),  # 002 §二(四)
    Action.RECORD_CONTACT: (frozenset({S.INVESTIGATING, S.PROPOSED, S.APPROVED}), None),  # 004 §7(三)
    Action.ADD_EVIDENCE: (frozenset(OPEN), None),
    Action.ADD_PARTY: (frozenset(OPEN), None),
    Action.ESCALATE: (frozenset(IN_PROGRESS), None),
    Action.REQUEST_EXTENSION: (frozenset(_WORKING | {S.REMEDY_PENDING}), None),
    Action.DECIDE_EXTENSION: (frozenset(_WORKING | {S.REMEDY_PENDING}), None),
    Action.PAUSE_CLOCK: (frozenset(IN_PROGRESS), None),
    Action.RESUME_CLOCK: (frozenset(IN_PROGRESS), None),
    Action.DECIDE_PAUSE: (frozenset(IN_PROGRESS), None),
    # Any state: a pause left open when the case moved on is closed whatever came next.
    Action.SETTLE_PAUSES: (frozenset(State), None),
    Action.REQUEST_TRANSFER: (frozenset(OPEN), None),
    Action.ACCEPT_TRANSFER: (frozenset(OPEN), None),
    Action.RECORD_ACCOUNTABILITY: (frozenset(IN_PROGRESS | _CLOSED_ANY), None),  # 001 第十、十八条
    Action.LINK: (frozenset(State), None),
    Action.MARK_BREACH: (frozenset(OPEN), None),
    # Wherever a clock can be open, as for breaches (a closed case's clocks are stopped).
    Action.RECOMPUTE_CLOCKS: (frozenset(OPEN), None),
    Action.VIEW_PERSONAL_DATA: (frozenset(State), None),
    Action.DOWNLOAD_EVIDENCE: (frozenset(State), None),
    # Once the result was told; 002 §二(四): the customer's opinion is asked.
    Action.RATE_OUTCOME: (frozenset({S.AWAITING_CALLBACK, S.FOLLOW_UP, S.CLOSED}), None),
    # A report owed to the police or a regulator outlives the case: closing, redirecting
    # or archiving it does not make the report (001 第三条, 第十六条(三)).
    Action.RECORD_AUTHORITY_REPORT: (frozenset(State), None),
    Action.MARK_REPORT_OVERDUE: (frozenset(State), None),
    # Whose complaint it is can be settled whatever its state: a closed case's customer
    # calls back, a re-complaint needs the history.
    Action.DECIDE_CUSTOMER_MATCH: (frozenset(State), None),
    # A clock runs only on an open case, and an escalation is answered while it is open.
    Action.SEND_ALERTS: (frozenset(OPEN), None),
    Action.ACKNOWLEDGE_ESCALATION: (frozenset(OPEN), None),
    # A remedy promised is owed until done or waived, whatever the case's state (002 执行跟踪).
    Action.MARK_REMEDY_LATE: (frozenset(State), None),
}


def allowed_actions(state: State | str) -> list[Action]:
    return list(_allowed_in(State(state)))


@functools.cache
def _allowed_in(state: State) -> tuple[Action, ...]:
    # TRANSITIONS is fixed at import; every API answer lists a complaint's actions.
    return tuple(action for action, (sources, _) in TRANSITIONS.items() if state in sources)


def target_state(action: Action, state: State | str) -> State:
    sources, target = TRANSITIONS[action]
    return State(state) if target is None else target
