"""The transactional outbox: a notification is a row written in the same transaction
as the change that causes it, so it exists if and only if the change committed. The
sweep claims rows with a compare-and-set update, so two workers never send one twice."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending"
        SENDING = "sending"
        SENT = "sent"
        FAILED = "failed"
        HELD_BACK = "held_back"  # not sent: over the acknowledgment rate limit (last_error says so)

    complaint = models.ForeignKey("complaints.Complaint", null=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=40)  # e.g. trigger_raised, assignment_new, clock_breached
    # Exactly one addressee: a role (fanned out to its holders at send time), a member
    # of staff, or a customer address. Nothing here goes to an authority: a report owed
    # to one is a task (complaints.models.AuthorityReport). `to_authority` is only on
    # rows written before that; the dispatcher hands them to the office as reminders.
    to_role = models.CharField(max_length=30, blank=True)
    to_staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    to_authority = models.CharField(max_length=40, blank=True)
    to_address = models.CharField(max_length=200, blank=True)
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When a sender claimed it (pending → sending). A row still `sending` long after
    # that belongs to a sender that stopped mid-batch (dispatch.release_stale).
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        # Never the customer's address: this string is shown in the admin's titles and logs.
        to = self.to_role or self.to_authority or (f"staff {self.to_staff_id}" if self.to_staff_id else "the customer")
        return f"{self.kind} to {to} ({self.status})"


class InboxNotice(models.Model):
    """One notification in one person's in-app inbox (the navigation counts the unread).
    Written in the step that causes it, beside its outbox email, so the two agree."""

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notices")
    complaint = models.ForeignKey("complaints.Complaint", null=True, on_delete=models.PROTECT, related_name="+")
    alert = models.ForeignKey("complaints.ClockAlert", null=True, on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(max_length=40)  # reminder, escalation
    payload = models.JSONField(default=dict)  # the figures the message is written from at display time
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["staff", "created_at"], name="notice_staff"),
            models.Index(fields=["staff"], name="notice_unread", condition=models.Q(read_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.staff_id}"


class Delivery(models.TextChoices):
    """How a member of staff wants to hear of reminders and escalations."""

    BOTH = "both"
    EMAIL = "email"
    IN_APP = "in_app"


class NoticePreference(models.Model):
    staff = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preference")
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.BOTH)

    def __str__(self) -> str:
        return f"{self.staff_id}: {self.delivery}"


class DeliveryAttempt(models.Model):
    """One try at delivering one outbox message: by which channel, whether the mail
    server or the SMS gateway took it, and what it said (the provider's reference, or
    the error). A message retried five times has five rows; the outbox row keeps only
    the last error."""

    class Channel(models.TextChoices):
        EMAIL = "email"
        SMS = "sms"
        NONE = "none"  # nowhere to send it (no address, no SMS gateway): in-app only

    class Outcome(models.TextChoices):
        ACCEPTED = "accepted"
        FAILED = "failed"
        NOT_SENT = "not_sent"

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attempts_made")
    at = models.DateTimeField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.CharField(max_length=300, blank=True)  # the provider's reference or the error
    elapsed_ms = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["message", "at"], name="attempt_message")]

    def __str__(self) -> str:
        return f"{self.message_id} by {self.channel}: {self.outcome}"
