"""Seed django-helpdesk's benchmark database (run by `api_create.py` in the peer's own
virtualenv, on the empty database it has just created): migrate, a superuser with a
DRF token (the ticket API wants staff; token auth, not Basic, which re-hashes the
password per request), one queue, and the background tickets. Prints one JSON line.

    PEER_DB_NAME=helpdesk_bench_seed /tmp/h11/peer-venv/bin/python \\
        benchmarks/peer_helpdesk/seed.py --background 100000
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_helpdesk.settings")

from api_create import bodies  # noqa: E402
from api_create.cloning import clone_rows, model_columns  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--background", type=int, default=100_000)
    args = p.parse_args(argv)
    started = time.perf_counter()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from helpdesk.models import FollowUp, Queue, Ticket
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", "bench@bench.example", "bench-password-not-used")
    token = Token.objects.create(user=admin)
    queue = Queue.objects.create(title="Complaints", slug="complaints", email_address="complaints@bench.example",
                                 allow_public_submission=False, new_ticket_cc="", updated_ticket_cc="")
    pool = [t for _, t in bodies.texts(1000, seed=7)]
    template = Ticket.objects.create(queue=queue, title=bodies.subject(pool[0]), description=pool[0],
                                     submitter_email="background@bench.example", priority=3)
    followup = FollowUp.objects.create(ticket=template, title="Ticket Opened", comment=pool[0], public=True,
                                       user=admin)
    with connection.cursor() as cur:
        clone_rows(cur, Ticket._meta.db_table, template.pk, args.background, columns=model_columns(Ticket),
                   overrides={"title": "left((%s::text[])[1 + g %% 1000], 60)",
                              "description": "(%s::text[])[1 + g %% 1000]",
                              "created": "t.created - g * interval '5 minutes'",
                              "modified": "t.modified - g * interval '5 minutes'"},
                   params=([bodies.subject(t) for t in pool], pool))
        # One 'opened' follow-up per ticket, as the form path leaves; the copies took
        # the ids after the template's, in order (a fresh sequence, nobody else writing).
        clone_rows(cur, FollowUp._meta.db_table, followup.pk, args.background, columns=model_columns(FollowUp),
                   overrides={"ticket_id": f"{template.pk} + g", "date": "t.date - g * interval '5 minutes'"})
        cur.execute(f'SELECT count(*) FROM "{Ticket._meta.db_table}"')
        total = cur.fetchone()[0]
    print(json.dumps({"token": token.key, "queue": queue.pk, "tickets": total,
                      "seconds": round(time.perf_counter() - started, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
