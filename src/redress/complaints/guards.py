"""Separation of duties (SPEC §2), enforced by the services, never by the UI alone.

Each rule is a function that raises NotPermitted with the rule and its source, so the
person refused learns why, and tests can name the rule they check.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from redress.complaints.errors import NotPermitted
from redress.complaints.models import (
    Assignment,
    Complaint,
    ComplaintParty,
    Finding,
    Proposal,
    Staff,
)


def involved_staff_ids(complaint: Complaint) -> set[int]:
    """Employees the complaint concerns (投诉事项涉及的员工, 001 第十四条): every member of
    staff a party names, whatever its kind. A unit or product party may name the person
    behind it (the branch's account manager); intake already keeps that person out
    (services/intake.complaint_receive), so handling must too."""
    return set(
        ComplaintParty.objects.filter(complaint=complaint, staff__isnull=False).values_list("staff_id", flat=True)
    )


def is_named_in(staff: Staff, complaint: Complaint) -> bool:
    return ComplaintParty.objects.filter(complaint=complaint, staff=staff).exists()


def ensure_not_recused(actor: Staff, complaint: Complaint) -> None:
    """001 第十四条, for every action on a case, reading it included: marketing staff and the
    employees it names take no part in it, whatever roles they were given. Seeing in a
    list that the case exists is all their roles still allow. `acting_on` asks this for
    every action with a member of staff; the pages and the API ask it before opening a
    case, its personal data or its files."""
    if actor.is_marketing:
        raise NotPermitted(_("%(username)s is marketing staff and may take no part in handling complaints (001 第十四条)")
                           % {"username": actor.username})
    if is_named_in(actor, complaint):
        raise NotPermitted(_("%(username)s is named in this complaint and may take no part in it (001 第十四条)")
                           % {"username": actor.username})


RECUSED_LISTED_UP_TO = 1000


def recused_condition(staff: Staff) -> Q | None:
    """ensure_not_recused as a condition on complaint rows, for the lists that offer a
    person work (selectors/needs_me.py): the complaints it keeps `staff` out of (an
    empty Q: none). None: all of them (marketing staff)."""
    if staff.is_marketing:
        return None
    named = ComplaintParty.objects.filter(staff=staff).values_list("complaint_id", flat=True)
    # The complaints naming one person are a handful: read first as ids (none: nothing
    # to leave out). As NOT IN (subquery) PostgreSQL guessed that it leaves out half the
    # complaints and read the whole table to join the list to it: 2.8 s of the office's
    # dashboard at a million complaints, for a person named in none.
    ids = sorted(set(named[:RECUSED_LISTED_UP_TO + 1]))
    if len(ids) > RECUSED_LISTED_UP_TO:
        return Q(Exists(ComplaintParty.objects.filter(staff=staff, complaint_id=OuterRef("pk"))))
    return Q(pk__in=ids) if ids else Q()


def ensure_may_accept_or_handle(actor: Staff, complaint: Complaint | None, involved: set[int] | None = None) -> None:
    """001 第十四条: marketing staff and the employees a complaint concerns may guide the
    customer to the complaints channel but may not accept or handle the complaint."""
    if actor.is_marketing:
        raise NotPermitted(
            _("%(username)s is marketing staff and may not accept or handle complaints (001 第十四条)") % {"username": actor.username}
        )
    if involved is None:
        involved = involved_staff_ids(complaint) if complaint is not None else set()
    if actor.pk in involved:
        raise NotPermitted(_("%(username)s is named in this complaint and may not accept or handle it (001 第十四条)") % {"username": actor.username})


def handlers_of(complaint: Complaint) -> set[int]:
    """Everyone who took part in working the case, for 001 第二十三条 (投诉经办人员): whoever
    accepted a work order or was named its handler (those returned and re-dispatched
    too), recorded a finding, proposed a resolution or decided one, and the handler now."""
    orders = complaint.assignments.values_list("handler_id", "accepted_by_id")
    ids = {pk for pair in orders for pk in pair if pk is not None}
    ids |= set(Finding.objects.filter(complaint=complaint).values_list("author_id", flat=True))
    for proposer, decider in Proposal.objects.filter(complaint=complaint).values_list("proposed_by_id", "decided_by_id"):
        ids |= {pk for pk in (proposer, decider) if pk is not None}
    if complaint.handler_id:
        ids.add(complaint.handler_id)
    return ids


def ensure_may_callback(actor: Staff, complaint: Complaint, excluded_roles=()) -> None:
    """001 第二十三条: the callback is independent. Nobody who worked the case calls the
    customer back, nor anyone the complaint names, nor a holder of a role the policy
    excludes (callback.excluded_roles)."""
    if actor.pk in handlers_of(complaint):
        raise NotPermitted(_("%(username)s handled this complaint and may not do its callback (001 第二十三条)") % {"username": actor.username})
    if actor.pk in involved_staff_ids(complaint):
        raise NotPermitted(_("%(username)s is named in this complaint and may not do its callback (001 第二十三条)") % {"username": actor.username})
    barred = sorted(actor.role_set() & {str(r) for r in excluded_roles})
    if barred:
        raise NotPermitted(_("%(username)s holds the role %(roles)s, which the policy excludes from callbacks "
                             "(001 第二十三条)") % {"username": actor.username, "roles": ", ".join(barred)})


def callback_barred_condition(staff: Staff, excluded_roles=()) -> Q | None:
    """ensure_may_callback as a condition on complaint rows: the cases `staff` may not
    call back (handlers_of, the parties, the policy's excluded roles). None: all. The
    cases a person worked on are a few id lists read from indexes, not probes per row."""
    if staff.role_set() & {str(r) for r in excluded_roles}:
        return None
    worked = [
        Assignment.objects.filter(handler=staff).values("complaint_id"),
        Assignment.objects.filter(accepted_by=staff).values("complaint_id"),
        Finding.objects.filter(author=staff).values("complaint_id"),
        Proposal.objects.filter(proposed_by=staff).values("complaint_id"),
        Proposal.objects.filter(decided_by=staff).values("complaint_id"),
        ComplaintParty.objects.filter(staff=staff).values("complaint_id"),
    ]
    first, *rest = [qs.order_by() for qs in worked]
    return Q(handler=staff) | Q(pk__in=first.union(*rest))


def ensure_not_own_proposal(actor: Staff, proposal: Proposal) -> None:
    """Maker–checker: nobody approves their own proposal (SPEC §2.4)."""
    if proposal.proposed_by_id == actor.pk:
        raise NotPermitted(_("nobody may approve or reject their own proposal (maker–checker)"))


def ensure_in_unit(actor: Staff, unit_id: int | None, what: str) -> None:
    if unit_id is None or actor.unit_id != unit_id:
        raise NotPermitted(_("%(what)s is for staff of the responsible unit; %(username)s is not in it") % {"what": what, "username": actor.username})
