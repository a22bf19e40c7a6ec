"""Messages to and from the complainant (SPEC §7): forbidden phrases are caught before
anything is sent (001 第十七条), and a customer's reply restarts clocks paused for it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from redress.complaints import duties, phrases, rows
from redress.complaints.errors import DomainError, NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action
from redress.complaints.models import Communication, Complaint, Extension, Staff
from redress.complaints.phrases import Hit
from redress.complaints.services.base import Step, acting_on, require_role
from redress.complaints.services.pausing import end_on_answer, ensure_works_the_case, pause_in
from redress.policy.schema import Pack

SENDER_ROLES = ("intake", "handler", "dept_head", "complaints_office")


class ForbiddenPhrases(DomainError):
    """The text contains phrases the policy forbids. The sender sees them and must
    rephrase, or confirm each one explicitly (which is recorded in the ledger)."""

    code = "forbidden_phrases"

    def __init__(self, hits: list[Hit], field: str = "body"):
        # As the customer would read it, and the policy's phrase where it is spelt otherwise.
        quoted = "、".join(f"「{h.text}」" if h.text == h.phrase else f"「{h.text}」(「{h.phrase}」)" for h in hits)
        self.rule = _("the text contains forbidden phrases %(quoted)s (001 第十七条); rephrase it, "
                      "or confirm each phrase") % {"quoted": quoted}
        super().__init__(f"{field}: {self.rule}", field=field)
        self.hits = hits
        self.phrases = [h.phrase for h in hits]

    def as_dict(self) -> dict:
        return {**super().as_dict(), "phrases": self.phrases,
                "matched": [{"phrase": h.phrase, "text": h.text} for h in self.hits]}


def check_phrases(pack: Pack, text: str, confirmed: list[str] | None, *, field: str = "body") -> list[str]:
    """The one check of a text before it reaches the customer (001 第十七条): refused
    while a forbidden phrase in it is not confirmed; else the phrases confirmed, to record."""
    hits = phrases.found(pack, text)
    unconfirmed = [h for h in hits if not phrases.is_confirmed(h, confirmed)]
    if unconfirmed:
        raise ForbiddenPhrases(unconfirmed, field=field)
    return [h.phrase for h in hits]


def tell_customer(step: Step, kind: str, body: str, *, channel: str, confirmed: list[str] | None = None,
                  visible: bool = True, field: str = "body", sent_body: str = "") -> Communication:
    """Every text to the customer goes out here, checked for forbidden phrases first
    (`field` names the input the person typed, for the refusal). The phrases the person
    confirmed are kept on the message; the caller records them in its ledger event.
    `sent_body`: what is sent when it differs from what the case keeps (a secret shown
    masked on the case); the outbox holds it until it is sent."""
    found = check_phrases(step.pack, body, confirmed, field=field)
    c = step.complaint
    message = rows.build(Communication, related={"complaint": c, "staff": step.actor},
                         direction=Communication.Direction.OUTBOUND, kind=kind, channel=channel, body=body,
                         at=step.now, forbidden_phrases_confirmed=found, visible_to_customer=visible)
    rows.insert(message)
    customer = c.customer
    address = customer.email if channel in ("email", "web", "app") and customer.email else customer.phone
    if address or customer.email:
        # `about`: the dispatcher rate-limits acknowledgments and marks them auto-replied
        step.notify("customer_message", address=address or customer.email, communication=message.pk, about=kind,
                    **({"body": sent_body} if sent_body and sent_body != body else {}))
    return message


def message_send(complaint: Complaint | int, *, actor: Staff, kind: str, body: str, channel: str,
                 confirm_phrases: list[str] | None = None, wait_for_reply: bool = False,
                 extension_id: int | None = None, via: str = "web",
                 expected_version: int | None = None) -> Communication:
    """A progress update or a question to the customer (002 §二(四)). A question may
    pause the clocks until the customer answers. `extension_id`: the message tells the
    customer of that granted extension, its reason and new date (001 第二十二条); the
    extension then records that the customer was told, and by which message."""
    allowed = (Communication.Kind.PROGRESS, Communication.Kind.QUESTION)
    if kind not in allowed:
        raise ValidationFailed("kind", _("must be one of %(allowed)s") % {"allowed": ', '.join(allowed)})
    if not body.strip():
        raise ValidationFailed("body", _("may not be empty"))
    with acting_on(complaint, Action.SEND_MESSAGE, actor=actor, via=via, expected_version=expected_version) as step:
        require_role(step, SENDER_ROLES, _("writing to the customer"))
        if channel not in step.pack.channel_codes():
            raise ValidationFailed("channel", _("unknown channel %(channel)s") % {"channel": repr(channel)})
        extension = None
        if extension_id is not None:
            extension = step.complaint.extensions.filter(pk=extension_id, status=Extension.Status.APPROVED).first()
            if extension is None:
                raise ValidationFailed("extension_id", _("no granted extension %(id)s on this complaint") % {
                    "id": extension_id})
            if kind != Communication.Kind.PROGRESS:
                raise ValidationFailed("kind", _("an extension notice is a progress message"))
        message = tell_customer(step, kind, body, channel=channel, confirmed=confirm_phrases)
        told = {}
        if extension is not None:
            extension.customer_told = message
            extension.save(update_fields=["customer_told"])
            told = {"extension": extension.pk}
        step.record(EventType.MESSAGE_SENT, message=message.pk, kind=kind, channel=channel,
                    forbidden_confirmed=message.forbidden_phrases_confirmed, **told)
        if wait_for_reply and kind == Communication.Kind.QUESTION:
            _pause_for_answer(step, message)
    return message


def _pause_for_answer(step: Step, message: Communication) -> None:
    """A question that waits for its answer pauses the clocks under the pack's pausing
    rule (services/pausing.py): the first reason that needs a recorded request and ends
    on the answer, by someone working the case in a role the pack allows."""
    policy = step.pack.pausing
    reason = next((r for r in policy.reasons if r.needs_request and r.ends_on_answer), None) if policy else None
    if reason is None:
        raise ValidationFailed("wait_for_reply", _("the policy %(code)s lists no pause for the customer's answer; "
                                                   "send the question without waiting") % {"code": step.pack.code})
    sender_role = step.role
    ensure_works_the_case(step, _("pausing the clocks"), policy.roles)
    step.role = sender_role
    if step.complaint.clocks.filter(status="running").exists():  # none running: nothing to pause
        pause_in(step, policy, reason.code, message=message)


def customer_message_receive(complaint: Complaint | int, *, body: str, channel: str, via: str = "portal",
                             actor: Staff | None = None, expected_version: int | None = None) -> Communication:
    """A message from the complainant (portal, email, or typed in by staff from a call).
    Clocks paused waiting for the customer start again."""
    if not body.strip():
        raise ValidationFailed("body", _("may not be empty"))
    with acting_on(complaint, Action.SEND_MESSAGE, actor=actor, via=via, expected_version=expected_version) as step:
        if actor is not None and not actor.role_set() - duties.INSPECTING_ROLES:
            raise NotPermitted(_("typing in a customer's message needs a role that works cases "
                                 "(an auditor only inspects, SPEC §1)"))
        step.role = "customer" if actor is None else (sorted(actor.role_set()) or ["staff"])[0]
        message = Communication.objects.create(complaint=step.complaint, direction=Communication.Direction.INBOUND,
                                               kind=Communication.Kind.CUSTOMER_MESSAGE, channel=channel, body=body,
                                               staff=actor, at=step.now)
        resumed = end_on_answer(step)
        step.record(EventType.MESSAGE_RECEIVED, message=message.pk, channel=channel, resumed=resumed)
        owner = step.complaint.handler or step.complaint.owner
        step.notify("customer_replied", staff=owner, message=message.pk)
    return message
