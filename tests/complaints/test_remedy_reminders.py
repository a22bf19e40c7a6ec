"""A remedy's due date is a clock (issue 15 item 5): whoever must carry it out — the
case's holder and the unit's head, as the shipped pack says — is reminded two working
days before it is due, at the start of business, once, in the inbox and by email, in
their language, and the ledger records it. A remedy done or waived before then is not
reminded of. Dates: a plain September 2026 week (no holiday), worked out by hand."""

from __future__ import annotations

import json
from datetime import date

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Event
from redress.complaints.timesource import frozen
from redress.notify import alert_texts
from redress.notify.models import InboxNotice, OutboxMessage
from tests.conftest import at

FRIDAY = date(2026, 9, 18)
# Two working days before Friday the 18th: Thursday 17, Wednesday 16 -> Wednesday, 09:00.
REMINDER_DAY = at(2026, 9, 16, 9)


def owing(walk, due=FRIDAY):
    w = walk(at(2026, 9, 1), amount_claimed="200").assess().dispatch().accept()
    remedy = svc.RemedyInput(kind="payment", description="退还手续费", amount="200", due_date=due)
    w.propose(compensation="200", remedies=[remedy]).approve(by=w.org.cro).communicate()
    return w


def sweep_at(moment):
    with frozen(moment):
        return svc.send_remedy_reminders()


def told() -> list[tuple[str, str]]:
    inbox = [(n.staff.username, "inbox") for n in InboxNotice.objects.filter(kind="remedy_reminder")]
    mail = [(m.to_staff.username, "email") for m in OutboxMessage.objects.filter(kind="remedy_reminder")]
    return sorted(inbox + mail)


def test_a_remedy_due_friday_is_reminded_on_wednesday_morning_once(org, walk):
    w = owing(walk)
    assert sweep_at(at(2026, 9, 15, 17)) == 0  # Tuesday: too early
    assert sweep_at(at(2026, 9, 16, 8, 59)) == 0  # a minute before the start of business
    assert sweep_at(REMINDER_DAY) == 1
    assert told() == [("dept_head", "email"), ("dept_head", "inbox"), ("handler", "email"), ("handler", "inbox")]
    assert sweep_at(at(2026, 9, 17, 12)) == 0  # a second sweep sends nothing
    assert sweep_at(at(2026, 9, 18, 16)) == 0
    assert len(told()) == 4
    (event,) = Event.objects.filter(complaint=w.c, type=EventType.REMEDY_REMINDED)
    payload = json.loads(event.payload)
    remedy = w.c.remedies.get()
    assert (payload["remedy"], payload["due_date"]) == (remedy.pk, "2026-09-18")
    assert payload["told"] == sorted([org.handler.pk, org.dept_head.pk])


def test_a_remedy_done_before_the_reminder_day_gets_none(org, walk):
    w = owing(walk)
    svc.remedy_execute(w.c, actor=org.handler, remedy_id=w.c.remedies.get().pk, note="已退还")
    assert sweep_at(REMINDER_DAY) == 0
    assert told() == []


def test_a_remedy_waived_before_the_reminder_day_gets_none(org, walk):
    w = owing(walk)
    svc.remedy_waive(w.c, actor=org.office, remedy_id=w.c.remedies.get().pk, reason="客户放弃补偿")
    assert sweep_at(REMINDER_DAY) == 0
    assert told() == []


def test_a_remedy_already_late_gets_no_reminder(org, walk):
    owing(walk)
    assert sweep_at(at(2026, 9, 21, 10)) == 0  # Monday after: the late mark's, not a reminder's


def test_the_message_names_the_remedy_the_case_and_the_due_date_in_both_languages(org, walk):
    w = owing(walk)
    sweep_at(REMINDER_DAY)
    notice = InboxNotice.objects.filter(kind="remedy_reminder").first()
    english = alert_texts.write("remedy_reminder", notice.payload, "en")
    chinese = alert_texts.write("remedy_reminder", notice.payload, "zh-hans")
    ref = w.c.reference
    assert english.lines[0] == f"Reminder: the payment remedy of {ref} is due 2026-09-18"
    assert "Promised: 退还手续费" in english.lines
    assert chinese.lines[0] == f"提醒:{ref} 的赔偿/补偿补救措施应于 2026-09-18 前完成"
    assert "承诺事项:退还手续费" in chinese.lines
    assert english.link.endswith(f"/complaints/{ref}/")


def test_the_sweep_sends_it_by_email_in_the_readers_language(org, walk, mailoutbox):
    from redress.complaints.sweep import sweep

    w = owing(walk)
    org.handler.language = "zh-hans"
    org.handler.save(update_fields=["language"])
    with frozen(REMINDER_DAY):
        assert "1 remedy reminders sent" in sweep()
    with frozen(at(2026, 9, 16, 9, 5)):
        assert "0 remedy reminders sent" in sweep()
    to_handler = [m for m in mailoutbox if org.handler.email in m.to and "补救措施" in m.subject]
    assert [m.subject for m in to_handler] == [f"[Redress] 提醒:{w.c.reference} 的赔偿/补偿补救措施应于 2026-09-18 前完成"]
    assert "承诺事项:退还手续费" in to_handler[0].body
