"""Timestamps read from PostgreSQL by psycopg's C loader.

Django (5.2) reads every `timestamptz` through its own loader, a Python subclass of
psycopg's pure-Python one: a regular expression and a dozen Python steps a value, about
8 µs each here. A page that reads the keys of a few thousand cases, or a report's rows,
spent most of its Python time there (a callback agent's dashboard: 0.74 s of 1.7 s of
CPU over five requests). psycopg's C loader reads the same text in well under a
microsecond, but it cannot be subclassed, and Django asks the registered loader for
its `timezone` before each cursor. So each connection gets a small loader class that
answers that question and hands every value to a C loader instance.

The C loader gives the instant in the session's time zone. Django sets the session to
UTC (settings: USE_TZ, no per-database TIME_ZONE), so the values are the same aware
datetimes, with tzinfo datetime.timezone.utc, that Django's loader gives; with any other
session time zone Django keeps its own loader."""

from __future__ import annotations

from datetime import UTC

from django.db.backends.signals import connection_created
from psycopg import adapters
from psycopg.adapt import Loader
from psycopg.postgres import types
from psycopg.pq import Format

TIMESTAMPTZ = types["timestamptz"].oid
_C_LOADER = adapters.get_loader(TIMESTAMPTZ, Format.TEXT)  # psycopg's fastest: C where installed


class UtcTimestamptzLoader(Loader):
    timezone = UTC  # what Django compares with its connection's time zone (create_cursor)

    def __init__(self, oid: int, context=None):
        super().__init__(oid, context)
        self.load = _C_LOADER(oid, context).load  # the C method itself, no Python frame a value

    def load(self, data):  # pragma: no cover - replaced per instance in __init__
        raise NotImplementedError


def _use_c_loader(sender, connection, **kwargs) -> None:
    if connection.vendor == "postgresql" and connection.timezone is UTC:
        connection.connection.adapters.register_loader(TIMESTAMPTZ, UtcTimestamptzLoader)


def connect() -> None:
    connection_created.connect(_use_c_loader, dispatch_uid="redress.pg_times")
