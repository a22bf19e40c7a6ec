"""Reference numbers such as TS-2026-000123: unique, readable over the phone.

On PostgreSQL each prefix-and-year has its own SEQUENCE: nextval() never blocks other
transactions, so concurrent intake is not serialised on a counter row (a rolled-back
intake leaves a gap, which is acceptable for a reference). The function
`redress_next_reference` (migration 0006) creates the year's sequence on first use and
takes the next value in one round trip. SQLite serialises writers anyway, so a counter
row bumped in the same transaction is enough there, also in one statement.
"""

from __future__ import annotations

from django.db import DatabaseError, connection

from redress.complaints import rows
from redress.complaints.models import ReferenceCounter

# unique_violation, duplicate_table: what CREATE SEQUENCE IF NOT EXISTS meets when another
# transaction creates the same sequence at the same moment
RACED = {"23505", "42P07"}


def _sequence(prefix: str, year: int) -> str:
    """The name of the year's PostgreSQL sequence of numbers (redress_next_reference
    creates it on the first number). prefix is ^[A-Z]{2,6}$ (policy schema), so the name
    needs no quoting."""
    return f"redress_ref_{prefix.lower()}_{year}"


def next_reference(prefix: str, year: int) -> str:
    return f"{prefix}-{year}-{_next_number(prefix, year)[0]:06d}"


def allocate(prefix: str, year: int, *, row_id_for=None) -> tuple[str, int | None]:
    """The next reference and, with `row_id_for=<model>` on PostgreSQL, the id the new
    row will have (from its id sequence, in the same round trip), so the complaint can be
    built completely — ledger chain and all — and written with a single INSERT. None
    where ids only come from the INSERT (SQLite)."""
    held = rows.HOLDING.get()
    if held is not None:  # bulk intake: the id, and the reference if one was reserved, from their blocks
        reference = held.references.get((prefix, year))
        reference = reference.popleft() if reference else next_reference(prefix, year)
        if row_id_for is None or (held.paused_now and connection.vendor != "postgresql"):
            return reference, None  # SQLite, writing straight away: the id comes from the INSERT
        return reference, held.next_id(row_id_for)
    number, row_id = _next_number(prefix, year, row_id_for)
    return f"{prefix}-{year}-{number:06d}", row_id


def allocate_block(prefix: str, year: int, count: int) -> list[str]:
    """The next `count` references of the year, in order, in one statement (bulk intake:
    the same numbers `count` calls of next_reference would have given, barring other
    intake at the same moment, which may take numbers in between on PostgreSQL)."""
    if count < 1:
        return []
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            name = _sequence(prefix, year)
            # The function once (it creates the year's sequence if need be; its exception
            # block is a subtransaction), then plain nextval for the rest.
            cur.execute("SELECT redress_next_reference(%s)", [name])
            numbers = [cur.fetchone()[0]]
            if count > 1:
                cur.execute("SELECT nextval(%s::regclass) FROM generate_series(2, %s)", [name, count])
                numbers += sorted(n for (n,) in cur.fetchall())
        else:
            table = ReferenceCounter._meta.db_table
            cur.execute(f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, %s) "
                        f"ON CONFLICT (prefix, year) DO UPDATE SET last = last + %s RETURNING last",
                        [prefix, year, count, count])
            last = cur.fetchone()[0]
            numbers = range(last - count + 1, last + 1)
    return [f"{prefix}-{year}-{n:06d}" for n in numbers]


def ensure_years(prefix: str, years) -> None:
    """PostgreSQL: create the sequences of these years that do not exist yet, each
    committed at once (call it outside a transaction). A sequence created inside a
    transaction holds its name until that transaction ends, and another transaction
    creating it meanwhile waits for that: two imports of the same years, each in its
    one long transaction, would run one after the other. Inside a transaction (a caller
    holding one, a test) or on SQLite nothing is done: the first number makes the sequence
    (the counter row) in the caller's transaction, as always."""
    if connection.vendor != "postgresql" or not years or connection.in_atomic_block:
        return
    with connection.cursor() as cur:
        for year in sorted(set(years)):
            try:
                cur.execute(f"CREATE SEQUENCE IF NOT EXISTS {_sequence(prefix, year)}")
            except DatabaseError as exc:  # another process created it a moment ago (its own statement: no harm)
                if getattr(exc.__cause__, "sqlstate", None) not in RACED:
                    raise


def _next_number(prefix: str, year: int, row_id_for=None) -> tuple[int, int | None]:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            name = _sequence(prefix, year)
            if row_id_for is None:
                cur.execute("SELECT redress_next_reference(%s), NULL", [name])
            else:
                table = row_id_for._meta.db_table
                cur.execute("SELECT redress_next_reference(%s), nextval(pg_get_serial_sequence(%s, 'id'))",
                            [name, table])
            return cur.fetchone()
        table = ReferenceCounter._meta.db_table
        cur.execute(f"INSERT INTO {table} (prefix, year, last) VALUES (%s, %s, 1) "
                    f"ON CONFLICT (prefix, year) DO UPDATE SET last = last + 1 RETURNING last", [prefix, year])
        return cur.fetchone()[0], None
