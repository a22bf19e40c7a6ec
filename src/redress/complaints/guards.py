"""Separation of duties (SPEC §2), enforced by the services, never by the UI alone.

Each rule is a function that raises NotPermitted with the rule and its source, so the
person refused learns why, and tests can name the rule they check.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from redress.complaints.errors import NotPermitted
from redress.complaints.models import Complaint, ComplaintParty, Finding, Proposal, Staff


def involved_staff_ids(complaint: Complaint) -> set[int]:
    """Employees the complaint is about."""
    return set(
        ComplaintParty.objects.filter(complaint=complaint, kind=ComplaintParty.Kind.EMPLOYEE, staff__isnull=False)
        .values_list("staff_id", flat=True)
    )


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
    """Everyone who handled the case: current and past handlers, investigators, proposers."""
    ids = set(complaint.assignments.exclude(handler=None).values_list("handler_id", flat=True))
    ids |= set(Finding.objects.filter(complaint=complaint).values_list("author_id", flat=True))
    ids |= set(Proposal.objects.filter(complaint=complaint).values_list("proposed_by_id", flat=True))
    if complaint.handler_id:
        ids.add(complaint.handler_id)
    return ids


def ensure_may_callback(actor: Staff, complaint: Complaint) -> None:
    """001 第二十三条: the handler and anyone involved may not perform the callback."""
    if actor.pk in handlers_of(complaint):
        raise NotPermitted(_("%(username)s handled this complaint and may not do its callback (001 第二十三条)") % {"username": actor.username})
    if actor.pk in involved_staff_ids(complaint):
        raise NotPermitted(_("%(username)s is named in this complaint and may not do its callback (001 第二十三条)") % {"username": actor.username})


def ensure_not_own_proposal(actor: Staff, proposal: Proposal) -> None:
    """Maker–checker: nobody approves their own proposal (SPEC §2.4)."""
    if proposal.proposed_by_id == actor.pk:
        raise NotPermitted(_("nobody may approve or reject their own proposal (maker–checker)"))


def ensure_in_unit(actor: Staff, unit_id: int | None, what: str) -> None:
    if unit_id is None or actor.unit_id != unit_id:
        raise NotPermitted(_("%(what)s is for staff of the responsible unit; %(username)s is not in it") % {"what": what, "username": actor.username})
