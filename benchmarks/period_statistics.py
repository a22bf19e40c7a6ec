"""How fast are a quarter's statistics for the whole institution at a million complaints?

Seeds N complaints (default 1,000,000) the way benchmarks/web_pages.py does
(web_pages_seed.seed), or reuses such a database (--reuse), and adds what the seed
leaves out but the statistics count (--reuse adds it once): callbacks on 80% of the
closed complaints, accountability on 1%, a paid compensation on 3%, re-complaint links on 0.7%, a product on 10%, half the
extension requests approved, the referred cases' kind. Then it times, warm:

- the selector (reports.statistics) for the last complete quarter and its two
  comparison periods, as the complaints office (every complaint);
- the /statistics/ page for that quarter, as compliance and as a branch head (the
  branch's scope), rendered in-process through Django's test Client;
- GET /api/statistics for the same quarter with a reports:read token.

It prints every run's p50/p95/max, the first (colder) request apart, and the SQL of the
selector with each statement's time.

    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench_stats \\
        REDRESS_DATA_DIR=/tmp/stats-bench .venv/bin/python benchmarks/period_statistics.py --reuse

The database must have "bench" in its name unless --force-reset; without --reuse (or
when it does not hold N complaints) it is WIPED and seeded afresh. Exit status 0 when
every warm p95 is under --target ms (1,000).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics as st  # the standard library's: this file is not named statistics.py for that reason
import sys
import time
from datetime import date
from pathlib import Path

from seeding import bench_database, cpu_model, load_average, reuse_or_wipe, shown_url
from web_pages_seed import seed

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 1000.0
SUPPLEMENT_MARK = "bench-statistics"  # the accountability rows' description: added once


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--complaints", type=int, default=1_000_000, help="complaints to seed (1,000,000)")
    p.add_argument("--requests", type=int, default=10, help="timed requests per measure and run (10)")
    p.add_argument("--runs", type=int, default=3, help="runs; figures are medians over them (3)")
    p.add_argument("--reuse", action="store_true", help="keep a database already holding N complaints")
    p.add_argument("--target", type=float, default=TARGET_MS, help="warm p95 target in ms (1,000)")
    p.add_argument("--batch", type=int, default=20_000, help="complaints per insert round when seeding")
    p.add_argument("--rows", action="store_true",
                   help="count from the complaint rows as before the period tallies (for comparison)")
    p.add_argument("--custom", metavar="FIRST:LAST",
                   help="a custom period instead of the last quarter, e.g. 2026-07-15:2026-11-20 (ISO days; "
                        "its comparisons are the same number of days before and the same days a year earlier)")
    p.add_argument("--force-reset", action="store_true", help="allow wiping a database without 'bench' in its name")
    return p.parse_args(argv)


# Only rows of other tables, and UPDATEs of a few thousand complaints: an UPDATE of the
# complaint rows themselves (the callbacks' "satisfied", root causes on the archived) ran
# WAL-bound for over 30 minutes at 1M on this machine and was left out. The counts read
# those columns in the same pass as the others, so their cost is in the figures anyway.
SUPPLEMENT_SQL = [
    # Callbacks on 80% of the closed complaints, 90% of them satisfied.
    """INSERT INTO complaints_callback (complaint_id, agent_id, at, channel, satisfied, opinion)
       SELECT id, %(staff)s, closed_at, 'phone', id %% 10 <> 0, '' FROM complaints_complaint
       WHERE state IN ('closed', 'archived') AND id %% 5 <> 0""",
    """INSERT INTO complaints_accountability (complaint_id, action, description, reported_to_regulator, at,
       decided_by_id) SELECT id, (ARRAY['warning', 'training', 'fine', 'process_fix'])[1 + id %% 4],
       '""" + SUPPLEMENT_MARK + """', false, closed_at, %(staff)s FROM complaints_complaint
       WHERE state IN ('closed', 'archived') AND id %% 97 = 0""",
    """INSERT INTO complaints_proposal (complaint_id, summary, facts, responsibility, legal_basis, compensation,
       approver_roles, proposed_by_id, proposed_at, status, decided_by_id, decided_at, decision_note)
       SELECT id, '补偿', '经核实', 'institution', '', 100 + id %% 900, '[]'::jsonb, %(staff)s,
       closed_at - interval '3 days', 'approved', %(staff)s, closed_at - interval '2 days', ''
       FROM complaints_complaint WHERE state IN ('closed', 'archived') AND id %% 31 = 0""",
    """INSERT INTO complaints_remedy (complaint_id, proposal_id, kind, description, amount, due_date, executed_at,
       executed_by_id, execution_note, waive_reason, reminded, escalated)
       SELECT p.complaint_id, p.id, 'payment', '补偿', p.compensation, (p.decided_at + interval '5 days')::date,
       p.decided_at + interval '1 day', %(staff)s, '', '', '[]'::jsonb, '[]'::jsonb FROM complaints_proposal p
       WHERE p.status = 'approved' AND p.summary = '补偿'""",
    """INSERT INTO complaints_complaintlink (source_id, target_id, kind, created_at)
       SELECT c.id, c.id - 1000, 'recomplaint', c.received_at FROM complaints_complaint c
       WHERE c.id %% 150 = 0 AND c.id > 1000 ON CONFLICT DO NOTHING""",
    """INSERT INTO complaints_complaintparty (complaint_id, kind, product, description)
       SELECT id, 'product', (ARRAY['融资融券', '基金定投', '收益凭证', '港股通', '国债逆回购'])[1 + id %% 5], ''
       FROM complaints_complaint WHERE id %% 10 = 3""",
    "UPDATE complaints_extension SET status = 'approved' WHERE id %% 2 = 0 AND status = 'requested'",
    """UPDATE complaints_complaint SET outcome = 'referred_' || (ARRAY['mediation', 'arbitration',
       'litigation'])[1 + id %% 3] WHERE state = 'referred'""",
]


def supplement() -> float:
    """Add what the statistics count and the web pages' seed leaves out (once)."""
    from django.db import connection, transaction

    from redress.complaints.models import Accountability, Staff

    if connection.vendor != "postgresql":
        sys.exit("the supplement is written for PostgreSQL (the target's database)")
    if Accountability.objects.filter(description=SUPPLEMENT_MARK).exists():
        return 0.0
    started = time.perf_counter()
    staff = Staff.objects.order_by("pk").values_list("pk", flat=True).first()
    with transaction.atomic(), connection.cursor() as cur:
        for sql in SUPPLEMENT_SQL:
            step = time.perf_counter()
            cur.execute(sql, {"staff": staff})
            print(f"  {time.perf_counter() - step:6.1f} s  {cur.rowcount:>9,} rows  {' '.join(sql.split())[:70]}",
                  flush=True)
    step = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE")
    print(f"  {time.perf_counter() - step:6.1f} s  VACUUM ANALYZE", flush=True)
    return time.perf_counter() - started


def last_quarter(today: date):
    from redress.reports.periods import Period

    return Period.containing("quarter", today).previous()


def backend_cpu_ms() -> float:
    """CPU time the PostgreSQL backend serving this connection has used (user + system,
    from /proc): unlike wall time, other work on the machine does not inflate it."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


CPU: list[float] = []  # (python + database) CPU ms of every timed call, appended by timed()


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        db, py = backend_cpu_ms(), time.process_time()
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
        CPU.append((time.process_time() - py) * 1000 + backend_cpu_ms() - db)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def main(argv=None) -> int:
    args = parse_args(argv)
    url, scheme = bench_database("stats", args.force_reset)
    reuse = reuse_or_wipe(url, scheme, args.complaints, reuse=args.reuse, force=args.force_reset)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from redress.api import tokens
    from redress.api.models import Scope
    from redress.complaints import period_tally
    from redress.complaints.models import PeriodTally, Staff
    from redress.complaints.services.timing import calendar_for
    from redress.complaints.timesource import now as current_time
    from redress.policy.loader import active_pack
    from redress.reports import statistics as stats

    if not reuse:
        call_command("migrate", verbosity=0, interactive=False)
        print("seeding ...", flush=True)
        s = seed(args.complaints, args.batch)
        print(f"seeding      : {s['seconds']:.1f} s for {args.complaints:,} complaints")
    extra = supplement()
    print(f"supplement   : {extra:.1f} s" if extra else "supplement   : already there")
    if extra or not period_tally.built() or not period_tally.built_for_viewers():
        # The supplement wrote rows behind the services: the tallies are recounted, by
        # the code `redress tallies --rebuild` runs.
        started = time.perf_counter()
        written = period_tally.rebuild(calendar_for(active_pack()))
        print(f"period tallies: {written:,} rows rebuilt in {time.perf_counter() - started:.1f} s")
    print(f"period tallies: {PeriodTally.objects.count():,} rows")
    if args.rows:  # the row path, as every viewer had it before the tallies (same figures)
        from redress.reports import statistics_tallied

        statistics_tallied.usable = lambda scope, periods: False
        print("period tallies: NOT read (--rows): the statistics count the complaint rows")
    with connection.cursor() as cur:
        cur.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cur.fetchone()[0]

    cal = calendar_for(active_pack())
    now = current_time()
    quarter = last_quarter(now.astimezone(cal.tz).date())
    if args.custom:  # named "quarter" below: the period measured
        from redress.reports.periods import CUSTOM, Period

        first, last = (date.fromisoformat(d) for d in args.custom.split(":"))
        quarter = Period(CUSTOM, first, last)
    office = Staff.objects.filter(roles__role="complaints_office").order_by("pk").first()
    compliance = Staff.objects.filter(roles__role="compliance").order_by("pk").first() or office
    head = Staff.objects.filter(roles__role="dept_head", unit__code__startswith="branch").order_by("pk").first()
    print("=" * 100)
    print(f"statistics benchmark: {connection.vendor} {version} {shown_url(url)}")
    print(f"  complaints : {args.complaints:,}; quarter {quarter.label()} ({quarter.first} – {quarter.last}), "
          f"beside {quarter.previous().label()} and {quarter.year_before().label()}")
    print(f"  machine    : {os.cpu_count()} cores, {cpu_model()}; python {platform.python_version()}; "
          f"load avg {load_average()}")
    print("=" * 100)

    def selector():
        stats.statistics_of(stats.Scope(office), [quarter, quarter.previous(), quarter.year_before()],
                            now=now, cal=cal)

    with CaptureQueriesContext(connection) as queries:
        first = timed(selector, 1)[0]
    figures = stats.statistics(stats.Scope(office), quarter, now=now, cal=cal).figures
    print(f"the quarter: received {figures['received'].value:,}, closed {figures['closed'].value:,}, "
          f"open at the end {figures['open_at_end'].value:,}, median {figures['median_days'].value} / "
          f"p90 {figures['p90_days'].value} working days")
    print(f"selector, first call {first:.0f} ms, {len(queries)} queries (3 periods); slowest statements:")
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:6]:
        print(f"  {float(q['time']) * 1000:7.0f} ms  {q['sql'][:150]}")

    if head and not args.rows:
        # The branch head's figures read from their unit's tallies equal those counted from
        # the rows (the tests check it on the cast; this on the million).
        from redress.reports import statistics_tallied

        head_periods = [quarter, quarter.previous(), quarter.year_before()]
        usable = statistics_tallied.usable
        print(f"branch head {head.username} (unit {head.unit.code}): tallied "
              f"{usable(stats.Scope(head), head_periods)}, own complaints outside the unit "
              f"{len(statistics_tallied.own_only(head, head.unit_id))}")
        started = time.perf_counter()
        tallied = stats.statistics_of(stats.Scope(head), head_periods, now=now, cal=cal)
        took = time.perf_counter() - started
        statistics_tallied.usable = lambda scope, periods: False
        try:
            started = time.perf_counter()
            counted = stats.statistics_of(stats.Scope(head), head_periods, now=now, cal=cal)
            took_rows = time.perf_counter() - started
        finally:
            statistics_tallied.usable = usable
        same = all(a.figures == b.figures and a.breakdowns == b.breakdowns and a.heat == b.heat
                   and a.trend == b.trend for a, b in zip(tallied, counted, strict=True))
        print(f"branch head, 3 periods: tallies {took * 1000:.0f} ms, rows {took_rows * 1000:.0f} ms; "
              f"received {tallied[0].figures['received'].value:,}, closed {tallied[0].figures['closed'].value:,}; "
              f"every figure, breakdown, heat cell and trend point the same both ways: {same}")
        if not same:
            failed_check = [k for k in tallied[0].figures if tallied[0].figures[k] != counted[0].figures[k]]
            print(f"  differ: {failed_check}")

    pages = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    pages[0].force_login(compliance)
    if head:
        pages[1].force_login(head)
    issued = tokens.issue(name="statistics bench", staff=compliance, scopes=[Scope.REPORTS_READ])
    api = Client(HTTP_HOST="localhost", headers={"Authorization": f"Bearer {issued.secret}"})
    query = ({"period": "custom", "date_from": quarter.first.isoformat(), "date_to": quarter.last.isoformat()}
             if args.custom else {"period": "quarter", "on": quarter.first.isoformat()})

    def get(client, path):
        def call():
            response = client.get(path, query)
            assert response.status_code == 200, (path, response.status_code)
        return call

    measures = {"selector, 3 periods (office)": selector,
                "/statistics/ page (compliance)": get(pages[0], "/statistics/"),
                "GET /api/statistics (compliance token)": get(api, "/api/statistics")}
    if head:
        measures[f"/statistics/ page ({head.username}, branch scope)"] = get(pages[1], "/statistics/")

        def head_selector():
            stats.statistics_of(stats.Scope(head), [quarter, quarter.previous(), quarter.year_before()],
                                now=now, cal=cal)

        measures["selector, 3 periods (branch head)"] = head_selector
    failed = []
    print(f"\n{'measure':<48} {'first':>8} {'p50':>8} {'p95':>8} {'max':>8} {'cpu p50':>8} {'cpu p95':>8}"
          f"   (ms; medians of {args.runs} runs x {args.requests}; cpu = python + database backend)")
    for label, fn in measures.items():
        first = timed(fn, 1)[0]
        CPU.clear()
        runs = [timed(fn, args.requests) for _ in range(args.runs)]
        p50 = st.median(pct(r, 0.5) for r in runs)
        p95 = st.median(pct(r, 0.95) for r in runs)
        top = st.median(max(r) for r in runs)
        print(f"{label:<48} {first:8.0f} {p50:8.0f} {p95:8.0f} {top:8.0f} {pct(CPU, 0.5):8.0f} {pct(CPU, 0.95):8.0f}")
        if p95 >= args.target:
            failed.append(label)
    print(f"\nwarm p95 target {args.target:,.0f} ms: " + ("met" if not failed else "NOT met: " + ", ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
