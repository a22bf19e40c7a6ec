"""How fast and how lean is an export of the whole register at a million complaints?

Issue 11, Performance: an export of the whole register (1M rows) starts within 2 s,
finishes within 3 minutes, and the process stays under 300 MB.

Seeds N complaints the way benchmarks/web_pages.py does (web_pages_seed.seed), or reuses
such a database (--reuse: the databases of web_pages.py and period_statistics.py serve).
Then, for each format (CSV, xlsx), a fresh Python process downloads
/register/export/?format=... as the complaints office (every complaint, masked) through
Django's test Client, reading the response to its end as a browser would, and reports:

- start: from the request until the first bytes of the body are in hand (both stream:
  a CSV's header row, an xlsx's first compressed bytes);
- total: until the last byte, the bytes and the rows (CSV lines less the header; the
  export record's count for xlsx);
- rows a second; a CSV still being written after --give-up seconds is left there (the
  rows it reached are reported);
- peak memory: the process's high-water resident set (VmHWM of /proc/self/status, which
  a new process starts afresh, unlike getrusage's, which inherits its parent's peak);
- CPU per 1,000 rows: this process's CPU time and its PostgreSQL backend's (from
  /proc/<pid>/stat of pg_backend_pid(), the server being on this machine), which the
  load of a shared machine does not inflate as it does wall time.

    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench_stats \\
        .venv/bin/python benchmarks/register_export.py --reuse [--formats csv]

Exit status 0 when every format met the three targets.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from seeding import bench_database, cpu_model, load_average, reuse_or_wipe, shown_url

START_S, TOTAL_S, MEMORY_MB = 2.0, 180.0, 300.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--complaints", type=int, default=1_000_000, help="complaints to seed (1,000,000)")
    p.add_argument("--formats", default="csv,xlsx", help="comma-separated: csv, xlsx (both)")
    p.add_argument("--reuse", action="store_true", help="keep a database already holding N complaints")
    p.add_argument("--batch", type=int, default=20_000, help="complaints per insert round when seeding")
    p.add_argument("--force-reset", action="store_true", help="allow wiping a database without 'bench' in its name")
    p.add_argument("--give-up", type=float, default=2 * TOTAL_S,
                   help="stop reading a CSV after this many seconds and report how far it got (360)")
    p.add_argument("--child", default="", help=argparse.SUPPRESS)  # the measuring process: its format
    return p.parse_args(argv)


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def backend_cpu_s() -> float:
    """CPU seconds (user + system) of this process's PostgreSQL backend so far, read from
    /proc (the server runs on this machine); nan if it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return float("nan")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def child(fmt: str, give_up: float) -> dict:
    """One export, measured in this (fresh) process."""
    import django

    django.setup()
    from django.test import Client

    from redress.complaints.models import Staff
    from redress.reports.models import ExportRecord

    office = Staff.objects.filter(roles__role="complaints_office").order_by("pk").first()
    client = Client(HTTP_HOST="localhost")
    client.force_login(office)
    # A server's worker has imported its views and loaded its pack before: so has this one.
    assert client.get("/register/").status_code == 200
    before = peak_mb()
    db_before, cpu_before = backend_cpu_s(), time.process_time()
    started = time.perf_counter()
    response = client.get("/register/export/", {"format": fmt})
    assert response.status_code == 200, response.status_code
    chunks = iter(response.streaming_content)
    first = next(chunks)
    start = time.perf_counter() - started
    size, lines = len(first), first.count(b"\n")
    stopped = False
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
        if fmt == "csv" and time.perf_counter() - started > give_up:
            stopped = True  # the reader leaves, as a browser's user would
            break
    total = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    db_cpu = backend_cpu_s() - db_before
    response.close()
    recorded = ExportRecord.objects.filter(staff=office, format=fmt).order_by("-pk").values_list("rows", flat=True)[0]
    return {"format": fmt, "start": start, "total": total, "bytes": size, "stopped": stopped,
            # The record has the rows written once the last byte is made; a CSV left
            # half-way: its lines (a text with a line break in it would count twice).
            "rows": lines - 1 if stopped else recorded, "recorded": recorded,
            "peak_mb": peak_mb(), "after_setup_mb": before, "cpu": cpu, "db_cpu": db_cpu}


def seed_here(args) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from web_pages_seed import seed

    call_command("migrate", verbosity=0, interactive=False)
    print(f"seeded in {seed(args.complaints, args.batch)['seconds']:.0f} s", flush=True)
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    url, scheme = bench_database("export", args.force_reset)
    if args.child == "seed":
        return seed_here(args)
    if args.child:
        print(json.dumps(child(args.child, args.give_up)))
        return 0
    reuse = reuse_or_wipe(url, scheme, args.complaints, reuse=args.reuse, force=args.force_reset)
    if not reuse:
        # Seeded in a process of its own: the measuring ones are then not its children.
        code = subprocess.call([sys.executable, __file__, "--child", "seed", "--complaints", str(args.complaints),
                                "--batch", str(args.batch)])
        if code:
            return code
    print("=" * 100)
    print(f"register export benchmark: {shown_url(url)}, {args.complaints:,} complaints, as the complaints office")
    print(f"  machine : {os.cpu_count()} cores, {cpu_model()}; load avg {load_average()}")
    print(f"  targets : first bytes < {START_S:.0f} s, whole file < {TOTAL_S:.0f} s, process < {MEMORY_MB:.0f} MB")
    print("=" * 100)
    failed = []
    for fmt in args.formats.split(","):
        out = subprocess.run([sys.executable, __file__, "--child", fmt, "--give-up", str(args.give_up)],
                             capture_output=True, text=True)
        if out.returncode:
            print(out.stdout, out.stderr)
            return out.returncode
        r = json.loads(out.stdout.strip().splitlines()[-1])
        gave_up = f" STOPPED after {r['rows']:,} of" if r["stopped"] else ""
        print(f"{fmt:5} start {r['start']:7.2f} s  total {r['total']:7.1f} s {gave_up} {r['recorded']:>9,} rows "
              f"({r['rows'] / r['total']:,.0f} rows/s)  {r['bytes'] / 2**20:7.1f} MiB  peak RSS {r['peak_mb']:6.0f} MiB "
              f"(after Django's setup {r['after_setup_mb']:.0f})  load avg {load_average()}", flush=True)
        per = 1000 / max(r["rows"], 1)
        print(f"      CPU per 1,000 rows: process {r['cpu'] * per * 1000:.0f} ms + PostgreSQL backend "
              f"{r['db_cpu'] * per * 1000:.0f} ms = {(r['cpu'] + r['db_cpu']) * per * 1000:.0f} ms "
              f"(whole run: {r['cpu']:.1f} + {r['db_cpu']:.1f} s)", flush=True)
        if r["stopped"] or r["start"] >= START_S or r["total"] >= TOTAL_S or r["peak_mb"] >= MEMORY_MB:
            failed.append(fmt)
    print("targets: " + ("met" if not failed else "NOT met for " + ", ".join(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
