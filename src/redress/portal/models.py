"""What the portal keeps of its own: the complainant's access code, the customer's
rating of the outcome, which question a reply answers, and the rate-limit counters.

Rows here are written only by `redress.portal.services` (ratings, replies, access
codes, in the same transaction as the complaint service they go with) and by
`redress.portal.throttle` (counters).
"""

from __future__ import annotations

from django.db import models


class PortalAccess(models.Model):
    """The private access code given once to the complainant when the complaint was
    registered (any channel), stored as a hash; for a complaint made on the portal, the
    consent they gave there to the handling of their data."""

    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.PROTECT, related_name="portal_access")
    code_hash = models.CharField(max_length=64)
    consent_at = models.DateTimeField(null=True, blank=True,
                                      help_text="when the complainant consented on the portal (empty: another channel)")
    consent_text = models.CharField(max_length=40, blank=True, help_text="which consent wording they agreed to")
    time_zone = models.CharField(max_length=64, blank=True, help_text="the browser's time zone at submission")
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"portal access to complaint {self.complaint_id}"


class OutcomeRating(models.Model):
    """The complainant's own rating of a result told to them (002 §二(四): their opinion
    is asked). One rating per result message; the callback (001 第二十三条) is separate."""

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="portal_ratings")
    result_message = models.OneToOneField("complaints.Communication", on_delete=models.PROTECT, related_name="+")
    satisfied = models.BooleanField()
    comment = models.TextField(blank=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{'satisfied' if self.satisfied else 'not satisfied'} with complaint {self.complaint_id}"


class PortalReply(models.Model):
    """A customer message sent from the portal as the answer to a question we asked."""

    message = models.OneToOneField("complaints.Communication", on_delete=models.PROTECT, related_name="+")
    in_reply_to = models.ForeignKey("complaints.Communication", on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"message {self.message_id} answers {self.in_reply_to_id}"


class RateCounter(models.Model):
    """Requests counted per (action, client address, time window). In the database so
    every web process and machine counts together; Django's default cache is per
    process and would multiply the limit by the number of workers."""

    key = models.CharField(max_length=80, help_text="action and a keyed hash of the client address")
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="rate_counter_once")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.count}"
