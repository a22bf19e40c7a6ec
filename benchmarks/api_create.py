"""Complaint creation through the API under load: Redress against django-helpdesk.

Each run, for each system: a fresh copy of a database seeded once (100,000 existing
complaints / tickets, as the reference figures in shared/data/README.md were taken),
gunicorn with W sync workers on a loopback port (DEBUG off, persistent database
connections), a short warm-up, then C client threads sending N creations:

- Redress: POST /api/complaints, Bearer token (scope complaints:create) and a unique
  Idempotency-Key on every request; notifications are queued in the outbox, not sent.
- django-helpdesk 2.6.1: POST /helpdesk/api/tickets/ as a superuser with a DRF token;
  each create runs its form-save path (ticket, 'opened' follow-up, e-mail to the
  submitter built and kept in memory by the locmem backend).

Bodies are real complaints, Chinese and English, read from shared/data at run time.
Afterwards every accepted request must be stored exactly once (Redress: by
external_reference, plus `redress verify` and a re-send of a sample with the same
keys; helpdesk: by a marker in the title). The table shows each run and the medians.

    .venv/bin/python benchmarks/api_create.py                  # 3 runs of 2,000 each
    .venv/bin/python benchmarks/api_create.py --runs 1 --requests 500 --skip-peer

The peer runs from its own virtualenv (--peer-venv, default /tmp/h11/peer-venv), made by

    python3 -m venv /tmp/h11/peer-venv
    /tmp/h11/peer-venv/bin/pip install django-helpdesk==2.6.1 gunicorn "psycopg[binary]"

Databases redress_bench_api(_seed) and helpdesk_bench(_seed) on 127.0.0.1:5432 are
DROPPED and recreated. Exit status 1 when an accepted request is missing or stored
twice, a check fails, or Redress's median throughput is under --target times the peer's.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from api_create import bodies, databases, load
from api_create.systems import Check, Helpdesk, Redress, System


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--requests", type=int, default=2000, help="timed creations per system per run (2,000)")
    p.add_argument("--clients", type=int, default=8, help="concurrent client threads (8)")
    p.add_argument("--runs", type=int, default=3, help="runs, each from a fresh copy of the seed (3)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers per system (2)")
    p.add_argument("--worker-class", choices=("sync", "gthread"), default="sync")
    p.add_argument("--threads", type=int, default=4, help="threads per worker with --worker-class gthread")
    p.add_argument("--background", type=int, default=100_000, help="existing rows seeded in each system")
    p.add_argument("--warmup", type=int, default=20, help="untimed creations before each timed load (checked too)")
    p.add_argument("--target", type=float, default=3.0, help="required Redress/peer throughput ratio")
    p.add_argument("--skip-peer", action="store_true", help="Redress only (no ratio, no target check)")
    p.add_argument("--peer-venv", default="/tmp/h11/peer-venv")
    p.add_argument("--redress-port", type=int, default=8111)
    p.add_argument("--peer-port", type=int, default=8112)
    p.add_argument("--drop-index", action="append", default=[], metavar="NAME",
                   help="experiment: drop this index from Redress's seed (repeatable), e.g. complaint_cause_trgm")
    p.add_argument("--keep", action="store_true", help="keep the databases and the temporary folder")
    return p.parse_args(argv)


def one_load(system: System, run: int, args, texts) -> tuple[load.Result, Check, float]:
    system.fresh()
    server = system.start(run)
    try:
        warm = system.requests(run, texts, 0, args.warmup)
        timed = system.requests(run, texts, args.warmup, args.requests)
        warm_result = load.run(system.port, warm, clients=args.clients)
        load_before = os.getloadavg()[0]
        result = load.run(system.port, timed, clients=args.clients)
        # Indexes of `timed` start at 0: shift them so markers match the requests sent.
        for o in result.outcomes:
            o.index += args.warmup
        both = load.Result(warm_result.outcomes + result.outcomes, result.wall)
        check = system.check(run, warm + timed, both)
    finally:
        server.stop()
    system.verify(check)
    return result, check, load_before


def row(name: str, unit: str, r: load.Result, c: Check) -> str:
    errors = ", ".join(f"{k}: {v}" for k, v in r.errors.items()) or "none"
    lost = f"{len(c.missing)} / {len(c.duplicated)}"
    return f"  {name:<16} {r.rate:8.1f} {unit + '/s':<12} p50 {r.percentile(50):7.1f} ms  " \
           f"p99 {r.percentile(99):7.1f} ms  errors {errors:<12} lost/dup {lost}"


def main(argv=None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="api-create-"))
    texts = bodies.texts(2000)
    systems: list[System] = [Redress(args, tmp)] + ([] if args.skip_peer else [Helpdesk(args, tmp)])
    print(f"{args.runs} run(s) x {args.requests} creations, {args.clients} clients, {args.workers} "
          f"{args.worker_class} workers, {args.background:,} rows seeded; load average now "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for s in systems:
        t = time.perf_counter()
        out = s.seed()
        print(f"seeded {s.name}: {out.get(s.unit)} {s.unit} in {time.perf_counter() - t:.0f} s")
    results: dict[str, list[tuple[load.Result, Check]]] = {s.name: [] for s in systems}
    failures: list[str] = []
    try:
        for run in range(1, args.runs + 1):
            # Alternate who goes first, so a drift in the machine's load hits both alike.
            order = systems if run % 2 else systems[::-1]
            print(f"\nrun {run}")
            for s in order:
                result, check, busy = one_load(s, run, args, texts)
                results[s.name].append((result, check))
                print(row(s.name, s.unit, result, check) + f"  (load avg {busy:.1f})")
                for note in check.notes:
                    print(f"    {note}")
                for what, items in (("missing", check.missing), ("duplicated", check.duplicated),
                                    ("stored without a 201", check.unexpected)):
                    if items:
                        print(f"    {what}: {len(items)} e.g. {items[:5]}")
                for problem in check.problems:
                    print(f"    PROBLEM: {problem}")
                if not check.ok:
                    failures.append(f"run {run} {s.name}: accepted requests lost or duplicated, or a check failed")
                first_error = next((o for o in result.outcomes if o.status not in (200, 201)), None)
                if first_error:
                    print(f"    first error: {first_error.status} {' '.join(first_error.error.split())[:200]}")
                    log = tmp / f"{'redress' if s is systems[0] else 'peer'}-gunicorn-{run}.log"
                    if log.exists():
                        print("    server log (last lines):\n      " + "\n      ".join(log.read_text().splitlines()[-15:]))
    finally:
        if not args.keep:
            for s in systems:
                databases.drop(s.db)
                databases.drop(s.seed_db)
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"kept the databases and {tmp}")
    print(summary(systems, results, args, failures))
    for f in failures:
        print(f"FAIL: {f}")
    return 1 if failures else 0


def summary(systems, results, args, failures: list[str]) -> str:
    med = {}
    lines = [f"\nmedians of {args.runs} run(s):",
             f"  {'system':<26} {'per second':>10}  {'p50 ms':>8}  {'p99 ms':>8}  errors  lost/dup"]
    for s in systems:
        rs = results[s.name]
        rate = statistics.median(r.rate for r, _ in rs)
        p50 = statistics.median(r.percentile(50) for r, _ in rs)
        p99 = statistics.median(r.percentile(99) for r, _ in rs)
        errors = sum(sum(r.errors.values()) for r, _ in rs)
        lost = sum(len(c.missing) for _, c in rs)
        dup = sum(len(c.duplicated) for _, c in rs)
        med[s.name] = (rate, p99)
        lines.append(f"  {s.name + ' (' + s.unit + ')':<26} {rate:10.1f}  {p50:8.1f}  {p99:8.1f}  {errors:6d}  {lost} / {dup}")
    if len(systems) == 2:
        (r_rate, r_p99), (p_rate, p_p99) = med[systems[0].name], med[systems[1].name]
        ratio = r_rate / p_rate if p_rate else float("inf")
        lines.append(f"  Redress / peer: throughput x{ratio:.2f} (target x{args.target:.1f}), "
                     f"p99 x{r_p99 / p_p99 if p_p99 else float('nan'):.2f} (below 1 is better)")
        pairs = zip(results[systems[0].name], results[systems[1].name], strict=True)
        per_run = [a.rate / b.rate for (a, _), (b, _) in pairs if b.rate]
        lines.append(f"  throughput ratio per run: {' '.join(f'x{x:.2f}' for x in per_run)}")
        if ratio < args.target:
            failures.append(f"Redress's median throughput is x{ratio:.2f} the peer's, below the target "
                            f"x{args.target:.1f}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
