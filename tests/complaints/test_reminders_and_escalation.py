"""Reminders before a time limit and the escalation ladder after it (issue 15 items 1
and 2), on dates that bite: the 2026 Spring Festival (15–23 February off) with its
adjusted working Saturdays, 14 and 28 February (调休).

The shipped cn-securities pack: resolution within 20 working days (001 第二十二条),
reminders 5 and 1 working days before (institution choice), and the ladder: the
holder at the breach, the unit head one working day later, the complaints office at
two, senior management at five (institution choice). The dates below are worked out
by hand from the State Council's 2026 notice, not by the code under test.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.models import ClockAlert, ComplaintClock, Event
from redress.complaints.timesource import frozen
from redress.notify.models import Delivery, InboxNotice, NoticePreference, OutboxMessage
from tests.concurrency import at_once
from tests.conftest import SH, at, complaint_input

# Received Tuesday 20 January 2026. Working days after it: 21–23 Jan (3), 26–30 (8),
# 2–6 Feb (13), 9–13 (18), Saturday 14 Feb (调休, 19); 15–23 Feb Spring Festival;
# Tuesday 24 February is the 20th: due at its close, 17:00.
RECEIVED = at(2026, 1, 20, 10)
DUE = at(2026, 2, 24, 17)
# Five working days before the 24th: 14 (Sat, 调休), 13, 12, 11, 10 -> Tuesday 10 Feb;
# one working day before: the working Saturday 14 Feb. Both at the start of business.
FIRST_REMINDER = at(2026, 2, 10, 9)
LAST_REMINDER = at(2026, 2, 14, 9)
# After the 24th: Wed 25 (1), Thu 26 (2), Fri 27 (3), Sat 28 (调休, 4), Mon 2 Mar (5).
UNIT_HEAD_STEP = at(2026, 2, 25, 17)
OFFICE_STEP = at(2026, 2, 26, 17)
SENIOR_STEP = at(2026, 3, 2, 17)


def sweep_at(moment):
    with frozen(moment):
        return svc.send_due_alerts()


def resolution(c) -> ComplaintClock:
    return c.clocks.get(code="resolution")


def told(kind: str) -> list[tuple[str, str]]:
    """(username, kind) of every in-app notice and email of this kind, in order."""
    inbox = [(n.staff.username, "inbox") for n in InboxNotice.objects.filter(kind=kind).order_by("id")]
    mail = [(m.to_staff.username, "email") for m in OutboxMessage.objects.filter(kind=kind).order_by("id")]
    return sorted(inbox + mail)


def events(c, type_) -> list[dict]:
    import json

    return [json.loads(e.payload) for e in Event.objects.filter(complaint=c, type=type_).order_by("seq")]


@pytest.fixture
def case(walk):
    return walk(RECEIVED).assess().dispatch().accept()


def test_the_resolution_clock_falls_due_after_the_spring_festival(case):
    clock = resolution(case.c)
    assert clock.due_at.astimezone(SH) == DUE
    assert clock.alert_at.astimezone(SH) == FIRST_REMINDER


def test_handler_and_unit_head_are_reminded_once_each_before_the_due_time(org, case):
    assert sweep_at(at(2026, 2, 10, 8, 59)) == 0  # a minute early: nothing
    assert sweep_at(FIRST_REMINDER) == 1
    assert told("reminder") == [("dept_head", "email"), ("dept_head", "inbox"), ("handler", "email"),
                                ("handler", "inbox")]
    assert sweep_at(at(2026, 2, 13, 17)) == 0  # the Friday: the next one is on the working Saturday
    assert resolution(case.c).alert_at.astimezone(SH) == LAST_REMINDER
    assert sweep_at(LAST_REMINDER) == 1
    assert len(told("reminder")) == 8
    sent = events(case.c, EventType.REMINDER_SENT)
    assert [(e["clock"], e["step"]) for e in sent] == [("resolution", 0), ("resolution", 1)]
    assert sent[0]["told"] == sorted([org.handler.pk, org.dept_head.pk])
    # Nothing more until the due time, however often the sweep runs over the holiday.
    for day in range(15, 24):
        assert sweep_at(at(2026, 2, day, 12)) == 0
    assert resolution(case.c).alert_at.astimezone(SH) == DUE


def test_the_ladder_climbs_one_rung_at_a_time_across_the_working_saturday(org, case):
    sweep_at(LAST_REMINDER)  # the first reminder was overtaken by the second: skipped, not sent
    assert ClockAlert.objects.get(kind="reminder", step=0).skipped
    assert len(told("reminder")) == 4
    with frozen(DUE):  # the breach itself is the sweep's mark_breaches
        svc.mark_breaches()
    assert sweep_at(DUE) == 1
    assert told("escalation") == [("handler", "email"), ("handler", "inbox")]
    assert sweep_at(at(2026, 2, 25, 16, 59)) == 0
    assert sweep_at(UNIT_HEAD_STEP) == 1
    assert sweep_at(OFFICE_STEP) == 1
    assert sweep_at(at(2026, 2, 28, 17)) == 0  # the 4th working day after: not yet
    assert sweep_at(SENIOR_STEP) == 1
    ladder = events(case.c, EventType.CLOCK_ESCALATED)
    assert [e["to"] for e in ladder] == [["holder"], ["unit_head"], ["complaints_office"], ["senior_management"]]
    assert ladder[2]["told"] == sorted([org.office.pk, org.office2.pk])
    assert ladder[3]["told"] == [org.senior.pk]
    assert resolution(case.c).alert_at is None  # nothing left to send
    assert sweep_at(at(2026, 3, 20)) == 0


def test_a_repeated_sweep_sends_each_step_exactly_once(case):
    for moment in (FIRST_REMINDER, FIRST_REMINDER, LAST_REMINDER, SENIOR_STEP, SENIOR_STEP):
        sweep_at(moment)
    kinds = list(ClockAlert.objects.filter(clock__code="resolution").values_list("kind", "step"))
    assert sorted(kinds) == [("escalation", 0), ("escalation", 1), ("escalation", 2), ("escalation", 3),
                             ("reminder", 0), ("reminder", 1)]
    assert len(events(case.c, EventType.REMINDER_SENT)) == 2
    assert len(events(case.c, EventType.CLOCK_ESCALATED)) == 4


def test_a_finished_case_is_neither_reminded_nor_escalated(case):
    case.propose().approve().communicate()  # the resolution clock stops (on 20 January)
    sweep_at(SENIOR_STEP)
    assert not ClockAlert.objects.filter(clock__code="resolution").exists()
    # The callback clock it started runs on (due 27 January) and climbs its own ladder.
    assert ClockAlert.objects.filter(clock__code="callback", kind="escalation").count() == 4


def test_an_extension_moves_the_reminders_with_the_due_time(org, case):
    sweep_at(FIRST_REMINDER)
    with frozen(at(2026, 2, 11, 10)):
        ext = svc.extension_request(case.c, actor=org.handler, working_days=5, reason="待交易所回函", plan="回函后答复")
        svc.extension_decide(case.c, actor=org.office, extension_id=ext.pk, approve=True)
    # Five working days after Tue 24 Feb: 25, 26, 27, Sat 28 (调休), Mon 2 Mar.
    clock = resolution(case.c)
    assert clock.due_at.astimezone(SH) == at(2026, 3, 2, 17)
    # The last reminder: one working day before Monday 2 March is the working Saturday.
    assert clock.alert_at.astimezone(SH) == at(2026, 2, 28, 9)
    assert sweep_at(LAST_REMINDER) == 0


def test_someone_told_answers_an_escalation_with_what_and_by_when(org, case):
    sweep_at(OFFICE_STEP)
    office_step = ClockAlert.objects.get(kind="escalation", step=2)
    with frozen(at(2026, 2, 27, 10)):
        with pytest.raises(ValidationFailed) as err:
            svc.escalation_acknowledge(case.c, actor=org.office, alert_id=office_step.pk, plan="  ", by=date(2026, 3, 3))
        assert err.value.field == "plan"
        with pytest.raises(ValidationFailed) as err:
            svc.escalation_acknowledge(case.c, actor=org.office, alert_id=office_step.pk, plan="督办", by=None)
        assert err.value.field == "by"
        with pytest.raises(ValidationFailed) as err:
            svc.escalation_acknowledge(case.c, actor=org.office, alert_id=office_step.pk, plan="督办",
                                       by=date(2026, 2, 26))
        assert err.value.field == "by"
        with pytest.raises(NotPermitted):  # the call-back desk was not told
            svc.escalation_acknowledge(case.c, actor=org.callback, alert_id=office_step.pk, plan="x",
                                       by=date(2026, 3, 3))
        assert ClockAlert.objects.get(pk=office_step.pk).acknowledged_at is None
        assert not events(case.c, EventType.ESCALATION_ACKNOWLEDGED)
        version = case.c.version
        svc.escalation_acknowledge(case.c, actor=org.office, alert_id=office_step.pk,
                                   plan="已约营业部负责人,周一前给客户书面答复", by=date(2026, 3, 2))
        with pytest.raises(ValidationFailed):  # answered once
            svc.escalation_acknowledge(case.c, actor=org.office2, alert_id=office_step.pk, plan="再答",
                                       by=date(2026, 3, 3))
    answered = ClockAlert.objects.get(pk=office_step.pk)
    assert answered.acknowledged_by == org.office and answered.ack_by == date(2026, 3, 2)
    [event] = events(case.c, EventType.ESCALATION_ACKNOWLEDGED)
    assert event["plan"] == "已约营业部负责人,周一前给客户书面答复" and event["by"] == "2026-03-02"
    case.c.refresh_from_db()
    assert case.c.version == version  # an answer moves no form's version
    assert not InboxNotice.objects.filter(alert=answered, staff=org.office, read_at__isnull=True).exists()


def test_staff_choose_in_app_only_or_email_only(org, case):
    NoticePreference.objects.create(staff=org.handler, delivery=Delivery.IN_APP)
    NoticePreference.objects.create(staff=org.dept_head, delivery=Delivery.EMAIL)
    sweep_at(FIRST_REMINDER)
    assert told("reminder") == [("dept_head", "email"), ("handler", "inbox")]


def test_an_hour_scale_clock_reminds_at_half_and_four_fifths(settings, org):
    # The general pack's acknowledgement: 24 hours, reminders at 50% and 80%.
    settings.REDRESS_POLICY = "general"
    with frozen(at(2026, 2, 13, 16)):  # the Friday before the Spring Festival
        c = svc.complaint_receive(actor=org.intake, data=complaint_input())
    clock = c.clocks.get(code="acknowledgement")
    assert clock.alert_at.astimezone(SH) == at(2026, 2, 14, 4)  # 12 hours on
    assert sweep_at(at(2026, 2, 14, 4)) == 1
    assert sweep_at(at(2026, 2, 14, 11, 12)) == 1  # 19.2 hours on
    assert [e["step"] for e in events(c, EventType.REMINDER_SENT)] == [0, 1]
    # Nobody handles it yet: the holder is its owner, the intake desk.
    assert {n.staff.username for n in InboxNotice.objects.filter(complaint=c)} == {"intake"}


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_step_once(request):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    from tests.conftest import Walk

    org = request.getfixturevalue("org")
    cases = [Walk(org, RECEIVED).assess().dispatch().accept() for _ in range(6)]
    sent = at_once(4, lambda: sweep_at(SENIOR_STEP))
    # Per case: four rungs; both reminders were overtaken by the due time (skipped).
    assert sum(sent) == 6 * 4
    for w in cases:
        assert len(events(w.c, EventType.CLOCK_ESCALATED)) == 4
        assert not events(w.c, EventType.REMINDER_SENT)
    assert ClockAlert.objects.filter(clock__code="resolution").count() == 6 * 6


def test_the_email_is_written_in_the_readers_language_with_a_link_to_the_case(settings, org, case, mailoutbox):
    from redress.notify.dispatch import dispatch_outbox

    settings.REDRESS_SITE_URL = "https://complaints.example.com"
    org.dept_head.language = "en"
    org.dept_head.save(update_fields=["language"])
    sweep_at(FIRST_REMINDER)
    with frozen(FIRST_REMINDER):
        dispatch_outbox()
    by_address = {m.to[0]: m for m in mailoutbox}
    chinese, english = by_address["handler@example.com"], by_address["dept_head@example.com"]
    link = f"https://complaints.example.com/complaints/{case.c.reference}/"
    assert english.subject == f"[Redress] Reminder: Resolved and result told of {case.c.reference} is due 2026-02-24 17:00"
    assert f"Case {case.c.reference}: 委托未成交" in english.body and link in english.body
    # From Tuesday 10 February: 11, 12, 13, Saturday 14 (调休) and, after the holiday, the 24th.
    assert "Time left: 5 working days (due 2026-02-24 17:00)." in english.body
    assert chinese.subject == f"[Redress] 提醒:{case.c.reference} 的“办结并告知结果”将于 2026-02-24 17:00 到期"
    assert "剩余时间" in chinese.body and link in chinese.body
