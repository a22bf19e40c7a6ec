"""Reference numbers such as TS-2026-000123: unique, readable over the phone.

On PostgreSQL each prefix-and-year has its own SEQUENCE: nextval() never blocks other
transactions, so concurrent intake is not serialised on a counter row (a rolled-back
intake leaves a gap, which is acceptable for a reference). SQLite serialises writers
anyway, so a counter row updated in the same transaction is enough there.
"""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction
from django.db.models import F

from redress.complaints.models import ReferenceCounter


def next_reference(prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{_next_number(prefix, year):06d}"


def _next_number(prefix: str, year: int) -> int:
    if connection.vendor == "postgresql":
        name = f"redress_ref_{prefix.lower()}_{year}"  # prefix is ^[A-Z]{2,6}$ (policy schema)
        with connection.cursor() as cur:
            try:
                # Two first intakes of a new year may race to create the sequence;
                # the loser's savepoint rolls back and it uses the winner's.
                with transaction.atomic():
                    cur.execute(f"CREATE SEQUENCE IF NOT EXISTS {name}")
            except DatabaseError:
                pass
            cur.execute("SELECT nextval(%s)", [name])
            return cur.fetchone()[0]
    counter, _ = ReferenceCounter.objects.get_or_create(prefix=prefix, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    counter.refresh_from_db(fields=["last"])
    return counter.last
