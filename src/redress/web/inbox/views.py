"""The inbox pages. Every view is for signed-in staff and shows or changes only the
person's own notices; answering an escalation goes through the service."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from redress.complaints.errors import NotFound, NotPermitted, ValidationFailed
from redress.complaints.models import ClockAlert
from redress.complaints.selectors.scope import get_visible
from redress.complaints.services import escalation_acknowledge
from redress.notify.models import Delivery, InboxNotice
from redress.web.access import staff_view
from redress.web.inbox import notices

PLAN_MAX = 2000


@require_safe
@staff_view()
def inbox(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("show") == "unread"
    rows = InboxNotice.objects.filter(staff=request.user).order_by("-created_at", "-id")
    if only_unread:
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, 30).get_page(request.GET.get("page"))
    return render(request, "web/inbox/list.html", {
        "nav": "inbox", "page": page, "shown": notices.listed(request.user, page.object_list, get_language() or ""),
        "only_unread": only_unread, "delivery": notices.delivery_of(request.user),
        "deliveries": [(Delivery.BOTH, _("Email and in the app")), (Delivery.EMAIL, _("Email only")),
                       (Delivery.IN_APP, _("In the app only"))]})


@require_safe
@staff_view()
def unread_count(request: HttpRequest) -> HttpResponse:
    """The badge beside Inbox in the navigation, fetched by htmx once the page is shown."""
    return render(request, "web/inbox/_unread_count.html", {"unread": notices.unread_count(request.user)})


@require_POST
@staff_view()
def mark_read(request: HttpRequest) -> HttpResponse:
    raw = request.POST.getlist("notice")
    ids = [int(x) for x in raw if x.isdigit()] if raw else None
    notices.mark_read(request.user, ids)
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else "web:inbox:list")


@require_POST
@staff_view()
def set_delivery(request: HttpRequest) -> HttpResponse:
    try:
        notices.set_delivery(request.user, request.POST.get("delivery", ""))
    except ValueError:
        messages.error(request, _("Choose email, in the app, or both."))
    else:
        messages.success(request, _("Saved: how you hear of reminders and escalations."))
    return redirect("web:inbox:list")


@require_POST
@staff_view()
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer an escalation from the case page: what will happen, and by when."""
    alert = ClockAlert.objects.filter(pk=pk).select_related("complaint").first()
    if alert is None:
        raise Http404
    try:
        complaint = get_visible(request.user, reference=alert.complaint.reference)
    except NotFound:
        raise Http404 from None
    plan = request.POST.get("plan", "")[:PLAN_MAX]
    try:
        by = date.fromisoformat(request.POST.get("by", ""))
    except ValueError:
        by = None
    try:
        escalation_acknowledge(complaint, actor=request.user, alert_id=alert.pk, plan=plan, by=by, via="web")
    except NotPermitted as err:
        raise PermissionDenied(err.message) from None
    except ValidationFailed as err:
        messages.error(request, err.message.split(": ", 1)[-1])  # the rule, without the field code
    else:
        messages.success(request, _("Your answer to the escalation is recorded."))
    return redirect(complaint.get_absolute_url() + "#escalations")
