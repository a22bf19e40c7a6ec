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

from django.db import connection
from django.db.models import F, Lookup, Q

from redress.complaints import guards
from redress.complaints.duties import ROLES, states_waiting_for
from redress.complaints.lifecycle import OPEN, Action
from redress.complaints.models import AuthorityReport, Complaint, OwnershipTransfer, Staff
from redress.complaints.selectors import closure
from redress.complaints.selectors.decisions import awaiting_decision
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


def _waiting_for_me(staff: Staff, pack: Pack) -> list[Q]:
    """Work waiting for this person whatever the state: decisions (proposals, extensions,
    long pauses), a hand-over to them, a report to an authority their role records."""
    found = [awaiting_decision(staff, pack),
             Q(pk__in=OwnershipTransfer.objects.filter(status=OwnershipTransfer.Status.PENDING, to_staff=staff)
               .values("complaint_id"))]
    if staff.role_set() & {str(r) for r in pack.authority_reports.recorder_roles}:
        found.append(Q(pk__in=AuthorityReport.objects.filter(status=AuthorityReport.Status.OPEN)
                       .values("complaint_id")))
    return found


def needs_me_condition(staff: Staff, pack: Pack, *, now: datetime, cal: WorkCalendar,
                       memo: dict | None = None) -> Q | None:
    """The cases (of those `staff` may see) that need an action of theirs now; None when
    nothing can (marketing staff take no part, 001 第十四条).

    One id list per part, each read through its own index (a state, a unit's or a
    handler's cases, the decisions' partial indexes), joined by UNION: as one OR of them
    PostgreSQL could use no index and read every complaint (0.5 s at 200,000).

    `memo`: a dict that lives as long as one page (worklists.Moment.memo). On PostgreSQL
    the union is then read once and the page's queries (a dashboard's top 8 and count,
    the "opened by me" group that leaves these out, the tabs' badges) take its ids as one
    array: the complaints office's 15,579 ids at a million complaints were otherwise
    gathered again by each of four queries, and each ordered read joined them to the
    whole due index (benchmarks/README.md, pages)."""
    recused = guards.recused_condition(staff)
    if recused is None:
        return None
    needed = _needed(staff, pack, now, cal, memo)
    return needed & ~recused if recused else needed


def _needed(staff: Staff, pack: Pack, now: datetime, cal: WorkCalendar, memo: dict | None) -> Q:
    parts = [Complaint.objects.filter(condition).values("pk").order_by()
             for condition in [*_next_steps(staff, pack, now, cal), *_waiting_for_me(staff, pack)]]
    first, *rest = parts
    union = first.union(*rest)
    # SQLite has no arrays, and a list of ids as an IN would meet its limit on variables.
    if memo is None or connection.vendor != "postgresql":
        return Q(pk__in=union)
    key = ("needs_me", staff.pk, now)
    if key not in memo:
        # Straight from the cursor: Django would make a dict of each of 15,000 rows.
        sql, params = union.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            memo[key] = [pk for (pk,) in cursor.fetchall()]
    return any_of(memo[key])


class _AnyOf(Lookup):
    """lhs = ANY(%s::<the column's type>[]), the list bound as one array parameter.

    The cast matters: psycopg sends small integers as int4[], and against the bigint key
    PostgreSQL then neither hashes the list nor plans with it as it should: the office's
    "opened by me" count (NOT ... = ANY) compared each row with all 15,565 ids (66 ms
    against 10), and its top 8 sorted all 15,565 rows instead of walking the due index
    (57 ms against 2.4), measured at a million complaints."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        array_of = self.lhs.output_field.cast_db_type(connection)
        return f"{lhs} = ANY(%s::{array_of}[])", (*lhs_params, list(self.rhs))


def any_of(ids: list[int]) -> Q:
    """pk = ANY(ids) as one array parameter (PostgreSQL): an IN list would send and plan
    one parameter per id, and a constant array is hashed where the plan filters by it."""
    return Q(_AnyOf(F("pk"), ids)) if ids else Q(pk__in=[])


def opened_by_me_condition(staff: Staff) -> Q:
    """The open cases `staff` took down or owns (the caller leaves out those that need them)."""
    return Q(state__in=sorted(s.value for s in OPEN)) & (Q(owner=staff) | Q(first_responder=staff))
