"""Who may see and do what in the workbench. Every view checks here, server-side; a
hidden button is never the permission check (the services check again anyway)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from redress.web.labels import ROLES

# Roles that work on complaints and may open any complaint page. Others (auditor,
# compliance, audit, senior management) read everything but change only what their
# role allows; the services decide that.
ALL_ROLES = ("intake", "handler", "dept_head", "complaints_office", "compliance", "audit", "cro",
             "senior_management", "callback", "auditor", "admin")


def roles_of(request: HttpRequest) -> frozenset[str]:
    user = request.user
    return user.role_set() if user.is_authenticated else frozenset()


def has_workbench(user) -> bool:
    """Signed in with a role that has a workbench. Staff without one (marketing staff, who
    may only guide a customer to the complaints channel, 001 第十四条; an account not yet
    given a role) are told so on a plain page instead of a menu of refusals."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or bool(user.role_set() & set(ALL_ROLES))


def staff_view(*roles: str) -> Callable:
    """A view for signed-in staff holding one of `roles` (any role when none given)."""
    allowed: Iterable[str] = roles or ALL_ROLES

    def decorate(view):
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not (roles_of(request) & set(allowed)) and not request.user.is_superuser:
                names = " / ".join(str(ROLES.get(role, role)) for role in allowed)
                raise PermissionDenied(_("This needs one of the roles: %(roles)s.") % {"roles": names})
            return view(request, *args, **kwargs)

        return wrapped

    return decorate
