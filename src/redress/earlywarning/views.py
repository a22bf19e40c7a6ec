"""/warnings/: the early warnings for the complaints office and compliance (the pack's
early_warning.roles), open or acknowledged, each with the complaints behind it and its
acknowledgment. The writes are services.warning_acknowledge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from redress.earlywarning import selectors
from redress.earlywarning.models import EarlyWarning
from redress.earlywarning.sentences import why
from redress.earlywarning.services import (
    NOTE_MAX,
    may_see_warnings,
    warning_acknowledge,
    warning_roles,
)
from redress.web.calendar import request_calendar
from redress.web.decisions import run_decision
from redress.web.labels import ROLES


def _allowed(request: HttpRequest) -> None:
    if not may_see_warnings(request.user):
        names = " / ".join(str(ROLES.get(r, r)) for r in sorted(warning_roles()))
        raise PermissionDenied(_("This needs one of the roles: %(roles)s.") % {"roles": names})


@require_safe
@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    _allowed(request)
    status = request.GET.get("status", EarlyWarning.Status.OPEN)
    if status not in EarlyWarning.Status.values:
        status = EarlyWarning.Status.OPEN
    page = Paginator(selectors.warnings(status).select_related("acknowledged_by"), 50).get_page(request.GET.get("page"))
    for w in page.object_list:
        w.why = why(w)
    return render(request, "earlywarning/list.html", {
        "nav": "warnings", "page": page, "status": status, "statuses": EarlyWarning.Status.choices})


@require_safe
@login_required
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _allowed(request)
    warning = get_object_or_404(EarlyWarning, pk=pk)
    query = selectors.register_query(warning, request_calendar(request).tz)
    return render(request, "earlywarning/detail.html", {
        "nav": "warnings", "warning": warning, "why": why(warning),
        "complaints": selectors.complaints_behind(request.user, warning),
        "register_query": query, "acknowledgments": warning.acknowledgments.select_related("actor"),
        "note_max": NOTE_MAX})


@require_POST
@login_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    done, _ack = run_decision(request, warning_acknowledge, pk, note=request.POST.get("note", "")[:NOTE_MAX + 1])
    if done:
        messages.success(request, _("Acknowledged; your note is recorded."))
    return redirect("earlywarning:detail", pk=pk)
