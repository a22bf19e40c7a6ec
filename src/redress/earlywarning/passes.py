"""When the sweep runs the detectors: only when something happened to a complaint since
their last pass (not a clock falling due, nor a record of someone reading: UNMOVING), or
that pass is an hour old, or the policy changed.

Why nothing can be new otherwise: every change to a complaint — received, imported,
assessed (its category), dispatched (its unit), a party added (a product, an employee) —
is a step that appends a ledger event (docs/architecture.md, how a step writes). With
no event since the last pass, the complaints the detectors read are the ones they read
then, and time alone only takes complaints out of a window ending now: a spike's window
holds fewer and its baseline more, a crowd or a repeat complainant loses complaints. No
warning can start that the last pass did not raise (or keep quiet). The one thing time
does add is history: a series is judged only with four weeks of complaints before its
window (spikes.MIN_HISTORY), which a new installation reaches by the passing of days;
the hourly pass covers that, and a complaint whose event committed after a pass read the
newest id (its id taken earlier) waits at most that hour too.

The row is written after the detectors ran: a pass that failed is run again next time.
Two sweeps at once may both run them; writing a warning is safe twice (services._write).
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.db.models import Max

from redress.complaints.ledger import EventType
from redress.complaints.models import Event
from redress.complaints.timesource import now as current_time
from redress.complaints.timesource import within
from redress.earlywarning.models import DetectorPass, EarlyWarning
from redress.earlywarning.services import raise_warnings
from redress.policy.loader import active_pack
from redress.policy.schema import EarlyWarningPolicy

EVERY = timedelta(hours=1)  # the longest the detectors wait when nothing happened
ROW = 1

# Events that change nothing the detectors read (a complaint's kind, receipt, customer,
# subject and cause, category, unit, branch and parties): the sweep's own records about
# clocks, remedies and reports falling due, and the reads that are logged. Without this a
# sweep that marked one clock late, or a page that showed a phone number, brought a whole
# pass (4-5 s at a million complaints) at the next minute. A type missing here costs only
# a pass; a type wrongly here would delay a warning up to EVERY, so only these.
UNMOVING = frozenset({
    EventType.CLOCK_BREACHED, EventType.REMINDER_SENT, EventType.CLOCK_ESCALATED, EventType.CLOCKS_RECOMPUTED,
    EventType.REMEDY_LATE, EventType.REMEDY_REMINDED, EventType.REMEDY_ESCALATED, EventType.AUTHORITY_REPORT_OVERDUE,
    EventType.AUTHORITY_REPORT_ESCALATED, EventType.PERSONAL_DATA_VIEWED, EventType.EVIDENCE_DOWNLOADED,
})


def digest(policy: EarlyWarningPolicy) -> str:
    return hashlib.sha256(policy.model_dump_json().encode()).hexdigest()


def needed(last: DetectorPass | None, *, at: datetime, newest_event: int, policy_digest: str) -> bool:
    """Whether the detectors could find anything the last pass did not."""
    if last is None or last.policy_digest != policy_digest or newest_event > last.last_event_id:
        return True
    return not within(last.ran_at, at, EVERY)


def raise_warnings_if_needed(*, at: datetime | None = None) -> list[EarlyWarning] | None:
    """The sweep's early warnings: raise_warnings when needed(), else None (not run)."""
    at = at or current_time()
    policy = active_pack().early_warning
    policy_digest = digest(policy)
    # Read before the detectors: an event written while they run brings the next pass.
    newest_event = Event.objects.exclude(type__in=UNMOVING).aggregate(newest=Max("pk"))["newest"] or 0
    if not needed(DetectorPass.objects.filter(pk=ROW).first(), at=at, newest_event=newest_event,
                  policy_digest=policy_digest):
        return None
    warned = raise_warnings(at=at, policy=policy)
    DetectorPass.objects.update_or_create(
        pk=ROW, defaults={"ran_at": at, "last_event_id": newest_event, "policy_digest": policy_digest})
    return warned
