"""The statistics page's figures per month (and per day for its trend), kept as the
services change complaints, so a quarter's statistics and its two comparisons sum a
few thousand rows instead of counting the 600,000 complaint rows of the three quarters
(issue 11, Performance: ~1.5 s of database CPU at a million complaints, before).

A complaint (kind=complaint; inquiries count nowhere) is counted:
- `basis` "r" (received): in the month it was received (`span` "m", by unit, category,
  channel and severity: the page's breakdowns and heat map) and on the day (`span` "d",
  by unit and category: the trend);
- `basis` "c" (closed), once closed: in the month of closing with its working days to
  close (`days`: a histogram, so the median and the 90th percentile are exact), and on
  the day of closing;
- `basis` "p": once per product it names, in the month it was received.
All under the complaint's *current* unit, category, channel, severity, products, links,
callbacks and payments: what `complaints.period_tally.facts` reads from the rows.

Each complaint's rows are kept once for the institution (`viewer` empty) and once more for
every unit whose head sees it (`viewer`: selectors.scope.HEAD_LINKS, the links the lists'
and the statistics' conditions are made from too: the responsible unit, the branch, every
unit it was ever dispatched to, a work order returned or not), so a branch head's statistics are sums of the rows
of their unit as the institution's are of the rows without one.
Rows are only added (a step adds its complaint's figures after the step less those
before), never updated, so two intakes never wait on one counter row; the sweep merges
each key's rows (`period_tally.compact`).
"""

from __future__ import annotations

from django.db import models

REFERRALS = tuple(f"referred_{k}{s}" for k in ("mediation", "arbitration", "litigation")
                  for s in ("", "_decided", "_pending"))


class PeriodTally(models.Model):
    class Basis(models.TextChoices):
        RECEIVED = "r"
        CLOSED = "c"
        PRODUCT = "p"

    class Span(models.TextChoices):
        MONTH = "m"  # `day` is the month's first day
        DAY = "d"

    basis = models.CharField(max_length=1, choices=Basis.choices)
    span = models.CharField(max_length=1, choices=Span.choices)
    day = models.DateField()  # the institution's calendar day (policy pack time zone)
    responsible_unit = models.ForeignKey("complaints.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", db_index=False)
    category = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=40, blank=True)  # received, by month only
    severity = models.CharField(max_length=10, blank=True)  # received, by month only
    days = models.IntegerField(null=True, blank=True)  # closed, by month only: working days to close
    # None: the institution's rows; a unit: the rows of the complaints that unit's head sees.
    viewer = models.ForeignKey("complaints.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    product = models.CharField(max_length=200, blank=True)  # basis "p" only
    received = models.IntegerField(default=0)  # basis "p": complaints naming the product
    late = models.IntegerField(default=0)  # a clock marked breached (the rest of "late" is read live)
    extended = models.IntegerField(default=0)
    recomplaints = models.IntegerField(default=0)
    referred_mediation = models.IntegerField(default=0)
    referred_mediation_decided = models.IntegerField(default=0)
    referred_mediation_pending = models.IntegerField(default=0)
    referred_arbitration = models.IntegerField(default=0)
    referred_arbitration_decided = models.IntegerField(default=0)
    referred_arbitration_pending = models.IntegerField(default=0)
    referred_litigation = models.IntegerField(default=0)
    referred_litigation_decided = models.IntegerField(default=0)
    referred_litigation_pending = models.IntegerField(default=0)
    closed = models.IntegerField(default=0)
    compensated = models.IntegerField(default=0)
    compensation = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    callbacks_reached = models.IntegerField(default=0)
    callbacks_satisfied = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["viewer", "span", "basis", "day"], name="period_tally_viewer_day")]

    def __str__(self) -> str:
        return f"{self.basis}{self.span} {self.day} {self.responsible_unit_id} {self.category}"


class PeriodTallyState(models.Model):
    """One row once the tallies hold every complaint (a new database, or after
    `redress tallies --rebuild`): until then the statistics count the rows."""

    built_at = models.DateTimeField()
    # The viewers' rows (PeriodTally.viewer) are complete too: False on a database that
    # had tallies before they existed, until `redress tallies --rebuild`.
    viewers = models.BooleanField(default=True)
    # Where the sweep's compaction stands (period_tally.compact): every key had one row
    # after its last pass over the whole table (at `compacted_at`), and the rows up to id
    # `compacted_through` have been looked at since.
    compacted_at = models.DateTimeField(null=True, blank=True)
    compacted_through = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"period tallies complete since {self.built_at:%Y-%m-%d %H:%M}"
