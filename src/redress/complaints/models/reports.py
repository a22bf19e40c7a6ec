"""Reports owed to outside authorities (001 第三条, 第十六条(三), 第十八条, 第二十一条).

A report to the police or a regulator, or the reply a 12386 referral expects, is a
duty with a deadline from the policy pack, not an email: it stays open until a named
person records when and how it was made and the authority's receipt or reference
number. The sweep marks it overdue and escalates it; nothing but that record closes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

STAFF = settings.AUTH_USER_MODEL


class AuthorityReport(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report"  # we tell the authority (a trigger or a category's special step)
        REPLY = "reply"  # we answer the authority that referred the complaint (12386)

    class Status(models.TextChoices):
        OPEN = "open"
        DONE = "done"

    class How(models.TextChoices):
        IN_PERSON = "in_person"  # 现场报案 / 当面递交
        PHONE = "phone"
        WRITTEN = "written"  # letter or formal document
        ONLINE = "online"  # the authority's own system or portal
        EMAIL = "email"
        OTHER = "other"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="authority_reports")
    authority = models.CharField(max_length=40)  # an authority code of the pack
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.REPORT)
    # Why it is owed: [{"source": "trigger" | "category_step" | "referral", "code": ...}].
    # A second reason naming the same authority joins the open task instead of adding one.
    reasons = models.JSONField(default=list)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # Set once by the sweep (one ledger event each): past due, and escalated further.
    overdue_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalates_at = models.DateTimeField(null=True, blank=True)  # fixed when marked overdue
    # The record that closes it: when the report was made (as told), how, the receipt.
    reported_at = models.DateTimeField(null=True, blank=True)
    how = models.CharField(max_length=12, choices=How.choices, blank=True)
    receipt = models.CharField(max_length=100, blank=True)  # the authority's receipt / reference number
    no_receipt_reason = models.CharField(max_length=300, blank=True)  # why the authority gave none
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One open task per complaint, authority and kind: reasons accumulate on it.
            models.UniqueConstraint(fields=["complaint", "authority", "kind"], condition=Q(status="open"),
                                    name="authority_report_one_open"),
        ]
        indexes = [
            # The office's worklist and the sweep: open ones by due time.
            models.Index(fields=["status", "due_at"], name="authority_report_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.authority} for complaint {self.complaint_id} ({self.status})"

    def has_reason(self, source: str, code: str) -> bool:
        return any(r.get("source") == source and r.get("code") == code for r in self.reasons)
