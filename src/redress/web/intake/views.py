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
from redress.complaints.models import Customer, CustomerLookup, Staff
from redress.complaints.selectors import lookup_keys
from redress.complaints.selectors.customers import (
    finished_complaints_of,
    open_complaints_of,
    open_elsewhere,
    reachable,
)
from redress.complaints.selectors.personal import masked
from redress.complaints.selectors.scope import get_visible
from redress.complaints.services import customers as matching
from redress.complaints.services.base import check_recusal
from redress.complaints.services.lookups import LookupRefused, LookupThrottled, look_up
from redress.web.access import staff_view
from redress.web.intake import receipt, summary
from redress.web.intake.errors import place_error
from redress.web.intake.forms import IntakeForm
from redress.web.intake.submit import customer_input, take_down

INTAKE = ("intake", "complaints_office")
DRAFTS = "intake_drafts"  # read-backs shown and not yet confirmed (one save each)
SAVED = "intake_saved"  # draft token -> reference, so a second click shows the first save
ISSUED = "intake_access_code"  # reference -> the portal access code, for the receipt shown once
LOG_PAGE = 200  # lookups shown on the review page; narrow by person or key for older ones
FOUND = "intake_found_customers"  # public ids the member's own lookups returned (the last 50)


def _record(customer: Customer | None, staff: Staff) -> dict | None:
    """The customer masked, with the open complaints `staff` may see and how many others
    there are (another unit's references are not theirs to read, issue 14)."""
    if customer is None:
        return None
    return {"customer": customer, "shown": masked(customer), "open": open_complaints_of(customer, staff),
            "elsewhere": open_elsewhere(customer, staff), "finished": finished_complaints_of(customer, staff)}


def _chosen(request: HttpRequest, public_id) -> Customer | None:
    """The customer record picked on the form, if this member of staff may use it."""
    return reachable(request.user, public_id, request.session.get(FOUND, ()))


def _resolve_chosen(request: HttpRequest, form: IntakeForm) -> bool:
    """Put the picked record (a Customer) in cleaned_data["customer"]; False, with the
    form's error, when its id names no record this member of staff may use."""
    public_id = form.cleaned_data.get("customer_public_id")
    form.cleaned_data["customer"] = _chosen(request, public_id) if public_id else None
    if public_id and form.cleaned_data["customer"] is None:
        form.add_error(None, _("The customer record picked is not one you may use. Look the customer up "
                               "again, or type their details."))
        return False
    return True


def _found(form: IntakeForm, staff: Staff) -> tuple[dict | None, list[dict]]:
    """The customer picked in the lookup, or else the record saving will put the
    complaint on (the typed account number's, or a verified contact's with the same
    name: services/customers.py), masked, with their open complaints; and the records
    that only share the phone or email, offered to the agent to ask the customer."""
    data = form.cleaned_data
    if data.get("customer") is not None:
        return _record(data["customer"], staff), []
    typed = customer_input(data)
    found = matching.find(typed, matching.typed_phone(typed))
    offers = [{**_record(customer, staff), "shared": shared} for customer, shared in found.offers]
    return _record(found.customer, staff), offers


def _form_page(request: HttpRequest, form: IntakeForm, status: int = 200) -> HttpResponse:
    chosen = None
    picked = form.data.get("customer_public_id") if form.is_bound else None
    if picked:
        try:
            chosen = _record(_chosen(request, uuid.UUID(str(picked))), request.user)
        except ValueError:
            chosen = None
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
    if not (form.is_valid() and _resolve_chosen(request, form)):
        return _form_page(request, form, status=422)
    token = uuid.uuid4().hex
    request.session[DRAFTS] = [*request.session.get(DRAFTS, [])[-19:], token]
    chosen, offers = _found(form, request.user)
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
    if not (form.is_valid() and _resolve_chosen(request, form)):
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
    """htmx: a page of the customers the key typed in the lookup identifies, masked,
    with how many match in all; refused (and logged) when the key identifies no one or
    the member of staff is over their lookup limit (429)."""
    query = request.GET.get("q", "")
    page = request.GET.get("page", "1")
    try:
        found = look_up(request.user, query, page=int(page) if page.isdigit() and len(page) < 6 else 1)
    except LookupThrottled as err:
        response = render(request, "web/intake/_customer_results.html", {"refused": err.message}, status=429)
        response["Retry-After"] = str(err.retry_after)
        return response
    except LookupRefused as err:
        return render(request, "web/intake/_customer_results.html", {"refused": err.message})
    seen = [str(m.customer.public_id) for m in found.matches]
    request.session[FOUND] = [*[p for p in request.session.get(FOUND, []) if p not in seen], *seen][-50:]
    return render(request, "web/intake/_customer_results.html",
                  {"found": found, "matches": found.matches, "query": query})


@staff_view(*INTAKE)
@require_GET
def customer_pick(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """htmx: the customer fields filled from the chosen record (masked placeholders;
    the record's values are used for what is left blank). Only a record this member of
    staff may use (selectors/customers.reachable); any other is a 404 like a missing one."""
    chosen = _record(_chosen(request, public_id), request.user)
    if chosen is None:
        raise Http404("no such customer")
    customer = chosen["customer"]
    form = IntakeForm(initial={"customer_public_id": customer.public_id, "language": customer.language or "zh-hans",
                               "preferred_channel": customer.preferred_channel})
    form.show_record(chosen["shown"])
    return render(request, "web/intake/_customer_fields.html", {"form": form, "chosen": chosen})


REVIEWERS = ("complaints_office", "compliance", "audit", "auditor")


@staff_view(*REVIEWERS)
@require_GET
def lookups(request: HttpRequest) -> HttpResponse:
    """The lookup log for the complaints office and compliance (issue 14): newest first,
    by member of staff, and "who looked up this number?" by typing the number (it is
    hashed as the log hashed it: the log itself holds no key in clear)."""
    rows = CustomerLookup.objects.select_related("staff").order_by("-at", "-id")
    who = request.GET.get("staff", "").strip()[:150]
    key = request.GET.get("key", "").strip()[:200]
    if who:
        rows = rows.filter(staff__username=who)
    if key:
        rows = rows.filter(key_hash=lookup_keys.parse(key).hashed)
    return render(request, "web/intake/lookups.html", {"rows": rows[:LOG_PAGE], "who": who, "key": key,
                                                       "shown": LOG_PAGE, "nav": "lookups"})
