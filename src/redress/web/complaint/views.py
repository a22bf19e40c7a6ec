"""The complaint page (/complaints/<reference>/) and the requests it makes: reveal the
complainant's details, add and download evidence. Thin: scope, validate, call the
service, render (DESIGN rule 1)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_POST

from redress.complaints import services
from redress.complaints.downloads import evidence_response
from redress.complaints.errors import DomainError, NotFound, NotPermitted
from redress.complaints.models import Complaint
from redress.complaints.selectors.personal import may_reveal
from redress.complaints.selectors.scope import get_visible
from redress.complaints.services.base import check_recusal
from redress.policy.loader import active_pack
from redress.web.access import staff_view
from redress.web.complaint import uploads
from redress.web.complaint.actions.refusals import explain
from redress.web.complaint.page import remember_reveal, render_page


def _visible(request: HttpRequest, reference: str) -> Complaint:
    """Missing and not-yours are the same 404, so a guessed reference tells nothing. A
    case the person may see listed but is kept out of (001 第十四条: marketing staff, the
    employees it names) is a 403 that says why: its page, its data and its files."""
    try:
        complaint = get_visible(request.user, reference=reference)
    except NotFound:
        raise Http404(_("No complaint %(reference)s that you may see.") % {"reference": reference}) from None
    try:
        check_recusal(request.user, complaint)
    except NotPermitted as err:
        raise PermissionDenied(err.message) from None
    return complaint


@require_GET
@staff_view()
def detail(request: HttpRequest, reference: str) -> HttpResponse:
    return render_page(request, _visible(request, reference))


@require_POST
@staff_view()
def reveal(request: HttpRequest, reference: str) -> HttpResponse:
    """Show the complainant's details in full for a few minutes; recorded in the ledger."""
    complaint = _visible(request, reference)
    if not may_reveal(request.user):
        raise PermissionDenied(_("Your role does not include contact with the complainant; "
                                 "their details stay masked."))
    purpose = request.POST.get("purpose", "").strip()
    try:
        services.personal_data_reveal(complaint, actor=request.user, purpose=purpose, via="web")
    except NotPermitted as err:
        raise PermissionDenied(explain(err)) from None
    remember_reveal(request, complaint)
    return redirect(complaint.get_absolute_url() + "#complainant")


@csrf_exempt
@require_POST
def evidence_upload(request: HttpRequest, reference: str) -> HttpResponse:
    # Upload handlers can be changed only before the body is read, and the CSRF check
    # reads it, so the check runs inside (csrf_protect below), after the handler is set.
    request.upload_handlers.insert(
        0, uploads.LimitedUpload(request, uploads.upload_limit(), active_pack().attachment_types))
    return _upload(request, reference)


@csrf_protect
@staff_view()
def _upload(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _visible(request, reference)
    if not (request.user.role_set() & uploads.UPLOAD_ROLES):
        raise PermissionDenied(_("Adding evidence needs the role of intake, handler, department head "
                                 "or complaints office."))
    form = uploads.EvidenceForm(request.POST, request.FILES, refused=getattr(request, "upload_refused", None))
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.evidence_add(complaint, actor=request.user, name=upload.name,
                                  content_type=upload.content_type or "application/octet-stream",
                                  data=upload.read(), description=form.cleaned_data["description"],
                                  source=form.cleaned_data["source"], via="web")
        except NotPermitted as err:
            raise PermissionDenied(explain(err)) from None
        except DomainError as err:
            form.add_error("file" if (err.field or "").startswith("file") else None, err.message)
        else:
            return redirect(complaint.get_absolute_url() + "#evidence")
    return render_page(request, complaint, evidence_form=form, status=400)


@require_POST
@staff_view()
def customer_match(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    """Same customer or someone else, for a record offered on this complaint
    (services.customer_match_decide, recorded in the ledger)."""
    complaint = _visible(request, reference)
    decision = request.POST.get("decision")
    version = request.POST.get("version", "")
    if decision not in ("same", "different") or not version.isdigit():
        return render_page(request, complaint, status=400)
    try:
        services.customer_match_decide(complaint, actor=request.user, match_id=pk, same=decision == "same",
                                       via="web", expected_version=int(version))
    except NotPermitted as err:
        raise PermissionDenied(err.message) from None
    except NotFound:
        raise Http404(_("No such offered customer on this complaint.")) from None
    except DomainError as err:
        return render_page(request, complaint, match_error=err.message, status=409 if err.code == "stale" else 422)
    return redirect(complaint.get_absolute_url() + "#complainant")


@require_GET
@staff_view()
def evidence_download(request: HttpRequest, reference: str, pk: int) -> FileResponse:
    complaint = _visible(request, reference)
    try:
        item = services.evidence_open(complaint, actor=request.user, evidence_id=pk)  # recorded in the ledger
    except NotFound:
        raise Http404(_("No such evidence on this complaint.")) from None
    return evidence_response(item)
