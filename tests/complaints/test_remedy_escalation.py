"""A late remedy climbs a ladder (issue 15 item 5: "reminders and escalation like the
rest"). The complaints office hears at once that it is late (REMEDY_LATE); then, as the
shipped pack says, the case's holder on the first working day after the due date, the
unit's head on the second and senior management on the sixth, each at the start of
business, once, in the inbox and by email, in the ledger. Dates that bite, from
chinesecalendar 2026: Sunday 20 September is a working day (made up for National Day)
and Friday 25 September is the Mid-Autumn Festival, so a remedy due Friday 18 September
is escalated on a Sunday and its last step waits until Monday 28."""

from __future__ import annotations

import json

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Event
from redress.complaints.timesource import frozen
from redress.notify import alert_texts
from redress.notify.models import InboxNotice, OutboxMessage
from tests.complaints.test_remedy_reminders import owing
from tests.conftest import at

KIND = "remedy_escalation"


def sweep_at(moment):
    with frozen(moment):
        return svc.send_remedy_escalations()


def told() -> list[tuple[str, str]]:
    inbox = [(n.staff.username, "inbox") for n in InboxNotice.objects.filter(kind=KIND)]
    mail = [(m.to_staff.username, "email") for m in OutboxMessage.objects.filter(kind=KIND)]
    return sorted(inbox + mail)


def steps_recorded(w) -> list[tuple[int, list[int]]]:
    events = Event.objects.filter(complaint=w.c, type=EventType.REMEDY_ESCALATED).order_by("pk")
    return [(json.loads(e.payload)["step"], json.loads(e.payload)["told"]) for e in events]


def test_a_remedy_due_friday_climbs_the_ladder_on_the_working_days_after_it_each_step_once(org, walk):
    w = owing(walk)
    assert sweep_at(at(2026, 9, 18, 23, 59)) == 0  # the due day itself: not late
    assert sweep_at(at(2026, 9, 19, 10)) == 0  # Saturday: late, but nobody's first working day yet
    assert sweep_at(at(2026, 9, 20, 8, 59)) == 0
    assert sweep_at(at(2026, 9, 20, 9)) == 1  # Sunday 20th, a working day: the holder
    assert told() == [("handler", "email"), ("handler", "inbox")]
    assert sweep_at(at(2026, 9, 20, 15)) == 0
    assert sweep_at(at(2026, 9, 21, 9)) == 1  # Monday: the unit's head
    assert sweep_at(at(2026, 9, 25, 10)) == 0  # Mid-Autumn Festival: not a working day
    assert sweep_at(at(2026, 9, 28, 8, 59)) == 0
    assert sweep_at(at(2026, 9, 28, 9)) == 1  # the sixth working day after: senior management
    assert sweep_at(at(2026, 10, 12, 9)) == 0  # the ladder is done
    assert steps_recorded(w) == [(0, [org.handler.pk]), (1, [org.dept_head.pk]), (2, [org.senior.pk])]
    assert w.c.remedies.get().escalated == [0, 1, 2]
    assert len(told()) == 6


def test_steps_overtaken_while_the_sweep_did_not_run_send_only_the_latest(org, walk):
    w = owing(walk)
    assert sweep_at(at(2026, 9, 28, 10)) == 1
    assert steps_recorded(w) == [(2, [org.senior.pk])]
    assert w.c.remedies.get().escalated == [0, 1, 2]  # the earlier steps set down as done, not sent
    assert told() == [("senior", "email"), ("senior", "inbox")]


def test_a_remedy_carried_out_or_waived_is_not_escalated(org, walk):
    done, waived = owing(walk), owing(walk)
    with frozen(at(2026, 9, 19, 10)):
        svc.remedy_execute(done.c, actor=org.handler, remedy_id=done.c.remedies.get().pk, note="已退还")
        svc.remedy_waive(waived.c, actor=org.office, remedy_id=waived.c.remedies.get().pk, reason="客户放弃补偿")
    assert sweep_at(at(2026, 9, 28, 10)) == 0
    assert told() == []


def test_the_sweep_marks_it_late_for_the_office_then_escalates_it(org, walk):
    from redress.complaints.sweep import sweep

    w = owing(walk)
    with frozen(at(2026, 9, 20, 9, 30)):
        summary = sweep()
    assert "1 remedies newly late" in summary and "1 remedy escalations sent" in summary
    types = list(Event.objects.filter(complaint=w.c, type__in=[EventType.REMEDY_LATE, EventType.REMEDY_ESCALATED])
                 .order_by("pk").values_list("type", flat=True))
    assert types == [EventType.REMEDY_LATE, EventType.REMEDY_ESCALATED]
    with frozen(at(2026, 9, 20, 9, 31)):
        assert "0 remedy escalations sent" in sweep()


def test_the_message_says_the_remedy_is_late_in_both_languages(org, walk):
    w = owing(walk)
    sweep_at(at(2026, 9, 20, 9))
    notice = InboxNotice.objects.get(kind=KIND)
    english = alert_texts.write(KIND, notice.payload, "en")
    chinese = alert_texts.write(KIND, notice.payload, "zh-hans")
    ref = w.c.reference
    assert english.lines[0] == f"Escalation: the payment remedy of {ref} is late (it was due 2026-09-18)"
    assert "Promised: 退还手续费" in english.lines
    assert chinese.lines[0] == f"升级督办:{ref} 的赔偿/补偿补救措施已逾期(应于 2026-09-18 前完成)"
    assert english.link.endswith(f"/complaints/{ref}/")
