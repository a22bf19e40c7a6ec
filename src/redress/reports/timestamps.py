"""Timestamps read by psycopg's C loader while an export runs.

Django (django/db/backends/postgresql/psycopg_any.py) registers its own loader for
timestamptz, a Python subclass of psycopg's TimestamptzLoader that parses the text with
a regular expression and then sets the time zone to the connection's (UTC): psycopg's
C extension cannot stand in for a subclass, so every timestamp of every row is parsed
in Python, even with psycopg[binary] installed. An export of the register reads a dozen
timestamps a complaint, and that parsing was a sixth of its CPU.

Inside `c_timestamps`, each statement's cursor gets psycopg's own loader instead (the
adapters map puts the C one in its place when the extension is there). It gives the same
values: the connection's time zone is UTC (Django sets it so with USE_TZ), and psycopg
then makes the datetime with `datetime.timezone.utc`, as Django's loader does.

Only the cursor is changed (Django checks the connection's loader for its `timezone`
attribute, which the C one has not), and only within the block: nothing else in the
process reads through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections


def _loader():
    try:
        from psycopg.types.datetime import TimestamptzLoader
    except ImportError:  # psycopg2, or no PostgreSQL driver at all
        return None
    return TimestamptzLoader


def _wrapper(loader):
    def execute(run, sql, params, many, context):
        cursor = getattr(context["cursor"], "cursor", None)
        adapters = getattr(cursor, "adapters", None)
        if adapters is not None:
            adapters.register_loader("timestamptz", loader)
        return run(sql, params, many, context)

    return execute


@contextmanager
def c_timestamps(using: str = "default") -> Iterator[None]:
    """Statements run in the block on `using` read timestamptz with psycopg's loader (C
    when available); elsewhere (SQLite, psycopg2, a connection not in UTC) nothing changes."""
    connection = connections[using]
    loader = _loader()
    if connection.vendor != "postgresql" or loader is None or connection.timezone_name != "UTC":
        yield
        return
    with connection.execute_wrapper(_wrapper(loader)):
        yield
