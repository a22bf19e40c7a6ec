"""Who takes each step of the normal path: the next step in each state and the roles
its service asks for.

One table for three readers: the services' `require_role` calls for these steps read
their roles here, the complaint page marks the next step as its primary button, and
"needs my action" (selectors/needs_me.py) lists the cases whose next step a person may
take now. So a list never offers a case the service would refuse for the role, and a
rule changed here changes all three.
"""

from __future__ import annotations

from redress.complaints.lifecycle import TRANSITIONS, Action, State

OFFICE = "complaints_office"
HANDLING_ROLES = ("handler", "dept_head")
INTAKE_ROLES = ("intake", OFFICE)
# Read-only by SPEC §1: they inspect the ledger and the cases, they do not work them.
INSPECTING_ROLES = frozenset({"auditor"})

# The next step of the normal path in each state (the step that moves the case on).
NEXT_STEP: dict[State, Action] = {
    State.RECEIVED: Action.REGISTER,
    State.REGISTERED: Action.ASSESS,
    State.ASSESSED: Action.DISPATCH,
    State.DISPATCHED: Action.ACCEPT_ASSIGNMENT,
    State.INVESTIGATING: Action.PROPOSE,
    State.PROPOSED: Action.APPROVE,
    State.APPROVED: Action.COMMUNICATE_RESULT,
    State.REMEDY_PENDING: Action.EXECUTE_REMEDY,
    State.AWAITING_CALLBACK: Action.RECORD_CALLBACK,
    # Followed up after a dissatisfied callback (001 第二十二条): the office's, once the
    # follow-up time has run out (selectors/closure.py); a new callback stays possible.
    State.FOLLOW_UP: Action.DEEM_CLOSED,
    State.REFERRED: Action.RECORD_REFERRAL_OUTCOME,
    State.CLOSED: Action.ARCHIVE,
    State.DEEMED_CLOSED: Action.ARCHIVE,
    State.CLOSED_INQUIRY: Action.ARCHIVE,
    State.RESOLVED_ON_SPOT: Action.ARCHIVE,
    State.REDIRECTED: Action.ARCHIVE,
    State.WITHDRAWN: Action.ARCHIVE,
}

# The roles each step's service requires (require_role). Where the service lets a
# person in by who they are on the case (the handler, the owner) before asking for a
# role, that is said beside the step in selectors/needs_me.py and in the service.
ROLES: dict[Action, tuple[str, ...]] = {
    Action.REGISTER: INTAKE_ROLES,
    Action.ASSESS: (OFFICE, "intake"),
    Action.DISPATCH: (OFFICE,),
    Action.ACCEPT_ASSIGNMENT: HANDLING_ROLES,
    Action.COMMUNICATE_RESULT: (OFFICE,),  # besides the handler and the owner
    Action.EXECUTE_REMEDY: (OFFICE, "dept_head"),  # besides the handler
    Action.WAIVE_REMEDY: (OFFICE,),  # a promise to the customer is let go only by the office
    Action.RECORD_CALLBACK: ("callback",),
    Action.DEEM_CLOSED: (OFFICE,),
    Action.RECORD_REFERRAL_OUTCOME: (OFFICE, "compliance"),
    Action.ARCHIVE: (OFFICE,),
}


def states_waiting_for(action: Action) -> frozenset[State]:
    """The states whose next step is `action` (and that the lifecycle lets it start from)."""
    return frozenset(s for s, a in NEXT_STEP.items() if a == action and s in TRANSITIONS[action][0])
