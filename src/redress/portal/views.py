"""The public portal: submit a complaint, look it up with reference + access code, add
information, answer a question, rate the outcome. No staff sign-in anywhere here.

Access to a complaint is kept in the browser session after a successful lookup (or
submission), as a list of complaint ids; the access code itself never appears in a URL.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from redress.complaints.errors import DomainError, InvalidTransition, NotPermitted, ValidationFailed
from redress.complaints.models import Complaint
from redress.complaints.services import ComplaintInput, CustomerInput
from redress.portal import status, throttle
from redress.portal.actor import PortalUnavailable
from redress.portal.forms import (
    ComplaintForm,
    InformationForm,
    LookupForm,
    RatingForm,
    allowed_types_text,
    attachment_limit,
    megabytes,
    show_domain_error,
)
from redress.portal.services import (
    PORTAL_CHANNEL,
    outcome_rate,
    portal_add_information,
    portal_submit,
)

SESSION_KEY = "portal_complaints"
NEW_KEY = "portal_new"  # reference and access code, shown once after a submission
MAX_REMEMBERED = 10


def _granted(request: HttpRequest) -> list[int]:
    return list(request.session.get(SESSION_KEY, []))


def _grant(request: HttpRequest, complaint: Complaint) -> None:
    ids = [i for i in _granted(request) if i != complaint.pk] + [complaint.pk]
    request.session[SESSION_KEY] = ids[-MAX_REMEMBERED:]


def _files_hint() -> dict:
    return {"max_size": megabytes(attachment_limit()), "types": allowed_types_text()}


def too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/too_many.html", status=429)


def not_found(request: HttpRequest, form: LookupForm | None = None) -> HttpResponse:
    """The one answer for an unknown reference, a wrong code and a page not unlocked."""
    form = form or LookupForm()
    return render(request, "portal/lookup.html", {"form": form, "not_found": True}, status=404)


def unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/unavailable.html", status=503)


def _complaint_input(data: dict) -> ComplaintInput:
    cause = data["cause"].strip()
    subject = data["subject"].strip() or (cause.splitlines()[0][:60] + ("…" if len(cause) > 60 else ""))
    return ComplaintInput(
        customer=CustomerInput(name=data["name"], phone=data["phone"], email=data["email"],
                               account_number=data["account_number"], preferred_channel=data["preferred_channel"],
                               language=data["language"]),
        channel=PORTAL_CHANNEL, subject=subject, cause=cause, request=data["request"],
        amount_claimed=data["amount_claimed"],
    )


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST, request.FILES) if request.method == "POST" else ComplaintForm()
    if request.method == "POST":
        if throttle.exceeded("submit", request):
            return too_many(request)
        if form.is_valid():
            try:
                done = portal_submit(data=_complaint_input(form.cleaned_data),
                                     files=form.cleaned_data["attachments"],
                                     time_zone=form.cleaned_data["time_zone"])
            except (PortalUnavailable, NotPermitted):  # no unit yet, or the portal account disabled
                return unavailable(request)
            except DomainError as err:
                show_domain_error(form, err)
            else:
                throttle.hit("submit", request)
                request.session.cycle_key()
                _grant(request, done.complaint)
                request.session[NEW_KEY] = {"reference": done.complaint.reference, "code": done.access_code}
                return redirect("portal:submitted")
    return render(request, "portal/submit.html", {"form": form, **_files_hint()},
                  status=400 if form.is_bound else 200)


@never_cache  # the code must not come back from a cache or the back button
def submitted(request: HttpRequest) -> HttpResponse:
    new = request.session.pop(NEW_KEY, None)
    if new is None:  # shown once: a reload does not show the code again
        return redirect("portal:lookup")
    return render(request, "portal/submitted.html", new)


@require_http_methods(["GET", "POST"])
def lookup(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "portal/lookup.html", {"form": LookupForm()})
    if not throttle.hit("lookup", request) or throttle.exceeded("bad_code", request):
        return too_many(request)
    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "portal/lookup.html", {"form": form}, status=400)
    complaint = status.find(form.cleaned_data["reference"], form.cleaned_data["access_code"])
    if complaint is None:
        throttle.hit("bad_code", request)
        return not_found(request, LookupForm(initial={"reference": form.cleaned_data["reference"]}))
    request.session.cycle_key()  # a new session id once access is granted
    _grant(request, complaint)
    return redirect("portal:status", reference=complaint.reference)


def _unlocked(request: HttpRequest, reference: str) -> Complaint | None:
    return Complaint.objects.filter(reference=reference, pk__in=_granted(request)).first()


def _status_page(request: HttpRequest, complaint: Complaint, *, info_form=None, rating_form=None,
                 status_code: int = 200) -> HttpResponse:
    tz = status.institution_zone()
    view = status.customer_view(complaint, tz=tz)
    if info_form is None:
        initial = {"in_reply_to": view.open_question.id} if view.open_question else {}
        info_form = InformationForm(initial=initial)
    return render(request, "portal/status.html", {
        "c": view, "info_form": info_form, "rating_form": rating_form or RatingForm(), "tz_name": str(tz),
        **_files_hint(),
    }, status=status_code)


@never_cache  # a shared phone's back button must not show it after "leave"
def status_page(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _unlocked(request, reference)
    if complaint is None:
        return not_found(request)
    return _status_page(request, complaint)


def _refused_as_closed(request: HttpRequest, complaint: Complaint) -> HttpResponse:
    messages.warning(request, _("This complaint is closed, so nothing more can be added to it. If you are still "
                                "not satisfied, you can submit a new complaint and mention this reference."))
    return redirect("portal:status", reference=complaint.reference)


@require_POST
def add_information(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _unlocked(request, reference)
    if complaint is None:
        return not_found(request)
    form = InformationForm(request.POST, request.FILES)
    if not form.is_valid():
        return _status_page(request, complaint, info_form=form, status_code=400)
    try:
        portal_add_information(complaint, body=form.cleaned_data["body"], files=form.cleaned_data["attachments"],
                               in_reply_to=form.cleaned_data["in_reply_to"])
    except InvalidTransition:
        return _refused_as_closed(request, complaint)
    except DomainError as err:
        show_domain_error(form, err)
        return _status_page(request, complaint, info_form=form, status_code=400)
    messages.success(request, _("Thank you. We have received what you sent and added it to your complaint."))
    return redirect(reverse("portal:status", kwargs={"reference": complaint.reference}) + "#messages")


@require_POST
def rate(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _unlocked(request, reference)
    if complaint is None:
        return not_found(request)
    form = RatingForm(request.POST)
    if not form.is_valid():
        return _status_page(request, complaint, rating_form=form, status_code=400)
    try:
        outcome_rate(complaint, satisfied=form.cleaned_data["satisfied"], comment=form.cleaned_data["comment"])
    except (InvalidTransition, NotPermitted):
        messages.warning(request, _("There is no result to rate yet."))
        return redirect("portal:status", reference=complaint.reference)
    except ValidationFailed as err:
        if err.field == "satisfied":  # rated already, e.g. from a second tab
            messages.info(request, _("You have already rated this outcome. Thank you."))
            return redirect("portal:status", reference=complaint.reference)
        show_domain_error(form, err)
        return _status_page(request, complaint, rating_form=form, status_code=400)
    except DomainError as err:
        show_domain_error(form, err)
        return _status_page(request, complaint, rating_form=form, status_code=400)
    messages.success(request, _("Thank you for telling us what you think of the outcome."))
    return redirect("portal:status", reference=complaint.reference)


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    """Forget the unlocked complaints on this browser (a shared or borrowed phone)."""
    request.session.flush()  # the language choice is a cookie of its own and stays
    messages.info(request, _("You have left the status pages on this browser."))
    return redirect("portal:lookup")
