"""Template context for every workbench page: the signed-in person's roles and the
navigation they may use."""

from __future__ import annotations

from django.http import HttpRequest

from redress.web.access import roles_of


def workbench(request: HttpRequest) -> dict:
    roles = roles_of(request)
    return {"my_roles": roles, "is_intake": bool(roles & {"intake", "complaints_office"})}
