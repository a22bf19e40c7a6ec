"""Running clocks. Each stores its due time, so "overdue" and "due within N" are
indexed range queries rather than a loop over cases (DESIGN rule 4)."""

from __future__ import annotations

from django.db import models


class ComplaintClock(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running"
        PAUSED = "paused"
        STOPPED = "stopped"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="clocks")
    code = models.CharField(max_length=40)
    unit = models.CharField(max_length=20)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    paused_at = models.DateTimeField(null=True, blank=True)
    pause_reason = models.CharField(max_length=200, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Set when stopped after the due time, or by the sweep when a running clock passes it.
    breached = models.BooleanField(default=False)
    extended = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "code"], name="one_clock_per_code")]
        indexes = [
            models.Index(fields=["status", "due_at"], name="clock_open_due"),
            # Clocks stopped in a period (the dashboard's on-time rate, reports), with
            # whether they were late, so the chart reads the index alone.
            models.Index(fields=["status", "stopped_at", "breached"], name="clock_stopped_at"),
            # The few running clocks already marked breached (the overdue worklist).
            models.Index(fields=["complaint"], name="clock_running_breached",
                         condition=models.Q(status="running", breached=True)),
            # Every complaint that was ever late (the register's "late" filter): a few
            # percent of the clocks, read whole and hashed instead of a scan of them all.
            models.Index(fields=["complaint"], name="clock_breached", condition=models.Q(breached=True)),
        ]

    def __str__(self) -> str:
        return f"{self.code} clock of complaint {self.complaint_id}"


class CalendarDay(models.Model):
    """A day the institution closes or works against the national calendar, set by an
    administrator (a typhoon closure, a branch's local holiday, an extra working
    Saturday). Adds to the policy pack's extra_closures / extra_working_days. Due times
    already stored are not moved: the change applies to clocks started afterwards."""

    date = models.DateField(unique=True)
    working = models.BooleanField(
        default=False, help_text="ticked: an extra working day; unticked: the institution is closed")
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'working' if self.working else 'closed'}: {self.reason}"
