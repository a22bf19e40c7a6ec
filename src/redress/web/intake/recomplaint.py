"""Starting a re-complaint from the customer's history in the intake lookup (004 第七条(七)).

The lookup lists the customer's finished complaints the agent may see (another unit's
are counted, not named: issue 14), and this page opens only for an original the agent
may see — a reference is sequential, so anything else would let one walk other units'
cases by number. The form and the service are the complaint page's own
(RecomplainForm, services.complaint_recomplain): one rule, two doors."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from redress.complaints import services as svc
from redress.complaints.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    NotPermitted,
    StaleComplaint,
)
from redress.complaints.models import Complaint
from redress.complaints.selectors.personal import masked
from redress.complaints.selectors.scope import get_visible
from redress.complaints.services import links
from redress.policy.loader import active_pack
from redress.web.access import staff_view
from redress.web.complaint.actions.forms.outcome import RecomplainForm
from redress.web.complaint.actions.refusals import explain

INTAKE = ("intake", "complaints_office")
ISSUED = "intake_access_code"  # as views.ISSUED: the receipt shows the access code once


def _original(request: HttpRequest, reference: str) -> tuple[Complaint, bool]:
    """The original, if this person may see it: otherwise 404, as for one that does not
    exist. (The second value, always True now, keeps the template's one switch.)"""
    try:
        original = get_visible(request.user, reference=reference.strip().upper())
    except NotFound:
        raise Http404("no such complaint") from None
    return original, True


@staff_view(*INTAKE)
@require_http_methods(["GET", "POST"])
def recomplaint(request: HttpRequest, reference: str) -> HttpResponse:
    original, visible = _original(request, reference)
    pack = active_pack()
    form = RecomplainForm(request.POST or None, complaint=original, staff=request.user, pack=pack,
                          auto_id="recomplain-%s")
    refusal, status, still_open = "", 200, False
    try:
        links.refuse_open(original)  # said at once: the agent is talking to the customer
    except InvalidTransition as err:
        refusal, status, still_open = err.message, 409, True
    if request.method == "POST" and form.is_valid() and not refusal:
        data = form.service_kwargs()
        try:
            new = svc.complaint_recomplain(original, actor=request.user, via="web",
                                           expected_version=form.cleaned_data["version"], **data)
        except InvalidTransition as err:  # the service's words say what to do instead
            refusal, status = err.message, 409
        except StaleComplaint as err:
            refusal, status = explain(err), 409
            form = RecomplainForm({**request.POST.dict(), "version": original.version}, complaint=original,
                                  staff=request.user, pack=pack, auto_id="recomplain-%s")
            original.refresh_from_db()
        except NotPermitted as err:
            form.place(err)
            status = 403
        except DomainError as err:
            form.place(err)
            status = 422
        else:
            if getattr(new, "issued_access_code", ""):
                request.session[ISSUED] = {"reference": new.reference, "code": new.issued_access_code}
            return redirect("web:intake:done", reference=new.reference)
    elif request.method == "POST" and not refusal:
        status = 422
    return render(request, "web/intake/recomplaint.html", {
        "form": form, "original": original, "visible": visible, "shown": masked(original.customer),
        "refusal": refusal, "still_open": still_open, "nav": "intake"}, status=status)
