"""The sweep at scale (issue 15 item 6): PostgreSQL, many complaints of which some open.

1. Seeds `--complaints` complaints with benchmarks/web_pages_seed.py (the workbench
   pages' data: states by age, running clocks, hash-chained ledger events), with more of
   the older ones still open (`--open-share` of those received 60–200 days ago) so the
   open cases are about a fifth of the whole; each running clock's `alert_at` set as the
   services would have left it (its next point, or none once the ladder is done). Then
   one untimed sweep marks what the seed left late and unmarked.
2. Nothing due: `redress sweep` as cron runs it (`sweep()`), `--runs` times.
3. Due: `--late` running clocks of open cases are made newly late (due a minute ago,
   not marked) and `--reminders` other running resolution clocks get a reminder due
   (due three working days on: the 5-working-day reminder has passed, the 1-day one
   not), as if the sweep had not run for a while; then `mark_breaches` and
   `send_due_alerts` are timed, and the records counted: every late clock one
   CLOCK_BREACHED event and one outbox message, every reminder one REMINDER_SENT event
   and one `ClockAlert`. The late clocks also get their first escalation step (the
   holder, at the breach) and their two reminders recorded as skipped (overtaken).

Figures: wall time, this process's CPU and the PostgreSQL backend's CPU (read from
/proc; the machine is shared, so CPU is the figure the load does not inflate), and
the load average.

    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench_sweep \\
        .venv/bin/python benchmarks/sweep.py --complaints 200000 [--reuse]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from seeding import bench_database, load_average, reuse_or_wipe, shown_url


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--complaints", type=int, default=200_000)
    p.add_argument("--open-share", type=float, default=0.95,
                   help="share of the complaints received 60-200 days ago still open (seed only)")
    p.add_argument("--late", type=int, default=10_000, help="clocks made newly late")
    p.add_argument("--reminders", type=int, default=20_000, help="clocks given a reminder due")
    p.add_argument("--runs", type=int, default=5, help="sweeps with nothing due")
    p.add_argument("--batch", type=int, default=5000, help="complaints per COPY while seeding")
    p.add_argument("--nothing-due-only", action="store_true", help="measure the sweep with nothing due, and stop")
    p.add_argument("--reuse", action="store_true", help="keep a database already seeded with --complaints")
    p.add_argument("--force-reset", action="store_true")
    p.add_argument("--profile", action="store_true",
                   help="the due part's statements by kind (count, wall time) and the tables' updates, HOT or not")
    p.add_argument("--drain-seconds", type=float, default=60,
                   help="time budget for sending the outbox the due part queued (0: not timed)")
    return p.parse_args(argv)


def cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Meter:
    """Wall, process CPU and database backend CPU of what runs inside it."""

    def __enter__(self):
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT pg_backend_pid()")
            self.pid = cur.fetchone()[0]
        self.t, self.cpu, self.db = time.perf_counter(), time.process_time(), cpu_of(self.pid)
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t
        self.py = time.process_time() - self.cpu
        self.db_cpu = cpu_of(self.pid) - self.db

    def __str__(self):
        return f"wall {self.wall:7.2f} s, CPU {self.py:6.2f} s + database {self.db_cpu:6.2f} s (load {load_average()})"


class Statements:
    """Every statement the due part runs, grouped by kind (its verb and table; a COPY by
    its table), with the count and the wall time each kind took (the database's work
    plus the round trip: the database's CPU is most of it on a local socket)."""

    def __init__(self):
        self.by_kind: dict[str, list[float]] = {}

    @staticmethod
    def kind(sql: str) -> str:
        import re

        words = sql.lstrip().split(None, 1)
        verb = words[0].upper() if words else "?"
        table = re.search(r'(?:FROM|INTO|UPDATE|COPY)\s+"?([a-z_]+)"?', sql, re.I)
        if verb == "SELECT" and " FOR UPDATE" in sql:
            verb = "SELECT FOR UPDATE"
        return f"{verb} {table.group(1) if table else ''}".strip()

    def __call__(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.by_kind.setdefault(self.kind(sql), []).append(time.perf_counter() - t)

    def report(self) -> str:
        rows = sorted(self.by_kind.items(), key=lambda kv: -sum(kv[1]))
        total = sum(sum(v) for v in self.by_kind.values())
        lines = [f"  statements: {sum(len(v) for v in self.by_kind.values()):,}, wall {total:.1f} s"]
        for kind, times in rows[:15]:
            lines.append(f"    {sum(times):7.2f} s {len(times):7,} x  {kind}")
        return "\n".join(lines)


TABLES = ("complaints_complaint", "complaints_complaintclock", "complaints_event", "notify_outboxmessage",
          "complaints_clockalert", "notify_inboxnotice")


def table_counters() -> dict[str, tuple[int, int, int]]:
    """(updates, of which HOT, inserts) per table, as the statistics have them now."""
    from django.db import connection

    time.sleep(1.5)  # PostgreSQL 15 flushes a backend's table counters within a second
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute("SELECT relname, n_tup_upd, n_tup_hot_upd, n_tup_ins FROM pg_stat_user_tables "
                    "WHERE relname = ANY(%s)", [list(TABLES)])
        return {r[0]: r[1:] for r in cur.fetchall()}


def counters_report(before, after) -> str:
    lines = []
    for t in TABLES:
        if t in before and t in after:
            upd, hot, ins = (a - b for a, b in zip(after[t], before[t], strict=True))
            lines.append(f"    {t:<28} {upd:8,} updated ({hot:,} HOT), {ins:8,} inserted")
    return "\n".join(lines)


def seed_more_open(n: int, batch: int, open_share: float) -> dict:
    import web_pages_seed

    buckets = list(web_pages_seed.AGE_BUCKETS)
    # Complaints 60-200 days old: mostly still investigating (a backlog) instead of 5 %.
    buckets[-2] = (200, open_share, {"investigating": 8, "proposed": 1, "awaiting_callback": 1})
    web_pages_seed.AGE_BUCKETS = tuple(buckets)
    return web_pages_seed.seed(n, batch)


def set_alert_hints() -> int:
    """What reach_stage and the sweep would have left on each running clock: its next
    point — a reminder or a rung of the ladder — or none once all are past (the seed
    writes none). Set from the points as the services compute them, for the clocks with
    a point still ahead; the rest are as a sweep leaves them: nothing left."""
    from django.db import connection

    with connection.cursor() as cur:
        # Running, not late: the next point is a reminder before the due time (at most 5
        # working days before: a week of calendar time), never earlier than now.
        cur.execute("""UPDATE complaints_complaintclock SET alert_at = GREATEST(due_at - interval '7 days',
                           now() + interval '1 hour')
                       WHERE status = 'running' AND due_at > now()""")
        ahead = cur.rowcount
        # Late and running: the ladder's last rung is 5 working days after the due time.
        cur.execute("""UPDATE complaints_complaintclock SET alert_at = due_at + interval '8 days'
                       WHERE status = 'running' AND due_at <= now() AND due_at > now() - interval '8 days'""")
        ahead += cur.rowcount
        cur.execute("ANALYZE complaints_complaintclock")
    return ahead


def arm(late: int, reminders: int) -> tuple[list[int], list[int]]:
    """Make `late` running clocks newly late and give `reminders` resolution clocks a
    reminder due (distinct complaints), as a sweep that has not run for a while finds
    them. Earlier runs' alerts on them are removed first (the benchmark re-arms)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from redress.complaints.models import ClockAlert, ComplaintClock
    from redress.complaints.services.timing import calendar_for
    from redress.notify.models import InboxNotice
    from redress.policy.loader import active_pack
    from redress.policy.schema import Duration, Unit

    now = timezone.now()
    cal = calendar_for(active_pack())
    due_soon = cal.due(now, Duration(amount=3, unit=Unit.WORKING_DAYS))
    running = ComplaintClock.objects.filter(status="running").order_by("complaint_id")
    resolution = list(running.filter(code="resolution").values_list("pk", "complaint_id")[:reminders])
    taken = {c for _, c in resolution}
    others = [pk for pk, c in running.values_list("pk", "complaint_id") if c not in taken][:late]
    if len(resolution) < reminders or len(others) < late:
        sys.exit(f"only {len(resolution)} resolution clocks and {len(others)} others running: seed more")
    reminded = [pk for pk, _ in resolution]
    with transaction.atomic():
        every = reminded + others
        InboxNotice.objects.filter(alert__clock_id__in=every).delete()
        ClockAlert.objects.filter(clock_id__in=every).delete()
        ComplaintClock.objects.filter(pk__in=others).update(
            due_at=now - timedelta(minutes=1), breached=False, breached_at=None, alert_at=now - timedelta(minutes=1))
        ComplaintClock.objects.filter(pk__in=reminded).update(
            due_at=due_soon, breached=False, breached_at=None, alert_at=now - timedelta(minutes=1))
    with connection.cursor() as cur:
        # Each complaint's due time as the services keep it (its soonest running clock):
        # the moved clocks were due then, not when the seed left them. Without this the
        # timed sweep, whose sync_due_at writes the true value, changed an indexed column
        # of every row (no HOT update), which a clock falling due never does.
        cur.execute("""UPDATE complaints_complaint c SET due_at = d.due FROM (
                           SELECT complaint_id, min(due_at) AS due FROM complaints_complaintclock
                           WHERE status = 'running' AND complaint_id IN (
                               SELECT complaint_id FROM complaints_complaintclock WHERE id = ANY(%s))
                           GROUP BY complaint_id) d
                       WHERE c.id = d.complaint_id AND c.due_at IS DISTINCT FROM d.due""", [every])
        print(f"arm: {cur.rowcount:,} complaints' due times set to their soonest running clock's")
        cur.execute("ANALYZE complaints_complaintclock")
    return others, reminded


def sweep_parts():
    """sweep()'s parts, in its order, to see where a sweep with nothing due spends."""
    from redress.api import idempotency
    from redress.complaints import ledger, period_tally, tally
    from redress.complaints.services import (
        mark_breaches,
        mark_late_remedies,
        mark_overdue_reports,
        recompute_round,
        send_due_alerts,
        send_remedy_reminders,
        settle_pauses,
    )
    from redress.complaints.timesource import now
    from redress.earlywarning.passes import raise_warnings_if_needed
    from redress.earlywarning.services import raise_warnings
    from redress.notify.dispatch import dispatch_outbox

    return [("recompute_round", recompute_round), ("settle_pauses", settle_pauses),
            ("mark_breaches", mark_breaches), ("send_due_alerts", send_due_alerts),
            ("mark_overdue_reports", mark_overdue_reports), ("mark_late_remedies", mark_late_remedies),
            ("send_remedy_reminders", send_remedy_reminders),
            ("take_checkpoint", lambda: ledger.take_checkpoint(now=now())),
            ("raise_warnings_if_needed", raise_warnings_if_needed),
            # What a pass costs when something did happen (the detectors run whatever the row says).
            ("raise_warnings (forced)", raise_warnings),
            ("dispatch_outbox", dispatch_outbox), ("tally.compact", tally.compact),
            ("period_tally.compact", period_tally.compact), ("idempotency.purge", idempotency.purge)]


def main(argv=None) -> int:
    args = parse_args(argv)
    os.environ.setdefault("REDRESS_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
    url, scheme = bench_database("sweep", args.force_reset)
    if scheme != "postgres":
        sys.exit("the sweep benchmark is for PostgreSQL (REDRESS_DATABASE_URL=postgres://...)")
    reuse = reuse_or_wipe(url, scheme, args.complaints, reuse=args.reuse, force=args.force_reset)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from redress.complaints import ledger_key, period_tally, tally
    from redress.complaints.ledger import EventType
    from redress.complaints.models import ClockAlert, Complaint, ComplaintClock, Event
    from redress.complaints.services import mark_breaches, send_due_alerts
    from redress.complaints.sweep import sweep
    from redress.notify.models import OutboxMessage

    print(f"sweep benchmark on {shown_url(url)}; {os.cpu_count()} cores, load {load_average()}")
    if not reuse:
        call_command("migrate", verbosity=0, interactive=False)
        print("seeding ...", flush=True)
        s = seed_more_open(args.complaints, args.batch, args.open_share)
        print(f"seeded {args.complaints:,} complaints in {s['seconds']:.0f} s")
        print(f"alert hints set on {set_alert_hints():,} running clocks")
    ledger_key.ensure()  # checkpoints are signed, as after `redress init`
    open_cases = Complaint.objects.filter(closed_at__isnull=True).count()
    running = ComplaintClock.objects.filter(status="running").count()
    print(f"data: {Complaint.objects.count():,} complaints, {open_cases:,} open, {running:,} running clocks, "
          f"{Event.objects.count():,} ledger events")

    with Meter() as m:
        first = sweep()
    print(f"settling sweep (what the seed left due): {m}\n  {first}")

    # The outbox as a deployment that keeps up has it: what the settling sweep queued (one
    # message per late case) counted as sent, so the runs below measure finding nothing
    # rather than sending a backlog (timed after the due part: --drain-seconds).
    drained = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).update(
        status=OutboxMessage.Status.SENT)
    print(f"outbox backlog marked sent (not measured): {drained:,} messages")
    # The tallies' rows the seed and the settling sweep added, merged 500 keys a sweep:
    # sweeps until none is left, so "nothing due" below means nothing left to do.
    with Meter() as m:
        merging = 0
        while merging < 50 and tally.compact() + period_tally.compact():
            merging += 1
    print(f"tallies merged until none left, untimed above: {merging} rounds, {m}")
    nothing = []
    for _ in range(args.runs):
        with Meter() as m:
            summary = sweep()
        nothing.append(m)
    print(f"nothing due, `redress sweep` x{args.runs}: median wall {statistics.median(x.wall for x in nothing):.3f} s, "
          f"CPU {statistics.median(x.py for x in nothing):.3f} s + database "
          f"{statistics.median(x.db_cpu for x in nothing):.3f} s (load {load_average()})\n  {summary}")
    print("nothing due, each part of the sweep once:")
    for name, part in sweep_parts():
        with Meter() as m:
            part()
        print(f"  {name:<22} {m}")

    if args.nothing_due_only:
        return 0
    late, reminded = arm(args.late, args.reminders)
    since = Event.objects.order_by("-id").values_list("id", flat=True).first()
    out_since = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    profiled = Statements() if args.profile else None
    counted = table_counters() if args.profile else None
    with connection.execute_wrapper(profiled) if profiled else contextlib.nullcontext(), Meter() as m1:
        marked = mark_breaches()
    print(f"mark_breaches, {args.late:,} newly late: {m1}; {marked:,} marked "
          f"({(m1.py + m1.db_cpu) / max(marked, 1) * 1000:.2f} ms CPU a clock)")
    if profiled:
        print(profiled.report())
        now_counted = table_counters()
        print(counters_report(counted, now_counted))
        profiled, counted = Statements(), now_counted
    with connection.execute_wrapper(profiled) if profiled else contextlib.nullcontext(), Meter() as m2:
        sent = send_due_alerts()
    if profiled:
        print(profiled.report())
        print(counters_report(counted, table_counters()))
    alerts = ClockAlert.objects.filter(clock_id__in=late + reminded)
    print(f"send_due_alerts, {args.reminders:,} reminders + {args.late:,} first escalations: {m2}; {sent:,} sent "
          f"({(m2.py + m2.db_cpu) / max(sent, 1) * 1000:.2f} ms CPU a point sent)")
    total = m1.wall + m2.wall
    print(f"the due sweep's finding and recording: wall {total:.1f} s, CPU {m1.py + m2.py:.1f} s + database "
          f"{m1.db_cpu + m2.db_cpu:.1f} s: {'MET' if total < 60 else 'NOT MET'} (< 60 s)")

    # Only the armed cases: real time passes during a run, and a seeded clock may fall
    # due meanwhile (the sweep rightly marks it too).
    late_cases = set(ComplaintClock.objects.filter(pk__in=late).values_list("complaint_id", flat=True))
    reminded_cases = set(ComplaintClock.objects.filter(pk__in=reminded).values_list("complaint_id", flat=True))
    armed = late_cases | reminded_cases
    new = Event.objects.filter(id__gt=since, complaint_id__in=armed)
    breached_events = new.filter(type=EventType.CLOCK_BREACHED)
    before_second = Event.objects.order_by("-id").values_list("id", flat=True).first()
    second = (mark_breaches(), send_due_alerts())
    checks = {
        "late clocks marked": ComplaintClock.objects.filter(pk__in=late, breached=True).count() == len(late),
        "one CLOCK_BREACHED event per late clock": breached_events.count() == len(late)
        and breached_events.values("complaint_id").distinct().count() == len(late),
        "one clock_breached message per late clock": OutboxMessage.objects.filter(
            id__gt=out_since, kind="clock_breached", complaint_id__in=late_cases).count() == len(late),
        "one reminder per reminded clock": alerts.filter(clock_id__in=reminded, kind="reminder", skipped=False)
        .count() == len(reminded) and new.filter(type=EventType.REMINDER_SENT).count() == len(reminded),
        "one first escalation per late clock": alerts.filter(clock_id__in=late, kind="escalation", step=0)
        .count() == len(late) and new.filter(type=EventType.CLOCK_ESCALATED).count() == len(late),
        f"a second sweep records nothing more on them ({second[0]} newly late, {second[1]} points elsewhere)":
            not Event.objects.filter(id__gt=before_second, complaint_id__in=armed).exists(),
    }
    for name, ok in checks.items():
        print(f"  {'ok ' if ok else 'BAD'} {name}")
    if args.drain_seconds:
        from redress.notify.dispatch import dispatch_outbox

        queued = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count()
        with Meter() as m3:
            drained = dispatch_outbox(budget=args.drain_seconds)  # (locmem email backend: no mail server)
        left = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count()
        print(f"outbox after the due part: {queued:,} queued, dispatch_outbox(budget={args.drain_seconds:g} s) sent "
              f"{drained[0]:,} (failed {drained[1]:,}, left {left:,}): {m3}; "
              f"{(m3.py + m3.db_cpu) / max(drained[0], 1) * 1000:.2f} ms CPU a message")
    print(f"load average at the end: {load_average()}")
    connection.close()
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
