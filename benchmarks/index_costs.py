"""What each index of a table costs PostgreSQL to keep, per row written (issue 13 item 10).

    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench_bulk \
        .venv/bin/python benchmarks/index_costs.py [--table complaints_complaint] [--rows 20000]

Reads the table's first N rows (a database a bulk benchmark filled: `bulk_intake.py`),
then COPYs them into an empty temporary table of the same columns N times over: once
with no index, then with each of the table's indexes alone, in a transaction rolled back
each time. Prints the backend's CPU (from /proc, this machine's PostgreSQL) a row for
each index beyond the bare table, highest first. Writes nothing that stays."""

from __future__ import annotations

import argparse
import os
import re
import sys

import psycopg


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--table", default="complaints_complaint")
    p.add_argument("--rows", type=int, default=20_000)
    p.add_argument("--tries", type=int, default=2, help="COPYs per index; the least CPU counts (2)")
    return p.parse_args(argv)


def backend_cpu(pid: int) -> float:
    """User + system CPU seconds of the PostgreSQL backend `pid` (same machine)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv=None) -> int:
    args = parse_args(argv)
    url = os.environ.get("REDRESS_DATABASE_URL", "")
    if not url.startswith("postgres"):
        print("REDRESS_DATABASE_URL must name a PostgreSQL database on this machine", file=sys.stderr)
        return 2
    conn = psycopg.connect(url.replace("postgres://", "postgresql://", 1))
    cur = conn.cursor()
    pid = conn.info.backend_pid
    data = bytearray()
    with cur.copy(f"COPY (SELECT * FROM {args.table} ORDER BY id LIMIT {int(args.rows)}) TO STDOUT "
                  "(FORMAT BINARY)") as copy:
        for chunk in copy:
            data += chunk
    cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {args.table} LIMIT {int(args.rows)}) n")
    rows = cur.fetchone()[0]
    cur.execute("SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
                "WHERE indrelid = %s::regclass", [args.table])
    indexes = cur.fetchall()
    conn.commit()
    if not rows:
        print(f"{args.table} is empty: fill it first (bulk_intake.py)", file=sys.stderr)
        return 2

    def copy_with(definitions: list[str]) -> float:
        least = None
        for _ in range(args.tries):
            cur.execute(f"CREATE TEMP TABLE index_cost (LIKE {args.table})")
            for definition in definitions:
                cur.execute(definition)
            before = backend_cpu(pid)
            with cur.copy("COPY index_cost FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(bytes(data))
            spent = backend_cpu(pid) - before
            conn.rollback()
            least = spent if least is None else min(least, spent)
        return least

    on_copy = re.compile(rf"^CREATE (UNIQUE )?INDEX \S+ ON (public\.)?{re.escape(args.table)}")
    bare = copy_with([])
    costs = sorted(((copy_with([on_copy.sub(lambda m: f"CREATE {m.group(1) or ''}INDEX ON index_cost", d)]) - bare,
                     name, d) for name, d in indexes), reverse=True)
    print(f"{args.table}: {rows:,} rows; the bare table {bare / rows * 1e6:.1f} µs a row of backend CPU "
          f"(the clock ticks at {1e6 / os.sysconf('SC_CLK_TCK') / rows:.1f} µs a row: smaller differences are noise)")
    for cost, name, definition in costs:
        print(f"{cost / rows * 1e6:7.1f} µs  {name:<48} {definition.split(' USING ', 1)[-1][:90]}")
    print(f"{sum(c for c, _n, _d in costs) / rows * 1e6:7.1f} µs  all {len(costs)} indexes, each alone, summed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
