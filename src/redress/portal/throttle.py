"""Rate limits per client address: submissions, lookups and failed access codes.

The client's address is the one the web server worked out (redress.proxy: behind the
trusted reverse proxy, the address the proxy saw), so each customer has their own count.

Counters live in the database (RateCounter), not in Django's cache: this project runs
several web processes (gunicorn workers, more than one machine) and configures no shared
cache, and the default local-memory cache would give every worker its own count. One
small UPDATE per request is cheap next to the pages themselves.

Fixed windows: at a window's edge a client may get up to twice the limit in a short
burst, which is acceptable for slowing down guessing and spam.

The address is stored as a keyed hash, not as typed: an IP address is personal data
and the counters need only tell two clients apart.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest

from redress.complaints.timesource import now as current_time
from redress.portal.models import RateCounter
from redress.proxy import client_address


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


LIMITS = {
    "submit": Limit(5, 3600),  # complaints submitted per hour
    "lookup": Limit(10, 600),  # status lookups per 10 minutes
    "bad_code": Limit(5, 3600),  # wrong reference/access code pairs per hour
}
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def _key(action: str, request: HttpRequest) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), client_address(request).encode(), hashlib.sha256)
    return f"{action}:{digest.hexdigest()[:40]}"


def _window(limit: Limit, now: datetime) -> datetime:
    elapsed = int((now - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=elapsed - elapsed % limit.seconds)


def _count(action: str, request: HttpRequest) -> tuple[str, datetime, Limit]:
    limit = LIMITS[action]
    return _key(action, request), _window(limit, current_time()), limit


def exceeded(action: str, request: HttpRequest) -> bool:
    """Whether the limit is already used up, without counting this request."""
    key, start, limit = _count(action, request)
    row = RateCounter.objects.filter(key=key, window_start=start).values_list("count", flat=True).first()
    return (row or 0) >= limit.count


def hit(action: str, request: HttpRequest) -> bool:
    """Count one request; False when it goes over the limit."""
    key, start, limit = _count(action, request)
    with transaction.atomic():
        # F() so two processes counting at once both count (no read-modify-write).
        if not RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1):
            now = current_time()
            RateCounter.objects.filter(expires_at__lt=now).delete()  # once per key and window
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window_start=start, count=1,
                                               expires_at=start + timedelta(seconds=limit.seconds))
            except IntegrityError:  # another process created it first
                RateCounter.objects.filter(key=key, window_start=start).update(count=F("count") + 1)
        count = RateCounter.objects.get(key=key, window_start=start).count
    return count <= limit.count
