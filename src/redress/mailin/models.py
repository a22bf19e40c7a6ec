"""Every message `redress mail-in` has handled, keyed by its Message-ID, so the same
message piped twice (an MTA retry, a duplicate delivery) is handled once; and the
quarantine of messages it could not take."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class InboundMail(models.Model):
    class Outcome(models.TextChoices):
        OPENED = "opened", "新投诉 New complaint"
        ATTACHED = "attached", "追加到投诉 Added to complaint"
        LINKED = "linked", "新投诉并关联 New complaint, linked"
        IGNORED = "ignored", "自动回复,未处理 Auto-reply, ignored"

    # sha256 of the Message-ID (or of the raw message when it has none): Message-IDs
    # may be longer than an index allows.
    key = models.CharField(max_length=64, unique=True)
    message_id = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField()
    size = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    # The complaint the subject referred to, when the message could not be added to it.
    referenced = models.ForeignKey("complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.CharField(max_length=200, blank=True)  # why it was linked or ignored (no personal data)
    evidence_count = models.PositiveSmallIntegerField(default=0)
    refused_attachments = models.JSONField(default=list, blank=True)  # [{name, content_type, size, reason}]
    # NUL characters removed from the text (PostgreSQL cannot store them; they carry no meaning).
    nul_stripped = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.message_id or self.key[:12]} ({self.outcome})"


class QuarantinedMail(models.Model):
    """A message `redress mail-in` could not take for a reason a retry would not fix (a
    data error, a bug): kept byte for byte instead of being retried for ever by the mail
    server or bounced, so the complaints office can read it and, once the cause is fixed,
    release it into intake — or discard it, saying why. Every decision is recorded in
    QuarantineAction. Delivery reports and auto-replies are kept here too, set aside
    (status ignored): nothing to decide, but nothing a person wrote is out of sight."""

    class Status(models.TextChoices):
        HELD = "held", _("Held")
        RELEASED = "released", _("Released")
        DISCARDED = "discarded", _("Discarded")
        # A delivery report or an auto-reply, recorded and ignored: nothing to decide,
        # but the office can read it and release one a person wrote.
        IGNORED = "ignored", _("Set aside as automatic")

    key = models.CharField(max_length=64, db_index=True)  # as InboundMail.key: the same message is held once
    message_id = models.CharField(max_length=255, blank=True)
    # From and Subject as decoded at the time, for the list (the message may not parse).
    sender = models.CharField(max_length=255, blank=True)
    subject = models.CharField(max_length=255, blank=True)
    raw = models.BinaryField()  # the message exactly as the mail server handed it over
    size = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    # What went wrong: the exception's type and first line (for the office and the
    # developers), never shown outside the workbench.
    reason = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.HELD)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    complaint = models.ForeignKey("complaints.Complaint", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")  # the complaint a release opened or added to

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "received_at"], name="mailin_quarantine_status")]

    def __str__(self) -> str:
        return f"{self.message_id or self.key[:12]} ({self.status})"


class QuarantineAction(models.Model):
    """The quarantine's record, appended to and never changed: a message held, a release
    that worked or failed, a discard — who, when and why. (Quarantined mail has no
    complaint whose ledger could carry these, until a release opens one.)"""

    class Kind(models.TextChoices):
        HELD = "held", _("Held")
        RELEASE_FAILED = "release_failed", _("Release failed")
        RELEASED = "released", _("Released")
        DISCARDED = "discarded", _("Discarded")
        IGNORED = "ignored", _("Set aside as automatic")

    mail = models.ForeignKey(QuarantinedMail, on_delete=models.PROTECT, related_name="actions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField()
    note = models.TextField(blank=True)  # the office's note, or what went wrong
    reference = models.CharField(max_length=30, blank=True)  # the complaint a release reached

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d %H:%M}"
