"""Seed Redress's benchmark database (run by `api_create.py` in a child process, in
Redress's virtualenv, on the empty database it has just created): migrate, the demo organisation, an API token with complaints:create, and the
background complaints. Prints one JSON line: the token and what was seeded.

    REDRESS_DATABASE_URL=postgres://postgres@127.0.0.1/redress_bench_api_seed \\
        .venv/bin/python benchmarks/api_create/redress_setup.py --background 100000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from api_create import bodies  # noqa: E402
from api_create.cloning import clone_rows, model_columns  # noqa: E402

TOKEN_STAFF = "intake.li"  # a customer-service intake desk, as a call-centre integration would be


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--background", type=int, default=100_000)
    args = p.parse_args(argv)
    started = time.perf_counter()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redress.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from redress.api import tokens
    from redress.complaints import ledger_key
    from redress.complaints import services as svc
    from redress.complaints.demo.org import build_org
    from redress.complaints.models import Complaint

    call_command("migrate", verbosity=0)
    ledger_key.ensure()  # the run's data directory is new: `redress verify` checks the checkpoints' signatures
    cast = build_org("bench-password-not-used")
    staff = cast.staff[TOKEN_STAFF]
    issued = tokens.issue(name="load benchmark", staff=staff, scopes=["complaints:create"])
    pool = [t for _, t in bodies.texts(1000, seed=7)]
    template = svc.complaint_receive(actor=staff, via="test", register=True, data=svc.ComplaintInput(
        customer=svc.CustomerInput(name="背景客户", phone="13900000000"), channel="phone",
        subject=bodies.subject(pool[0]), cause=pool[0], request="背景数据"))
    with connection.cursor() as cur:
        # Copies carry no ledger chain (ledger_length 0), which verify() skips; the
        # template's own chain is real and is verified with the benchmark's complaints.
        clone_rows(cur, Complaint._meta.db_table, template.pk, args.background, columns=model_columns(Complaint),
                   overrides={
                       "subject": "left((%s::text[])[1 + g %% 1000], 60)",
                       "cause": "(%s::text[])[1 + g %% 1000]",
                       "reference": "'SEED-' || lpad(g::text, 7, '0')",
                       "ledger_length": "0", "ledger_head": "''",
                       "received_at": "t.received_at - g * interval '5 minutes'",
                       "created_at": "t.created_at - g * interval '5 minutes'",
                       "updated_at": "t.updated_at - g * interval '5 minutes'",
                       "due_at": "t.due_at - g * interval '5 minutes'",
                   }, params=([bodies.subject(t) for t in pool], pool))
        cur.execute("SELECT count(*) FROM complaints_complaint")
        total = cur.fetchone()[0]
    print(json.dumps({"token": issued.secret, "complaints": total, "seconds": round(time.perf_counter() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
