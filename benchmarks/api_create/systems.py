"""The two systems under test, behind one interface: seed once, start each run from a
fresh copy of the seed, serve it with gunicorn, build the N create requests, and check
afterwards that every accepted request is stored exactly once."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from api_create import bodies, databases, load, servers

BENCH = Path(__file__).resolve().parents[1]
REPO = BENCH.parent
RESEND_SAMPLE = 50


@dataclass
class Check:
    accepted: int = 0
    stored: int = 0
    missing: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # stored though the client saw no 201
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.duplicated or self.problems)


def _child(cmd: list[str], env: dict[str, str], cwd: Path) -> dict:
    done = subprocess.run(cmd, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _compare(check: Check, accepted: dict[str, object], stored: dict[str, int]) -> None:
    check.accepted, check.stored = len(accepted), sum(stored.values())
    check.missing = sorted(set(accepted) - set(stored))
    check.duplicated = sorted(m for m, n in stored.items() if n > 1)
    check.unexpected = sorted(set(stored) - set(accepted))


class System:
    name: str
    unit: str
    db: str
    port: int

    @property
    def seed_db(self) -> str:
        return f"{self.db}_seed"

    def __init__(self, args, tmp: Path):
        self.args, self.tmp = args, tmp
        self.secret = ""

    def seed(self) -> dict:
        databases.recreate(self.seed_db)
        return self._seed()

    def fresh(self) -> None:
        databases.recreate(self.db, template=self.seed_db)

    def marker(self, run: int, i: int) -> str:
        return f"bench-{run}-{i:05d}"


class Redress(System):
    name, unit, db = "Redress", "complaints", "redress_bench_api"

    def __init__(self, args, tmp: Path):
        super().__init__(args, tmp)
        self.port = args.redress_port
        self.python = REPO / ".venv" / "bin" / "python"
        self.env = {"REDRESS_DATA_DIR": str(tmp / "redress-data"), "REDRESS_DEBUG": "false",
                    "REDRESS_DB_CONN_MAX_AGE": "600", "REDRESS_LOG_LEVEL": "WARNING",
                    "DJANGO_SETTINGS_MODULE": "redress.settings"}

    def fresh(self) -> None:
        """The copy is migrated again: the seed was migrated by the code of the moment it
        was made, and a migration added to the working tree since then (others commit
        while a long benchmark runs) would otherwise turn every request into a 500."""
        super().fresh()
        done = subprocess.run([str(self.python), "-m", "django", "migrate", "--noinput", "--verbosity", "0"],
                              cwd=REPO, capture_output=True, text=True,
                              env={**os.environ, **self.env, "REDRESS_DATABASE_URL": self.url(self.db)})
        if done.returncode != 0:
            sys.exit(f"migrating the copy failed:\n{done.stderr[-3000:]}")

    def url(self, db: str) -> str:
        return f"postgres://postgres@127.0.0.1/{db}"

    def _seed(self) -> dict:
        out = _child([str(self.python), str(BENCH / "api_create" / "redress_setup.py"),
                      "--background", str(self.args.background)],
                     {**self.env, "REDRESS_DATABASE_URL": self.url(self.seed_db)}, REPO)
        self.secret = out["token"]
        for index in self.args.drop_index:
            # An experiment, not the product: the create rate without this index.
            databases.execute(self.seed_db, f'DROP INDEX "{index}"')
        return out

    def start(self, run: int) -> servers.Server:
        return servers.start(REPO / ".venv" / "bin" / "gunicorn", "redress.wsgi:application", port=self.port,
                             workers=self.args.workers, worker_class=self.args.worker_class,
                             threads=self.args.threads, env={**self.env, "REDRESS_DATABASE_URL": self.url(self.db)},
                             cwd=REPO, log=self.tmp / f"redress-gunicorn-{run}.log", probe="/api/openapi.json")

    def requests(self, run: int, texts, start: int, count: int) -> list[load.Request]:
        auth = {"Authorization": f"Bearer {self.secret}"}
        return [load.json_request("/api/complaints",
                                  bodies.complaint_body(i, *texts[i % len(texts)], self.marker(run, i)),
                                  {**auth, "Idempotency-Key": str(uuid.uuid4())})
                for i in range(start, start + count)]

    def check(self, run: int, sent: list[load.Request], result: load.Result) -> Check:
        check = Check()
        accepted = {self.marker(run, o.index): o.body["reference"] for o in result.accepted}
        rows = databases.query(self.db, "SELECT external_reference, count(*) FROM complaints_complaint "
                               "WHERE external_reference LIKE %s GROUP BY 1", [f"bench-{run}-%"])
        _compare(check, accepted, dict(rows))
        keys = databases.query(self.db, "SELECT count(*), count(DISTINCT complaint_id) FROM api_idempotencyrecord "
                               "WHERE response_status = 201")[0]
        if keys[0] != keys[1] or keys[0] != check.stored:
            check.problems.append(f"idempotency records {keys[0]} for {keys[1]} complaints, {check.stored} stored")
        self._resend(run, sent, result, check)
        return check

    def _resend(self, run: int, sent, result: load.Result, check: Check) -> None:
        """Send a sample of accepted requests again, same key and body: the first answer
        must come back (200, same reference) and no complaint may be added."""
        sample = random.Random(run).sample(result.accepted, min(RESEND_SAMPLE, len(result.accepted)))
        again = load.run(self.port, [sent[o.index] for o in sample], clients=self.args.clients)
        by_index = {o.index: o for o in again.outcomes}
        wrong = [f"{self.marker(run, sample[k].index)}: {o.status}" for k, o in by_index.items()
                 if o.status != 200 or (o.body or {}).get("reference") != sample[k].body["reference"]]
        after = databases.query(self.db, "SELECT count(*) FROM complaints_complaint WHERE external_reference LIKE %s",
                                [f"bench-{run}-%"])[0][0]
        if wrong:
            check.problems.append(f"re-sent with the same key, {len(wrong)} not answered 200 with the first "
                                  f"reference: {wrong[:5]}")
        if after != check.stored:
            check.problems.append(f"re-sending {len(sample)} requests changed the count {check.stored} -> {after}")
        check.notes.append(f"re-sent {len(sample)} with the same key: {len(sample) - len(wrong)} replayed, "
                           f"{after - check.stored} new complaints")

    def verify(self, check: Check) -> None:
        done = subprocess.run([str(REPO / ".venv" / "bin" / "redress"), "verify"], cwd=REPO, capture_output=True,
                              text=True, env={**os.environ, **self.env, "REDRESS_DATABASE_URL": self.url(self.db)})
        line = (done.stdout or done.stderr).strip().splitlines()[-1:] or ["(no output)"]
        (check.notes if done.returncode == 0 else check.problems).append(f"redress verify: {line[0]}")


class Helpdesk(System):
    name, unit, db = "django-helpdesk", "tickets", "helpdesk_bench"

    def __init__(self, args, tmp: Path):
        super().__init__(args, tmp)
        self.port = args.peer_port
        self.venv = Path(args.peer_venv)
        self.queue = 0
        self.env = {"PEER_DB_CONN_MAX_AGE": "600", "PEER_STATIC_ROOT": str(tmp / "peer-static"),
                    "PEER_MEDIA_ROOT": str(tmp / "peer-media"), "DJANGO_SETTINGS_MODULE": "peer_helpdesk.settings"}

    def _seed(self) -> dict:
        out = _child([str(self.venv / "bin" / "python"), str(BENCH / "peer_helpdesk" / "seed.py"),
                      "--background", str(self.args.background)], {**self.env, "PEER_DB_NAME": self.seed_db}, BENCH)
        self.secret, self.queue = out["token"], out["queue"]
        return out

    def start(self, run: int) -> servers.Server:
        return servers.start(self.venv / "bin" / "gunicorn", "peer_helpdesk.wsgi:application", port=self.port,
                             workers=self.args.workers, worker_class=self.args.worker_class,
                             threads=self.args.threads, env={**self.env, "PEER_DB_NAME": self.db}, cwd=BENCH,
                             log=self.tmp / f"peer-gunicorn-{run}.log", probe="/helpdesk/api/tickets/?page_size=1")

    def requests(self, run: int, texts, start: int, count: int) -> list[load.Request]:
        auth = {"Authorization": f"Token {self.secret}"}
        return [load.json_request("/helpdesk/api/tickets/",
                                  bodies.ticket_body(i, self.queue, texts[i % len(texts)][1], self.marker(run, i)),
                                  auth)
                for i in range(start, start + count)]

    def check(self, run: int, sent, result: load.Result) -> Check:
        check = Check()
        accepted = {self.marker(run, o.index): o.body["id"] for o in result.accepted}
        rows = databases.query(self.db, "SELECT substring(title from '^\\[([^]]+)\\]'), count(*) FROM helpdesk_ticket "
                               "WHERE title LIKE %s GROUP BY 1", [f"[bench-{run}-%"])
        _compare(check, accepted, dict(rows))
        opened = databases.query(self.db, "SELECT count(*) FROM helpdesk_followup f JOIN helpdesk_ticket t "
                                 "ON t.id = f.ticket_id WHERE t.title LIKE %s", [f"[bench-{run}-%"])[0][0]
        check.notes.append(f"{opened} follow-ups on the {check.stored} tickets")
        return check

    def verify(self, check: Check) -> None:
        pass
