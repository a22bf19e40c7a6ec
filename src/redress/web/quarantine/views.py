"""Mail held in quarantine (/mail-quarantine/): the complaints office reads what
`redress mail-in` could not take, and releases it into intake or discards it. The
decisions are made by mailin/quarantine.py, which records them."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from redress.mailin import quarantine
from redress.mailin.models import QuarantinedMail
from redress.web.access import staff_view
from redress.web.decisions import run_decision
from redress.web.quarantine.present import present

OFFICE = "complaints_office"
NOTE_MAX = 2000


@require_safe
@staff_view(OFFICE)
def held_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", QuarantinedMail.Status.HELD)
    if status not in QuarantinedMail.Status.values:
        status = QuarantinedMail.Status.HELD
    rows = QuarantinedMail.objects.filter(status=status).defer("raw").order_by("-received_at", "-id")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "web/quarantine/list.html", {
        "nav": "quarantine", "page": page, "status": status,
        "statuses": QuarantinedMail.Status.choices})


@require_safe
@staff_view(OFFICE)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(QuarantinedMail.objects.select_related("decided_by", "complaint"), pk=pk)
    return render(request, "web/quarantine/detail.html", {
        "nav": "quarantine", "item": item, "shown": present(item),
        "actions": item.actions.select_related("actor"), "note_max": NOTE_MAX})


def _note(request: HttpRequest) -> str:
    return request.POST.get("note", "")[:NOTE_MAX]


def _decide(request: HttpRequest, decision, pk: int) -> tuple[bool, object]:
    """A release or a discard with the note given (web.decisions says how refusals show)."""
    return run_decision(request, decision, pk, note=_note(request))


@require_POST
@staff_view(OFFICE)
def release(request: HttpRequest, pk: int) -> HttpResponse:
    decided, outcome = _decide(request, quarantine.release, pk)
    if decided:
        if outcome.ok:
            messages.success(request, _("Released: the message was taken into intake as %(reference)s.")
                             % {"reference": outcome.reference})
        else:
            messages.error(request, _("The release failed again and the message stays held: %(reason)s")
                           % {"reason": outcome.reason})
    return redirect("web:quarantine:detail", pk=pk)


@require_POST
@staff_view(OFFICE)
def discard(request: HttpRequest, pk: int) -> HttpResponse:
    decided, _outcome = _decide(request, quarantine.discard, pk)
    if decided:
        messages.success(request, _("Discarded; the decision and your note are recorded."))
    return redirect("web:quarantine:detail", pk=pk)
