"""The customer lookup's log (issue 14): who looked for a customer at intake, when, by
what kind of key, and how many records it found, for the complaints office and
compliance to review (web: /intake/lookups/). The key itself is not kept: a keyed hash
of it (selectors/lookup_keys.py says why), so the log holds no personal data and still
answers "who looked up this number?" when the number is typed into the review page."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CustomerLookup(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", "整个电话号码 Whole phone number"
        ACCOUNT = "account", "整个客户号 Whole account number"
        NAME_DIGITS = "name_digits", "姓名加尾号 Name and last four digits"
        TOO_LITTLE = "too_little", "不足以识别 Too little to identify"

    class Outcome(models.TextChoices):
        ANSWERED = "answered", "已查询 Answered"
        REFUSED = "refused", "输入不足 Refused: too little typed"
        THROTTLED = "throttled", "超过次数 Refused: over the limit"

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    via = models.CharField(max_length=10, default="web")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    key_hash = models.CharField(max_length=64)  # HMAC-SHA256 of the normalised key, hex
    matches = models.PositiveIntegerField(default=0)  # records found (up to the lookup's count cap)

    class Meta:
        indexes = [
            models.Index(fields=["staff", "at"], name="customer_lookup_staff_at"),  # the rate limit's count
            models.Index(fields=["key_hash", "at"], name="customer_lookup_key_at"),  # who looked up this key?
            models.Index(fields=["at"], name="customer_lookup_at"),  # the review page, newest first
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} {self.kind} {self.outcome} at {self.at:%Y-%m-%d %H:%M}"
