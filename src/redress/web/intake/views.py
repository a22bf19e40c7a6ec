"""The first responder's screen (001 首问负责制; 002 §二(一); 004 §7(一)): take the
complaint down, read it back to the customer, save it on one path, hand over the
acknowledgment. Thin: the form validates, `submit.take_down` calls the services."""

from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from redress.complaints.errors import DomainError, NotFound, NotPermitted
from redress.complaints.models import Customer
from redress.complaints.selectors.customers import (
    customer_search,
    finished_complaints_of,
    open_complaints_of,
)
from redress.complaints.selectors.personal import masked
from redress.complaints.selectors.scope import get_visible
from redress.complaints.services import customers as matching
from redress.complaints.services.base import check_recusal
from redress.web.access import staff_view
from redress.web.intake import receipt, summary
from redress.web.intake.errors import place_error
from redress.web.intake.forms import IntakeForm
from redress.web.intake.submit import customer_input, take_down

INTAKE = ("intake", "complaints_office")
DRAFTS = "intake_drafts"  # read-backs shown and not yet confirmed (one save each)
SAVED = "intake_saved"  # draft token -> reference, so a second click shows the first save
ISSUED = "intake_access_code"  # reference -> the portal access code, for the receipt shown once


def _record(customer: Customer | None) -> dict | None:
    if customer is None:
        return None
    return {"customer": customer, "shown": masked(customer), "open": open_complaints_of(customer),
            "finished": finished_complaints_of(customer)}


def _found(form: IntakeForm) -> tuple[dict | None, list[dict]]:
    """The customer picked in the lookup, or else the record saving will put the
    complaint on (the typed account number's, or a verified contact's with the same
    name: services/customers.py), masked, with their open complaints; and the records
    that only share the phone or email, offered to the agent to ask the customer."""
    data = form.cleaned_data
    if data.get("customer_id"):
        return _record(Customer.objects.filter(pk=data["customer_id"]).first()), []
    typed = customer_input(data)
    found = matching.find(typed, matching.typed_phone(typed))
    offers = [{**_record(customer), "shared": shared} for customer, shared in found.offers]
    return _record(found.customer), offers


def _form_page(request: HttpRequest, form: IntakeForm, status: int = 200) -> HttpResponse:
    chosen = None
    picked = form.data.get("customer_id") if form.is_bound else None
    if picked and str(picked).isdigit():
        chosen = _record(Customer.objects.filter(pk=int(picked)).first())
        if chosen:
            form.show_record(chosen["shown"])
    return render(request, "web/intake/form.html", {"form": form, "chosen": chosen, "nav": "intake"},
                  status=status)


@staff_view(*INTAKE)
@require_GET
def new(request: HttpRequest) -> HttpResponse:
    return _form_page(request, IntakeForm())


@staff_view(*INTAKE)
@require_POST
def readback(request: HttpRequest) -> HttpResponse:
    """Everything typed, in plain words, to read to the customer before saving (002)."""
    form = IntakeForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=422)
    token = uuid.uuid4().hex
    request.session[DRAFTS] = [*request.session.get(DRAFTS, [])[-19:], token]
    chosen, offers = _found(form)
    return render(request, "web/intake/readback.html", {
        "form": form, "chosen": chosen, "offers": offers, "sections": summary.sections(form, chosen),
        "what_happens": summary.what_happens(form.cleaned_data["path"]), "token": token, "nav": "intake",
    })


@staff_view(*INTAKE)
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    """'Edit' goes back to the form with every value kept; 'confirm' saves."""
    form = IntakeForm(request.POST)
    if request.POST.get("step") == "edit":
        return _form_page(request, form)
    token = request.POST.get("token", "")
    saved = request.session.get(SAVED, {})
    if token in saved:  # a second click or a reload: the complaint exists already
        return redirect("web:intake:done", reference=saved[token])
    if not form.is_valid():
        return _form_page(request, form, status=422)
    if token not in request.session.get(DRAFTS, []):
        form.add_error(None, _("This read-back was already used or has expired. Check the details and "
                                 "read them back again."))
        return _form_page(request, form, status=409)
    try:
        complaint = take_down(form.cleaned_data, actor=request.user, via="web")
    except DomainError as err:
        place_error(form, err)
        return _form_page(request, form, status=422)
    request.session[DRAFTS] = [t for t in request.session.get(DRAFTS, []) if t != token]
    request.session[SAVED] = {**dict(list(saved.items())[-19:]), token: complaint.reference}
    if getattr(complaint, "issued_access_code", ""):
        request.session[ISSUED] = {"reference": complaint.reference, "code": complaint.issued_access_code}
    return redirect("web:intake:done", reference=complaint.reference)


@staff_view(*INTAKE)
@require_GET
def done(request: HttpRequest, reference: str) -> HttpResponse:
    """The acknowledgment (or the inquiry answer, the on-the-spot result, the redirect)
    in the customer's language, ready to print or read out."""
    try:
        complaint = get_visible(request.user, reference=reference)
    except NotFound:
        raise Http404("no such complaint") from None
    try:
        check_recusal(request.user, complaint)  # 001 第十四条: named since, the receipt is closed to them
    except NotPermitted as err:
        raise PermissionDenied(err.message) from None
    # The access code in clear on the first showing only (print it or read it out then);
    # the case keeps it masked.
    issued = request.session.get(ISSUED) or {}
    code = request.session.pop(ISSUED)["code"] if issued.get("reference") == complaint.reference else ""
    return render(request, "web/intake/done.html", {**receipt.facts(complaint, access_code=code), "nav": "intake"})


@staff_view(*INTAKE)
@require_GET
def customers(request: HttpRequest) -> HttpResponse:
    """htmx: a page of the customers matching what is typed in the lookup box, masked,
    with how many match in all."""
    query = request.GET.get("q", "")
    page = request.GET.get("page", "1")
    found = customer_search(query, page=int(page) if page.isdigit() and len(page) < 6 else 1)
    return render(request, "web/intake/_customer_results.html",
                  {"found": found, "matches": found.matches, "query": query})


@staff_view(*INTAKE)
@require_GET
def customer_pick(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the customer fields filled from the chosen record (masked placeholders;
    the record's values are used for what is left blank)."""
    chosen = _record(Customer.objects.filter(pk=pk).first())
    if chosen is None:
        raise Http404("no such customer")
    customer = chosen["customer"]
    form = IntakeForm(initial={"customer_id": customer.pk, "language": customer.language or "zh-hans",
                               "preferred_channel": customer.preferred_channel})
    form.show_record(chosen["shown"])
    return render(request, "web/intake/_customer_fields.html", {"form": form, "chosen": chosen})
