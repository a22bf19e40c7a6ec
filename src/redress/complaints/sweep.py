"""The periodic sweep: idempotent, safe to run from cron, a scheduler or several
workers at once. It settles pauses (asks approvers, ends unapproved long pauses at their
threshold, flags cases paused too long: services/pausing.py), marks late clocks, takes a ledger checkpoint, dispatches the
outbox, merges the dashboard's day tallies and forgets expired API idempotency keys."""

from __future__ import annotations

from redress.api import idempotency
from redress.complaints import ledger, tally
from redress.complaints.services import mark_breaches, settle_pauses
from redress.complaints.timesource import now
from redress.notify.dispatch import dispatch_outbox


def sweep() -> str:
    settled = settle_pauses()  # first: a pause ended at its threshold may have made a clock late
    breached = mark_breaches()
    checkpoint = ledger.take_checkpoint(now=now())
    sent, failed = dispatch_outbox()
    merged = tally.compact()
    forgotten = idempotency.purge()
    cp = f"checkpoint {checkpoint.pk} ({checkpoint.entry_count} heads)" if checkpoint else "no new events"
    return (f"{settled} paused cases settled; {breached} clocks newly late; {cp}; {sent} notifications sent, {failed} failed; "
            f"{merged} day-tally rows merged; {forgotten} idempotency keys forgotten")
