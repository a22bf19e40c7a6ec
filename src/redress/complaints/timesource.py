"""Where services get "now" from. Tests pin it with `frozen(...)` instead of sleeping
(DESIGN rule 4); production reads the system clock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from django.utils import timezone

_pinned: ContextVar[datetime | None] = ContextVar("redress_now", default=None)


def now() -> datetime:
    return _pinned.get() or timezone.now()


@contextmanager
def frozen(at: datetime) -> Iterator[None]:
    if at.tzinfo is None:
        raise ValueError("frozen(at): at must be timezone-aware")
    token = _pinned.set(at)
    try:
        yield
    finally:
        _pinned.reset(token)
