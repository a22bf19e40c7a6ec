"""The inbox's two pieces on other pages: the navigation link with the unread count,
and a case's escalations with their answers (web/inbox)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from redress.policy.loader import active_pack
from redress.web.inbox import notices

register = template.Library()


@register.inclusion_tag("web/inbox/_nav_link.html", takes_context=True)
def inbox_link(context) -> dict:
    # The count is fetched after the page (GET /inbox/count/), so no page pays a query for it.
    return {"nav": context.get("nav")}


@register.inclusion_tag("web/inbox/_case_escalations.html", takes_context=True)
def case_escalations(context, complaint) -> dict:
    request = context["request"]
    return {"escalations": notices.case_escalations(request.user, complaint, active_pack(), get_language() or ""),
            "csrf_token": context.get("csrf_token")}
