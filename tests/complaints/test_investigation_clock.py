"""Seed 003 §2's table in the general pack: 调查 (深入了解纠纷情况, 相关业务部门) within
3 working days, 解决 (制定并确定解决方案) within 5, both counted from receipt (the day of
receipt not counted, due at 17:00 of the last working day). The investigation is over
when the handler proposes a resolution (its findings in a proposal), or when a result
is told without one.

The due dates below are worked out by hand from the State Council's 2026 holiday notice:
the Spring Festival 15–23 February off with Saturdays 14 and 28 February worked; the
National Day holiday 1–7 October with Saturday 10 October worked.
"""

from __future__ import annotations

import pytest

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import ComplaintClock, Staff
from redress.complaints.timesource import frozen
from tests.conftest import SH, Walk, at


@pytest.fixture
def general(settings):
    settings.REDRESS_POLICY = "general"


def clock(c, code) -> ComplaintClock:
    return c.clocks.get(code=code)


def local(t):
    return t.astimezone(SH).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("received", "investigated_by", "solved_by"),
    [
        # Friday before the Spring Festival: Saturday 14 Feb is a working day (1), the
        # holiday, then Tuesday 24 (2) and Wednesday 25 (3); the solution Thursday 26 (4),
        # Friday 27 (5).
        (at(2026, 2, 13, 16), (2026, 2, 25, 17), (2026, 2, 27, 17)),
        # Month end on an adjusted weekend: Friday 27 Feb (1), Saturday 28 Feb worked (2),
        # Monday 2 March (3); then Tuesday 3 (4), Wednesday 4 (5).
        (at(2026, 2, 26, 10), (2026, 3, 2, 17), (2026, 3, 4, 17)),
        # The last day of September, the eve of the National Day week: Thursday 8 Oct (1),
        # Friday 9 (2), Saturday 10 worked (3); Monday 12 (4), Tuesday 13 (5).
        (at(2026, 9, 30, 11), (2026, 10, 10, 17), (2026, 10, 13, 17)),
        # Received on a holiday (1 October): the holiday itself is not counted either.
        (at(2026, 10, 1, 9), (2026, 10, 10, 17), (2026, 10, 13, 17)),
        # Year end: Thursday 31 Dec 2026; 1 January 2027 is a holiday (Friday), so Monday 4 (1),
        # Tuesday 5 (2), Wednesday 6 (3); Thursday 7 (4), Friday 8 (5).
        (at(2026, 12, 31, 15), (2027, 1, 6, 17), (2027, 1, 8, 17)),
    ],
)
def test_the_investigation_and_the_solution_fall_due_on_working_days_counted_from_receipt(
    general, org, received, investigated_by, solved_by
):
    c = Walk(org, received, channel="phone").c
    investigation, resolution = clock(c, "investigation"), clock(c, "resolution")
    assert investigation.status == ComplaintClock.Status.RUNNING
    assert investigation.started_at == received  # from receipt, like the resolution's 5 days
    assert local(investigation.due_at) == local(at(*investigated_by))
    assert local(resolution.due_at) == local(at(*solved_by))


def test_a_resolution_proposed_within_three_working_days_stops_the_investigation_on_time(
    general, org
):
    w = Walk(org, at(2026, 2, 13, 16))
    w.assess(category="service_quality").dispatch().accept()
    w.when = at(2026, 2, 25, 16, 59)  # the last working minute of the third working day
    w.propose()
    investigation = clock(w.c, "investigation")
    assert investigation.status == ComplaintClock.Status.STOPPED and not investigation.breached
    assert (
        clock(w.c, "resolution").status == ComplaintClock.Status.RUNNING
    )  # the solution still runs


def test_proposed_after_the_third_working_day_the_investigation_is_late_from_its_due_time(
    general, org
):
    w = Walk(org, at(2026, 2, 26, 10))
    w.assess(category="service_quality").dispatch().accept()
    w.when = at(2026, 3, 3, 9)  # the morning after Monday 2 March, its due day
    w.propose()
    investigation = clock(w.c, "investigation")
    assert investigation.status == ComplaintClock.Status.STOPPED and investigation.breached
    assert local(investigation.breached_at) == local(at(2026, 3, 2, 17))


def test_the_sweep_marks_an_investigation_still_running_past_its_due_time_once(general, org):
    w = Walk(org, at(2026, 2, 26, 10))
    w.assess(category="service_quality").dispatch().accept()
    with frozen(at(2026, 3, 2, 16, 59)):
        svc.mark_breaches()
    assert not clock(w.c, "investigation").breached  # Saturday 28 Feb was a working day
    with frozen(at(2026, 3, 2, 17, 1)):
        assert svc.mark_breaches() == 1
        assert svc.mark_breaches() == 0
    assert clock(w.c, "investigation").breached
    [late] = [e for e in w.c.events.filter(type=EventType.CLOCK_BREACHED)]
    assert "investigation" in late.payload


def test_the_investigation_is_reminded_at_the_start_of_its_last_working_day(general, org):
    from redress.complaints.models import ClockAlert

    w = Walk(org, at(2026, 2, 13, 16))
    w.assess(category="service_quality").dispatch().accept()
    with frozen(at(2026, 2, 24, 8, 59)):  # Tuesday after the holiday, before opening
        svc.send_due_alerts()
    assert not ClockAlert.objects.filter(clock__complaint=w.c, clock__code="investigation").exists()
    with frozen(at(2026, 2, 24, 9, 0)):
        svc.send_due_alerts()
    [alert] = ClockAlert.objects.filter(clock__complaint=w.c, clock__code="investigation")
    assert alert.kind == "reminder" and not alert.skipped


def test_a_rejected_proposal_does_not_start_the_investigation_again(general, org):
    w = Walk(org, at(2026, 2, 13, 16))
    w.assess(category="service_quality").dispatch().accept()
    w.when = at(2026, 2, 24, 10)
    w.propose()
    with frozen(w.when):
        svc.resolution_decide(w.c, actor=org.office, approve=False, note="事实不清")
    assert w.c.clocks.filter(code="investigation").count() == 1
    assert clock(w.c, "investigation").status == ComplaintClock.Status.STOPPED


def test_a_referral_told_without_a_proposal_ends_the_investigation(general, org):
    """No settlement sought here: the customer is guided to mediation (001 第十九条). The
    result is told without a resolution proposed, and the investigation is over with it."""
    w = Walk(org, at(2026, 3, 2, 10))
    w.assess(category="service_quality").dispatch().accept()
    handler = Staff.objects.get(pk=w.c.handler_id)
    with frozen(at(2026, 3, 3, 10)):
        svc.complaint_refer(w.c, actor=handler, kind="mediation", authority="fin_mediation")
    investigation = clock(w.c, "investigation")
    assert investigation.status == ComplaintClock.Status.STOPPED and not investigation.breached
