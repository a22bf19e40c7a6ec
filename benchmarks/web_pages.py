"""How fast do the workbench's worklist, search and dashboard pages render on a million
complaints?

Seeds N complaints (default 1,000,000) with their customers, clocks, work orders,
pending proposals and hash-chained ledger events into a clean database, then renders
the real views in-process through Django's test Client (DEBUG off, persistent
connection), signed in as a branch handler, a branch head, the complaints office and
a callback agent, and prints p50/p95/p99/max and the SQL queries of every page.

    # PostgreSQL (the database is created if missing, otherwise WIPED)
    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench_web \\
        REDRESS_DATA_DIR=/tmp/h10 .venv/bin/python benchmarks/web_pages.py
    # SQLite: a file in REDRESS_DATA_DIR (a temporary directory unless set)
    REDRESS_DATA_DIR=/tmp/h10/sqlite .venv/bin/python benchmarks/web_pages.py --complaints 100000

The database must have "bench" in its name (file name on SQLite) unless --force-reset.
Exit status: 0 when every page's p95 (median over the runs) is under --target ms and
every response had the expected status; 1 otherwise, naming the pages.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from seeding import bench_database, cpu_model, load_average, reuse_or_wipe, shown_url
from web_pages_seed import seed, send_some_back

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 150.0
# django-helpdesk 2.6.1, 100,000 tickets, same kind of machine (shared/data/README.md):
# the staff work-list (open tickets of a queue, 25 rows, sorted by due date).
PEER = "django-helpdesk work-list, 100,000 tickets: p50 232 ms, p95 283 ms"
PEER_P95_MS = 283.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--complaints", type=int, default=1_000_000, help="complaints to seed (default 1,000,000)")
    p.add_argument("--requests", type=int, default=30, help="timed requests per page and run (default 30)")
    p.add_argument("--warmup", type=int, default=3, help="untimed requests per page before each run (3)")
    p.add_argument("--runs", type=int, default=3, help="runs over all pages; figures are medians (3)")
    p.add_argument("--reuse", action="store_true",
                   help="skip seeding when the database already holds exactly N seeded complaints")
    p.add_argument("--only", action="append", default=[],
                   help="measure only pages whose name contains this text (repeatable)")
    p.add_argument("--list", action="store_true", help="print the page names and addresses of an already seeded database (with --reuse) and exit")
    p.add_argument("--target", type=float, default=TARGET_MS, help=f"p95 target in ms ({TARGET_MS:g})")
    p.add_argument("--batch", type=int, default=20_000, help="complaints per insert round (20,000)")
    p.add_argument("--no-freeze", action="store_true",
                   help="do not freeze what the first requests load out of the collector's walks "
                        "(redress.wsgi does it for a server's process: web/long_lived.py)")
    p.add_argument("--no-explain", action="store_true",
                   help="do not EXPLAIN (ANALYZE, BUFFERS) the slowest query of pages over target")
    p.add_argument("--explain-ms", type=float, default=20.0,
                   help="explain a page over target only if its slowest query took this long (20 ms)")
    p.add_argument("--force-reset", action="store_true",
                   help="allow wiping a database whose name does not contain 'bench'")
    args = p.parse_args(argv)
    if min(args.complaints, args.requests, args.runs, args.batch) < 1 or args.warmup < 0:
        p.error("--complaints, --requests, --runs and --batch must be positive")
    return args



# ---- the pages -----------------------------------------------------------------------

USERS = {  # who, and why they are a realistic load
    "handler": "handler.tianhe1",  # branch handler: the unit holds tens of thousands of cases
    "head": "head.tianhe",  # the branch head: unit view, unassigned work orders, approvals
    "office": "office.chen",  # the complaints office: sees every complaint
    "callback": "callback.sun",  # callback desk: every case awaiting a callback
}


@dataclass
class Page:
    name: str
    user: str
    url: str
    expect: int = 200
    cold_cache: bool = False  # clear the cache before each request (the dashboard's first view a minute)
    api: bool = False  # through the API with the person's reports:read token, not their session


def build_pages() -> list[Page]:
    """The pages each person opens, with search terms taken from data they can see."""
    from redress.complaints.models import Staff
    from redress.complaints.selectors import worklists as wl
    from redress.policy.loader import active_pack

    pack = active_pack()
    tz_today = datetime.now(UTC).date()
    pages: list[Page] = []
    for who, username in USERS.items():
        staff = Staff.objects.get(username=username)
        views = wl.views_for(staff, pack)
        big = {"handler": wl.UNIT, "head": wl.UNIT, "office": wl.OPEN_VIEW, "callback": wl.CALLBACK}[who]

        def add(name, url, who=who, **kw):
            pages.append(Page(f"{who}: {name}", who, url, **kw))

        add("dashboard /", "/")
        if who in ("handler", "office"):
            add("dashboard / (cold cache)", "/", cold_cache=True)
        add(f"/cases/ (default: {wl.default_view(staff, pack)})", "/cases/")
        for view in views:
            add(f"view={view}", f"/cases/?view={view}")
        for number in (2, 200):
            url = deep_page_url(staff, big, number, pack)
            if url:
                add(f"view={big} page {number}", url)
        add(f"view={big} sort=-received", f"/cases/?view={big}&sort=-received")
        add(f"view={big} sort=received", f"/cases/?view={big}&sort=received")
        state = "awaiting_callback" if big == wl.CALLBACK else "investigating"
        add(f"view={big} state={state}", f"/cases/?view={big}&state={state}")
        add(f"view={big} category=counter", f"/cases/?view={big}&category=counter")
        frm, to = tz_today - timedelta(days=14), tz_today - timedelta(days=7)
        add(f"view={big} received {frm}..{to}", f"/cases/?view={big}&received_from={frm}&received_to={to}")
        add(f"view={big} category+state+dates", f"/cases/?view={big}&category=service_quality&state={state}"
            f"&received_from={tz_today - timedelta(days=60)}&received_to={tz_today}")

        if who != "callback":
            add_register_pages(add, who, tz_today)
            add_register_api_pages(add, tz_today)

        # Search terms from a complaint this person sees in that view.
        samples = list(wl.in_view(staff, big, _moment(pack), pack).select_related("customer").order_by("-id")[:50])
        if not samples:
            continue
        sample = samples[len(samples) // 2]
        c = sample.customer
        add("search reference (redirect)", f"/cases/?q={sample.reference}", expect=302)
        add("search reference, not found", f"/cases/?q={pack.reference_prefix}-2019-999999")
        add("search phone", f"/cases/?view={big}&q={c.phone}")
        add("search account number", f"/cases/?view={big}&q={c.account_number}")
        for length in (3, 2):
            name = next((s.customer.name for s in samples if len(s.customer.name) == length), None)
            if name:
                add(f"search name ({length} chars)", f"/cases/?view={big}&q={name}")
        add("search cause 2 chars 理财", f"/cases/?view={big}&q=理财")
        add("search cause 4 chars 提前还款", f"/cases/?view={big}&q=提前还款")
        add("search default view 4 chars 暴力催收", "/cases/?q=暴力催收")
        add_finding_pages(add, staff, pack)
    return pages


def add_finding_pages(add, staff, pack) -> None:
    """Issue 12: every case can be found. All cases and the state filter in every state,
    the critical and economic-dispute filters, and searches for a closed case this
    person may see: its phone as a customer says it, a piece of its reference, words of
    its subject, a surname beside a state."""
    from urllib.parse import quote

    from redress.complaints.selectors import worklists as wl

    add("view=all state=closed", "/cases/?view=all&state=closed")
    add("view=open state=archived (all cases)", "/cases/?view=open&state=archived")
    add("view=all critical=yes", "/cases/?view=all&critical=yes")
    add("view=all economic_dispute=yes", "/cases/?view=all&economic_dispute=yes")
    closed = list(wl.in_view(staff, wl.ALL, _moment(pack), pack).filter(state__in=("closed", "archived"))
                  .select_related("customer").order_by("-id")[:50])
    if not closed:
        return
    c = closed[len(closed) // 2]
    phone = c.customer.phone
    spoken = f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}" if len(phone) == 11 else phone
    add("search closed: phone +86 spaced", f"/cases/?q={quote(spoken)}")
    add("search closed: piece of reference", f"/cases/?q={c.reference.rsplit('-', 1)[1]}")
    words = "".join(ch for ch in c.subject if ch.isalnum())[:6]
    add(f"search closed: {len(words)} chars of a subject", f"/cases/?q={quote(words)}")
    add("search surname + state=closed", f"/cases/?q={quote(c.customer.name[0])}&state=closed")
    add("search surname + 4-char word", f"/cases/?q={quote(c.customer.name[0] + ' 理财产品')}")


def add_register_pages(add, who: str, today) -> None:
    """The complaint register (/register/): the first page, with no filter and with each
    filter alone, every filter of the form (the target: first page with any one filter
    under p95 150 ms). The statistics' own filters (extended, callback, compensated,
    referral, root cause, accountability, exact product) find their rows only where
    benchmarks/period_statistics.py added them to the seed."""
    from redress.complaints.models import OrgUnit

    frm = today - timedelta(days=30)
    branch = OrgUnit.objects.filter(code="branch_tianhe").values_list("pk", flat=True).first()
    hq = OrgUnit.objects.filter(parent__isnull=True).values_list("pk", flat=True).first()
    add("/register/", "/register/")
    for name, query in [
        ("received last 30 days", f"date_from={frm}&date_to={today}"),
        ("closed last 30 days", f"period=closed&date_from={frm}&date_to={today}"),
        ("unit=branch", f"unit={branch}"), ("unit=hq (with sub-units)", f"unit={hq}"),
        ("category=counter", "category=counter"), ("channel=phone", "channel=phone"),
        ("state=archived", "state=archived"), ("state=follow_up", "state=follow_up"),
        ("severity=major", "severity=major"), ("critical=yes", "critical=yes"),
        ("economic_dispute=yes", "economic_dispute=yes"), ("late=yes", "late=yes"), ("late=no", "late=no"),
        ("recomplaint=yes", "recomplaint=yes"), ("recomplaint=no", "recomplaint=no"),
        ("product=融资", "product=融资"), ("product=港股", "product=港股"), ("product=nothing such", "product=xyz"),
        ("product_is=基金定投", "product_is=基金定投"), ("unit=branch alone", f"unit={branch}&unit_alone=yes"),
        ("unit=none yet", "unit=0"), ("kind=inquiry", "kind=inquiry"), ("kind=complaint", "kind=complaint"),
        ("category=none", "category=none"), (f"open_at={frm}", f"open_at={frm}"),
        ("extended=yes", "extended=yes"), ("extended=no", "extended=no"),
        ("callback=reached", "callback=reached"), ("callback=satisfied", "callback=satisfied"),
        ("callback=unsatisfied", "callback=unsatisfied"), ("callback=no", "callback=no"),
        ("compensated=yes", "compensated=yes"), ("compensated=no", "compensated=no"),
        ("referral=any", "referral=any"), ("referral=arbitration", "referral=arbitration"),
        ("root_cause=staff_error", "root_cause=staff_error"),
        ("accountability=any", "accountability=any"), ("accountability=training", "accountability=training"),
    ]:
        add(f"/register/ {name}", f"/register/?{query}")


def add_register_api_pages(add, today) -> None:
    """The register through the API (/api/reports/register, token with reports:read):
    the first page of 25 with no filter and with a few filters alone, as on the page."""
    frm = today - timedelta(days=30)
    add("API register", "/api/reports/register", api=True)
    for name, query in [("received last 30 days", f"date_from={frm}&date_to={today}"),
                        ("unit=branch", "unit=branch_tianhe"), ("state=archived", "state=archived"),
                        ("late=yes", "late=yes"), ("critical=yes", "critical=yes")]:
        add(f"API register {name}", f"/api/reports/register?{query}", api=True)


def deep_page_url(staff, view: str, number: int, pack, per_page: int = 25) -> str | None:
    """The URL the "Next" link of page number-1 points to (keyset pagination: it carries
    the last row's position, not an offset): what someone who clicked Next number-1
    times from the first page requests. The row is found once with OFFSET, outside the
    timing; None when the view has fewer pages."""
    from urllib.parse import urlencode

    from redress.complaints.selectors import worklists as wl
    from redress.complaints.selectors.keyset import Cursor

    qs = wl.worklist(staff, view, at=_moment(pack), pack=pack, sort=wl.DEFAULT_SORT)
    last = qs[(number - 1) * per_page - 1:(number - 1) * per_page]
    if not last:
        return None
    cursor = Cursor.of(last[0], wl.sort_order(wl.DEFAULT_SORT)).token()
    return "/cases/?" + urlencode({"view": view, "after": cursor, "page": number})


def _moment(pack):
    from redress.complaints.selectors import worklists as wl
    from redress.complaints.services.timing import calendar_for
    from redress.complaints.timesource import now

    return wl.Moment(now=now(), cal=calendar_for(pack))


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (no interpolation: p95 of 30 is the 29th value)."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, -(-len(ordered) * q // 100) - 1))] if ordered else float("nan")


@dataclass
class Result:
    page: Page
    runs: list = field(default_factory=list)  # per run: [ms, ...]
    cpu: list = field(default_factory=list)  # this process's CPU ms per request (load-proof)
    db_cpu: list = field(default_factory=list)  # per run: the PostgreSQL backend's CPU ms per request
    queries: int = 0
    sql_ms: float = 0.0
    slowest_sql: str = ""
    slowest_ms: float = 0.0
    status_errors: list = field(default_factory=list)
    size: int = 0

    def stat(self, q: float) -> float:
        return statistics.median(percentile(r, q) for r in self.runs)

    def worst(self) -> float:
        return max(max(r) for r in self.runs)


def measure(pages: list[Page], args) -> list[Result]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from redress.api import tokens
    from redress.complaints.models import Staff

    clients, bearers = {}, {}
    for who, username in USERS.items():
        staff = Staff.objects.get(username=username)
        client = Client(HTTP_HOST="localhost")
        client.force_login(staff)
        clients[who] = client
        if any(p.api and p.user == who for p in pages):
            secret = tokens.issue(name="benchmark", staff=staff, scopes=["reports:read"]).secret
            bearers[who] = {"Authorization": f"Bearer {secret}"}
    results = [Result(p) for p in pages]

    def get(result: Result):
        page = result.page
        if page.cold_cache:
            cache.clear()
        t, c = time.perf_counter(), time.process_time()
        response = clients[page.user].get(page.url, headers=bearers[page.user] if page.api else None)
        ms = (time.perf_counter() - t) * 1000
        result.cpu.append((time.process_time() - c) * 1000)
        if response.status_code != page.expect:
            result.status_errors.append(response.status_code)
        result.size = len(response.content)
        return ms

    for result in results:  # queries per request, once (capturing adds its own overhead)
        get(result)
        with CaptureQueriesContext(connection) as ctx:
            get(result)
        result.queries = len(ctx.captured_queries)
        result.sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        result.cpu.clear()
        slowest = max(ctx.captured_queries, key=lambda q: float(q["time"]), default=None)
        if slowest:
            result.slowest_sql, result.slowest_ms = slowest["sql"], float(slowest["time"]) * 1000
    backend = BackendCpu(connection)
    for run in range(1, args.runs + 1):
        t = time.perf_counter()
        for result in results:
            for _ in range(args.warmup):
                get(result)
            before = backend.start()
            result.runs.append([get(result) for _ in range(args.requests)])
            after = backend.ms() if before is not None and backend.path.exists() else None
            if after is not None:
                result.db_cpu.append((after - before) / args.requests)
        print(f"  run {run}/{args.runs}: {time.perf_counter() - t:.1f} s, load avg {load_average()}", flush=True)
    return results


class BackendCpu:
    """CPU time of this connection's PostgreSQL backend process, from /proc (same host).
    With the other work on the machine, wall-clock times say more about the load than
    about the pages; CPU time (ours plus the database's) does not depend on the load."""

    def __init__(self, connection):
        self.connection, self.path = connection, None
        self.tick_ms = 1000 / os.sysconf("SC_CLK_TCK")

    def start(self) -> float | None:
        """Find the backend (the connection may have been renewed) and read its CPU."""
        self.path = None
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                path = Path(f"/proc/{cur.fetchone()[0]}/stat")
            self.path = path if path.exists() else None
        return self.ms()

    def ms(self) -> float | None:
        if self.path is None:
            return None
        fields = self.path.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) * self.tick_ms  # utime + stime


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        else:
            cur.execute("EXPLAIN QUERY PLAN " + sql)
        return "\n".join("    " + " ".join(str(c) for c in row) for row in cur.fetchall())


# ---- main ----------------------------------------------------------------------------






def main(argv=None) -> int:
    args = parse_args(argv)
    if args.list and not args.reuse:
        # The addresses carry ids and keyset cursors read from the seeded rows, and without
        # --reuse the database would be wiped and seeded again just to print them.
        sys.exit("--list reads the pages' addresses from a seeded database: add --reuse (and --complaints N)")
    url, scheme = bench_database("web", args.force_reset)
    reuse = reuse_or_wipe(url, scheme, args.complaints, reuse=args.reuse, force=args.force_reset)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if not args.no_freeze:
        from redress.web import long_lived

        long_lived.connect()  # as redress.wsgi does in a server's process

    # A reused database gets the migrations written since it was seeded (and the seed's
    # rows added since: send_some_back).
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cur:
        cur.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = ("PostgreSQL " if connection.vendor == "postgresql" else "SQLite ") + cur.fetchone()[0]

    print("=" * 100)
    print("redress workbench pages benchmark (server-side render time, in-process test Client)")
    print(f"  database   : {version}  {shown_url(url)}  (CONN_MAX_AGE {settings.DATABASES['default']['CONN_MAX_AGE']},"
          f" DEBUG {settings.DEBUG}; gc freeze after {'no request' if args.no_freeze else 'the first requests, as a server'})")
    print(f"  complaints : {args.complaints:,}   requests: {args.requests} per page x {args.runs} runs "
          f"(+{args.warmup} warm-up each)")
    print(f"  machine    : {os.cpu_count()} cores, {cpu_model()}; python {platform.python_version()}, "
          f"django {django.get_version()}")
    print(f"  load avg   : {load_average()} (other work on the machine skews wall-clock times)")
    print("=" * 100)

    if reuse:
        print(f"seeding      : skipped (--reuse: {args.complaints:,} complaints already there)")
        if added := send_some_back(connection):
            from redress.complaints import period_tally
            from redress.complaints.services.timing import calendar_for
            from redress.policy.loader import active_pack

            rebuilt = period_tally.rebuild(calendar_for(active_pack()))
            with connection.cursor() as cur:
                cur.execute("VACUUM (ANALYZE)" if connection.vendor == "postgresql" else "ANALYZE")
            print(f"  added      : {added:,} work orders sent back (a database seeded before them); "
                  f"{rebuilt:,} period tallies rebuilt")
    else:
        print("seeding ...", flush=True)
        s = seed(args.complaints, args.batch)
        print(f"seeding      : {s['seconds']:8.1f} s total ({args.complaints / s['seconds']:,.0f} complaints/s): "
              f"rows {s['rows_s']:.1f} s (python {s['gen_s']:.1f} s, writing {s['copy_s']:.1f} s), "
              f"{s['indexes']} indexes and {s['fks']} foreign keys rebuilt {s['index_s']:.1f} s, "
              f"{s['tallies']:,} day tallies recounted {s['tally_s']:.1f} s, "
              f"{s['period_tallies']:,} period tallies {s['period_tally_s']:.1f} s, VACUUM ANALYZE {s['analyze_s']:.1f} s")
        print(f"  rows       : {args.complaints:,} complaints ({s['open']:,} open = {s['open'] / args.complaints:.1%}; "
              f"{s['overdue']:,} overdue, {s['due_today']:,} due later today), {s['customers']:,} customers, "
              f"{s['events']:,} events, {s['clocks']:,} clocks, {s['assignments']:,} work orders, "
              f"{s['proposals']:,} pending proposals, {s['extensions']:,} extension requests")

    pages = build_pages()
    if args.only:
        pages = [p for p in pages if any(o in p.name for o in args.only)]
    if args.list:
        for p in pages:
            print(f"  {p.name:<58} {p.url}")
        return 0
    if not pages:
        sys.exit("--only matched no page (see --list)")
    print(f"measuring {len(pages)} pages ...", flush=True)
    results = measure(pages, args)
    return report(results, args)


def _db_cpu(r: Result) -> str:
    return f"{statistics.median(r.db_cpu):6.1f}" if r.db_cpu else f"{'-':>6}"


def report(results: list[Result], args) -> int:
    print("-" * 100)
    print(f"{'page':<60} {'p50':>7} {'p95':>7} {'p99':>7} {'max':>7} {'SQL':>4} {'SQL ms':>7} {'cpu':>6} "
          f"{'db cpu':>6}")
    over, errors = [], []
    for r in results:
        p50, p95, p99 = r.stat(50), r.stat(95), r.stat(99)
        flag = " <-- over" if p95 > args.target else ""
        print(f"{r.page.name:<60} {p50:7.1f} {p95:7.1f} {p99:7.1f} {r.worst():7.1f} {r.queries:4d} "
              f"{r.sql_ms:7.1f} {statistics.median(r.cpu):6.1f} {_db_cpu(r)}{flag}")
        if p95 > args.target:
            over.append(r)
        if r.status_errors:
            errors.append(f"{r.page.name}: status {sorted(set(r.status_errors))}, expected {r.page.expect}")
    print("-" * 100)
    print(f"p50/p95/p99/max: wall ms per request, the median over {args.runs} runs of {args.requests} requests; "
          "SQL: queries in one request and their total ms;\ncpu: median CPU ms this process spent per request "
          "(Python and, on SQLite, the database); db cpu: the PostgreSQL backend's CPU ms per request\n"
          "(mean, from /proc). cpu + db cpu is about what one request takes on an otherwise idle machine.")
    worklists = [r for r in results if "/cases/ (default" in r.page.name]
    if worklists:
        worst = max(worklists, key=lambda r: r.stat(95))
        print(f"work-list, worst default view: {worst.page.name}: p50 {worst.stat(50):.1f} ms, "
              f"p95 {worst.stat(95):.1f} ms at {args.complaints:,} complaints")
        print(f"  reference: {PEER} (p95 ratio {PEER_P95_MS / max(worst.stat(95), 0.001):.1f}x, "
              "different machine day and load: compare in one script for a fair ratio)")
    all_p95 = sorted(r.stat(95) for r in results)
    print(f"pages: {len(results)}, p95 over {args.target:g} ms: {len(over)}; highest p95 {all_p95[-1]:.1f} ms; "
          f"load avg {load_average()}")
    if over and not args.no_explain:
        print("=" * 100)
        print("pages over target: the slowest SQL of one request, explained")
        for r in [r for r in over if r.slowest_ms >= args.explain_ms]:
            print(f"* {r.page.name}  {r.page.url}  (p95 {r.stat(95):.1f} ms; {r.queries} queries; slowest "
                  f"{r.slowest_ms:.1f} ms)")
            print("  " + re.sub(r"^SELECT .*? FROM", "SELECT ... FROM", r.slowest_sql, count=1)[:4000])
            try:
                print(explain(r.slowest_sql))
            except Exception as exc:  # a query that does not survive being re-run as text
                print(f"    (EXPLAIN failed: {exc})")
    for r in over:
        print(f"OVER TARGET: {r.page.name}: p95 {r.stat(95):.1f} ms > {args.target:g} ms", file=sys.stderr)
    for e in errors:
        print(f"WRONG STATUS: {e}", file=sys.stderr)
    return 1 if over or errors else 0


if __name__ == "__main__":
    sys.exit(main())
