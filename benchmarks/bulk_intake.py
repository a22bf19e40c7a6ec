"""Bulk intake (issue 13 item 10): `redress import` and `POST /api/complaints/batch`.

    # N synthetic historical complaints through `redress import` (whole file: every row
    # checked, then written in one transaction), then `redress verify` and a recount of
    # the day tallies:
    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench_bulk \\
        .venv/bin/python benchmarks/bulk_intake.py import --rows 100000
    ... import --rows 1000000 --resume        # a million, in --resume batches
    ... import --rows 40000 --processes 2     # two `redress import`s at once, each on its half

    # the batch API: `redress serve` (waitress; --server-processes workers sharing the
    # port, a thread per client between them) on a loopback port, C clients each sending
    # batches of B complaints with their own keys:
    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench_bulk \\
        .venv/bin/python benchmarks/bulk_intake.py api --complaints 20000 --batch 500 --clients 2 \\
        [--server-processes 2]

The synthetic file is in the CFPB extract's columns and goes through the shipped
`cfpb.yaml` mapping under the `general` pack: dates from 2012 to 2025, 98 % closed (the
rest "In progress": open, registered, clocks from their received date), one complaint id
per row, narratives of 60 to 400 characters. The API's complaints are registered at
once (the single create's default): clocks, an acknowledgment, two ledger events each.

The database named by REDRESS_DATABASE_URL is WIPED first (schema `public` dropped);
the script refuses a name without `bench` in it. Each run prints its figures, the
machine's load average before and after, and exits 1 when a check fails (complaints
missing or twice, the ledger not verifying, the tallies not matching a recount).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from import_cfpb import _reset_postgres

REPO = Path(__file__).resolve().parents[1]
# This tree's code, not the one the virtualenv was installed from (an editable install
# points at one checkout): `api --in-process`, `single` and `import` run it in this
# process, and a before/after from two worktrees must each run its own.
sys.path.insert(0, str(REPO / "src"))
MAPPING = REPO / "src" / "redress" / "imports" / "mappings" / "cfpb.yaml"
COLUMNS = ["complaint_id", "date_received", "product", "sub_product", "issue", "sub_issue", "narrative", "company",
           "state", "zip_code", "submitted_via", "date_sent_to_company", "company_response", "timely_response",
           "consumer_disputed", "tags"]
ISSUES = [("Debt collection", "Cont'd attempts collect debt not owed"),
          ("Credit card", "Charged fees or interest you didn't expect"),
          ("Mortgage", "Problem when making payments"),
          ("Checking or savings account", "Account opening, closing, or management"),
          ("Student loan", "Was approved for a loan, but didn't receive the money")]
RESPONSES = ["Closed with explanation"] * 30 + ["Closed with monetary relief"] * 10 + \
            ["Closed with non-monetary relief"] * 9 + ["In progress"]
WORDS = ("the bank charged a fee I never agreed to and did not answer my letters about the account "
         "statement payment card loan interest late notice branch phone call refund").split()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    imp = sub.add_parser("import")
    imp.add_argument("--rows", type=int, default=100_000)
    imp.add_argument("--batch", type=int, default=500, help="rows per batch (the import's --batch)")
    imp.add_argument("--resume", action="store_true", help="import in committed batches (`--resume`)")
    imp.add_argument("--processes", type=int, default=1,
                     help="split the file into this many parts (consecutive rows) and import each in its own "
                          "process at the same time, as N `redress import` commands would; wall time from the "
                          "moment all are set up to the last one's commit")
    part = sub.add_parser("import-part", help=argparse.SUPPRESS)  # one process of --processes
    part.add_argument("--file", required=True)
    part.add_argument("--batch", type=int, default=500)
    part.add_argument("--resume", action="store_true")
    api = sub.add_parser("api")
    api.add_argument("--complaints", type=int, default=20_000)
    api.add_argument("--batch", type=int, default=500)
    api.add_argument("--clients", type=int, default=2)
    api.add_argument("--port", type=int, default=8131)
    api.add_argument("--server-processes", type=int, default=1,
                     help="`redress serve --processes N`: N workers share the port (default 1)")
    one = sub.add_parser("single", help="the single create, POST /api/complaints one at a time, in this process "
                                        "(Django's test client): its CPU a request, for a before/after")
    one.add_argument("--complaints", type=int, default=1000)
    one.add_argument("--profile", metavar="FILE", help="the timed requests under a profiler (as import's --profile)")
    for q in (imp, api, one):
        q.add_argument("--force-reset", action="store_true")
    imp.add_argument("--profile", metavar="FILE", help="run the import under a profiler: FILE.txt or .html "
                                                       "pyinstrument's report, else cProfile's stats")
    api.add_argument("--in-process", action="store_true",
                     help="no server: post the batches in this process (Django's test client, one after another) "
                          "and count the CPU of this process and its PostgreSQL backend")
    api.add_argument("--profile", metavar="FILE", help="--in-process under a profiler (as import's --profile)")
    return p.parse_args(argv)


@contextmanager
def profiled(path: str | None):
    """Run the block under a profiler when `path` is given: pyinstrument (sampling every
    millisecond, little overhead: the shares are close to the real ones) for a path
    ending in .txt or .html, its report written there; cProfile otherwise (every call
    counted, its stats dumped to the path: exact counts, but calls cost several times
    their real time under it, so many small calls look bigger than they are)."""
    if not path:
        yield
        return
    if path.endswith((".txt", ".html")):
        from pyinstrument import Profiler  # not a dependency: pip install pyinstrument

        profiler = Profiler(interval=0.001)
        with profiler:
            yield
        Path(path).write_text(profiler.output_html() if path.endswith(".html")
                              else profiler.output_text(unicode=True, show_all=False))
        return
    import cProfile

    with cProfile.Profile() as profile:
        yield
    profile.dump_stats(path)


def cpu_of(pid: int) -> float:
    """User and system CPU seconds of a process so far (another user's too: /proc is readable)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# Requests a server's process has served when it freezes what it loaded
# (redress.web.long_lived.FREEZE_AFTER's first), and a few more.
WARM_REQUESTS = 30


def cpu_with_children(pid: int) -> float:
    """cpu_of a server and of the workers it forked (`redress serve --processes`)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return cpu_of(pid) + sum(cpu_of(int(child)) for child in children)


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        return cur.fetchone()[0]


def load() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def reset_database(url: str, force: bool) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    if "bench" not in name and not force:
        sys.exit(f"refusing to wipe {name}: pass --force-reset")
    _reset_postgres(url)


def django_setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redress.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def write_file(path: Path, rows: int, seed: int = 13) -> None:
    rnd = random.Random(seed)
    start, span = date(2012, 1, 1), (date(2025, 6, 30) - date(2012, 1, 1)).days
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        for i in range(rows):
            received = start + timedelta(days=rnd.randrange(span))
            product, issue = ISSUES[i % len(ISSUES)]
            narrative = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(12, 80)))
            out.writerow([10_000_000 + i, received.isoformat(), product, "", issue, "", narrative.capitalize() + ".",
                          "EXAMPLE BANK", "NY", "100XX", "Web",
                          (received + timedelta(days=rnd.randrange(0, 30))).isoformat(),
                          RESPONSES[i % len(RESPONSES)], "Yes", "", ""])


def check_after(expected: int) -> list[str]:
    from redress.complaints import ledger, ledger_key, tally
    from redress.complaints.models import Complaint

    ledger_key.ensure()  # as `redress init` would: a fresh REDRESS_DATA_DIR has no signing key for verify to load
    problems = []
    n = Complaint.objects.count()
    if n != expected:
        problems.append(f"{n:,} complaints in the database, {expected:,} expected")
    started = time.perf_counter()
    result = ledger.verify()
    print(f"  redress verify: {'intact' if result.ok else result.problem}, {result.events:,} events, "
          f"{result.complaints:,} complaints, {time.perf_counter() - started:.1f} s")
    if not result.ok:
        problems.append(f"ledger: {result.problem}")
    if tally.kept() != tally.recount():
        problems.append("the day tallies differ from a recount")
    else:
        print("  day tallies: equal to a recount of the complaints and clocks")
    from redress.complaints import period_tally
    from redress.complaints.services.timing import calendar_for
    from redress.policy.loader import active_pack

    if period_tally.kept() != period_tally.recount(calendar_for(active_pack())):
        problems.append("the period tallies differ from a recount")
    else:
        print("  period tallies: equal to a recount of the complaints")
    return problems


def run_import(args) -> int:
    url = os.environ.get("REDRESS_DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set REDRESS_DATABASE_URL to a PostgreSQL database (its name containing 'bench')")
    reset_database(url, args.force_reset)
    os.environ["REDRESS_POLICY"] = "general"
    django_setup()
    from redress.complaints.models import Institution, OrgUnit

    inst = Institution.objects.create(name="示例银行", name_en="Example Bank")
    OrgUnit.objects.create(institution=inst, code="customer_service", name="客户服务中心",
                           kind=OrgUnit.Kind.CUSTOMER_SERVICE)
    with tempfile.TemporaryDirectory(prefix="redress-bulk-") as tmp:
        path = Path(tmp) / "history.csv"
        started = time.perf_counter()
        write_file(path, args.rows)
        print(f"{args.rows:,} rows written to a {path.stat().st_size / 1e6:.0f} MB file in "
              f"{time.perf_counter() - started:.0f} s; load average {load()}")
        if args.processes > 1:
            result = _import_in_processes(args, path)
        else:
            with profiled(args.profile):
                result = _import_one(path, args.batch, args.resume)
    if not result:
        return 1
    imported, seconds, cpu, db_cpu = result
    mode = "--resume batches" if args.resume else "whole file, checked first"
    if args.processes > 1:
        mode += f"; {args.processes} processes at once, each on its part of the file, wall time of them all"
    print(f"import ({mode}): {imported:,} complaints in {seconds:.1f} s = **{imported / seconds:,.0f} "
          f"complaints/s** (Python CPU {cpu:.0f} s); load average {load()}")
    per = (cpu + db_cpu) / imported * 1000
    print(f"  CPU per complaint: Python {cpu / imported * 1000:.3f} ms + PostgreSQL backend "
          f"{db_cpu / imported * 1000:.3f} ms = {per:.3f} ms, i.e. {1000 / per:,.0f} complaints per CPU "
          "second (what one unshared core would do, the two processes taking turns)")
    problems = check_after(args.rows)
    for problem in problems:
        print("FAILED:", problem)
    return 1 if problems else 0


def _import_one(path: Path, batch: int, resume: bool) -> tuple[int, float, float, float] | None:
    """`redress import` of `path` in this process: (imported, seconds, Python CPU, its
    PostgreSQL backend's CPU), or None (printed why) when a row was refused."""
    from redress.imports.runner import run_import as import_file
    from redress.imports.system import system_account

    actor = system_account("import", "批量导入 Import")
    backend = backend_pid()
    cpu, db_cpu = time.process_time(), cpu_of(backend)
    report = import_file(path, MAPPING, actor=actor, batch=batch, resume=resume)
    cpu, db_cpu = time.process_time() - cpu, cpu_of(backend) - db_cpu
    if report.failure or report.rejected:
        print(report.failure, report.rejected[:3], file=sys.stderr)  # stdout is import-part's answer
        return None
    return report.imported, report.seconds, cpu, db_cpu


def _split(path: Path, parts: int) -> list[Path]:
    """The file's rows in `parts` files of consecutive rows, each with the header."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]  # the synthetic narratives hold no line break
    size = -(-len(body) // parts)
    out = []
    for i in range(parts):
        part = path.with_name(f"{path.stem}-{i + 1}{path.suffix}")
        part.write_text(header + "".join(body[i * size:(i + 1) * size]), encoding="utf-8")
        out.append(part)
    return out


def _import_in_processes(args, path: Path) -> tuple[int, float, float, float] | None:
    """Each part imported by its own process (`import-part`), all started together once
    each has set Django up; the wall time is from that start to the last one's end."""
    from redress.imports.system import system_account

    system_account("import", "批量导入 Import")  # made here: the processes would race to make it
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "DJANGO_SETTINGS_MODULE": "redress.settings"}
    children = [subprocess.Popen([sys.executable, __file__, "import-part", "--file", str(part),
                                  "--batch", str(args.batch), *(["--resume"] if args.resume else [])],
                                 env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
                for part in _split(path, args.processes)]
    for child in children:
        if child.stdout.readline().strip() != "ready":
            sys.exit("an import process did not start")
    started = time.perf_counter()
    for child in children:
        child.stdin.write("go\n")
        child.stdin.flush()
    results = []
    for child in children:
        results.append(json.loads(child.stdout.readline() or "null"))
        if results[-1] is None:  # it failed (its reason on stderr): the others' figures would mean nothing
            for other in children:
                other.terminate()
            break
    seconds = time.perf_counter() - started
    for child in children:
        child.wait()
    if None in results or any(child.returncode for child in children):
        return None
    for i, (n, took, cpu, db_cpu) in enumerate(results, 1):
        print(f"  process {i}: {n:,} in {took:.1f} s, CPU Python {cpu:.1f} s + backend {db_cpu:.1f} s")
    return (sum(r[0] for r in results), seconds, sum(r[2] for r in results), sum(r[3] for r in results))


def run_import_part(args) -> int:
    """One process of `import --processes N`: set up, say ready, import on "go", print
    its figures as one JSON line."""
    os.environ["REDRESS_POLICY"] = "general"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redress.settings")
    import django

    django.setup()
    from redress.imports.system import system_account

    system_account("import", "批量导入 Import")  # read before the start (the parent made it)
    backend_pid()  # connected before the start
    print("ready", flush=True)
    sys.stdin.readline()
    result = _import_one(Path(args.file), args.batch, args.resume)
    print(json.dumps(result), flush=True)
    return 0 if result else 1


def run_api(args) -> int:
    url = os.environ.get("REDRESS_DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set REDRESS_DATABASE_URL to a PostgreSQL database (its name containing 'bench')")
    reset_database(url, args.force_reset)
    django_setup()
    from redress.api import tokens
    from redress.complaints.demo.org import build_org

    cast = build_org("bench-password-not-used")
    secret = tokens.issue(name="bulk benchmark", staff=cast.staff["intake.li"], scopes=["complaints:create"]).secret
    if args.what == "single":
        return _single_creates(args, secret)
    if args.profile or args.in_process:
        return _batches_in_process(args, secret)
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "DJANGO_SETTINGS_MODULE": "redress.settings",
           "REDRESS_DEBUG": "0"}
    threads = max(1, -(-args.clients // args.server_processes))  # a thread per client, spread over the workers
    server = subprocess.Popen([sys.executable, "-m", "redress.cli", "serve", f"--port={args.port}", "--host=127.0.0.1",
                               f"--threads={threads}", f"--processes={args.server_processes}"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/api/openapi.json", timeout=5).read()
                break
            except OSError:
                time.sleep(0.3)
        return _send_batches(args, secret, server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _single_creates(args, secret: str) -> int:
    """The single create's CPU per request (this process and its PostgreSQL backend): the
    figure that must not grow when bulk intake changes what both paths share."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST="127.0.0.1")
    bodies = [json.dumps(item["complaint"], ensure_ascii=False)
              for item in json.loads(_batch_body(0, args.complaints + 20))["items"]]

    def create(i):
        answer = client.post("/api/complaints", bodies[i], content_type="application/json",
                             headers={"Idempotency-Key": f"single-{i}"})
        return answer.status_code == 201

    ok = sum(create(i) for i in range(args.complaints, args.complaints + 20))  # warm-up
    backend = backend_pid()
    cpu, db_cpu, started = time.process_time(), cpu_of(backend), time.perf_counter()
    with profiled(args.profile):
        ok += sum(create(i) for i in range(args.complaints))
    cpu, db_cpu, seconds = time.process_time() - cpu, cpu_of(backend) - db_cpu, time.perf_counter() - started
    n = args.complaints
    print(f"single create, in process: {n:,} in {seconds:.1f} s; CPU a request: Python {cpu / n * 1000:.3f} ms + "
          f"PostgreSQL backend {db_cpu / n * 1000:.3f} ms = {(cpu + db_cpu) / n * 1000:.3f} ms; "
          f"load average {load()}")
    return 0 if ok == n + 20 else 1


def _batches_in_process(args, secret: str) -> int:
    """The batches posted in this process: the CPU a complaint costs the server and its
    PostgreSQL backend; under a profiler with --profile (where the time goes)."""
    from django.test import Client

    from redress.web import long_lived

    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_HOST="127.0.0.1")
    bodies = [_batch_body(s, min(args.batch, args.complaints - s)) for s in range(0, args.complaints, args.batch)]
    # Warm-up: as a server's process (redress.wsgi) has served its first requests, what it
    # loads once frozen out of the collector's walks (long_lived).
    long_lived.connect()
    client.post("/api/complaints/batch", _batch_body(10_000_000, 20), content_type="application/json")
    for _ in range(WARM_REQUESTS):
        client.get("/api/openapi.json")
    backend = backend_pid()
    cpu, db_cpu, started = time.process_time(), cpu_of(backend), time.perf_counter()
    with profiled(args.profile):
        created = sum(client.post("/api/complaints/batch", body, content_type="application/json").json()["created"]
                      for body in bodies)
    cpu, db_cpu, seconds = time.process_time() - cpu, cpu_of(backend) - db_cpu, time.perf_counter() - started
    print(f"batch API in process{' under a profiler' if args.profile else ''}: {created:,} created in {seconds:.1f} s "
          f"= {created / seconds:,.0f}/s; CPU a complaint: Python "
          f"{cpu / created * 1000:.3f} ms + PostgreSQL backend {db_cpu / created * 1000:.3f} ms; "
          f"load average {load()}")
    return 0 if created == args.complaints else 1


def _batch_body(first: int, size: int) -> bytes:
    rnd = random.Random(first)
    items = []
    for i in range(first, first + size):
        narrative = " ".join(rnd.choice(WORDS) for _ in range(rnd.randrange(12, 80)))
        items.append({"idempotency_key": f"bulk-{i}", "complaint": {
            "customer": {"name": f"客户{i}", "phone": f"139{i:08d}"}, "channel": "phone",
            "subject": narrative[:60], "cause": narrative, "request": "请核实", "external_reference": f"B{i}"}})
    return json.dumps({"items": items}, ensure_ascii=False).encode()


def _post(args, secret: str, body: bytes) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{args.port}/api/complaints/batch", data=body, method="POST",
                                     headers={"Authorization": f"Bearer {secret}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.loads(response.read())


def _send_batches(args, secret: str, server_pid: int) -> int:
    from redress.complaints.models import Complaint

    # Warm-up, a few batches so that every worker has served one (checked with the rest),
    # and enough requests that each has frozen what it loads once (long_lived).
    warm = {"created": sum(_post(args, secret, _batch_body(10_000_000 + 100 * k, 20))["created"]
                           for k in range(2 * args.server_processes))}
    for _ in range(2 * WARM_REQUESTS * args.server_processes):
        urllib.request.urlopen(f"http://127.0.0.1:{args.port}/api/openapi.json", timeout=30).read()
    starts = list(range(0, args.complaints, args.batch))
    bodies = {s: _batch_body(s, min(args.batch, args.complaints - s)) for s in starts}
    latencies, created, lock = [], [0], threading.Lock()

    def client(mine):
        for s in mine:
            t = time.perf_counter()
            answer = _post(args, secret, bodies[s])
            with lock:
                latencies.append(time.perf_counter() - t)
                created[0] += answer["created"]

    print(f"{args.complaints:,} complaints in batches of {args.batch}, {args.clients} clients, "
          f"{args.server_processes} server process(es); load average {load()}")
    threads = [threading.Thread(target=client, args=(starts[c::args.clients],)) for c in range(args.clients)]
    started, server_cpu = time.perf_counter(), cpu_with_children(server_pid)
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds, server_cpu = time.perf_counter() - started, cpu_with_children(server_pid) - server_cpu
    print(f"batch API: {created[0]:,} created in {seconds:.1f} s = **{created[0] / seconds:,.0f} complaints/s**; "
          f"a batch of {args.batch}: p50 {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s; "
          f"load average {load()}")
    print(f"  server CPU: {server_cpu / max(created[0], 1) * 1000:.3f} ms a complaint (PostgreSQL's not counted), "
          f"i.e. {created[0] / max(server_cpu, 1e-9):,.0f} complaints per CPU second of the server's processes")
    again = _post(args, secret, bodies[starts[0]])  # the first batch sent again: every item replays
    problems = [] if again["replayed"] == min(args.batch, args.complaints) else ["the re-sent batch did not replay"]
    if created[0] != args.complaints:
        problems.append(f"{created[0]:,} created of {args.complaints:,}")
    problems += check_after(args.complaints + warm["created"])
    if Complaint.objects.values("external_reference").distinct().count() != Complaint.objects.count():
        problems.append("a complaint is stored twice")
    for problem in problems:
        print("FAILED:", problem)
    return 1 if problems else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.what == "import-part":
        return run_import_part(args)
    return run_import(args) if args.what == "import" else run_api(args)  # api and single


if __name__ == "__main__":
    sys.exit(main())
