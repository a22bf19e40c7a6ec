"""Mail `redress mail-in` could not take, told apart from mail it could not take *yet*.

A mail server understands two failures from a delivery program: 75 (EX_TEMPFAIL, "keep
it and try again") and anything else (bounce it). A failure a retry can fix — the
database unreachable or busy, the disk full — is 75. Any other failure would fail the
same way on every retry (a data error, a bug meeting an unusual message): answering 75
to it keeps the mail queued for days while each try burns a reference number, and then
the mail server bounces the complaint anyway. Such a message is held here instead, byte
for byte, and mail-in exits 0: the complaints office sees it in the workbench and, once
the cause is fixed, releases it into intake (the same `handle` the mail server's
delivery runs), or discards it with a note. Every step is written to QuarantineAction:
a held message has no complaint whose ledger could carry it.
"""

from __future__ import annotations

import errno
import hashlib
import logging
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, transaction
from django.utils.translation import gettext as _

from redress.complaints.errors import NotFound, NotPermitted, ValidationFailed
from redress.complaints.models import Complaint, Staff
from redress.complaints.timesource import now
from redress.imports.system import NoIntakeUnit
from redress.mailin import parse as parsing
from redress.mailin.models import InboundMail, QuarantineAction, QuarantinedMail
from redress.mailin.parse import ParsedMail

log = logging.getLogger("redress.mailin")

# Failures of the machine, not of the message: the same message will go in once they pass.
TEMPORARY_ERRNOS = frozenset({errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EAGAIN, errno.ENOMEM})
OFFICE_ROLES = frozenset({"complaints_office"})
# What the office may still release or discard: held after a failure, or set aside as
# automatic (a person's message mistaken for an auto-reply is released into intake).
OPEN = frozenset({QuarantinedMail.Status.HELD, QuarantinedMail.Status.IGNORED})


def is_temporary(exc: BaseException) -> bool:
    """Would the same message go in on a later try? The database unreachable, busy or
    locked (OperationalError, InterfaceError), a disk that is full or failing, or an
    institution whose units are not set up yet. Only the explicit cause is followed
    (`raise ... from`, as Django wraps driver errors), not whatever was being handled
    when the error happened, so a data error is never mistaken for an outage."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (OperationalError, InterfaceError, NoIntakeUnit)):
            return True
        if isinstance(current, OSError) and current.errno in TEMPORARY_ERRNOS:
            return True
        current = current.__cause__
    return False


def describe(exc: BaseException) -> str:
    """The failure in one line for the office and the developers: its type and first line."""
    first = (str(exc).strip().splitlines() or [""])[0]
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    return text.replace("\x00", "")[:500]


def _identity_of(mail: ParsedMail) -> dict:
    sender = f"{mail.sender_name} <{mail.sender_address}>" if mail.sender_name else mail.sender_address
    return {"key": mail.key, "message_id": mail.message_id, "sender": sender[:255], "subject": mail.subject[:255]}


def _identity(raw: bytes) -> dict:
    """The message's key and Message-ID as intake computes them, its sender and subject;
    the raw bytes' digest when the message cannot even be parsed (that may be what failed)."""
    try:
        mail = parsing.parse(raw)
    except Exception:  # noqa: BLE001 — an unreadable message is still held
        return {"key": hashlib.sha256(raw).hexdigest()}
    return _identity_of(mail)


def set_aside(raw: bytes, mail: ParsedMail) -> QuarantinedMail:
    """Keep a delivery report or an auto-reply intake ignored (inside intake's
    transaction): the office sees it among the messages set aside, and may release one
    a person wrote. Nothing is asked of the office: it is not held."""
    at = now()
    item = QuarantinedMail.objects.create(**_identity_of(mail), raw=raw, size=len(raw), received_at=at,
                                          reason=mail.automatic[:500], status=QuarantinedMail.Status.IGNORED)
    QuarantineAction.objects.create(mail=item, kind=QuarantineAction.Kind.IGNORED, at=at, note=item.reason)
    return item


def hold(raw: bytes, exc: BaseException) -> tuple[QuarantinedMail, bool]:
    """Keep a message intake failed on. Returns (the held message, whether it is new): the
    same message delivered again while held is not held twice."""
    identity = _identity(raw)
    reason = describe(exc)
    with transaction.atomic():
        held = QuarantinedMail.objects.filter(key=identity["key"], status=QuarantinedMail.Status.HELD).first()
        if held is not None:
            return held, False
        at = now()
        held = QuarantinedMail.objects.create(**identity, raw=raw, size=len(raw), received_at=at, reason=reason)
        QuarantineAction.objects.create(mail=held, kind=QuarantineAction.Kind.HELD, at=at, note=reason)
    log.warning("mail-in quarantined message %s: %s", identity["key"][:12], type(exc).__name__)
    return held, True


@dataclass(frozen=True)
class Released:
    ok: bool
    reference: str = ""
    reason: str = ""  # why the release failed (the message stays held)


def _office(actor: Staff, doing: str) -> None:
    if not (actor.role_set() & OFFICE_ROLES) and not actor.is_superuser:
        raise NotPermitted(_("%(doing)s is for the complaints office") % {"doing": doing})


def _held(pk: int) -> QuarantinedMail:
    item = QuarantinedMail.objects.select_for_update().filter(pk=pk).first()
    if item is None:
        raise NotFound(_("no quarantined message %(pk)s") % {"pk": pk})
    if item.status not in OPEN:
        raise ValidationFailed("status", _("this message was already %(status)s") % {
            "status": item.get_status_display()})
    return item


def release(pk: int, *, actor: Staff, note: str = "") -> Released:
    """Run intake again on a held message (after the cause was fixed). It opens or joins
    a complaint as if the mail server had just delivered it (taken even if it looks
    automatic: the office has read it and judges a person wrote it); if it fails again the
    message stays held and the failure is recorded. A temporary failure (the database
    went away) is raised, recording nothing."""
    from redress.mailin.intake import Refused, handle

    _office(actor, _("Releasing quarantined mail"))
    note = note.replace("\x00", "").strip()
    with transaction.atomic():
        item = _held(pk)  # locked: two members of the office cannot release it twice
        at = now()
        try:
            with transaction.atomic():
                result = handle(bytes(item.raw), take_automatic=True)
        except Refused as refused:
            reason = refused.reason
        except Exception as exc:
            if is_temporary(exc):
                raise
            reason = describe(exc)
        else:
            reference = result.reference
            if result.duplicate:  # delivered again meanwhile and taken: nothing more to do
                inbound = InboundMail.objects.filter(key=item.key).select_related("complaint").first()
                reference = inbound.complaint.reference if inbound and inbound.complaint else ""
            item.status, item.decided_by, item.decided_at, item.note = (QuarantinedMail.Status.RELEASED, actor, at,
                                                                        note)
            item.complaint = Complaint.objects.filter(reference=reference).first() if reference else None
            item.save()
            QuarantineAction.objects.create(mail=item, kind=QuarantineAction.Kind.RELEASED, actor=actor, at=at,
                                            note=note, reference=reference)
            return Released(ok=True, reference=reference)
        QuarantineAction.objects.create(mail=item, kind=QuarantineAction.Kind.RELEASE_FAILED, actor=actor, at=at,
                                        note="\n".join(p for p in (note, reason[:500]) if p))
    return Released(ok=False, reason=reason)


def discard(pk: int, *, actor: Staff, note: str) -> QuarantinedMail:
    """The office decides a held message is not a complaint (spam, a test, a duplicate
    sent another way) and says why. The message itself is kept with the decision."""
    _office(actor, _("Discarding quarantined mail"))
    note = note.replace("\x00", "").strip()
    if not note:
        raise ValidationFailed("note", _("say why the message is discarded"))
    with transaction.atomic():
        item = _held(pk)
        at = now()
        item.status, item.decided_by, item.decided_at, item.note = QuarantinedMail.Status.DISCARDED, actor, at, note
        item.save()
        QuarantineAction.objects.create(mail=item, kind=QuarantineAction.Kind.DISCARDED, actor=actor, at=at, note=note)
    return item
