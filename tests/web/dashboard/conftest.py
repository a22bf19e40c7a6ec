"""A known set of complaints for the dashboard, walked through the services, and the
moment the dashboard is looked at: Tuesday 31 March 2026, 16:00 in Shanghai."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from redress.complaints import services as svc
from redress.complaints.timesource import frozen
from tests.conftest import at

NOW = at(2026, 3, 31, 16, 0)


@pytest.fixture(autouse=True)
def _fresh_chart_cache():
    cache.clear()  # chart data is cached per scope for a minute
    yield
    cache.clear()


@pytest.fixture
def cases(org, walk):
    """Resolution clocks are due at 17:00 on the 20th working day after registration."""
    due_today = walk(at(2026, 3, 3)).assess().dispatch().accept()  # due 31 Mar 17:00
    overdue = walk(at(2026, 3, 2)).assess().dispatch().accept()  # due 30 Mar 17:00
    # Told on 5 Mar (on time); its callback clock was due 12 Mar and is still running.
    told_on_time = walk(at(2026, 3, 5)).to_awaiting_callback()
    # Told on 31 Mar 10:00, after its 30 Mar due time: a breached, stopped clock.
    told_late = walk(at(2026, 3, 2)).assess().dispatch().accept().propose().approve()
    told_late.when = at(2026, 3, 31, 10)
    told_late.communicate()
    awaiting_approval = walk(at(2026, 3, 4)).assess().dispatch().accept().propose()  # due 1 Apr
    # Another branch's complaint, overdue: never counted for the Tianhe branch's staff.
    other_branch = walk(at(2026, 3, 2, 9)).assess()
    with frozen(at(2026, 3, 2, 9)):
        svc.complaint_dispatch(other_branch.c, actor=org.office, unit=org.branch2)
    return SimpleNamespace(due_today=due_today, overdue=overdue, told_on_time=told_on_time,
                           told_late=told_late, awaiting_approval=awaiting_approval,
                           other_branch=other_branch)
