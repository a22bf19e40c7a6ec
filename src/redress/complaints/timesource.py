"""Where services get "now" from. Tests pin it with `frozen(...)` instead of sleeping
(DESIGN rule 4); production reads the system clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.utils import timezone

_pinned: ContextVar[datetime | None] = ContextVar("redress_now", default=None)


def now() -> datetime:
    return _pinned.get() or timezone.now()


def within(since: datetime, at: datetime, span: timedelta) -> bool:
    """`at` is less than `span` after `since`; a clock set back (a test, a corrected
    server clock) is not within: a periodic job's last run counts as old then."""
    return timedelta(0) <= at - since < span


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    if at.tzinfo is None:
        raise ValueError("frozen(at): at must be timezone-aware")
    token = _pinned.set(at)
    try:
        yield
    finally:
        _pinned.reset(token)
