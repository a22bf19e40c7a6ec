"""The institution's working calendar, read once per request: the worklist view cuts its
lists with it and every "time left" on the page counts with it, and reading it (the
administrator's calendar days) is a query."""

from __future__ import annotations

from django.http import HttpRequest

from redress.complaints.services.timing import calendar_for
from redress.policy.loader import active_pack
from redress.sla.calendar import WorkCalendar


def request_calendar(request: HttpRequest | None) -> WorkCalendar:
    calendar = getattr(request, "_redress_calendar", None)
    if calendar is None:
        calendar = calendar_for(active_pack())
        if request is not None:
            request._redress_calendar = calendar
    return calendar
