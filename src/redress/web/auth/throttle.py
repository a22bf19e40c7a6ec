"""Failed sign-in throttling, shared by every worker process through the database.

After LIMIT failures for one username within WINDOW, that username is refused for
LOCKOUT, whether or not the person exists and whatever password is typed next (a
correct password during the lock would otherwise tell the guesser they found it).
Addresses get a higher limit: a branch office signs in from behind one NAT address,
and five typos across the office must not lock everyone out, while one machine trying
many usernames is still stopped.

Refused attempts are not recorded, so a lock runs out LOCKOUT after the failure that
caused it instead of being prolonged by the guesser. Concurrent attempts in several
workers may each pass the check before the others are recorded; a few extra guesses
at worst, which is why this is a count and not a lock row.

The limits can be changed in settings (REDRESS_LOGIN_*), read at call time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from redress.complaints.timesource import now as current_time
from redress.web.models import LoginFailure


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def window() -> timedelta:
    return timedelta(seconds=_limit("REDRESS_LOGIN_WINDOW_SECONDS", 15 * 60))


def lockout() -> timedelta:
    return timedelta(seconds=_limit("REDRESS_LOGIN_LOCKOUT_SECONDS", 15 * 60))


def normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


@dataclass(frozen=True)
class Lock:
    until: datetime

    def minutes_left(self, at: datetime) -> int:
        return max(1, -(-int((self.until - at).total_seconds()) // 60))  # rounded up


def _lock_for(key: Q, limit: int, at: datetime) -> Lock | None:
    recent = list(
        LoginFailure.objects.filter(key, at__gt=at - window() - lockout())
        .order_by("-at").values_list("at", flat=True)[:limit]
    )
    if len(recent) < limit:
        return None
    newest, oldest = recent[0], recent[-1]
    if newest - oldest <= window() and at < newest + lockout():
        return Lock(until=newest + lockout())
    return None


def lock_on(username: str, address: str | None, at: datetime | None = None) -> Lock | None:
    """The lock refusing this attempt, if any (the later one when both apply)."""
    at = at or current_time()
    locks = [_lock_for(Q(username=normalise(username)), _limit("REDRESS_LOGIN_FAILURES_PER_USERNAME", 5), at)]
    if address:
        locks.append(_lock_for(Q(address=address), _limit("REDRESS_LOGIN_FAILURES_PER_ADDRESS", 20), at))
    found = [lock for lock in locks if lock]
    return max(found, key=lambda lock: lock.until) if found else None


def record_failure(username: str, address: str | None, at: datetime | None = None) -> None:
    at = at or current_time()
    LoginFailure.objects.create(username=normalise(username), address=address or None, at=at)
    # Nothing older than window + lockout can matter to any lock; purging here keeps the
    # table small without a scheduled job.
    LoginFailure.objects.filter(at__lt=at - window() - lockout()).delete()


def forget_username(username: str) -> None:
    """After a successful sign-in the person's own typos stop counting against them
    (the address's count stays: it may be someone else's guessing)."""
    LoginFailure.objects.filter(username=normalise(username)).delete()
