"""Cases set up with the services, at the real time the live server uses (the services'
`frozen` clock is per thread and does not reach the server's thread), for the tests
whose subject is a later step."""

from __future__ import annotations

from datetime import datetime, timedelta

from redress.complaints.timesource import now
from redress.policy.loader import active_pack
from redress.policy.schema import Duration, Unit
from tests.conftest import Walk


def walked(org, when: datetime | None = None, **data) -> Walk:
    return Walk(org, when or now(), **data)


def investigating(org, when: datetime | None = None, **data) -> Walk:
    """Registered, assessed, dispatched to the Tianhe branch and accepted by org.handler."""
    return walked(org, when, **data).assess().dispatch().accept()


def registered_days_before_limit(working_days_left: tuple[int, ...] = (1, 2)) -> datetime:
    """A registration time whose 20-working-day limit (cn-securities) falls so that
    `working_days_left` working days remain now, on the pack's real calendar."""
    from redress.complaints.services.timing import calendar_for

    pack = active_pack()
    cal = calendar_for(pack)
    limit = Duration(amount=pack.clock("resolution").limit.amount, unit=Unit.WORKING_DAYS)
    current = now()
    for back in range(10, 60):
        start = current - timedelta(days=back)
        if cal.working_days_between(current, cal.due(start, limit)) in working_days_left:
            return start
    raise AssertionError(f"no registration day leaves {working_days_left} working days")
