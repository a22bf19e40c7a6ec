"""One view for every action form (the table in table.py says what differs).

GET draws the form: the whole page, or only the form when htmx asks (HX-Request) so
the complaint page can open it in place. POST validates, calls the service with the
version the form was drawn at, and goes back to the complaint page; a refusal is shown
where it belongs and what was typed stays. Access: signed-in staff, and only a
complaint they may see (404 otherwise, alike for missing and forbidden)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from redress.complaints.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    NotPermitted,
    StaleComplaint,
)
from redress.complaints.lifecycle import TRANSITIONS, Action, State, allowed_actions
from redress.complaints.models import Complaint, Extension
from redress.complaints.selectors.scope import get_visible
from redress.complaints.services.base import check_recusal
from redress.policy.loader import active_pack
from redress.web.access import staff_view
from redress.web.complaint.actions import conflicts, phrases
from redress.web.complaint.actions.labels import action_label
from redress.web.complaint.actions.mirror import Who
from redress.web.complaint.actions.refusals import explain, stale_message, transition_message
from redress.web.complaint.actions.registry import action_url, available_actions
from redress.web.complaint.actions.table import SPECS, ActionSpec

TEMPLATE = "web/complaint/actions/%s.html"
# A form nothing recorded since conflicts with is sent again at the new version; if the
# case keeps moving under it, it comes back after this many tries with the changes.
RETRIES = 3


def visible_or_404(request: HttpRequest, reference: str) -> Complaint:
    try:
        return get_visible(request.user, reference=reference)
    except NotFound:
        raise Http404(reference) from None


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@method_decorator(staff_view(), name="dispatch")
class ActionView(View):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.pack = active_pack()

    def case(self, request, reference: str, action: str) -> tuple[Complaint, Action, ActionSpec]:
        complaint = visible_or_404(request, reference)
        try:
            code = Action(action)
        except ValueError:
            raise Http404(action) from None
        if code not in SPECS:
            raise Http404(action)
        try:
            check_recusal(request.user, complaint, code)  # 001 第十四条: not even the form
        except NotPermitted as err:
            raise PermissionDenied(err.message) from None
        return complaint, code, SPECS[code]

    def get(self, request, reference: str, action: str) -> HttpResponse:
        complaint, code, spec = self.case(request, reference, action)
        if State(complaint.state) not in TRANSITIONS[code][0]:
            refusal = InvalidTransition(action=code.value, state=complaint.state,
                                        allowed=[a.value for a in allowed_actions(complaint.state)])
            others = available_actions(request.user, complaint)
            return self.draw(request, complaint, code, spec, None, status=409, others=others,
                             refusal=transition_message(refusal, name_allowed=not others))
        form = spec.form(complaint=complaint, staff=request.user, pack=self.pack, auto_id=f"{code}-%s")
        form.from_query(request.GET)
        return self.draw(request, complaint, code, spec, form)

    def post(self, request, reference: str, action: str) -> HttpResponse:
        complaint, code, spec = self.case(request, reference, action)
        form = spec.form(request.POST, complaint=complaint, staff=request.user, pack=self.pack,
                         auto_id=f"{code}-%s")
        refusal, changes, status = "", None, 200
        if form.is_valid():
            for _attempt in range(RETRIES):
                try:
                    result = self.perform(request, complaint, spec, form)
                except StaleComplaint as err:
                    seen = form.cleaned_data.get("seen")
                    events = conflicts.since(complaint, seen)
                    clash = conflicts.conflicting(code, events, writes_to_customer=bool(getattr(
                        form, "checks_phrases", False)))
                    if seen is not None and not clash:
                        # Nothing since touches this form: send it again at the version now.
                        form.cleaned_data["version"] = err.actual
                        continue
                    form, changes = self.shown_changes(request, complaint, code, spec, events), events
                    refusal, status = stale_message(len(events)), 409
                except InvalidTransition as err:
                    refusal, status = explain(err), 409
                except NotPermitted as err:  # the person may not: 403, the rule beside the field or on top
                    form.place(err)
                    status = 403
                except DomainError as err:
                    form.place(err)
                else:
                    return self.done(request, complaint, code, result)
                break
        return self.draw(request, complaint, code, spec, form, refusal=refusal, changes=changes, status=status)

    def perform(self, request, complaint: Complaint, spec: ActionSpec, form):
        return spec.service(complaint, actor=request.user, via="web",
                            expected_version=form.cleaned_data["version"], **form.service_kwargs())

    def shown_changes(self, request, complaint: Complaint, code: Action, spec: ActionSpec, events):
        """The form as typed, now at the version after the changes it shows: once the
        person has seen them, sending it again goes through (unless more came)."""
        complaint.refresh_from_db()
        data = request.POST.copy()
        data["version"], data["seen"] = complaint.version, complaint.ledger_length
        form = spec.form(data, complaint=complaint, staff=request.user, pack=self.pack, auto_id=f"{code}-%s")
        form.is_valid()
        return form

    def done(self, request, complaint: Complaint, code: Action, result) -> HttpResponse:
        # A re-complaint is a new complaint: that is where the person goes next.
        target = result if code == Action.RECOMPLAIN else complaint
        messages.success(request, _("%(action)s: done for %(reference)s.") % {
            "action": action_label(code), "reference": target.reference})
        url = target.get_absolute_url()
        if code == Action.DECIDE_EXTENSION and result.status == Extension.Status.APPROVED:
            # 001 第二十二条: the customer is told the reason and the new date; the notice is
            # drafted for whoever granted it, if they may write to the customer.
            complaint.refresh_from_db()
            if SPECS[Action.SEND_MESSAGE].may(Who(request.user, complaint, self.pack)):
                messages.info(request, _("Now tell the customer the reason and the new date (001 第二十二条)."))
                url = f"{action_url(complaint, Action.SEND_MESSAGE.value)}?extension={result.pk}"
        if is_htmx(request):
            response = HttpResponse()
            response["HX-Redirect"] = url
            return response
        return redirect(url)

    def draw(self, request, complaint, code, spec, form, *, refusal="", changes=None, status=200,
             others=()) -> HttpResponse:
        stale = changes is not None
        who = Who(request.user, complaint, self.pack)
        context = {
            "complaint": complaint, "code": code.value, "label": action_label(code), "spec": spec, "form": form,
            "refusal": refusal, "stale": stale, "plausible": spec.may(who),
            "aside": spec.aside(complaint, self.pack) if spec.aside and form is not None else {},
            "others": others, "changes": conflicts.shown(changes) if changes else [],
        }
        if form is not None and getattr(form, "checks_phrases", False) and form.warned is not None:
            context["warning"] = phrases.warning(self.pack, form.typed(), form.warned)
        if is_htmx(request):
            # htmx swaps the refusals (403, 409) too: base.html's htmx-config responseHandling.
            return render(request, TEMPLATE % "form", context, status=status)
        return render(request, TEMPLATE % "page", context, status=status)


@staff_view()
def check_phrases(request: HttpRequest, reference: str) -> HttpResponse:
    """While typing: the warning fragment for the text so far (empty when clean). Only
    advice — the service checks again when the message is sent."""
    visible_or_404(request, reference)
    params = request.POST if request.method == "POST" else request.GET
    text = params.get(params.get("field") or "body", "")
    return render(request, TEMPLATE % "live_warning", {"warning": phrases.warning(active_pack(), text)})
