"""Template context for every workbench page: the signed-in person's roles and the
navigation they may use. Links shown here are a convenience; every view checks the
role again server-side (web/access.py)."""

from __future__ import annotations

from django.http import HttpRequest

from redress.earlywarning.services import may_see_warnings
from redress.policy.loader import active_pack
from redress.web.access import has_workbench, roles_of
from redress.web.labels import ROLES

INTAKE_ROLES = frozenset({"intake", "complaints_office"})


def approver_roles() -> frozenset[str]:
    """Roles that decide something under the pack: resolutions, money, extensions."""
    pack = active_pack()
    roles = {r for rule in pack.authority_matrix for r in rule.approver_roles}
    roles |= set(pack.economic_dispute.decider_roles)
    if pack.extension:
        roles |= set(pack.extension.all_deciders())
    return frozenset(str(r) for r in roles)


def workbench(request: HttpRequest) -> dict:
    roles = roles_of(request)
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "my_roles": roles,
        "my_role_labels": [str(ROLES[r]) for r in ROLES if r in roles],
        "is_intake": bool(roles & INTAKE_ROLES),
        "is_office": "complaints_office" in roles,
        # The roles that make regulator returns (reports.returns.produce.PRODUCER_ROLES).
        "may_make_returns": bool(roles & {"complaints_office", "compliance"}),
        "is_approver": bool(roles & approver_roles()),
        # Who reviews the customer lookup log (web.intake.views.REVIEWERS).
        "reviews_lookups": bool(roles & {"complaints_office", "compliance", "audit", "auditor"}),
        "is_admin": signed_in and (user.is_staff or "admin" in roles),
        "sees_warnings": signed_in and may_see_warnings(user),
        "has_workbench": signed_in and has_workbench(user),
    }
