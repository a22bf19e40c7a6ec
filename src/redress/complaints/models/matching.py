"""A customer record a new complaint may belong to, offered to a person to decide
(services/customers.py): never merged without one."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CustomerMatch(models.Model):
    """The complaint was taken down on a new record, and `candidate` (an older record)
    shares a contact with it (`shared`: "email", "phone") without the proof that would
    link it by itself: the contact is not verified on the candidate, or the names differ.
    An intake agent or the complaints office says whether it is the same person; the
    decision moves the complaint to the candidate or leaves it, and is in the ledger."""

    class Status(models.TextChoices):
        OPEN = "open", "待确认 Open"
        SAME = "same", "同一客户 Same customer"
        DIFFERENT = "different", "不同的人 Different person"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.CASCADE, related_name="customer_matches")
    candidate = models.ForeignKey("complaints.Customer", on_delete=models.CASCADE, related_name="offered_in")
    shared = models.JSONField(default=list)  # which contacts the two records share
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "candidate"], name="customer_match_once")]
        indexes = [models.Index(fields=["complaint", "status"])]

    def __str__(self) -> str:
        return f"{self.complaint_id} ~ customer {self.candidate_id} ({self.status})"
