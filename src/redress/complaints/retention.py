"""How long a complaint's record is kept: `retention_years` of the policy pack, counted
from archiving (001 第二十四条: 投诉台帐保存时间不得少于三年; FINRA 4513: four years).

Redress has no purge: no page, command or API deletes a complaint, the admin shows them
read-only, and the ledger tables refuse DELETE at the database (ledger_guard), so a
complaint with events cannot be deleted at all. The rule is still made real here for any
path that might try (a shell, a future purge command, a model admin changed by mistake):
a pre_delete receiver refuses to delete a complaint that is not archived, or whose
retention has not ended, naming the date it is kept until.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models.signals import pre_delete
from django.utils.translation import gettext as _

from redress.complaints.errors import NotPermitted
from redress.complaints.models import Complaint
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.policy.schema import Pack


def kept_until(complaint: Complaint, pack: Pack | None = None) -> datetime | None:
    """The moment the record may go; None while it is not archived (kept for ever)."""
    if complaint.archived_at is None:
        return None
    pack = pack or active_pack()
    archived = complaint.archived_at.astimezone(ZoneInfo(pack.calendar.timezone))
    year = archived.year + pack.retention_years
    try:
        return archived.replace(year=year)
    except ValueError:  # archived on 29 February: kept until 1 March
        return archived.replace(year=year, month=3, day=1)


def ensure_may_delete(complaint: Complaint, *, now: datetime | None = None, pack: Pack | None = None) -> None:
    pack = pack or active_pack()
    until = kept_until(complaint, pack)
    if until is None:
        raise NotPermitted(_("%(reference)s is not archived; a complaint's record is kept for %(years)s years after "
                             "archiving and may not be deleted before (001 第二十四条)")
                           % {"reference": complaint.reference, "years": pack.retention_years})
    if (now or current_time()) < until:
        raise NotPermitted(_("%(reference)s must be kept until %(until)s, %(years)s years after archiving; it may "
                             "not be deleted before (001 第二十四条)")
                           % {"reference": complaint.reference, "until": format(until, "%Y-%m-%d"),
                              "years": pack.retention_years})


def _refuse_early_delete(sender, instance: Complaint, **kwargs) -> None:
    ensure_may_delete(instance)


def connect() -> None:
    # A receiver also makes QuerySet.delete() fetch the rows and ask for each one.
    pre_delete.connect(_refuse_early_delete, sender=Complaint, dispatch_uid="redress.complaints.retention")
