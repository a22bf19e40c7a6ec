"""Sending what the outbox holds, in batches until it is empty or the run's time budget
is spent. Each batch is claimed under row locks that skip what another sender holds
(pending → sending, committed before anything is sent), so two sweeps never send the
same message; a failure is recorded and retried at the next run, up to MAX_ATTEMPTS;
a batch whose sender died before recording its outcomes goes again (release_stale).

Every message says it was sent automatically (RFC 3834 Auto-Submitted: auto-replied
for the acknowledgment of a complaint, auto-generated for the rest) and asks Exchange
for no automatic answer (X-Auto-Response-Suppress), so a well-behaved mail system
never answers it. For one that does not behave, acknowledgments to one address are
rate limited (REDRESS_ACK_LIMIT per REDRESS_ACK_PERIOD_HOURS): a mail loop that slips
past mail-in's recognition of auto-replies stops there, and each acknowledgment held
back stays in the outbox as held_back, with why.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q

from redress.complaints.models import Staff
from redress.complaints.timesource import now
from redress.notify import alert_texts, sms
from redress.notify.models import DeliveryAttempt, OutboxMessage
from redress.policy.loader import active_pack

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SENDER = "redress@localhost"
ACKNOWLEDGMENT = "acknowledgment"  # Communication.Kind.ACKNOWLEDGMENT
ALERT_KINDS = alert_texts.KINDS  # the messages alert_texts writes: services/alerts.py, remedy_reminders.py


def _alert_text(message: OutboxMessage):
    """A reminder or an escalation, written in its reader's language."""
    language = message.to_staff.language if message.to_staff_id else ""
    return alert_texts.write(message.kind, message.payload, language)


def _subject(message: OutboxMessage) -> str:
    if message.kind in ALERT_KINDS:
        return _alert_text(message).subject
    if message.kind == "early_warning":
        from redress.earlywarning.mail import subject

        return subject(message.payload["warning"])
    return f"[Redress] {message.payload.get('reference', '')} {message.kind}".strip()


def _body(message: OutboxMessage) -> str:
    if message.to_authority:
        return (f"A report to {message.to_authority} is owed for complaint {message.payload.get('reference', '')}"
                f" ({message.kind}). Make it, then record when, how and the receipt on the case page.")
    if message.kind in ALERT_KINDS:
        return _alert_text(message).body
    if message.kind == "early_warning":
        from redress.earlywarning.mail import body

        return body(message.payload["warning"])
    if message.kind == "customer_message":
        from redress.complaints.models import Communication

        if message.payload.get("body"):  # the text as sent, with a secret the case keeps masked
            return message.payload["body"]

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


def is_acknowledgment(message: OutboxMessage) -> bool:
    """The acknowledgment of a complaint (the text telling the customer its reference)."""
    if message.kind != "customer_message":
        return False
    about = message.payload.get("about")
    if about is None:  # written before the outbox said what a message to the customer is about
        from redress.complaints.models import Communication

        about = Communication.objects.filter(pk=message.payload.get("communication")).values_list(
            "kind", flat=True).first()
    return about == ACKNOWLEDGMENT


def held_back_because(message: OutboxMessage) -> str:
    """Why this acknowledgment is not sent ("" when it may be): as many were sent to the
    same address within the period as the limit allows."""
    if not message.to_address or not is_acknowledgment(message):
        return ""
    limit, hours = settings.REDRESS_ACK_LIMIT, settings.REDRESS_ACK_PERIOD_HOURS
    since = now() - timedelta(hours=hours)
    # Written and sent within the period: created_at narrows the search by the (status,
    # created_at) index before the address is compared, however large the outbox grows.
    sent = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, created_at__gte=since, sent_at__gte=since,
        to_address__iexact=message.to_address, kind="customer_message", payload__about=ACKNOWLEDGMENT).count()
    if sent < limit:
        return ""
    return f"rate limit: {sent} acknowledgments to this address within {hours} h (REDRESS_ACK_LIMIT {limit})"


def send_one(message: OutboxMessage) -> tuple[str, str]:
    """Deliver one message; (channel, the provider's reference or why nothing was sent).
    Raises whatever the mail server or the SMS gateway raised."""
    if message.to_authority:
        log.info("reminder of a report owed to %s: %s", message.to_authority, message.kind)
    if sms.is_phone(message.to_address):
        gateway = sms.gateway()
        if gateway is None:
            # No SMS gateway configured: the case keeps the message (the customer sees
            # it in the portal); the row counts as delivered, and the attempt says why.
            return DeliveryAttempt.Channel.NONE, "no SMS gateway configured (REDRESS_SMS_GATEWAY)"
        return DeliveryAttempt.Channel.SMS, gateway.send(message.to_address, _body(message))
    recipients = _recipients(message)
    if not recipients:  # a role nobody holds an email for: the in-app inbox only
        return DeliveryAttempt.Channel.NONE, "no email address for the addressee"
    headers = {"Auto-Submitted": "auto-replied" if is_acknowledgment(message) else "auto-generated",
               "X-Auto-Response-Suppress": "All"}
    EmailMessage(_subject(message), _body(message), SENDER, recipients, headers=headers).send()
    return DeliveryAttempt.Channel.EMAIL, f"{len(recipients)} recipient(s)"


def _attempted(message: OutboxMessage, started: float, channel: str, outcome: str, detail: str) -> None:
    DeliveryAttempt.objects.create(message=message, at=now(), channel=channel, outcome=outcome, detail=detail[:300],
                                   elapsed_ms=int((time.monotonic() - started) * 1000))


def _channel_of(message: OutboxMessage) -> str:
    return DeliveryAttempt.Channel.SMS if sms.is_phone(message.to_address) else DeliveryAttempt.Channel.EMAIL


BATCH = 200  # messages claimed at a time


def _claim(after: int, batch: int) -> list[OutboxMessage]:
    """Claim the next pending messages (ids above `after`) for this sender: on
    PostgreSQL `SELECT … FOR UPDATE SKIP LOCKED`, so a second sender claiming at the
    same moment takes other rows instead of waiting; then pending → sending with the
    attempt counted, in the same transaction, so once committed no other sender sees
    them pending. SQLite has no row locks (its writers take turns); the compare-and-set
    on the status keeps a row from being claimed twice there too."""
    with transaction.atomic():
        ids = list(OutboxMessage.objects.select_for_update(skip_locked=True)
                   .filter(status=OutboxMessage.Status.PENDING, id__gt=after).order_by("id")
                   .values_list("id", flat=True)[:batch])
        if not ids:
            return []
        mine = list(OutboxMessage.objects.filter(id__in=ids, status=OutboxMessage.Status.PENDING)
                    .values_list("id", flat=True))
        OutboxMessage.objects.filter(id__in=mine, status=OutboxMessage.Status.PENDING).update(
            status=OutboxMessage.Status.SENDING, attempts=F("attempts") + 1, claimed_at=now())
        claimed = list(OutboxMessage.objects.filter(id__in=mine).select_related("to_staff").order_by("id"))
    if len(claimed) < len(ids):
        log.info("outbox: %d of %d messages claimed by another sender first", len(ids) - len(claimed), len(ids))
    return claimed or _claim(ids[-1], batch)


STALE_AFTER = timedelta(minutes=15)  # far past any run's budget: its sender is gone


def release_stale() -> int:
    """Put back to pending the messages a sender claimed and never finished: it was
    killed mid-batch, and the batch's outcomes, written in one transaction, went with
    it. Whether each was sent is unknown; a customer's or a colleague's message sent
    twice does less harm than one never sent, so they go again (at least once), and the
    row says why. Returns how many."""
    cutoff = now() - STALE_AFTER
    released = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).filter(
        Q(claimed_at__lt=cutoff) | Q(claimed_at__isnull=True)).update(
        status=OutboxMessage.Status.PENDING,
        last_error="its sender stopped before recording the outcome; sent again (it may arrive twice)")
    if released:
        log.warning("outbox: %d messages claimed by a sender that stopped mid-batch go again", released)
    return released


def dispatch_outbox(*, batch: int = BATCH, budget: float | None = None) -> tuple[int, int]:
    """Send what the outbox holds, `batch` messages claimed at a time, until it is empty
    or `budget` seconds have gone (REDRESS_OUTBOX_BUDGET_SECONDS: the sweep runs every
    minute, so a backlog of a morning's 30,000 alerts drains over a few runs, each ending
    in time for the next). Each message is tried once a run: one that fails goes back to
    pending for the next run (up to MAX_ATTEMPTS), not to the end of this one. Returns
    (sent, failed)."""
    budget = settings.REDRESS_OUTBOX_BUDGET_SECONDS if budget is None else budget
    started = time.monotonic()
    sent = failed = 0
    last = 0
    release_stale()
    while time.monotonic() - started < budget:
        messages = _claim(last, batch)
        if not messages:
            break
        last = messages[-1].pk
        # The batch's outcomes in one transaction (one commit, not two a message). The
        # rows are this sender's (claimed and committed above), so it holds no lock
        # another needs; were the process to die here, they stay `sending` until
        # release_stale puts them back (at least once, never lost).
        with transaction.atomic():
            for message in messages:
                s, f = _deliver(message)
                sent, failed = sent + s, failed + f
    return sent, failed


def _deliver(message: OutboxMessage) -> tuple[int, int]:
    """Send one claimed message and record the attempt: (1, 0) sent, (0, 1) failed,
    (0, 0) held back."""
    pk = message.pk
    reason = held_back_because(message)
    if reason:
        OutboxMessage.objects.filter(pk=pk).update(status=OutboxMessage.Status.HELD_BACK, last_error=reason)
        log.warning("acknowledgment %s held back: %s", pk, reason)
        return 0, 0
    started = time.monotonic()
    try:
        channel, detail = send_one(message)
    except Exception as exc:  # noqa: BLE001 — any delivery failure is recorded and retried
        retry = message.attempts < MAX_ATTEMPTS
        error = f"{type(exc).__name__}: {exc}"[:300]
        _attempted(message, started, _channel_of(message), DeliveryAttempt.Outcome.FAILED, error)
        OutboxMessage.objects.filter(pk=pk).update(
            status=OutboxMessage.Status.PENDING if retry else OutboxMessage.Status.FAILED, last_error=error)
        return 0, 1
    outcome = DeliveryAttempt.Outcome.NOT_SENT if channel == DeliveryAttempt.Channel.NONE else \
        DeliveryAttempt.Outcome.ACCEPTED
    _attempted(message, started, channel, outcome, detail)
    # The clear text (an access code) is not kept once it has gone.
    payload = {k: v for k, v in message.payload.items() if k != "body"}
    OutboxMessage.objects.filter(pk=pk).update(status=OutboxMessage.Status.SENT, sent_at=now(), payload=payload)
    return 1, 0
