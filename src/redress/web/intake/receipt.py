"""The facts the customer is given when intake ends (002 §二(一); 000): reference,
what happens next, the time limit and its due date on the working-day calendar, their
rights — taken from what the services recorded, so the printout says what was sent."""

from __future__ import annotations

from django.utils import translation

from redress.complaints.lifecycle import State
from redress.complaints.models import Communication, Complaint
from redress.complaints.services.timing import calendar_for
from redress.policy.loader import active_pack
from redress.portal import codes
from redress.web.complaint import words

# The message each way out of intake leaves for the customer.
MESSAGE_OF = {
    State.CLOSED_INQUIRY: Communication.Kind.INQUIRY_ANSWER,
    State.REDIRECTED: Communication.Kind.REDIRECT,
}
FINISHED_AT_INTAKE = {State.CLOSED_INQUIRY, State.RESOLVED_ON_SPOT, State.REDIRECTED}


def _as_sent(body: str, access_code: str) -> str:
    return body.replace(codes.masked(access_code), access_code) if access_code else body


def facts(complaint: Complaint, *, access_code: str = "") -> dict:
    """`access_code`: the portal code issued a moment ago, put back in place of its
    masked form in the acknowledgment (only the intake officer's first showing has it)."""
    pack = active_pack()
    tz = calendar_for(pack).tz
    language = "en" if complaint.language.startswith("en") else "zh-hans"
    state = State(complaint.state)
    kind = MESSAGE_OF.get(state, Communication.Kind.ACKNOWLEDGMENT)
    message = complaint.communications.filter(kind=kind).order_by("-at").first()
    clock_def = pack.reply_clock()
    clock = complaint.clocks.filter(code=clock_def.code).first() if clock_def else None
    with translation.override(language):
        # words.duration, not labels.amount_in_unit: the limit may be in calendar days (uk-fca).
        limit = words.duration(clock_def.limit.amount, clock_def.limit.unit) if clock_def else ""
        clock_name = clock_def.name.get(language) if clock_def else ""
    institution = complaint.intake_unit.institution
    return {
        "complaint": complaint,
        "customer_language": language,
        "institution_name": (institution.name_en or institution.name) if language == "en" else institution.name,
        "received_local": complaint.received_at.astimezone(tz),
        "registered_local": complaint.registered_at.astimezone(tz) if complaint.registered_at else None,
        "message": message,
        "paragraphs": _as_sent(message.body, access_code).splitlines() if message else [],
        "finished": state in FINISHED_AT_INTAKE,
        "clock": clock if state not in FINISHED_AT_INTAKE else None,
        "clock_name": clock_name,
        "limit_words": limit,
        "due_local": clock.due_at.astimezone(tz) if clock else None,
        "authority": pack.authority(complaint.redirect_authority) if complaint.redirect_authority else None,
    }
