"""`redress demo`: a securities broker on the cn-securities pack, with staff in every
role and a few hundred complaints in every state, made through the real services."""

from __future__ import annotations

import random
import secrets
import time

from django.db import connection, transaction

from redress.complaints import ledger, ledger_guard
from redress.complaints.demo.org import DEMO_NAME_EN, build_org, login_table, set_passwords
from redress.complaints.demo.scenarios import walk_all
from redress.complaints.models import Complaint, Institution
from redress.complaints.services import mark_breaches
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack


def build_demo(*, complaints: int = 300, seed: int = 2026, reset: bool = False) -> str:
    pack = active_pack()
    if pack.code != "cn-securities" and not pack.code.startswith("cn-securities"):
        raise SystemExit(f"the demo is written for the cn-securities policy; REDRESS_POLICY is {pack.code}")
    if Institution.objects.exclude(name_en=DEMO_NAME_EN).exists():
        # Never reset passwords or wipe a database that holds a real institution.
        raise SystemExit("this database holds an institution that is not the demo; "
                         "run the demo on an empty database (another REDRESS_DATABASE_URL or REDRESS_DATA_DIR)")
    password = secrets.token_urlsafe(9)
    if Institution.objects.exists():
        if not reset:
            set_passwords(password)
            return (f"Demo data is already loaded ({Complaint.objects.count()} complaints); passwords reset.\n"
                    f"{login_table(password)}\n(use --reset to rebuild it)")
    started = time.perf_counter()
    # All or nothing: a failed build leaves the previous demo (or an empty database).
    with transaction.atomic():
        if reset:
            _wipe()
        cast = build_org(password)
        made = walk_all(cast, complaints, random.Random(seed), current_time())
        late = mark_breaches()
        checkpoint = ledger.take_checkpoint(now=current_time())
    spread = ", ".join(f"{k} {v}" for k, v in sorted(made.items()))
    return "\n".join([
        f"Demo institution {cast.institution.name} on policy {pack.code}: {sum(made.values())} complaints walked "
        f"({Complaint.objects.count()} with re-complaints) in {time.perf_counter() - started:.1f} s",
        f"  by scenario: {spread}",
        f"  {late} clocks overdue; ledger checkpoint {checkpoint.pk if checkpoint else '-'}",
        login_table(password),
    ])


def _wipe() -> None:
    """Remove every complaint, org and ledger row, to rebuild the demo. The append-only
    guard is lifted for the duration and put straight back."""
    from django.core.management import call_command

    vendor = connection.vendor
    with connection.cursor() as cur:
        ledger_guard.remove(cur, vendor, ledger_guard.ALL_TABLES)
    try:
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        from django.utils import timezone

        from redress.complaints.models import PeriodTallyState

        PeriodTallyState.objects.create(built_at=timezone.now())  # no complaints: the statistics' tallies are complete
    finally:
        with connection.cursor() as cur:
            ledger_guard.install(cur, vendor, ledger_guard.ALL_TABLES)
            if vendor == "postgresql":  # reference-number sequences start again at 1
                cur.execute("SELECT sequence_name FROM information_schema.sequences "
                            "WHERE sequence_name LIKE 'redress_ref_%%'")
                for (name,) in cur.fetchall():
                    cur.execute(f'DROP SEQUENCE "{name}"')
