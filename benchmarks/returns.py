"""How long does a quarterly regulator return take on a million complaints?

Seeds N complaints (default 1,000,000) with web_pages_seed.py (the cn-securities pack's
categories and channels, three years of intake), adds a product party to one complaint in
ten and a paid remedy to one closed complaint in a hundred, then computes, for the last
ended quarter:

- `finra-4530d`: the us-broker FINRA Rule 4530(d) table (written complaints by problem
  code and product code: the channel filter, the first-product subquery and a 19 x 23
  cross-table), its problem codes mapped from the seeded pack's categories, since the
  seeded complaints carry cn-securities categories; the query is the one us-broker runs;
- `csrc-quarterly`: the cn-securities return (three tables, 19 columns: received, closed,
  on time, open at the end, payments, 12386 referrals);
- `disp-complaints-return`: the uk-fca DISP 1.10 return for the last ended half-year (three
  tables: product group by cause opened and closed, closed within 3 business days and 8
  weeks, upheld, redress), closed as of a clock's stop (the seeded `resolution` clock
  standing for `final_response`), its causes mapped from the seeded categories and its
  product groups given the seeded products' names;

each `--runs` times (the first run is cold for this process; PostgreSQL's buffers are
whatever they are), then once more through `return_produce` with both files written and
recorded. Prints every run and the median; exits 1 if the FINRA or the DISP median is over --target.

    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench_returns \\
        REDRESS_DATA_DIR=/tmp/returns-bench .venv/bin/python benchmarks/returns.py
    ... benchmarks/returns.py --reuse            # measure again on the seeded database
    ... benchmarks/returns.py --reuse --only disp-complaints-return [--no-parallel]

Each return also prints its CPU a run: this process's, its PostgreSQL backend's and the
parallel workers' (read from /proc: the server must be on this machine; the workers' CPU
is what the postmaster reaped meanwhile, any session's), and a hash of its figures (every
cell, total and unmapped count) to compare two versions of the code.

The database must have "bench" in its name unless --force-reset: it is WIPED.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from seeding import bench_database, cpu_model, load_average, reuse_or_wipe, shown_url
from web_pages_seed import seed

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 2.0
PRODUCTS = ("Acme Corp common stock", "Growth Mutual Fund A", "Lifetime Variable Annuity", "US Treasury note",
            "Springfield municipal bond", "鑫盈1号私募证券投资基金", "融资融券", "Index option on SPX")
# The seeded pack's categories under FINRA problem codes (the benchmark's mapping).
PROBLEMS = {"10": ["trading_assets"], "16": ["suitability"], "06": ["marketing"], "51": ["counter", "service_quality"],
            "64": ["info_system"], "99": ["other"]}
# The seeded pack's categories under DISP causes, and the seeded products under DISP groups.
CAUSES = {"advising": ["marketing", "suitability"], "terms": ["counter"], "admin": ["service_quality", "info_system"],
          "arrears": ["trading_assets"], "other": ["other"]}
GROUPS = {"investments": ["stock", "fund", "note", "bond", "option", "基金", "融资融券"], "pensions": ["annuity"]}


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--complaints", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=5, help="timed computations per return (5)")
    p.add_argument("--reuse", action="store_true", help="measure on the database already seeded")
    p.add_argument("--batch", type=int, default=20_000)
    p.add_argument("--target", type=float, default=TARGET_S, help=f"seconds for the FINRA return ({TARGET_S:g})")
    p.add_argument("--force-reset", action="store_true")
    p.add_argument("--only", action="append", default=[], help="a return's code to measure (repeatable; all by default)")
    p.add_argument("--no-parallel", action="store_true", help="SET max_parallel_workers_per_gather = 0 (PostgreSQL)")
    return p.parse_args(argv)


def _ticks(pid: int) -> tuple[float, float, int]:
    """(own CPU, reaped children's CPU, parent pid) of a process on this machine, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    hz = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / hz, (int(fields[13]) + int(fields[14])) / hz, int(fields[1])


def server_cpu(connection) -> tuple[float, float] | None:
    """CPU so far of this connection's PostgreSQL backend and of the parallel workers the
    postmaster has reaped (any session's: the figure is noisy on a busy server), or None
    (SQLite, or a server on another machine)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    try:
        own, _children, parent = _ticks(pid)
        return own, _ticks(parent)[1]
    except (OSError, IndexError, ValueError):
        return None


def digest(result) -> str:
    """A short hash of every cell, row and unmapped count: the figures, to compare across versions."""
    import hashlib

    parts = [(t.code, r.code, [str(v) for v in r.values]) for t in result.tables
             for r in [*t.rows, *([t.total] if t.total else [])]]
    parts.append(sorted((u.dimension, u.value, u.count) for u in result.unmapped))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:12]


def add_products_and_payments(connection) -> tuple[int, int]:
    """Products on one complaint in ten, a paid remedy on one closed complaint in a hundred."""
    cases = " ".join(f"WHEN {i} THEN '{name}'" for i, name in enumerate(PRODUCTS))
    day = "c.closed_at::date" if connection.vendor == "postgresql" else "date(c.closed_at)"
    with connection.cursor() as cur:
        cur.execute("INSERT INTO complaints_complaintparty (complaint_id, kind, product, description) "
                    f"SELECT id, 'product', CASE id % {len(PRODUCTS)} {cases} END, '' "
                    "FROM complaints_complaint WHERE id % 10 = 3")
        products = cur.rowcount
        cur.execute("INSERT INTO complaints_proposal (complaint_id, summary, facts, responsibility, legal_basis, "
                    "compensation, approver_roles, proposed_by_id, proposed_at, status, decided_by_id, decided_at, "
                    "decision_note) SELECT id, 'bench payment', '', 'institution', '', 100 + id % 900, "
                    "'[\"complaints_office\"]', owner_id, closed_at, 'approved', owner_id, closed_at, '' "
                    "FROM complaints_complaint WHERE id % 100 = 7 AND closed_at IS NOT NULL")
        cur.execute("INSERT INTO complaints_remedy (complaint_id, proposal_id, kind, description, amount, due_date, "
                    "executed_at, executed_by_id, execution_note, waive_reason, reminded, escalated) "
                    f"SELECT p.complaint_id, p.id, 'payment', 'bench', p.compensation, {day}, c.closed_at, "
                    "c.owner_id, '', '', '[]', '[]' FROM complaints_proposal p JOIN complaints_complaint c ON c.id = p.complaint_id "
                    "WHERE p.summary = 'bench payment'")
        payments = cur.rowcount
        cur.execute("ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return products, payments


def finra_shaped(us_pack, pack):
    """us-broker's FINRA return with its problem codes mapped from the seeded pack's categories."""
    ret = us_pack.regulator_return("finra-4530d")
    problem = ret.dimension("problem")
    codes = [c.model_copy(update={"values": PROBLEMS.get(c.code, [])}) for c in problem.codes]
    dims = [problem.model_copy(update={"codes": codes}) if d.code == "problem" else d for d in ret.dimensions]
    return ret.model_copy(update={"dimensions": dims, "channels": ["email", "letter", "web", "app", "fax",
                                                                   "regulator_referral"]})


def disp_shaped(uk_pack):
    """uk-fca's DISP return with its causes and product groups mapped from the seeded data."""
    ret = uk_pack.regulator_return("disp-complaints-return")
    dims = []
    for dim in ret.dimensions:
        if dim.code == "cause":
            codes = [c.model_copy(update={"values": CAUSES.get(c.code, [])}) for c in dim.codes]
        else:
            codes = [c.model_copy(update={"values": [], "words": GROUPS.get(c.code, [])}) for c in dim.codes]
        dims.append(dim.model_copy(update={"codes": codes}))
    return ret.model_copy(update={"dimensions": dims, "closed_when": "resolution"})


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    url, scheme = bench_database("returns", args.force_reset)
    reuse = reuse_or_wipe(url, scheme, args.complaints, reuse=args.reuse, force=args.force_reset)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from redress.complaints.models import Complaint, Staff
    from redress.complaints.services.timing import calendar_for
    from redress.policy.loader import active_pack, load_pack
    from redress.reports.returns.compute import compute
    from redress.reports.returns.periods import last_ended
    from redress.reports.returns.produce import return_produce

    if not reuse:
        call_command("migrate", verbosity=0, interactive=False)
        print(f"seeding {args.complaints:,} complaints ...", flush=True)
        s = seed(args.complaints, args.batch)
        print(f"seeded in {s['seconds']:.0f} s")
    from redress.complaints.models import ComplaintParty

    if args.no_parallel and connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET max_parallel_workers_per_gather = 0")

    if not ComplaintParty.objects.filter(kind="product", product__in=PRODUCTS).exists():
        # Here rather than in the seed, so a database seeded by web_pages.py serves too;
        # all or nothing, or a failed run would leave products and no payments, and the
        # next run would then skip adding the payments.
        with transaction.atomic():
            products, payments = add_products_and_payments(connection)
        print(f"added {products:,} product parties and {payments:,} payments")
    with connection.cursor() as cur:
        cur.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = ("PostgreSQL " if connection.vendor == "postgresql" else "SQLite ") + cur.fetchone()[0]
    pack = active_pack()
    cal = calendar_for(pack)
    office = Staff.objects.filter(roles__role="complaints_office").order_by("pk").first()
    now = timezone.now()
    quarter = last_ended(pack.regulator_return("csrc-quarterly").period, now.astimezone(cal.tz).date())
    t0, t1 = quarter.bounds(cal.tz)
    in_quarter = Complaint.objects.filter(received_at__gte=t0, received_at__lt=t1).count()
    print("=" * 90)
    print(f"regulator returns benchmark: {version} {shown_url(url)}")
    print(f"  complaints : {Complaint.objects.count():,}; {in_quarter:,} received in {quarter.label}")
    print(f"  machine    : {os.cpu_count()} cores, {cpu_model()}; load average {load_average()}")
    print("=" * 90)
    finra = finra_shaped(load_pack("us-broker"), pack)
    disp = disp_shaped(load_pack("uk-fca"))
    half = last_ended(disp.period, now.astimezone(cal.tz).date())
    status = 0
    for ret, period in ((finra, quarter), (pack.regulator_return("csrc-quarterly"), quarter), (disp, half)):
        if args.only and ret.code not in args.only:
            continue
        cpu0, server0 = time.process_time(), server_cpu(connection)
        runs = timed(lambda ret=ret, period=period: compute(ret, period, staff=office, pack=pack, cal=cal,
                                                            language="en"), args.runs)
        cpu1, server1 = time.process_time(), server_cpu(connection)
        result = compute(ret, period, staff=office, pack=pack, cal=cal, language="en")
        cells = sum(len(r.values) for t in result.tables for r in t.rows)
        print(f"{ret.code:<22} {period.label}: runs " + " ".join(f"{r:.3f}" for r in runs)
              + f" s; median {statistics.median(runs):.3f} s; {cells} cells, "
              f"{sum(u.count for u in result.unmapped):,} complaints unmapped; figures {digest(result)}")
        cpu = f"  CPU a run: process {(cpu1 - cpu0) / len(runs):.3f} s"
        if server0 and server1:
            cpu += (f", backend {(server1[0] - server0[0]) / len(runs):.3f} s, parallel workers "
                    f"{(server1[1] - server0[1]) / len(runs):.3f} s (reaped by the postmaster, any session's)")
        print(cpu + f"; load average {load_average()}")
        if ret in (finra, disp) and statistics.median(runs) > args.target:
            status = 1
    if args.only:
        return status
    t = time.perf_counter()
    done = return_produce(staff=office, pack=pack, code="csrc-quarterly", period=quarter.label, now=now, cal=cal,
                          language="zh-hans")
    print(f"return_produce csrc-quarterly with both files recorded: {time.perf_counter() - t:.3f} s "
          f"(xlsx {len(done.record.xlsx):,} bytes, sha256 {done.record.xlsx_sha256[:12]}...)")
    print(f"FINRA 4530(d) and DISP medians under {args.target:g} s: {'met' if status == 0 else 'NOT met'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
