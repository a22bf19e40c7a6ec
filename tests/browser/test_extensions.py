"""Extensions of the time limit (001 第二十二条): the handler asks with the reason and the
plan, the complaints office decides; asked too close to the limit, the page refuses
and says the rule."""

from __future__ import annotations

from redress.complaints.ledger import EventType as E
from redress.complaints.models import Event, Extension
from redress.complaints.services.timing import calendar_for
from redress.policy.loader import active_pack
from tests.browser.cases import investigating, registered_days_before_limit

REASON = {"zh-hans": "需调取交易所回报记录,尚未收到", "en": "Waiting for the exchange's order records"}
PLAN = {"zh-hans": "收到记录后两个工作日内提出处理方案", "en": "Propose a resolution two working days after they arrive"}


def ask_for_extension(d, days: int):
    form = d.act("request_extension")
    form.locator("#request_extension-working_days").fill(str(days))
    form.locator("#request_extension-reason").fill(REASON[d.lang])
    form.locator("#request_extension-plan").fill(PLAN[d.lang])
    return form


def test_handler_asks_for_an_extension_and_the_office_approves_it(desk, org, lang):
    c = investigating(org).c
    due_before = c.clocks.get(code="resolution").due_at

    handler = desk("handler")
    handler.open_complaint(c.reference)
    form = ask_for_extension(handler, 5)
    handler.expect(form.locator(".act-aside")).to_contain_text(handler.w.extension_rule)
    handler.shot("01-request-form")
    form.locator("button[type=submit]").click()
    handler.expect_event(E.EXTENSION_REQUESTED, "5")
    handler.expect_state("investigating")
    # Nobody decides their own request: the handler has no such button
    handler.expect(handler.page.locator("#actions [data-action=decide_extension]")).to_have_count(0)

    office = desk("office")
    office.open_complaint(c.reference)
    form = office.act("decide_extension")
    office.expect(form.locator(".act-aside")).to_contain_text(REASON[lang])
    office.expect(form.locator(".act-aside")).to_contain_text(PLAN[lang])
    form.locator("[name=approve][value=yes]").check()
    office.shot("02-decide-form")
    form.locator("button[type=submit]").click()
    # Granted, the office goes on to the customer's notice (test_complaint_forms); the case shows the grant
    office.expect(office.page.locator("#act-send_message")).to_be_visible()
    office.open_complaint(c.reference)
    office.expect_event(E.EXTENSION_APPROVED)

    ext = Extension.objects.get(complaint=c)
    assert (ext.status, ext.requested_by_id, ext.decided_by_id) == ("approved", org.handler.pk, org.office.pk)
    due_after = c.clocks.get(code="resolution").due_at
    cal = calendar_for(active_pack())
    assert cal.working_days_between(due_before, due_after) == 5
    local = due_after.astimezone(cal.tz).strftime("%Y-%m-%d %H:%M")
    office.expect(office.timeline_event(E.EXTENSION_APPROVED)).to_contain_text(local)
    office.shot("03-approved")


def test_extension_asked_less_than_three_working_days_before_the_limit_is_refused(desk, org, lang):
    start = registered_days_before_limit((1, 2))
    c = investigating(org, when=start).c
    version = c.version

    handler = desk("handler")
    handler.open_complaint(c.reference)
    form = ask_for_extension(handler, 5)
    aside = form.locator(".act-aside")
    handler.expect(aside).to_contain_text(handler.w.extension_rule)
    handler.expect(aside).to_contain_text({"zh-hans": "到期 3 个工作日前", "en": "at least 3 working days before"}[lang])
    form.locator("button[type=submit]").click()

    refusal = handler.page.locator("#act-request_extension [role=alert]")
    handler.expect(refusal).to_contain_text("001 第二十二条")
    handler.expect(refusal).to_contain_text({"zh-hans": "至少 3 个工作日", "en": "at least 3 working days"}[lang])
    # What was typed is kept, nothing was saved
    handler.expect(handler.page.locator("#request_extension-reason")).to_have_value(REASON[lang])
    handler.shot("01-refused")
    assert not Extension.objects.filter(complaint=c).exists()
    assert not Event.objects.filter(complaint=c, type=E.EXTENSION_REQUESTED).exists()
    c.refresh_from_db()
    assert c.version == version
