"""Every message `redress mail-in` has handled, keyed by its Message-ID, so the same
message piped twice (an MTA retry, a duplicate delivery) is handled once."""

from __future__ import annotations

from django.db import models


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

    def __str__(self) -> str:
        return f"{self.message_id or self.key[:12]} ({self.outcome})"
