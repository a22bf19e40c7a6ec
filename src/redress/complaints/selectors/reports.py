"""Reports owed to authorities, as the complaints office and compliance see them: the
outstanding ones, the late first, and the dashboard's counts. Read-only; scoped like
every list (selectors.scope). Few rows at any time (a report is owed by a handful of
cases a week), read through the (status, due_at) index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from redress.complaints.models import AuthorityReport, Staff
from redress.complaints.selectors.scope import visible_condition
from redress.policy.schema import Pack

SHOWN = 200  # the list stops here; more than this outstanding is itself the alarm


def looks_after_reports(staff: Staff, pack: Pack) -> bool:
    """Those who make the reports and those overdue ones climb to."""
    policy = pack.authority_reports
    roles = {str(r) for r in [*policy.recorder_roles, *policy.escalate_to]}
    return staff.is_superuser or bool(staff.role_set() & roles)


def _open(staff: Staff):
    qs = AuthorityReport.objects.filter(status=AuthorityReport.Status.OPEN)
    q = visible_condition(staff, "complaint__")
    return qs if q is None else qs.filter(q)


def outstanding(staff: Staff, *, limit: int = SHOWN) -> list[AuthorityReport]:
    """Open reports, soonest due first: the overdue ones lead, the most overdue first."""
    return list(_open(staff).select_related("complaint").order_by("due_at", "id")[:limit])


@dataclass(frozen=True)
class Counts:
    outstanding: int
    overdue: int


def counts(staff: Staff, at: datetime) -> Counts:
    qs = _open(staff)
    return Counts(outstanding=qs.count(), overdue=qs.filter(due_at__lt=at).count())
