"""Timestamps read back from PostgreSQL through psycopg's C loader (complaints/pg_times.py)
are the instants written, aware, in UTC, exactly as Django's own loader gives them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from django.db import connection
from psycopg.pq import Format

from redress.complaints import pg_times
from redress.complaints.models import ComplaintClock
from tests.conftest import at

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'")  # SQLite stores text Django parses

INSTANTS = [
    datetime(2026, 12, 7, 5, 0, 0, 1, tzinfo=UTC),  # a microsecond
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-8))),
    datetime(1900, 1, 1, tzinfo=timezone(timedelta(hours=8, minutes=5, seconds=43))),  # Shanghai's LMT
    datetime(2026, 3, 8, 2, 30, tzinfo=timezone(timedelta(hours=-5))),  # the hour New York skips
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
]


def _read(value: datetime) -> datetime:
    with connection.cursor() as cur:
        cur.execute("SELECT %s::timestamptz", [value])
        return cur.fetchone()[0]


def test_every_connection_reads_timestamps_with_the_c_loader(db):
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(pg_times.TIMESTAMPTZ, Format.TEXT)
    assert loader is pg_times.UtcTimestamptzLoader and loader.timezone is connection.timezone


@pytest.mark.parametrize("value", INSTANTS, ids=str)
def test_a_timestamp_reads_back_as_the_same_instant_in_utc(db, value):
    read = _read(value)
    assert read == value and read.tzinfo is UTC and read.utcoffset() == timedelta(0)


def test_the_reading_is_what_djangos_own_loader_gives(db):
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    ours = [_read(v) for v in INSTANTS]
    with connection.cursor() as cur:
        register_tzloader(connection.timezone, cur)  # Django's loader, on this cursor only
        theirs = []
        for v in INSTANTS:
            cur.execute("SELECT %s::timestamptz", [v])
            theirs.append(cur.fetchone()[0])
    assert [(t, t.tzinfo) for t in ours] == [(t, t.tzinfo) for t in theirs]


def test_a_clocks_due_time_saved_and_read_back_through_the_orm_is_unchanged(walk):
    case = walk(at(2026, 3, 3)).assess().dispatch().accept()
    clock = ComplaintClock.objects.filter(complaint=case.c).order_by("pk").first()
    fresh = ComplaintClock.objects.get(pk=clock.pk)
    assert fresh.due_at == clock.due_at and fresh.due_at.tzinfo is UTC
