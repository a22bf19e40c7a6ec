"""Reference numbers such as TS-2026-000123: unique, readable over the phone.

On PostgreSQL each prefix-and-year has its own SEQUENCE: nextval() never blocks other
transactions, so concurrent intake is not serialised on a counter row (a rolled-back
intake leaves a gap, which is acceptable for a reference). The function
`redress_next_reference` (migration 0006) creates the year's sequence on first use and
takes the next value in one round trip. SQLite serialises writers anyway, so a counter
row bumped in the same transaction is enough there, also in one statement.
"""

from __future__ import annotations

from django.db import connection

from redress.complaints.models import ReferenceCounter


def next_reference(prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{_next_number(prefix, year):06d}"


def _next_number(prefix: str, year: int) -> int:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # prefix is ^[A-Z]{2,6}$ (policy schema), so the name needs no quoting.
            cur.execute("SELECT redress_next_reference(%s)", [f"redress_ref_{prefix.lower()}_{year}"])
            return cur.fetchone()[0]
        table = ReferenceCounter._meta.db_table
        cur.execute(f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, 1) "
                    f"ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 RETURNING last", [prefix, year])
        return cur.fetchone()[0]
