"""What a complainant may see of their own complaint, in words for a customer.

Everything the status page shows comes through here, and this module reads only the
complaint's reference, state, dates, open clocks, what the customer told us (the
complaint as submitted, their own messages and the files they sent) and the messages
sent to the customer (outbound and marked visible). Staff, units, notes, findings,
proposals, staff-added evidence and the ledger are never read, so the page cannot show
them by mistake.

Times are the institution's: the time limits are counted on its calendar, and the
customer who phones about "the reply due at 17:00" must hear the same time staff see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from redress.complaints.lifecycle import TRANSITIONS, Action, State
from redress.complaints.models import Communication, Complaint, ComplaintClock
from redress.complaints.services.timing import calendar_for
from redress.policy.loader import active_pack
from redress.portal import codes
from redress.portal.models import OutcomeRating, PortalAccess
from redress.portal.services import latest_result

S = State
# The four steps a customer sees, and which internal states fall under each.
STEPS = [
    ("received", _("We have received your complaint"), {S.RECEIVED, S.REGISTERED}),
    ("investigating", _("Your complaint is being investigated"),
     {S.ASSESSED, S.DISPATCHED, S.INVESTIGATING, S.PROPOSED, S.APPROVED}),
    ("replied", _("We have replied to you"), {S.REMEDY_PENDING, S.AWAITING_CALLBACK, S.FOLLOW_UP, S.REFERRED}),
    ("closed", _("Closed"), {S.CLOSED, S.CLOSED_INQUIRY, S.RESOLVED_ON_SPOT, S.REDIRECTED, S.WITHDRAWN,
                             S.DEEMED_CLOSED, S.ARCHIVED}),
]
# A line more for the states where the step alone would leave the customer guessing.
NOTES = {
    S.REMEDY_PENDING: _("We are carrying out what we agreed with you."),
    S.FOLLOW_UP: _("You told us you were not satisfied; we are following up."),
    S.REFERRED: _("The dispute has been passed to mediation, arbitration or a court, as we told you."),
    S.REDIRECTED: _("This matter is for another body to handle; our message below says which."),
    S.WITHDRAWN: _("The complaint was withdrawn."),
    S.CLOSED_INQUIRY: _("Your question was answered."),
    S.RESOLVED_ON_SPOT: _("It was resolved when you contacted us."),
}
MESSAGE_KINDS = {
    Communication.Kind.ACKNOWLEDGMENT: _("Confirmation that we registered your complaint"),
    Communication.Kind.PROGRESS: _("Progress update"),
    Communication.Kind.QUESTION: _("A question for you"),
    Communication.Kind.RESULT: _("Our reply: the result"),
    Communication.Kind.REDIRECT: _("Where to take this matter"),
    Communication.Kind.INQUIRY_ANSWER: _("Answer to your question"),
}
OPEN_CLOCK = (ComplaintClock.Status.RUNNING, ComplaintClock.Status.PAUSED)
CUSTOMER_FILES = ("customer", "email")  # Evidence.source of what the complainant sent
RATABLE = TRANSITIONS[Action.RATE_OUTCOME][0]


@dataclass(frozen=True)
class Message:
    id: int
    kind: str
    at: datetime
    body: str


@dataclass(frozen=True)
class Submitted:
    """The complaint in the customer's words, as taken down."""
    subject: str
    cause: str
    request: str
    amount_claimed: Decimal | None
    currency: str


@dataclass(frozen=True)
class SentFile:
    name: str
    size: int
    at: datetime


@dataclass(frozen=True)
class CustomerView:
    reference: str
    submitted: Submitted
    files: list[SentFile]
    additions: list[Message]
    result: Message | None
    received_at: datetime
    step: str
    step_label: str
    step_index: int
    note: str
    reply_due: datetime | None
    waiting_for_customer: bool
    messages: list[Message]
    open_question: Message | None
    may_add_information: bool
    rating_due: bool
    rated: OutcomeRating | None
    tz: ZoneInfo


def find(reference: str, access_code: str) -> Complaint | None:
    """The complaint with this reference if the access code is right; None for a wrong
    code and for an unknown reference alike, after the same work."""
    access = (PortalAccess.objects.select_related("complaint")
              .filter(complaint__reference=reference.strip().upper()).first())
    ok = codes.matches(access_code, access.code_hash if access else codes.DUMMY_HASH)
    return access.complaint if access is not None and ok else None


def institution_zone() -> ZoneInfo:
    return calendar_for(active_pack()).tz


def _reply_due(complaint: Complaint) -> tuple[datetime | None, bool]:
    """The due time of the clock that ends with our reply (the extendable one, e.g. 20
    working days, 001 第二十二条), and whether it is paused waiting for the customer."""
    pack = active_pack()
    reply = pack.reply_clock()
    clock = complaint.clocks.filter(code=reply.code if reply else None, status__in=OPEN_CLOCK).first()
    if clock is None:
        return None, False
    if clock.status != ComplaintClock.Status.PAUSED:
        return clock.due_at, False
    # Paused for the customer's answer, not for an appraisal the customer cannot hurry.
    pause = complaint.pauses.filter(ended_at=None).order_by("-id").first()
    reason = pack.pausing.reason(pause.reason) if pause is not None and pack.pausing else None
    return clock.due_at, reason is None or reason.ends_on_answer


def customer_view(complaint: Complaint, *, tz: ZoneInfo) -> CustomerView:
    state = State(complaint.state)
    index, (code, label, _states) = next((i, s) for i, s in enumerate(STEPS) if state in s[2])
    rows = list(complaint.communications.filter(direction=Communication.Direction.OUTBOUND,
                                                visible_to_customer=True)
                .order_by("at", "id").values_list("id", "kind", "at", "body"))
    messages = [Message(id=i, kind=str(MESSAGE_KINDS.get(k, _("Message"))), at=at, body=body)
                for i, k, at, body in rows]
    may_write = state in TRANSITIONS[Action.SEND_MESSAGE][0]
    # Our last message was a question and the customer has not written since.
    asked = bool(rows) and rows[-1][1] == Communication.Kind.QUESTION and not complaint.communications.filter(
        direction=Communication.Direction.INBOUND, id__gt=rows[-1][0]).exists()
    open_question = messages[-1] if asked and may_write else None
    due, paused = _reply_due(complaint)
    told = latest_result(complaint)
    result = told if state in RATABLE else None
    rated = OutcomeRating.objects.filter(result_message=result).first() if result else None
    additions = [Message(id=i, kind=str(_("Your message")), at=at, body=body) for i, at, body in
                 complaint.communications.filter(direction=Communication.Direction.INBOUND,
                                                 kind=Communication.Kind.CUSTOMER_MESSAGE)
                 .order_by("at", "id").values_list("id", "at", "body")]
    files = [SentFile(name=n, size=size, at=at) for n, size, at in
             complaint.evidence.filter(source__in=CUSTOMER_FILES).order_by("uploaded_at", "id")
             .values_list("original_name", "size", "uploaded_at")]
    submitted = Submitted(subject=complaint.subject, cause=complaint.cause, request=complaint.request,
                          amount_claimed=complaint.amount_claimed, currency=complaint.currency)
    return CustomerView(
        reference=complaint.reference, submitted=submitted, files=files, additions=additions,
        result=next((m for m in messages if told is not None and m.id == told.pk), None),
        received_at=complaint.received_at, step=code, step_label=str(label),
        step_index=index, note=str(NOTES.get(state, "")), reply_due=due, waiting_for_customer=paused,
        messages=messages, open_question=open_question, may_add_information=may_write,
        rating_due=result is not None and rated is None, rated=rated, tz=tz,
    )
