"""What `redress mail-in` does with one message.

- A new message opens and registers a complaint (channel email, the sender as the
  contact), so the acknowledgment — reference, process, time limit, rights — goes
  back by email through the outbox. Attachments become evidence; those the policy
  refuses are listed in the complaint's cause so the handler sees what was sent and
  can ask for it another way (nothing is dropped silently).
- A message whose subject names a reference number is added to that complaint as a
  customer message, but only when it comes from the address on that complaint. From
  any other address — a representative, a relative, or someone quoting a reference
  they should not have — it opens a new complaint *linked* to the referenced one:
  nothing is written into the other customer's case and the sender learns nothing
  about it, yet nothing is lost and the linked case's staff see the connection. The
  same applies to a reply to a complaint already closed: a new, linked complaint lets
  staff decide whether it is a re-complaint.
- Delivery reports, auto-replies and bulk mail (parse._automatic says how they are
  known) are recorded and ignored: kept in the quarantine as set aside, where the
  office can read them and release one a person wrote, and exit 0 so the mail server
  neither retries nor bounces. Else an out-of-office reply to our acknowledgment would
  open a complaint, which would be acknowledged ...
- The same Message-ID twice is handled once.

- NUL characters in the text are removed, and the text and the record say how many.

All of it is one transaction: a failure leaves nothing behind. The mail server retries
only what a retry can fix; anything else is held in quarantine (mailin/quarantine.py).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from redress.complaints import services as svc
from redress.complaints.errors import DomainError, ValidationFailed
from redress.complaints.lifecycle import TRANSITIONS, Action, State
from redress.complaints.limits import TEXT_MAX
from redress.complaints.models import Complaint, ComplaintLink, Staff
from redress.complaints.services.evidence import check_attachment
from redress.complaints.timesource import now
from redress.imports.system import system_account
from redress.mailin.models import InboundMail
from redress.mailin.parse import Attachment, ParsedMail, guess_language, parse
from redress.mailin.quarantine import set_aside
from redress.policy.loader import active_pack

log = logging.getLogger(__name__)

ACCOUNT = "mail-in"
# A reference as people write it: next to Chinese text (「关于TS-2026-000052的补充材料」,
# where \b finds no edge between 于 and T), in full-width characters, in any case, with
# any dash. The subject is folded first (NFKC, upper case, dashes), then matched with
# edges that only letters and digits of the reference itself could blur.
REFERENCE = re.compile(r"(?<![A-Z0-9])([A-Z]{2,6}-[0-9]{4}-[0-9]{6})(?![0-9])")
DASHES = str.maketrans({c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2212\ufe63\uff0d"})


def references_in(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text or "").translate(DASHES).upper()
    return REFERENCE.findall(folded)
EX_DATAERR = 65


class Refused(Exception):
    """A permanent refusal: the MTA bounces the message with this one-line reason."""

    def __init__(self, reason: str, code: int = EX_DATAERR):
        super().__init__(reason)
        self.reason = reason
        self.code = code


CHUNK = 64 * 1024


def read_message(stream, limit: int) -> bytes:
    """The message on `stream`, read in chunks; Refused (65) as soon as it passes `limit`
    bytes, before anything is parsed. The rest is read and dropped chunk by chunk, so
    the mail server sees its whole message taken (no broken pipe) and the bounce can say
    how large it was, while memory never holds more than the limit and one chunk."""
    kept = bytearray()
    chunk = bytearray(CHUNK)
    while True:
        n = stream.readinto(chunk)
        if not n:
            return bytes(kept)
        if len(kept) + n > limit:
            break
        kept += chunk[:n]
    total = len(kept) + n
    del kept
    while n := stream.readinto(chunk):
        total += n
    raise Refused(f"message too large: {total:,} bytes received, limit {limit:,} bytes (REDRESS_MAIL_MAX_BYTES); "
                  f"邮件过大,上限 {limit / 1024 / 1024:.1f} MB,请分开发送附件,或通过网上投诉渠道提交 — "
                  "send the attachments in several messages, or through the online complaint form")


@dataclass
class Handled:
    outcome: str
    reference: str = ""
    duplicate: bool = False
    evidence: int = 0
    refused: int = 0
    reason: str = ""  # why it was ignored
    quarantined: int | None = None  # where the office finds a message set aside

    def summary(self) -> str:
        if self.duplicate:
            return "mail-in: already handled (same Message-ID); nothing done"
        if self.outcome == "ignored":
            return f"mail-in: ignored, {self.reason}; kept in the mail quarantine as #{self.quarantined}"
        parts = [f"mail-in: {self.outcome}", self.reference]
        if self.evidence or self.refused:
            parts.append(f"{self.evidence} attachment(s) kept, {self.refused} refused")
        return " ".join(p for p in parts if p)


def mail_account() -> Staff:
    return system_account(ACCOUNT, "邮件受理 Mail-in")


def handle(raw: bytes, *, envelope_sender: str | None = None, take_automatic: bool = False) -> Handled:
    """Take one message. `envelope_sender`: as the mail server passed it ("" for the null
    sender of a delivery report; None when it did not say). `take_automatic`: the office
    released a message set aside as automatic, judging that a person wrote it."""
    if not raw.strip():
        raise Refused("empty message")
    mail = parse(raw, envelope_sender)
    earlier = InboundMail.objects.filter(key=mail.key).first()
    retake = take_automatic and earlier is not None and earlier.outcome == InboundMail.Outcome.IGNORED
    if earlier is not None and not retake:
        return Handled(outcome="duplicate", duplicate=True)
    automatic = bool(mail.automatic) and not take_automatic
    # A delivery report or an auto-reply often has no usable From (the null sender):
    # it is set aside, not refused — a refusal would bounce the bounce.
    if not automatic and (not mail.sender_address or "@" not in mail.sender_address):
        raise Refused("no sender address in From:, so the complainant could not be answered")
    stored: list[str] = []
    try:
        with transaction.atomic():
            # The row goes in first: a concurrent delivery of the same message waits on
            # its unique key here and then finds it, instead of doing the work twice.
            if retake:
                record = InboundMail.objects.select_for_update().get(pk=earlier.pk)
                record.reason = ""
            else:
                record = InboundMail.objects.create(key=mail.key, message_id=mail.message_id, received_at=now(),
                                                    size=mail.size, outcome=InboundMail.Outcome.IGNORED,
                                                    nul_stripped=mail.nul_stripped)
            result = _set_aside(raw, mail, record) if automatic else _route(mail, record, stored, raw)
    except IntegrityError:
        _forget(stored)
        if InboundMail.objects.filter(key=mail.key).exists():
            return Handled(outcome="duplicate", duplicate=True)
        raise
    except BaseException:
        _forget(stored)
        raise
    log.info("mail-in %s %s (message %s)", result.outcome, result.reference, mail.key[:12])
    return result


def _set_aside(raw: bytes, mail: ParsedMail, record: InboundMail) -> Handled:
    """Recorded and ignored: kept where the office sees it (the quarantine, as set
    aside), no complaint, no acknowledgment — answering it is how mail loops start."""
    record.reason = mail.automatic[:200]
    record.save()
    item = set_aside(raw, mail)
    return Handled(outcome="ignored", reason=mail.automatic, quarantined=item.pk)


def _forget(stored: list[str]) -> None:
    """The transaction rolled back: remove evidence files it had saved."""
    for name in stored:
        default_storage.delete(name)


def _route(mail: ParsedMail, record: InboundMail, stored: list[str], raw: bytes) -> Handled:
    if mail.recharset:
        # The message byte for byte, as evidence (checked like any attachment), when its
        # text was read in another charset than its label said: what was decided can be
        # checked against what came.
        mail.attachments.append(Attachment(name=ORIGINAL_NAME, content_type="message/rfc822", data=raw))
    referenced = _referenced(mail.subject)
    if referenced is None:
        return _open(mail, record, stored)
    same_sender = referenced.customer.email.strip().lower() == mail.sender_address.lower()
    may_add = State(referenced.state) in TRANSITIONS[Action.SEND_MESSAGE][0]
    if same_sender and may_add:
        return _attach(mail, record, referenced, stored)
    record.referenced = referenced
    record.reason = "sender is not the complainant of the referenced case" if not same_sender else \
        f"referenced case is {referenced.state}"
    return _open(mail, record, stored, link_to=referenced)


def _referenced(subject: str) -> Complaint | None:
    for reference in references_in(subject):
        found = Complaint.objects.select_related("customer").filter(reference=reference).first()
        if found:
            return found
    return None


def _sort_attachments(mail: ParsedMail) -> tuple[list[Attachment], list[dict]]:
    """Split attachments into those the policy accepts and those it refuses (with why)."""
    pack = active_pack()
    kept, refused = [], []
    for item in mail.attachments:
        try:
            check_attachment(item.name, item.content_type, item.data, pack)
        except ValidationFailed as exc:
            refused.append({"name": item.name, "content_type": item.content_type, "size": len(item.data),
                            "reason": exc.rule})
            continue
        kept.append(item)
    return kept, refused


def _refusal_note(refused: list[dict]) -> str:
    if not refused:
        return ""
    lines = [f"- {r['name']} ({r['content_type']}, {r['size']:,} bytes): {r['reason']}" for r in refused]
    return "\n\n[附件未受理 Attachments not accepted]\n" + "\n".join(lines)


def _nul_note(mail: ParsedMail) -> str:
    """Said in the text itself, so the handler knows it is not exactly what was sent."""
    if not mail.nul_stripped:
        return ""
    return f"\n\n[已删除 {mail.nul_stripped} 个空字符(NUL) {mail.nul_stripped} NUL character(s) removed]"


def _add_evidence(complaint: Complaint, kept: list[Attachment], actor: Staff | None, stored: list[str]) -> int:
    for item in kept:
        evidence = svc.evidence_add(complaint, actor=actor, name=item.name, content_type=item.content_type,
                                    data=item.data, description="email attachment 邮件附件", source="email",
                                    via="email")
        stored.append(evidence.file.name)
    return len(kept)


def _within_limit(text: str) -> tuple[str, str]:
    """A cause holds at most limits.TEXT_MAX characters; a longer letter is cut at a line
    end there and goes on, whole, in a customer message on the same complaint, so no word
    is lost and the handler is told where to read on."""
    if len(text) <= TEXT_MAX:
        return text, ""
    note = (f"\n\n[正文较长,其余部分见客户来信 The message is longer than {TEXT_MAX:,} characters: "
            "it continues in the customer's message on this complaint]")
    room = TEXT_MAX - len(note)
    cut = text.rfind("\n", room // 2, room)
    cut = cut if cut > 0 else room
    return text[:cut] + note, text[cut:].lstrip("\n")


def _charset_note(mail: ParsedMail) -> str:
    """Said in the text, so the handler knows the words were read otherwise than labelled
    and where to find the message as it came."""
    if not mail.recharset:
        return ""
    read = "; ".join(f"{label} → {charset}" for label, charset in mail.recharset)
    return (f"\n\n[字符集已更正 {read} Charset corrected: the message's label did not fit its text; "
            f"the original message is kept as evidence ({ORIGINAL_NAME})]")


ORIGINAL_NAME = "original-message.eml"




def _open(mail: ParsedMail, record: InboundMail, stored: list[str], link_to: Complaint | None = None) -> Handled:
    actor = mail_account()
    kept, refused = _sort_attachments(mail)
    body = mail.body.strip() or ("(见附件 see attachments)" if mail.attachments else "(邮件无正文 empty message)")
    subject = (mail.subject.strip() or "(无主题 no subject)")[:200]
    language = guess_language(mail.subject, mail.body)
    name = mail.sender_name.strip() or mail.sender_address.split("@")[0]
    cause, rest = _within_limit(body + _refusal_note(refused) + _nul_note(mail) + _charset_note(mail))
    data = svc.ComplaintInput(
        # The address they wrote from is theirs: a verified contact, so their next
        # message finds this record (services/customers.py).
        customer=svc.CustomerInput(name=name[:200], email=mail.sender_address, preferred_channel="email",
                                   language=language, verified=("email",)),
        channel="email", subject=subject, cause=cause,
    )
    try:
        complaint = svc.complaint_receive(actor=actor, data=data, via="email", register=True)
    except ValidationFailed as exc:
        raise Refused(f"cannot take this message as a complaint: {exc.message}") from None
    if rest:
        svc.customer_message_receive(complaint, body=rest, channel="email", via="email", actor=None)
    evidence = _add_evidence(complaint, kept, actor, stored)
    if link_to is not None:
        svc.complaint_link(complaint, actor=actor, other=link_to, kind=ComplaintLink.Kind.RELATED, via="email")
    record.outcome = InboundMail.Outcome.LINKED if link_to is not None else InboundMail.Outcome.OPENED
    record.complaint, record.evidence_count, record.refused_attachments = complaint, evidence, refused
    record.save()
    return Handled(outcome=record.outcome, reference=complaint.reference, evidence=evidence, refused=len(refused))


def _attach(mail: ParsedMail, record: InboundMail, complaint: Complaint, stored: list[str]) -> Handled:
    kept, refused = _sort_attachments(mail)
    body = ((mail.body.strip() or "(见附件 see attachments)") + _refusal_note(refused) + _nul_note(mail)
            + _charset_note(mail))
    try:
        svc.customer_message_receive(complaint, body=body, channel="email", via="email", actor=None)
        evidence = _add_evidence(complaint, kept, None, stored)
    except DomainError as exc:
        raise Refused(f"cannot add this message to {complaint.reference}: {exc.message}") from None
    record.outcome, record.complaint = InboundMail.Outcome.ATTACHED, complaint
    record.evidence_count, record.refused_attachments = evidence, refused
    record.save()
    return Handled(outcome=record.outcome, reference=complaint.reference, evidence=evidence, refused=len(refused))

