"""The cn-banking pack: 《银行业保险业消费投诉处理管理办法》 (2020) as a bank counts it.

A decision within 15 days of receipt, counted in calendar days (the day of receipt not
counted, 民法典 第二百零一条); a last day that is a holiday or rest day moves to the next
working day, and the period ends when business closes (第二百零三条). Complicated cases
may run to 30 days (the complaint officer approves), and a further 30 with a senior
manager's approval, never more than 60 in all; external appraisal time is not counted.

The 2026 holidays are written out here from the State Council's notice rather than read
from the calendar package the code uses: Mid-Autumn Festival 25–27 September, National
Day 1–7 October, with Sunday 20 September and Saturday 10 October worked instead.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.models import ComplaintClock
from redress.complaints.services.recompute import recompute_complaint
from redress.complaints.timesource import frozen
from redress.policy.loader import PolicyError, load_pack
from tests.conftest import SH, Walk, at

PACK = load_pack("cn-banking")
HOLIDAYS_2026 = {date(2026, 9, d) for d in (25, 26, 27)} | {date(2026, 10, d) for d in range(1, 8)}
WORKED_WEEKENDS_2026 = {date(2026, 9, 20), date(2026, 10, 10)}


def working(d: date) -> bool:
    return d in WORKED_WEEKENDS_2026 or (d.weekday() < 5 and d not in HOLIDAYS_2026)


def expected_due(received: date, days: int) -> datetime:
    """15 (or 30, 60) days after receipt; a rest day moves to the next working day; 17:00."""
    last = received + timedelta(days=days)
    while not working(last):
        last += timedelta(days=1)
    return datetime(last.year, last.month, last.day, 17, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def cn_banking(settings):
    settings.REDRESS_POLICY = "cn-banking"


def resolution(c) -> ComplaintClock:
    return ComplaintClock.objects.get(complaint=c, code="resolution")


def handled(org, received: datetime) -> Walk:
    return Walk(org, received).assess(category="fees").dispatch().accept()


def extend(walk: Walk, days: int, *, by, when: datetime, requester=None):
    with frozen(when):
        ext = svc.extension_request(walk.c, actor=requester or walk.org.handler, working_days=days,
                                    reason="需调取分行交易记录", plan="记录到后作出处理决定")
        return svc.extension_decide(walk.c, actor=by, extension_id=ext.pk, approve=True)


@pytest.mark.parametrize(("received", "why"), [
    (date(2026, 9, 14), "the 15th day, Tuesday 29 September, is a working day"),
    (date(2026, 9, 18), "the 15th day, 3 October, is in the National Day holiday: Thursday 8 October"),
    (date(2026, 9, 25), "received on a holiday; the 15th day, Saturday 10 October, is a worked Saturday"),
    (date(2026, 9, 12), "the 15th day, Sunday 27 September, is Mid-Autumn: Monday 28 September"),
    (date(2026, 9, 5), "the 15th day, Sunday 20 September, is a worked Sunday"),
])
def test_the_decision_is_due_fifteen_days_after_receipt_or_the_next_working_day(org, received, why):
    w = Walk(org, datetime(received.year, received.month, received.day, 10, 0, tzinfo=SH))
    assert resolution(w.c).due_at == expected_due(received, 15), why


def test_the_independent_calendar_agrees_with_the_one_the_code_uses_on_these_weeks():
    from redress.sla.calendar import WorkCalendar

    cal = WorkCalendar.from_policy(PACK.calendar)
    d = date(2026, 9, 1)
    while d < date(2026, 10, 31):
        assert cal.is_working_day(d) == working(d), d
        d += timedelta(days=1)


def test_an_extension_runs_thirty_days_from_receipt_not_fifteen_from_the_moved_end(org):
    w = handled(org, at(2026, 9, 18))
    assert resolution(w.c).due_at == expected_due(date(2026, 9, 18), 15)  # moved to 8 October
    extend(w, 15, by=org.office, when=at(2026, 9, 28))
    # 30 days from 18 September is Sunday 18 October: Monday 19 October, not 23 October.
    assert resolution(w.c).due_at == expected_due(date(2026, 9, 18), 30) == datetime(2026, 10, 19, 17, tzinfo=SH)


def test_the_further_extension_needs_a_senior_manager_and_stops_at_sixty_days(org):
    w = handled(org, at(2026, 9, 14))
    extend(w, 15, by=org.office, when=at(2026, 9, 21))
    with frozen(at(2026, 10, 9)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=30, reason="待司法鉴定", plan="鉴定后决定")
        with pytest.raises(NotPermitted, match="senior_management"):
            svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
        svc.extension_decide(w.c, actor=org.senior, extension_id=ext.pk, approve=True)
    assert resolution(w.c).due_at == expected_due(date(2026, 9, 14), 60)
    with frozen(at(2026, 10, 20)), pytest.raises(ValidationFailed, match="45"):
        svc.extension_request(w.c, actor=org.handler, working_days=1, reason="仍未完成", plan="继续")


def test_the_first_extension_may_not_pass_thirty_days(org):
    w = handled(org, at(2026, 9, 14))
    with frozen(at(2026, 9, 21)), pytest.raises(ValidationFailed, match="15"):
        svc.extension_request(w.c, actor=org.handler, working_days=16, reason="复杂", plan="继续")


def test_external_appraisal_time_is_not_counted_and_the_end_still_moves_to_a_working_day(org):
    w = handled(org, at(2026, 9, 14))
    with frozen(at(2026, 9, 21)):
        svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="送第三方鉴定")
    with frozen(at(2026, 9, 24)):
        svc.resume_clocks(w.c, actor=org.handler)
    # 15 days and the 3 paused: 2 October, a holiday, so Thursday 8 October.
    assert resolution(w.c).due_at == expected_due(date(2026, 9, 14), 18) == datetime(2026, 10, 8, 17, tzinfo=SH)


def test_recomputing_from_the_ledger_agrees_with_the_services(org):
    w = handled(org, at(2026, 9, 18))
    with frozen(at(2026, 9, 21)):
        svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="送第三方鉴定")
    with frozen(at(2026, 9, 23, 15)):
        svc.resume_clocks(w.c, actor=org.handler)
    extend(w, 15, by=org.office, when=at(2026, 9, 29))
    due = resolution(w.c).due_at
    with frozen(at(2026, 9, 30)):
        assert recompute_complaint(w.c.pk, why=[{"policy": True}]) is False
    assert resolution(w.c).due_at == due


def _write(tmp_path, text: str) -> str:
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_a_period_in_working_days_cannot_end_on_a_working_day(tmp_path):
    path = _write(tmp_path, "extends: cn-banking\ncode: x\nextension: {min_notice: {amount: 1, unit: working_days, ends_on_working_day: true}}\n")
    with pytest.raises(PolicyError, match="ends_on_working_day"):
        load_pack(path)


def test_a_calendar_day_limit_is_extended_in_calendar_days(tmp_path):
    path = _write(tmp_path, "extends: cn-banking\ncode: x\nextension:\n  max_extension: {amount: 10, unit: working_days}\n"
                  "  max_further: {amount: 10, unit: working_days}\n  max_total: null\n")
    with pytest.raises(PolicyError, match="calendar_days"):
        load_pack(path)


def test_the_acknowledgment_promises_the_moved_date(org):
    from redress.complaints.models import Communication

    w = Walk(org, at(2026, 9, 18))
    ack = w.c.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    assert "2026-10-08" in ack.body  # the 15th day, 3 October, falls in the National Day holiday
