"""What needs a person's action now, and what they opened that others are working on.

"Needs my action": an open case whose next step (duties.NEXT_STEP) this person may
take now, or a decision, a hand-over or a report to an authority waiting for them. Each
part is the service's own rule said as a condition on the complaint row: the states come
from the lifecycle table, the roles from duties.ROLES (which the services' require_role
calls read), who may act on the case from the same columns the service compares
(handler, owner, responsible unit), separation of duties from guards.py (recusal,
callback independence), decisions from selectors/decisions.py and deemed closure from
selectors/closure.py. Lists put it beside `visible_complaints`, so nobody is offered a
case they cannot open. tests/complaints/selectors/test_needs_me.py runs the services on
what the list offers and leaves out, to keep the two in step.

"Opened by me, with others": the open cases this person took down or owns whose next
step is someone else's: they answer for them (首问负责制) but wait on other people.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q

from redress.complaints import guards
from redress.complaints.duties import ROLES, states_waiting_for
from redress.complaints.lifecycle import OPEN, Action
from redress.complaints.models import AuthorityReport, Complaint, OwnershipTransfer, Staff
from redress.complaints.selectors import closure
from redress.complaints.selectors.decisions import awaiting_decision
from redress.complaints.selectors.id_sets import among
from redress.policy.schema import Pack
from redress.sla.calendar import WorkCalendar

A = Action
# The office's own queue: cases still to be registered, assessed or dispatched.
TRIAGE_STEPS = (A.REGISTER, A.ASSESS, A.DISPATCH)


def waiting_states(*actions: Action) -> list[str]:
    """The open states whose next step is one of `actions`."""
    return sorted({s.value for a in actions for s in states_waiting_for(a) if s in OPEN})


def may(staff: Staff, action: Action) -> bool:
    return bool(staff.role_set() & set(ROLES[action]))


def _next_steps(staff: Staff, pack: Pack, now: datetime, cal: WorkCalendar) -> list[Q]:
    """One condition per next step `staff` may take: (its states) and (who may take it)."""
    roles, me, unit = staff.role_set(), staff, staff.unit_id
    parts: list[tuple[Action, Q]] = []
    for action in TRIAGE_STEPS:
        if may(staff, action):
            parts.append((action, Q()))
    # services.handling.assignment_accept: a handler or department head of the unit the
    # work order went to; one sent to a named person waits for them (or the head).
    if may(staff, A.ACCEPT_ASSIGNMENT) and unit:
        who = Q(responsible_unit_id=unit)
        if "dept_head" not in roles:
            who &= Q(handler__isnull=True) | Q(handler=me)
        parts.append((A.ACCEPT_ASSIGNMENT, who))
    # services.handling._ensure_handling: the handler, or the head of the responsible unit.
    propose = Q(handler=me)
    if "dept_head" in roles and unit:
        propose |= Q(responsible_unit_id=unit)
    parts.append((A.PROPOSE, propose))
    # services.outcome.result_communicate / remedy_execute: the handler (and the owner for
    # the result) without a role; anyone else by the step's roles.
    parts.append((A.COMMUNICATE_RESULT, Q() if may(staff, A.COMMUNICATE_RESULT) else Q(handler=me) | Q(owner=me)))
    parts.append((A.EXECUTE_REMEDY, Q() if may(staff, A.EXECUTE_REMEDY) else Q(handler=me)))
    # services.outcome.callback_record: the callback role, and guards.ensure_may_callback.
    if may(staff, A.RECORD_CALLBACK):
        barred = guards.callback_barred_condition(staff, pack.callback.excluded_roles)
        if barred is not None:
            parts.append((A.RECORD_CALLBACK, ~barred))
    if may(staff, A.RECORD_REFERRAL_OUTCOME):
        parts.append((A.RECORD_REFERRAL_OUTCOME, Q()))
    conditions = [Q(state__in=waiting_states(action)) & who for action, who in parts]
    if may(staff, A.DEEM_CLOSED):  # services.outcome.deem_closed refuses what this leaves out
        deemable = closure.deemable_condition(pack, cal, now)
        if deemable is not None:
            conditions.append(deemable)
    return conditions


def _waiting_for_me(staff: Staff, pack: Pack, decisions: Q | None) -> list[Q]:
    """Work waiting for this person whatever the state: decisions (proposals, extensions,
    long pauses: `decisions` when the caller has read them), a hand-over to them, a
    report to an authority their role records."""
    found = [awaiting_decision(staff, pack) if decisions is None else decisions,
             Q(pk__in=OwnershipTransfer.objects.filter(status=OwnershipTransfer.Status.PENDING, to_staff=staff)
               .values("complaint_id"))]
    if staff.role_set() & {str(r) for r in pack.authority_reports.recorder_roles}:
        found.append(Q(pk__in=AuthorityReport.objects.filter(status=AuthorityReport.Status.OPEN)
                       .values("complaint_id")))
    return found


def needs_me_condition(staff: Staff, pack: Pack, *, now: datetime, cal: WorkCalendar, read: bool = True,
                       decisions: Q | None = None) -> Q | None:
    """The cases (of those `staff` may see) that need an action of theirs now; None when
    nothing can (marketing staff take no part, 001 第十四条).

    One id list per part, each read through its own index (a state, a unit's or a
    handler's cases, the decisions' partial indexes), joined by UNION: as one OR of them
    PostgreSQL could use no index and read every complaint (0.5 s at 200,000). The ids
    are read here, once, and the condition holds them (id_sets.among): as a subquery
    the union was computed again by every list and count that asked, and a list most
    urgent first joined and sorted all of them (the office's 15,500 at a million
    complaints: 107 ms for eight rows, 12 ms walking the due index against the ids).
    `read=False` keeps the subquery: "opened by me, with others" on its own excludes it
    from a handful of rows, and PostgreSQL then never computes it at all. `decisions`:
    the decisions waiting for `staff` as the caller read them (the dashboard lists them
    too), instead of their subquery again."""
    recused = guards.recused_condition(staff)
    if recused is None:
        return None
    parts = [Complaint.objects.filter(condition).values_list("pk", flat=True).order_by()
             for condition in [*_next_steps(staff, pack, now, cal), *_waiting_for_me(staff, pack, decisions)]]
    first, *rest = parts
    union = first.union(*rest)
    needed = among(union) if read else Q(pk__in=union)
    return needed & ~recused if recused else needed


def opened_by_me_condition(staff: Staff) -> Q:
    """The open cases `staff` took down or owns (the caller leaves out those that need them)."""
    return Q(state__in=sorted(s.value for s in OPEN)) & (Q(owner=staff) | Q(first_responder=staff))
