"""The foreign keys of held rows checked a set at a time (PostgreSQL; bulk intake).

PostgreSQL checks a foreign key with a trigger that runs one query a row and key at
commit, locking the row it finds. A complaint taken by the batch API writes 15 to 20
such keys (its events, clocks, message, outbox row, access code, idempotency key): two
thirds of its backend's time (measured: 1.45 → 0.50 ms a complaint). When the
connection may set `session_replication_role` (a superuser, or `GRANT SET ON PARAMETER
session_replication_role` on PostgreSQL 15), `Held.flush` copies its rows with those
triggers off (`copying`) and `check` then does what they would have done, one statement
a referenced table: every key must name a row, else IntegrityError (the transaction
goes no further, as a trigger's failure at commit would end it); the rows named that
this transaction did not write itself are locked FOR KEY SHARE, as the trigger locks
them, so that no one deletes one before the commit. Rows this transaction copied need
no lock: no other transaction sees them.

Only inserts by `Held.flush` run with the triggers off, and no table has a trigger on
INSERT other than its foreign keys' (a test reads pg_trigger), so nothing else is
skipped. Without the privilege, or outside a transaction, the triggers check, as for
every other write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.db import IntegrityError, connection
from django.db.models import Model

from redress.complaints import rows


@contextmanager
def copying() -> Iterator[bool]:
    """Around the COPYs of held rows: yields whether the foreign key triggers are off
    (then the caller must `check` the keys it wrote)."""
    if not (connection.vendor == "postgresql" and connection.in_atomic_block and _may_turn_off()):
        yield False
        return
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = replica")
    yield True
    # On an error the transaction (or its savepoint) is rolled back, and SET LOCAL with it.
    with connection.cursor() as cur:
        cur.execute("SET LOCAL session_replication_role = origin")


def keys_of(model: type[Model], objs: list[Model], into: dict[type[Model], set]) -> None:
    """Add the values of `objs`' foreign keys to `into`, by the table they name."""
    for field, target in _constrained(model):
        values = into.setdefault(target, set())
        name = field.attname
        for obj in objs:
            value = getattr(obj, name)
            if value is not None:
                values.add(value)


def check(keys: dict[type[Model], set], own: dict[type[Model], set]) -> None:
    """Every key in `keys` names a row of its table (IntegrityError if one does not);
    those not in `own` (rows this transaction copied) locked FOR KEY SHARE."""
    quote = connection.ops.quote_name
    for target, values in keys.items():
        wanted = values - own.get(target, set())
        if not wanted:
            continue
        column = quote(target._meta.pk.column)
        with connection.cursor() as cur:
            cur.execute(f"SELECT {column} FROM {quote(target._meta.db_table)} WHERE {column} = ANY(%s) "
                        f"FOR KEY SHARE", [sorted(wanted)])
            missing = wanted - {found for (found,) in cur.fetchall()}
        if missing:
            raise IntegrityError(
                f"held rows name {len(missing)} row(s) of {target._meta.db_table} that do not exist "
                f"(e.g. {target._meta.pk.column}={min(missing)!r}): foreign key violated")


@lru_cache(maxsize=128)
def _constrained(model: type[Model]) -> tuple:
    """(field, target model) of each column of `model` the database checks as a foreign
    key to its target's primary key."""
    out = []
    for field in rows.columns(model):
        if field.is_relation and getattr(field, "db_constraint", False):
            if field.target_field is not field.related_model._meta.pk:
                raise NotImplementedError(f"{model.__name__}.{field.name} names a column other than the primary key")
            out.append((field, field.related_model))
    return tuple(out)


def _may_turn_off() -> bool:
    key = (connection.alias, id(connection.connection))
    return _privileged(key)


@lru_cache(maxsize=16)
def _privileged(key) -> bool:
    """Whether this connection's role may set session_replication_role (asked once a
    connection)."""
    with connection.cursor() as cur:
        if connection.pg_version >= 150000:
            cur.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
        else:
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cur.fetchone()[0])
