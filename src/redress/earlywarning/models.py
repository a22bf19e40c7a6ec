"""A warning the sweep raised, and the acknowledgments made of it.

A warning stores its figures (counts, the expected count, the window, the complaints
behind it), never a sentence: the sentence is written at display time in the reader's
language (sentences.py). Warnings are about many complaints, so they are not events
of one complaint's ledger chain; acknowledgments get an append-only table of their
own, as the register's exports do (reports.ExportRecord)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class EarlyWarning(models.Model):
    class Kind(models.TextChoices):
        SPIKE = "spike", _("Unusually many complaints")
        MASS = "mass", _("Mass complaint")
        REPEAT = "repeat", _("Repeat complainant")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    class Matter(models.TextChoices):
        """What a mass complaint's complaints have in common."""

        PRODUCT = "product", _("the same product")
        PARTY = "party", _("the same party")
        TEXT = "text", _("very similar words")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The series or matter, e.g. "spike|unit=12|category=counter|7": one open warning a key
    # (services.raise_warnings does not raise it again while it is open or quiet).
    key = models.CharField(max_length=300)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.OPEN)
    raised_at = models.DateTimeField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    window_days = models.PositiveSmallIntegerField()
    # The series (spike) or the matter (mass complaint); empty when not about one.
    unit = models.ForeignKey("complaints.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=40, blank=True)
    product = models.CharField(max_length=200, blank=True)
    matter = models.CharField(max_length=10, choices=Matter.choices, blank=True)
    party_staff = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    excerpt = models.CharField(max_length=200, blank=True)  # the shared subject of a mass complaint in words
    customer = models.ForeignKey("complaints.Customer", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")  # a repeat complainant
    # The figures: complaints (and distinct customers) in the window; for a spike the
    # baseline's count, its length in days, the count it leads to expect in the window,
    # and the chance of at least `count` under that expectation. A spike with no unit,
    # category or product is of all complaints.
    count = models.PositiveIntegerField()
    customers = models.PositiveIntegerField(default=0)
    baseline_count = models.PositiveIntegerField(default=0)
    baseline_days = models.PositiveSmallIntegerField(default=0)
    expected = models.FloatField(default=0)
    # How much faster all other complaints came in the window than in the baseline, when
    # the expectation allowed for it (1: not raised).
    overall_change = models.FloatField(default=1.0)
    p_value = models.FloatField(null=True, blank=True)
    complaint_ids = models.JSONField(default=list)  # the complaints behind it, oldest first
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["status", "raised_at"], name="warning_status_raised"),
            models.Index(fields=["key", "raised_at"], name="warning_key_raised"),
        ]
        # One open warning a series or matter, even when two sweeps run at once.
        constraints = [models.UniqueConstraint(fields=["key"], condition=models.Q(status="open"),
                                               name="warning_open_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} ({self.status})"

    @property
    def per_week(self) -> float:
        """The baseline's complaints a week."""
        return self.baseline_count * 7 / self.baseline_days if self.baseline_days else 0.0


class Acknowledgment(models.Model):
    """Who acknowledged a warning, when, as which role, and what they noted. Appended,
    never changed (admin is read-only; nothing in the code updates or deletes one)."""

    warning = models.ForeignKey(EarlyWarning, on_delete=models.PROTECT, related_name="acknowledgments")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30)
    at = models.DateTimeField()
    note = models.TextField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"warning {self.warning_id} acknowledged {self.at:%Y-%m-%d %H:%M}"


class DetectorPass(models.Model):
    """The sweep's last run of the detectors (one row, passes.py): the newest ledger
    event it had seen, and the policy it ran under. The sweep runs every minute; the
    detectors read every complaint of the last days (4–5 s at a million complaints)."""

    ran_at = models.DateTimeField()
    last_event_id = models.BigIntegerField()
    policy_digest = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"detectors ran {self.ran_at:%Y-%m-%d %H:%M} (events up to {self.last_event_id})"
