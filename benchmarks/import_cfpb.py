"""How fast `redress import` brings in the 9,219-row CFPB sample.

Each run starts from an empty, freshly migrated database (one institution with a
customer service centre), imports the whole file with the shipped mapping under the
`general` pack exactly as `redress import` does, and reports rows per second; the
script prints every run and the median. Each run is a separate process, so no cache
survives from one run to the next.

    .venv/bin/python benchmarks/import_cfpb.py                       # SQLite, a temporary file
    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench \\
        .venv/bin/python benchmarks/import_cfpb.py                   # PostgreSQL

The database named by REDRESS_DATABASE_URL is WIPED before every run (schema `public`
dropped and recreated). As a guard the script refuses a database whose name contains
neither `bench` nor `h8` unless you pass --force-reset.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# The shared data sits beside the checkout, or beside the folder of worktrees.
DEFAULT_FILE = next((base / "shared" / "data" / "cfpb" / "complaints_sample.csv" for base in (REPO.parent, REPO.parent.parent)
                     if (base / "shared" / "data" / "cfpb" / "complaints_sample.csv").is_file()),
                    REPO.parent / "shared" / "data" / "cfpb" / "complaints_sample.csv")
MAPPING = REPO / "src" / "redress" / "imports" / "mappings" / "cfpb.yaml"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--file", type=Path, default=DEFAULT_FILE)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--batch", type=int, default=500)
    p.add_argument("--resume", action="store_true", help="import in batches as `redress import --resume` does")
    p.add_argument("--force-reset", action="store_true")
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a single run (child process)
    return p.parse_args(argv)


def _reset_postgres(url: str) -> None:
    import psycopg

    dsn = url.replace("postgres://", "postgresql://", 1)
    name = dsn.rsplit("/", 1)[1].split("?")[0]
    admin = dsn.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def one_run(args) -> dict:
    """In a fresh process with a fresh database: migrate, set up, import, measure."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redress.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    from redress.complaints import ledger_key

    ledger_key.ensure()  # checkpoints are signed, as after `redress init`
    from redress.complaints import ledger
    from redress.complaints.models import Complaint, Institution, OrgUnit
    from redress.imports.runner import run_import
    from redress.imports.system import system_account

    inst = Institution.objects.create(name="示例银行", name_en="Example Bank")
    OrgUnit.objects.create(institution=inst, code="customer_service", name="客户服务中心",
                           kind=OrgUnit.Kind.CUSTOMER_SERVICE)
    actor = system_account("import", "批量导入 Import")
    cpu = time.process_time()
    report = run_import(args.file, MAPPING, actor=actor, batch=args.batch, resume=args.resume)
    cpu = time.process_time() - cpu
    assert Complaint.objects.count() == report.imported == report.rows, "complaints and report disagree"
    assert ledger.verify().ok, "ledger broken after import"
    return {"engine": connection.vendor, "database": str(settings.DATABASES["default"]["NAME"]),
            "rows": report.rows, "imported": report.imported, "rejected": len(report.rejected),
            "seconds": round(report.seconds, 2), "rows_per_second": round(report.rows_per_second, 1),
            "cpu_seconds": round(cpu, 2)}


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.one:
        print(json.dumps(one_run(args)))
        return 0
    if not args.file.is_file():
        print(f"no such file: {args.file}", file=sys.stderr)
        return 2
    url = os.environ.get("REDRESS_DATABASE_URL", "")
    if url and not args.force_reset and not any(tag in url.rsplit("/", 1)[-1] for tag in ("bench", "h8")):
        print(f"refusing to wipe {url}: pass --force-reset", file=sys.stderr)
        return 2
    results = []
    with tempfile.TemporaryDirectory(prefix="redress-import-bench-") as tmp:
        for i in range(args.runs):
            env = {**os.environ, "REDRESS_POLICY": "general", "REDRESS_DATA_DIR": f"{tmp}/run{i}",
                   "PYTHONPATH": str(REPO / "src")}
            if url:
                _reset_postgres(url)
            done = subprocess.run([sys.executable, __file__, "--one", "--file", str(args.file), "--batch",
                                   str(args.batch), *(["--resume"] if args.resume else [])],
                                  env=env, capture_output=True, text=True)
            if done.returncode != 0:
                print(done.stderr, file=sys.stderr)
                return 1
            result = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(result)
            print(f"run {i + 1}: {result['engine']}: {result['imported']:,} of {result['rows']:,} rows in "
                  f"{result['seconds']} s = {result['rows_per_second']:,.0f} rows/s "
                  f"(Python CPU {result['cpu_seconds']} s)")
    median = statistics.median(r["rows_per_second"] for r in results)
    print(f"median of {len(results)} runs on {results[0]['engine']}: {median:,.0f} rows/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
