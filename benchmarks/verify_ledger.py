"""How long does `ledger.verify()` take on a large ledger?

Seeds N events (K per complaint) straight into a clean database with bulk inserts,
computing the hash chains with the project's own `ledger.canonical` / `ledger.event_hash`,
takes one checkpoint, then times `ledger.verify()` R times and prints the median.

    .venv/bin/python benchmarks/verify_ledger.py                       # SQLite, temp file
    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench \\
        .venv/bin/python benchmarks/verify_ledger.py                   # PostgreSQL

The database named by REDRESS_DATABASE_URL is WIPED (PostgreSQL: schema `public`
dropped and recreated; SQLite: file deleted) and migrated from scratch. As a guard,
the database name must contain "bench" unless --force-reset is given.

Exit status: 0 when every verify run reports ok and counts all N events; 1 otherwise.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from seeding import cpu_model, guard, insert, load_average, reset_postgres, reset_sequences

ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None):
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--events", type=int, default=1_000_000, help="ledger events to seed (default 1,000,000)"
    )
    p.add_argument(
        "--per-complaint", type=int, default=20, help="events per complaint (default 20)"
    )
    p.add_argument("--runs", type=int, default=3, help="timed verify() runs (default 3)")
    p.add_argument(
        "--batch",
        type=int,
        default=10_000,
        help="rows per insert batch / transaction (default 10,000)",
    )
    p.add_argument(
        "--active",
        type=int,
        default=1_000,
        help="complaints open at the same time while seeding: their events are interleaved in id "
        "order, as in a real ledger (default 1,000; 1 = each chain stored contiguously)",
    )
    p.add_argument(
        "--no-checkpoint", action="store_true", help="skip the checkpoint before verifying"
    )
    p.add_argument(
        "--profile",
        action="store_true",
        help="after the timed runs, run verify() once more under cProfile and print the top functions",
    )
    p.add_argument(
        "--keep",
        action="store_true",
        help="keep the temporary directory (default SQLite file and data dir) instead of deleting it",
    )
    p.add_argument(
        "--force-reset",
        action="store_true",
        help="allow wiping a database whose name does not contain 'bench'",
    )
    args = p.parse_args(argv)
    if (
        args.events < 1
        or args.per_complaint < 1
        or args.runs < 1
        or args.batch < 1
        or args.active < 1
    ):
        p.error("--events, --per-complaint, --runs, --batch and --active must be positive")
    return args


# ---- database preparation (before django.setup) ---------------------------------


def prepare_environment(args, tmp: str) -> str:
    """Point the settings at the benchmark database and wipe it. Returns the URL."""
    os.environ.setdefault("REDRESS_DATA_DIR", tmp)  # secret key etc. go here, not in ./var
    url = os.environ.get("REDRESS_DATABASE_URL") or f"sqlite:///{tmp}/ledger-bench.sqlite3"
    os.environ["REDRESS_DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "redress.settings"

    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    if scheme in ("postgres", "postgresql", "pgsql"):
        reset_postgres(parts, args.force_reset)
    elif scheme == "sqlite":
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
        if str(path) not in ("", ":memory:") and path.exists():
            guard(path.name, args.force_reset)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    else:
        sys.exit(f"REDRESS_DATABASE_URL={url!r}: only sqlite and postgres URLs are supported")
    return url


# ---- seeding ----------------------------------------------------------------------


def seed(args) -> tuple[int, int, float]:
    """Insert the complaints and their hash-chained events. Returns (events, complaints, seconds).

    Rows go in on Django's own connection (COPY on PostgreSQL, executemany on SQLite),
    in transactions of --batch rows. Every value is prepared by the model field itself (`get_db_prep_save`,
    `adapt_datetimefield_value`), so the rows are exactly what the ORM would write; only
    the per-row overhead of `bulk_create` (about 6,000 rows/s here) is skipped.
    """
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction

    from redress.complaints import ledger
    from redress.complaints.models import Complaint, Customer, Event, Institution, OrgUnit, Staff

    n, k = args.events, args.per_complaint
    n_complaints = -(-n // k)
    lengths = [k] * (n // k) + ([n % k] if n % k else [])
    start_at = datetime(2024, 1, 1, tzinfo=UTC)
    types = [int(t) for t in ledger.EventType]
    adapt_dt = connection.ops.adapt_datetimefield_value

    t0 = time.perf_counter()
    with transaction.atomic():
        inst = Institution.objects.create(name="基准测试证券 Bench Securities")
        unit = OrgUnit.objects.create(
            institution=inst, code="bench-hq", name="总部", kind=OrgUnit.Kind.HEADQUARTERS
        )
        staff = Staff.objects.create(username="bench", password=make_password(None), unit=unit)
        customer = Customer.objects.create(name="张三", created_at=start_at)

    # One complaint row prepared by the ORM; each complaint copies it and changes the
    # columns that differ. Complaint ids are assigned here (the database is fresh) so
    # every chain can be hashed before anything is written; the id sequence is reset
    # afterwards.
    proto = Complaint(
        id=0,
        reference="",
        state="investigating",
        policy_code="cn-securities",
        customer=customer,
        channel="web",
        received_at=start_at,
        subject="",
        cause="benchmark",
        intake_unit=unit,
        owner=staff,
        first_responder=staff,
        ledger_head="",
        ledger_length=0,
        created_at=start_at,
        updated_at=start_at,
    )
    c_fields = [f for f in Complaint._meta.concrete_fields]
    c_proto = [f.get_db_prep_save(getattr(proto, f.attname), connection) for f in c_fields]
    c_index = {f.name: i for i, f in enumerate(c_fields)}
    c_columns = [f.column for f in c_fields]

    e_fields = [
        "complaint_id",
        "seq",
        "type",
        "at",
        "actor_id",
        "actor_role",
        "channel",
        "payload",
        "prev_hash",
        "hash",
    ]
    e_columns = [Event._meta.get_field(f).column for f in e_fields]

    clock = start_at
    actor_id = staff.pk

    def chains(first_id: int, last_id: int, heads: dict):
        """Event rows of complaints first_id..last_id, interleaved the way a busy ledger
        is: every open complaint gets its next event before any gets the one after."""
        nonlocal clock
        for seq in range(1, k + 1):
            for cid in range(first_id, last_id + 1):
                if seq > lengths[cid - 1]:
                    continue
                clock += timedelta(microseconds=1_234_567)
                type_code = types[(cid + seq) % len(types)]
                payload = ledger.canonical(
                    {
                        "note": f"第{seq}步 step {seq} of complaint {cid}",
                        "amount": Decimal(cid % 10_000) / 100,
                        "due": clock + timedelta(days=15),
                        "flags": ["bench", "seeded"] if seq % 5 == 0 else [],
                    }
                )
                prev = heads.get(cid, ledger.GENESIS)
                digest = ledger.event_hash(
                    complaint_id=cid,
                    seq=seq,
                    type_code=type_code,
                    at=clock,
                    actor_id=actor_id,
                    actor_role="handler",
                    channel="web",
                    payload=payload,
                    prev_hash=prev,
                )
                heads[cid] = digest
                yield (
                    cid,
                    seq,
                    type_code,
                    adapt_dt(clock),
                    actor_id,
                    "handler",
                    "web",
                    payload,
                    prev,
                    digest,
                )

    def complaint_row(cid: int, head: str):
        row = list(c_proto)
        row[c_index["id"]] = cid
        row[c_index["reference"]] = f"BENCH-{cid:08d}"
        row[c_index["subject"]] = f"基准投诉 {cid}"
        row[c_index["ledger_head"]] = head
        row[c_index["ledger_length"]] = lengths[cid - 1]
        return row

    done = 0
    for first in range(1, n_complaints + 1, args.active):
        last = min(first + args.active - 1, n_complaints)
        heads: dict[int, str] = {}
        rows = list(chains(first, last, heads))  # hashed first: the complaint rows carry the heads
        # Complaints first: the events' foreign key points at them.
        complaints = [complaint_row(cid, heads[cid]) for cid in range(first, last + 1)]
        for i in range(0, len(complaints), args.batch):
            insert(connection, Complaint, c_columns, complaints[i : i + args.batch])
        for i in range(0, len(rows), args.batch):
            insert(connection, Event, e_columns, rows[i : i + args.batch])
        done += len(rows)
        if sys.stdout.isatty():
            print(f"\r  seeded {done:>12,} / {n:,} events", end="", flush=True)
    if sys.stdout.isatty():
        print()

    reset_sequences(connection, [Complaint])
    return done, n_complaints, time.perf_counter() - t0


# ---- main ---------------------------------------------------------------------------






def main(argv=None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    tmp = tempfile.mkdtemp(prefix="redress-bench-")
    try:
        return run(args, tmp)
    finally:
        from django.apps import apps

        if apps.ready:
            from django.db import connections

            connections.close_all()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: str) -> int:
    url = prepare_environment(args, tmp)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from redress.complaints import ledger

    call_command("migrate", verbosity=0, interactive=False)
    from redress.complaints import ledger_key

    ledger_key.ensure()  # checkpoints are signed, as after `redress init`
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SHOW server_version")
            version = "PostgreSQL " + cur.fetchone()[0]
        else:
            cur.execute("SELECT sqlite_version()")
            version = "SQLite " + cur.fetchone()[0]

    n_complaints = -(-args.events // args.per_complaint)
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    parts = urlsplit(url)
    shown_url = (
        parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()
        if parts.password
        else url
    )
    print("=" * 72)
    print("redress ledger.verify() benchmark")
    print(f"  database   : {connection.vendor} ({version})  {shown_url}")
    print(
        f"  events     : {args.events:,}  ({args.per_complaint} per complaint, {args.active:,} open at a time)"
    )
    print(f"  complaints : {n_complaints:,}")
    print(f"  machine    : {cores} cores ({usable} usable), {cpu_model()}")
    print(f"  python     : {platform.python_version()}  django {django.get_version()}")
    print(f"  load avg   : {load_average()} (other work on the machine skews wall-clock times)")
    print("=" * 72)

    print("seeding ...")
    events, complaints, seed_s = seed(args)
    print(f"seeding      : {seed_s:8.2f} s  ({events / seed_s:,.0f} events/s)")

    if connection.vendor == "postgresql":
        t = time.perf_counter()
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        print(f"analyze      : {time.perf_counter() - t:8.2f} s")

    checkpoints = 0
    if not args.no_checkpoint:
        t = time.perf_counter()
        cp = ledger.take_checkpoint(now=datetime.now(UTC))
        checkpoints = 1 if cp else 0
        print(
            f"checkpoint   : {time.perf_counter() - t:8.2f} s  ({cp.entry_count:,} chain heads)"
            if cp
            else "checkpoint   : nothing to record"
        )

    failures = []
    times, cpu_times = [], []
    for run in range(1, args.runs + 1):
        t, c = time.perf_counter(), time.process_time()
        result = ledger.verify()
        elapsed, cpu = time.perf_counter() - t, time.process_time() - c
        times.append(elapsed)
        cpu_times.append(cpu)
        print(
            f"verify run {run}: {elapsed:8.2f} s  ({result.events / elapsed:,.0f} events/s, "
            f"python cpu {cpu:.2f} s)  "
            f"ok={result.ok} events={result.events:,} complaints={result.complaints:,} "
            f"checkpoints={result.checkpoints}"
        )
        if not result.ok:
            failures.append(f"run {run}: {result.problem}")
        elif (result.events, result.complaints, result.checkpoints) != (
            events,
            complaints,
            checkpoints,
        ):
            failures.append(
                f"run {run}: counted {result.events} events / {result.complaints} complaints / "
                f"{result.checkpoints} checkpoints, expected {events} / {complaints} / {checkpoints}"
            )

    median = statistics.median(times)
    print("-" * 72)
    print(
        f"MEDIAN verify: {median:8.2f} s  ({events / median:,.0f} events/s) over {args.runs} run(s), "
        f"python cpu {statistics.median(cpu_times):.2f} s; seeding {seed_s:.2f} s; load avg {load_average()}"
    )

    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(ledger.verify)
        stats = pstats.Stats(prof, stream=sys.stdout)
        stats.sort_stats("tottime").print_stats(25)

    if failures:
        print("FAILED:", *failures, sep="\n  ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
