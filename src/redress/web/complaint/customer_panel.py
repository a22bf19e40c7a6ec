"""The complainant's panel on the complaint page: records that may be the same customer
(offered at intake, services/customers.py), to intake and the complaints office, and
the customer's other open complaints — the open-complaint warning of the intake screen,
here for complaints that came in by mail, the portal or the API too."""

from __future__ import annotations

from redress.complaints.models import Complaint, CustomerMatch, Staff
from redress.complaints.selectors.customers import OPEN_STATES
from redress.complaints.selectors.personal import masked
from redress.complaints.selectors.scope import visible_complaints
from redress.complaints.services.customers import DECIDER_ROLES


def offers(staff: Staff, complaint: Complaint) -> list[dict]:
    """Open offers, masked, for those who may decide them (they speak to the customer)."""
    if not staff.has_role(*DECIDER_ROLES):
        return []
    found = (CustomerMatch.objects.filter(complaint=complaint, status=CustomerMatch.Status.OPEN)
             .select_related("candidate").order_by("id"))
    return [{"match": m, "shown": masked(m.candidate), "shared": m.shared,
             "complaints": m.candidate.complaints.count()} for m in found]


def other_open(staff: Staff, complaint: Complaint) -> list[Complaint]:
    """The customer's other open complaints this person may see, newest first."""
    return list(visible_complaints(staff).filter(customer_id=complaint.customer_id, state__in=OPEN_STATES)
                .exclude(pk=complaint.pk).order_by("-received_at")[:20])
