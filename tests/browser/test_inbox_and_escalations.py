"""Reminders and escalations in the browser (issue 15): the unread count in the
navigation, the inbox in the reader's language, and the case's escalation ladder
answered from its page with what will happen and by when."""

from __future__ import annotations

from datetime import timedelta

from redress.complaints.models import ClockAlert
from redress.complaints.services import send_due_alerts
from redress.complaints.timesource import frozen, now
from tests.conftest import Walk, at

PLAN = {"zh-hans": "已约营业部负责人,三日内书面答复客户", "en": "Branch manager to answer the customer in writing within three days"}
WORDS = {"zh-hans": {"inbox": "消息", "late": "已逾期", "escalations": "升级督办", "answer": "回复升级督办",
                     "answered": "已回复"},
         "en": {"inbox": "Inbox", "late": "is late", "escalations": "Escalations", "answer": "Answer the escalation",
                "answered": "answered"}}


def test_the_office_reads_its_inbox_and_answers_the_escalation(desk, org, lang):
    # Due Tuesday 24 February 2026, after the Spring Festival; the whole ladder has run.
    c = Walk(org, at(2026, 1, 20, 10)).assess().dispatch().accept().c
    with frozen(at(2026, 3, 2, 17)):
        send_due_alerts()
    w = WORDS[lang]
    office = desk("office")
    link = office.page.locator("nav.mainnav a.inbox-link")
    office.expect(link).to_contain_text(w["inbox"])
    office.expect(link.locator(".unread-count")).to_have_text("1")
    link.click()
    notice = office.page.locator("#notices li.notice-escalation")
    office.expect(notice).to_have_count(1)
    office.expect(notice).to_contain_text(c.reference)
    office.expect(notice).to_contain_text(w["late"])
    office.shot("01-inbox")

    office.open_complaint(c.reference)
    card = office.page.locator("#escalations")
    office.expect(card.get_by_role("heading", name=w["escalations"])).to_be_visible()
    office.expect(card.locator("li.escalation")).to_have_count(4)
    office.shot("02-case-escalations")
    mine = card.locator("li.escalation[data-step='2']")
    mine.locator("textarea[name=plan]").fill(PLAN[lang])
    by = (now() + timedelta(days=3)).date().isoformat()
    mine.locator("input[name=by]").fill(by)
    mine.get_by_role("button", name=w["answer"]).click()
    answered = office.page.locator("#escalations li.escalation[data-step='2']")
    office.expect(answered).to_contain_text(PLAN[lang])
    office.expect(answered).to_contain_text(w["answered"])
    office.shot("03-answered")
    alert = ClockAlert.objects.get(complaint=c, kind="escalation", step=2)
    assert alert.acknowledged_by_id == org.office.pk and alert.ack_plan == PLAN[lang]
    assert alert.ack_by.isoformat() == by


REMEDY_WORDS = {"zh-hans": {"late": "补救措施已逾期", "timeline": "仍未执行"},
                "en": {"late": "remedy of", "timeline": "is still not carried out"}}


def test_the_handler_reads_a_late_remedys_escalation_and_the_case_shows_it(desk, org, lang):
    # Due Friday 18 September 2026; Sunday the 20th is a working day: the holder hears then.
    from redress.complaints import services as svc
    from redress.complaints.ledger import EventType

    w = Walk(org, at(2026, 9, 1), amount_claimed="200").assess().dispatch().accept()
    remedy = svc.RemedyInput(kind="payment", description="退还手续费", amount="200", due_date=at(2026, 9, 18).date())
    w.propose(compensation="200", remedies=[remedy]).approve(by=org.cro).communicate()
    with frozen(at(2026, 9, 20, 9, 30)):
        assert svc.send_remedy_escalations() == 1
    words = REMEDY_WORDS[lang]
    handler = desk("handler")
    handler.page.locator("nav.mainnav a.inbox-link").click()
    notice = handler.page.locator("#notices li.notice-remedy_escalation")
    handler.expect(notice).to_have_count(1)
    handler.expect(notice).to_contain_text(w.c.reference)
    handler.expect(notice).to_contain_text(words["late"])
    handler.expect(notice).to_contain_text("2026-09-18")
    handler.expect(notice.locator(".chip.late")).to_have_count(1)  # marked as an escalation, not a reminder
    handler.shot("01-remedy-escalation-inbox")
    handler.open_complaint(w.c.reference)
    handler.expect_event(EventType.REMEDY_ESCALATED, words["timeline"], "2026-09-18")
    handler.shot("02-remedy-escalation-timeline")
