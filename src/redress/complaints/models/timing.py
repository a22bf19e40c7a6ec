"""Running clocks. Each stores its due time, so "overdue" and "due within N" are
indexed range queries rather than a loop over cases (DESIGN rule 4)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

STAFF = settings.AUTH_USER_MODEL


class ComplaintClock(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running"
        PAUSED = "paused"
        STOPPED = "stopped"
        # Its policy condition stopped holding (a re-assessment: services/timing.py). Not
        # counted as stopped on time or late; a lateness it had while it applied stays.
        VOID = "void", "not applicable"

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
    # When it passed its due time (the due time then): the day the dashboard counts it
    # as a limit missed. Kept as first set: a pause given back later moves `due_at`,
    # not the day it was late.
    breached_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField(default=False)
    # The policy's limit when the clock started (in `unit`), so a changed calendar can
    # recompute the due time from the start (services/recompute.py) even if the pack's
    # limit has changed since. Null on clocks started before it was kept: the pack's.
    limit_amount = models.PositiveIntegerField(null=True, blank=True)
    # When the next reminder or escalation step of this clock falls due (services/alerts.py),
    # null when none is left: the sweep finds them by the index on (status, alert_at). It is
    # a hint, never the record: the ClockAlert rows are; a hint found early is moved on.
    alert_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "code"], name="one_clock_per_code")]
        indexes = [
            models.Index(fields=["status", "alert_at"], name="clock_alert_due",
                         condition=models.Q(alert_at__isnull=False)),
            models.Index(fields=["status", "due_at"], name="clock_open_due"),
            # The running clocks not yet marked late, by due time: the sweep's range
            # (timing.mark_breaches), without stepping over the late ones already marked.
            models.Index(fields=["due_at"], name="clock_due_unmarked",
                         condition=models.Q(status="running", breached=False)),
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
    Saturday, next year's 调休 before chinesecalendar knows them). Adds to the policy
    pack's extra_closures / extra_working_days. Saving or deleting one in the admin
    recomputes the due time of every open clock (services/recompute.py): each case
    whose due time moves gets a ledger event saying why, and the date the customer was
    promised in the acknowledgment is never brought forward."""

    date = models.DateField(unique=True)
    working = models.BooleanField(
        default=False, help_text="ticked: an extra working day; unticked: the institution is closed. "
                                 "Open cases' due times are recomputed when you save.")
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {'working' if self.working else 'closed'}: {self.reason}"


class CalendarState(models.Model):
    """One row: which calendar the open clocks' due times were computed on, and a
    recompute in progress. The sweep compares `applied` with the calendar now in force
    (the official data chinesecalendar ships, the administrators' calendar days and the
    pack's calendar) and recomputes the open clocks in batches, `cursor` being the last
    complaint done, so a stopped sweep carries on where it was."""

    applied = models.CharField(max_length=200, blank=True)  # fingerprint the clocks are computed on
    official = models.JSONField(default=dict)  # chinesecalendar's version and years, as applied
    pending = models.CharField(max_length=200, blank=True)  # fingerprint being rolled out, if any
    cursor = models.BigIntegerField(default=0)
    # Why the calendar changed since `applied`: told to each case the recompute moves.
    reasons = models.JSONField(default=list)
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar {self.applied or '(not yet seen)'}{' → ' + self.pending if self.pending else ''}"


class ClockPause(models.Model):
    """One stretch of time the complaint's clocks stood still (services/pausing.py): why,
    who stopped them, how it ended, and whether it was approved, so paused time can be
    added up and shown, and a pause cannot quietly stand in for an extension."""

    class Approval(models.TextChoices):
        NONE = "", "not needed yet"
        ASKED = "asked", "asked"
        APPROVED = "approved", "approved"
        REFUSED = "refused", "refused"

    class End(models.TextChoices):
        STAFF = "staff", "resumed by staff"
        CUSTOMER = "customer", "the customer answered"
        LAPSED = "lapsed", "not approved in time"
        REFUSED = "refused", "approval refused"
        STOPPED = "stopped", "the clocks stopped (the case moved on)"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="pauses")
    reason = models.CharField(max_length=40)  # a code of the pack's pausing.reasons
    note = models.TextField(blank=True)
    # The recorded message asking the customer for something (reasons that need one).
    message = models.ForeignKey("complaints.Communication", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    clocks = models.JSONField(default=list)  # codes of the clocks it stopped
    paused_by = models.ForeignKey(STAFF, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    # The sweep asks the approvers from ask_at; unapproved, the pause ends at approval_due_at.
    ask_at = models.DateTimeField()
    approval_due_at = models.DateTimeField()
    approval = models.CharField(max_length=10, choices=Approval.choices, default=Approval.NONE, blank=True)
    decided_by = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(STAFF, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    end = models.CharField(max_length=10, choices=End.choices, blank=True)
    # Paused time once ended, in `unit` (the pack's pausing.max_total unit at the time).
    amount = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=20)
    # Set on the pause during which the case's paused time passed pausing.max_total.
    over_limit = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # The sweep's few running pauses, by when to ask and when they lapse.
            models.Index(fields=["approval_due_at"], name="pause_running_due", condition=models.Q(ended_at=None)),
            models.Index(fields=["ask_at"], name="pause_running_ask", condition=models.Q(ended_at=None)),
            # The worklists' "paused too long" filter.
            models.Index(fields=["complaint"], name="pause_over_limit", condition=models.Q(over_limit=True)),
        ]

    def __str__(self) -> str:
        return f"pause {self.pk} of complaint {self.complaint_id} ({self.reason})"


class ClockAlert(models.Model):
    """A reminder before a clock's due time or a step of its escalation ladder after it,
    recorded once (services/alerts.py). The unique (clock, kind, step) row is the claim:
    two sweeps cannot both send one. `skipped`: a reminder overtaken by a later one or by
    the due time before it was sent (the sweep was not running), recorded but not sent."""

    class Kind(models.TextChoices):
        REMINDER = "reminder"
        ESCALATION = "escalation"

    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="alerts")
    clock = models.ForeignKey(ComplaintClock, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    step = models.PositiveSmallIntegerField()  # its index in the pack's reminders or ladder
    due_at = models.DateTimeField()  # when it fell due
    sent_at = models.DateTimeField()
    skipped = models.BooleanField(default=False)
    recipients = models.JSONField(default=list)  # what the pack named: holder, unit_head, roles
    staff = models.JSONField(default=list)  # the people told (ids)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    ack_plan = models.TextField(blank=True)  # what will happen
    ack_by = models.DateField(null=True, blank=True)  # by when

    class Meta:
        constraints = [models.UniqueConstraint(fields=["clock", "kind", "step"], name="clock_alert_once")]
        indexes = [models.Index(fields=["complaint", "sent_at"], name="clock_alert_case")]

    def __str__(self) -> str:
        return f"{self.kind} {self.step} of {self.clock_id}"
