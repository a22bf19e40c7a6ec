"""The periodic sweep: idempotent, safe to run from cron, a scheduler or several
workers at once. It recomputes open clocks when the calendar changed (a batch a run),
settles pauses (asks approvers, ends unapproved long pauses at their threshold, flags
cases paused too long: services/pausing.py), marks late clocks, overdue reports to
authorities (and escalates them; it never closes one) and late remedies, sends the
remedies' reminders (services/remedy_reminders.py) and the clocks' reminders and escalation steps (services/alerts.py), takes a ledger checkpoint,
raises early warnings (earlywarning/: spikes, mass complaints, repeat complainants; only
when something happened since their last pass, earlywarning/passes.py),
dispatches the outbox, merges the dashboard's day tallies and forgets expired API
idempotency keys."""

from __future__ import annotations

from redress.api import idempotency
from redress.complaints import ledger, ledger_key, period_tally, tally
from redress.complaints.services import (
    mark_breaches,
    mark_late_remedies,
    mark_overdue_reports,
    recompute_round,
    send_due_alerts,
    send_remedy_escalations,
    send_remedy_reminders,
    settle_pauses,
)
from redress.complaints.timesource import now
from redress.earlywarning.passes import raise_warnings_if_needed
from redress.notify.dispatch import dispatch_outbox


def sweep() -> str:
    moved, up_to_date = recompute_round()  # first: the late clocks are then judged on the new dates
    settled = settle_pauses()  # before the breaches: a pause ended at its threshold may have made a clock late
    breached = mark_breaches()
    alerted = send_due_alerts()  # after the breaches, before the outbox: its emails leave in this run
    overdue = mark_overdue_reports()
    late_remedies = mark_late_remedies()
    remedy_reminders = send_remedy_reminders()  # before the outbox: its emails leave in this run
    remedy_escalations = send_remedy_escalations()  # after the late mark: the office hears first
    try:
        checkpoint, no_key = ledger.take_checkpoint(now=now()), None
    except ledger_key.NoLedgerKey as missing:  # the rest still runs: notifications must go out
        checkpoint, no_key = None, missing
    # Before the outbox goes out, so the warnings leave in this run; not run when nothing
    # happened since the last pass (earlywarning/passes.py).
    warned = raise_warnings_if_needed()
    sent, failed = dispatch_outbox()
    merged = tally.compact()
    merged_periods = period_tally.compact()
    forgotten = idempotency.purge()
    cp = f"checkpoint {checkpoint.pk} ({checkpoint.entry_count} heads)" if checkpoint else "no new events"
    calendar = "" if up_to_date and not moved else \
        f"calendar changed: {moved} cases' due times moved{'' if up_to_date else ', more next run'}; "
    if no_key:
        cp = "NO CHECKPOINT"
    summary = (f"{calendar}{settled} paused cases settled; {breached} clocks newly late; {alerted} reminders and escalations sent; {overdue} reports to authorities newly overdue; {late_remedies} remedies newly late; {remedy_reminders} remedy reminders sent; {remedy_escalations} remedy escalations sent; {cp}; {warnings_text(warned)}; {sent} notifications sent, {failed} failed; "
               f"{merged} day-tally rows merged; {merged_periods} period-tally rows merged; {forgotten} idempotency keys forgotten")
    if no_key:
        # Everything else is done and committed; the missing key is still a failure cron reports.
        raise ledger_key.NoLedgerKey(f"{summary}. The ledger checkpoint was not taken: {no_key}")
    return summary


def warnings_text(warned) -> str:
    if warned is None:
        return "early warnings not run (nothing happened since their last pass)"
    return f"{len(warned)} early warnings raised"


def sweep_forever(*, every: int = 60, runs: int | None = None, sleep=None) -> int:
    """`redress sweep --loop`: the sweep every `every` seconds (start to start), for a
    deployment without cron. A run that fails is reported on stderr and the next one
    comes anyway: a database that was briefly away must not stop the reminders for
    good. A run longer than `every` is followed at once by the next. `runs` and
    `sleep`: for the tests. Ends on Ctrl-C or SIGTERM (exit 0)."""
    import signal
    import sys
    import time
    import traceback

    from django.db import close_old_connections, connection

    def stopped(*_):
        raise KeyboardInterrupt  # a run cut short rolls back its open batch; what was committed stays

    sleep = sleep or time.sleep
    if runs is None:
        signal.signal(signal.SIGTERM, stopped)
    done = 0
    try:
        while runs is None or done < runs:
            started = time.monotonic()
            if not connection.in_atomic_block:  # (a test's transaction is not to be closed)
                close_old_connections()  # a connection the database dropped between runs is opened again
            try:
                print(f"{now().isoformat(timespec='seconds')} {sweep()}", flush=True)
            except Exception:  # noqa: BLE001 — reported, and the loop goes on
                print(f"{now().isoformat(timespec='seconds')} redress sweep failed:", file=sys.stderr)
                traceback.print_exc()
            done += 1
            if runs is None or done < runs:
                sleep(max(0.0, every - (time.monotonic() - started)))
    except KeyboardInterrupt:
        pass
    return 0
