"""The dashboard's figures per calendar day, kept as the services change complaints, so a
month of charts is a sum over a few hundred rows instead of an aggregation over every
complaint and clock of the month (with the viewer's scope checked on each: 0.8 s for a
branch handler at a million complaints).

A complaint counts once as received, on the institution's calendar day it was received,
each of its stopped clocks once, on the day it stopped (on time or not), and each clock
that ran past its due time once as late, on the day it did (`breached_at`), whether it
has stopped since or is still running; all under the complaint's
*current* responsible unit, intake unit and category: when a complaint is dispatched to
another unit or assessed into another category, its figures move with it.
"""

from __future__ import annotations

from django.db import models


class DayTally(models.Model):
    """A change to the figures of one day, unit pair and category. Rows are only ever
    added (+1, or -1 and +1 when a complaint moves), never updated, so no two intakes
    wait for each other on one counter row; a figure is the SUM of its rows."""

    day = models.DateField()  # the institution's calendar day (policy pack time zone)
    responsible_unit = models.ForeignKey("complaints.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", db_index=False)
    intake_unit = models.ForeignKey("complaints.OrgUnit", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", db_index=False)
    category = models.CharField(max_length=40, blank=True)
    received = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)  # clocks stopped that day
    on_time = models.IntegerField(default=0)  # of which not breached
    late = models.IntegerField(default=0)  # clocks that passed their due time that day

    class Meta:
        indexes = [
            models.Index(fields=["day"], name="tally_day"),
            models.Index(fields=["responsible_unit", "day"], name="tally_unit_day"),
            models.Index(fields=["intake_unit", "day"], name="tally_intake_unit_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.responsible_unit_id}/{self.intake_unit_id} {self.category}"
