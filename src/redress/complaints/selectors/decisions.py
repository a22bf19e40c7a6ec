"""What is waiting for a person's decision: pending proposals they may approve or
reject, extension requests and long pauses they may decide. One rule for the approvals worklist and
the dashboard's "awaiting my approval", and it is the services' rule
(services.handling.resolution_decide, services.timing.extension_decide), so a case
listed here is one the person will not be refused on when they open it and decide.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast

from redress.complaints.lifecycle import State
from redress.complaints.models import ClockPause, Extension, Proposal, Staff
from redress.policy.schema import Pack


def proposals_awaiting(staff: Staff) -> QuerySet:
    """Pending proposals `staff` may decide: one of their roles is among the proposal's
    approver roles (fixed when it was proposed), and it is not their own proposal
    (maker–checker, SPEC §2.4). A department head decides for their own unit only, so
    a proposal that only department heads may approve is theirs only in their unit;
    another of their roles among the approvers decides it anywhere."""
    roles = sorted(staff.role_set())
    if not roles:
        return Proposal.objects.none()
    # approver_roles is a JSON list; its text holds each code in quotes on both
    # databases, which LIKE finds without the JSON operators SQLite lacks. '"cro"'
    # cannot match '"cro_x"', and no role code contains a quote.
    may = Q()
    for role in roles:
        rule = Q(roles_text__contains=f'"{role}"')
        if role == "dept_head":
            rule &= Q(complaint__responsible_unit_id=staff.unit_id)
        may |= rule
    return (Proposal.objects.filter(status=Proposal.Status.PENDING, complaint__state=State.PROPOSED)
            .exclude(proposed_by=staff).annotate(roles_text=Cast("approver_roles", TextField())).filter(may))


def extensions_awaiting(staff: Staff, pack: Pack) -> QuerySet:
    """Extension requests `staff` may decide: the policy's approver roles (a further
    extension's, for a further one), never their own request."""
    if not pack.extension:
        return Extension.objects.none()
    roles = staff.role_set()
    first = bool(roles & {str(r) for r in pack.extension.deciders(1)})
    further = bool(roles & {str(r) for r in pack.extension.deciders(2)})
    waiting = Extension.objects.filter(status=Extension.Status.REQUESTED).exclude(requested_by=staff)
    if first and further:
        return waiting
    if first:
        return waiting.filter(sequence=1)
    if further:
        return waiting.filter(sequence__gt=1)
    return Extension.objects.none()


def pauses_awaiting(staff: Staff, pack: Pack) -> QuerySet:
    """Running pauses whose approval was asked (services.pausing.pause_decide): the
    policy's approver roles, never their own pause."""
    if not pack.pausing or not staff.role_set() & {str(r) for r in pack.pausing.approver_roles}:
        return ClockPause.objects.none()
    return ClockPause.objects.filter(ended_at=None, approval=ClockPause.Approval.ASKED).exclude(paused_by=staff)


def waiting_ids(staff: Staff, pack: Pack) -> QuerySet:
    """The ids of the complaints with a decision waiting for `staff`: a small set read
    through partial indexes, one UNION."""
    waiting = proposals_awaiting(staff).values_list("complaint_id", flat=True)
    others = [qs.values_list("complaint_id", flat=True)
              for qs in (extensions_awaiting(staff, pack), pauses_awaiting(staff, pack)) if not qs.query.is_empty()]
    return waiting.union(*others) if others else waiting


def awaiting_decision(staff: Staff, pack: Pack) -> Q:
    """Complaints with a proposal or an extension request waiting for `staff`, as a
    subquery (a part of "needs my action"'s union). A list of them most urgent first
    reads the ids once instead (worklists.in_view: id_sets.among): as a subquery
    PostgreSQL joined and sorted all 3,774 waiting at a million complaints for the
    first eight (25 ms; 3 ms against the ids)."""
    return Q(pk__in=waiting_ids(staff, pack))
