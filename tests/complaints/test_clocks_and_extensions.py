"""Time limits of 001 第二十二条 on the dates that bite: National Day, Spring Festival,
the adjusted working Saturdays (调休)."""

from __future__ import annotations

from datetime import date

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import ValidationFailed
from redress.complaints.models import CalendarDay, ComplaintClock, Extension
from redress.complaints.timesource import frozen
from tests.conftest import SH, at


def resolution_due(c):
    return c.clocks.get(code="resolution").due_at.astimezone(SH)


def test_twenty_working_days_skip_the_national_day_golden_week(org, walk):
    # Registered Friday 2025-09-26. Working days after it: Sun 28 Sep (调休), Mon 29,
    # Tue 30 (3); 1-8 Oct are holidays; Thu 9, Fri 10, Sat 11 (调休) (6); then 13-17,
    # 20-24 (16); 27, 28, 29, 30 Oct -> the 20th is Thursday 30 October 2025.
    w = walk(at(2025, 9, 26, 15))
    assert resolution_due(w.c).date().isoformat() == "2025-10-30"


def test_twenty_working_days_across_spring_festival_2026(org, walk):
    # Registered Friday 2026-02-06. Working days: 9-13 Feb (5), Sat 14 Feb (调休, 6);
    # 15-23 Feb Spring Festival holiday; 24-27 Feb (10), Sat 28 Feb (调休, 11);
    # 2-6 Mar (16), 9-12 Mar -> the 20th is Thursday 12 March 2026.
    w = walk(at(2026, 2, 6, 9))
    assert resolution_due(w.c).date().isoformat() == "2026-03-12"


def test_closure_set_by_an_administrator_pushes_the_due_date(org, walk):
    # A typhoon closes the institution on Friday 2026-03-27: the 20th working day after
    # Monday 2 March moves from Monday 30 March to Tuesday 31 March.
    CalendarDay.objects.create(date=date(2026, 3, 27), working=False, reason="台风停工")
    w = walk(at(2026, 3, 2))
    assert resolution_due(w.c).date().isoformat() == "2026-03-31"


def test_extra_working_saturday_set_by_an_administrator_counts(org, walk):
    CalendarDay.objects.create(date=date(2026, 3, 7), working=True, reason="补班")
    w = walk(at(2026, 3, 2))
    assert resolution_due(w.c).date().isoformat() == "2026-03-27"


def test_extension_must_be_requested_three_working_days_before_deadline(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    assert resolution_due(w.c).date().isoformat() == "2026-03-30"  # Monday
    # Wednesday 25 March: 26, 27, 30 March are 3 working days left -> allowed.
    # Thursday 26 March: only 2 left -> refused, nothing written.
    with frozen(at(2026, 3, 26, 9)), pytest.raises(ValidationFailed) as err:
        svc.extension_request(w.c, actor=org.handler, working_days=10, reason="待交易所回函", plan="回函后答复")
    assert err.value.field == "requested_at" and "3 working days" in str(err.value)
    assert not Extension.objects.exists()
    with frozen(at(2026, 3, 25, 16)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=10, reason="待交易所回函", plan="回函后答复")
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    # 10 working days after Monday 30 March: 31 Mar, 1-3 Apr (4); 4-6 Apr Qingming;
    # 7-10 Apr (8); 13, 14 Apr -> Tuesday 14 April 2026.
    assert resolution_due(w.c).date().isoformat() == "2026-04-14"
    assert w.c.clocks.get(code="resolution").extended


def test_extension_longer_than_ten_working_days_is_refused(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 10)), pytest.raises(ValidationFailed) as err:
        svc.extension_request(w.c, actor=org.handler, working_days=11, reason="r", plan="p")
    assert err.value.field == "working_days"


def test_extension_needs_approval_by_the_complaints_office(org, walk):
    from redress.complaints.errors import NotPermitted

    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 10)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=5, reason="r", plan="p")
        with pytest.raises(NotPermitted):
            svc.extension_decide(w.c, actor=org.dept_head, extension_id=ext.pk, approve=True)


def test_further_extension_only_with_the_complainants_recorded_consent(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 10)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=10, reason="r", plan="p")
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    with frozen(at(2026, 4, 13)):
        with pytest.raises(ValidationFailed) as err:
            svc.extension_request(w.c, actor=org.handler, working_days=5, reason="仍待回函", plan="p")
        assert err.value.field == "customer_consent"
        ext2 = svc.extension_request(w.c, actor=org.handler, working_days=5, reason="仍待回函", plan="p",
                                     customer_consent=True, consent_note="2026-04-13 电话,客户同意延长5个工作日,录音编号R-88")
        svc.extension_decide(w.c, actor=org.office, extension_id=ext2.pk, approve=True)
    assert ext2.sequence == 2
    from redress.notify.models import OutboxMessage

    reported = set(OutboxMessage.objects.filter(kind="further_extension_report").values_list("to_role", flat=True))
    assert {"compliance", "audit"} <= reported


def test_pause_while_waiting_for_the_customer_gives_the_time_back(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    before = resolution_due(w.c)
    with frozen(at(2026, 3, 4, 10)):
        svc.message_send(w.c, actor=org.handler, kind="question", body="请提供委托截图", channel="phone",
                         wait_for_reply=True)
    assert w.c.clocks.get(code="resolution").status == ComplaintClock.Status.PAUSED
    with frozen(at(2026, 3, 9, 10)):  # Monday; paused over Wed 4 .. Mon 9 = 3 working days
        svc.customer_message_receive(w.c, body="截图已上传", channel="web")
    after = resolution_due(w.c)
    assert after > before
    assert w.c.clocks.get(code="resolution").status == ComplaintClock.Status.RUNNING


def test_late_clocks_are_marked_once_and_reported(org, walk):
    w = walk(at(2026, 3, 2)).assess()
    with frozen(at(2026, 4, 1)):
        assert svc.mark_breaches() == 1
        assert svc.mark_breaches() == 0
    assert w.c.clocks.get(code="resolution").breached
    assert w.c.events.filter(type=92).count() == 1


def test_overdue_is_an_indexed_query_on_the_stored_due_time(org, walk):
    walk(at(2026, 3, 2))
    walk(at(2026, 3, 20))
    overdue = ComplaintClock.objects.filter(status="running", due_at__lt=at(2026, 4, 1))
    assert overdue.count() == 1
    plan = str(overdue.explain())
    assert "clock_open_due" in plan or "INDEX" in plan.upper()


def test_the_administrators_days_win_over_the_packs(org, walk, settings, tmp_path):
    # The institution's pack closes Friday 27 March and works Saturday 7 March; the
    # administrator then reopens the 27th and cancels the Saturday. The administrator's
    # word is the later one: 20 working days after Monday 2 March end on Monday 30 March,
    # as if the pack had said nothing. Without the administrator's days the pack's own
    # apply: the closure alone moves it to Tuesday 31 March, the Saturday alone to Friday 27.
    pack = tmp_path / "institution.yaml"
    pack.write_text("extends: cn-securities\ncode: example-securities\ncalendar:\n"
                    "  extra_closures: [2026-03-27]\n  extra_working_days: [2026-03-07]\n", encoding="utf-8")
    settings.REDRESS_POLICY = str(pack)
    assert resolution_due(walk(at(2026, 3, 2)).c).date().isoformat() == "2026-03-30"  # the two cancel out
    CalendarDay.objects.create(date=date(2026, 3, 7), working=False, reason="取消补班")
    assert resolution_due(walk(at(2026, 3, 2)).c).date().isoformat() == "2026-03-31"
    CalendarDay.objects.create(date=date(2026, 3, 27), working=True, reason="恢复办公")
    assert resolution_due(walk(at(2026, 3, 2)).c).date().isoformat() == "2026-03-30"
    CalendarDay.objects.filter(date=date(2026, 3, 7)).delete()
    assert resolution_due(walk(at(2026, 3, 2)).c).date().isoformat() == "2026-03-27"
