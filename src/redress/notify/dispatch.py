"""Sending what the outbox holds. Each row is claimed with a compare-and-set update
(pending → sending) so two sweeps never send the same message; a failure is recorded
and retried up to MAX_ATTEMPTS."""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db.models import F

from redress.complaints.models import Staff
from redress.complaints.timesource import now
from redress.notify.models import OutboxMessage
from redress.policy.loader import active_pack

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SENDER = "redress@localhost"


def _subject(message: OutboxMessage) -> str:
    if message.kind == "early_warning":
        from redress.earlywarning.mail import subject

        return subject(message.payload["warning"])
    return f"[Redress] {message.payload.get('reference', '')} {message.kind}".strip()


def _body(message: OutboxMessage) -> str:
    if message.to_authority:
        return (f"A report to {message.to_authority} is owed for complaint {message.payload.get('reference', '')}"
                f" ({message.kind}). Make it, then record when, how and the receipt on the case page.")
    if message.kind == "early_warning":
        from redress.earlywarning.mail import body

        return body(message.payload["warning"])
    if message.kind == "customer_message":
        from redress.complaints.models import Communication

        return Communication.objects.get(pk=message.payload["communication"]).body
    details = ", ".join(f"{k}={v}" for k, v in sorted(message.payload.items()))
    return f"{message.kind}: {details}"


def _holders(roles) -> list[str]:
    return list(Staff.objects.filter(roles__role__in=[str(r) for r in roles], is_active=True).exclude(email="")
                .values_list("email", flat=True).distinct())


def _recipients(message: OutboxMessage) -> list[str]:
    if message.to_address:
        return [message.to_address] if "@" in message.to_address else []
    if message.to_staff_id:
        return [e for e in [message.to_staff.email] if e]
    if message.to_role:
        return _holders([message.to_role])
    if message.to_authority:
        # Written before reports became tasks (complaints.models.AuthorityReport): the
        # row never reaches the authority. It is a reminder to the people who make the
        # report; "sent" says they were told, and the task stays open until one of
        # them records the report on the case.
        return _holders(active_pack().authority_reports.recorder_roles)
    return []


def send_one(message: OutboxMessage) -> None:
    recipients = _recipients(message)
    if message.to_authority:
        log.info("reminder of a report owed to %s: %s", message.to_authority, message.kind)
    if recipients:
        send_mail(_subject(message), _body(message), SENDER, recipients)
    # A phone number with no SMS gateway configured, or a role nobody holds an email
    # for, is shown in the in-app inbox only; the row still counts as delivered.


def dispatch_outbox(limit: int = 200) -> tuple[int, int]:
    sent = failed = 0
    ids = list(OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).order_by("id")
               .values_list("id", flat=True)[:limit])
    for pk in ids:
        claimed = OutboxMessage.objects.filter(pk=pk, status=OutboxMessage.Status.PENDING).update(
            status=OutboxMessage.Status.SENDING, attempts=F("attempts") + 1)
        if claimed != 1:
            continue  # another worker got there first
        message = OutboxMessage.objects.get(pk=pk)
        try:
            send_one(message)
        except Exception as exc:  # noqa: BLE001 — any delivery failure is recorded and retried
            retry = message.attempts < MAX_ATTEMPTS
            OutboxMessage.objects.filter(pk=pk).update(
                status=OutboxMessage.Status.PENDING if retry else OutboxMessage.Status.FAILED,
                last_error=f"{type(exc).__name__}: {exc}"[:300])
            failed += 1
            continue
        OutboxMessage.objects.filter(pk=pk).update(status=OutboxMessage.Status.SENT, sent_at=now())
        sent += 1
    return sent, failed
