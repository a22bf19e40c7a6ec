"""A complaint's whole life through the workbench, every step in the browser by the
person whose job it is: taken down at the first contact, assessed and dispatched by the
complaints office, investigated and resolved by the branch's handler, approved by the
one the authority matrix names, told, remedied, called back by someone independent,
archived."""

from __future__ import annotations

import re
from datetime import timedelta

from redress.complaints import ledger
from redress.complaints.ledger import EventType as E
from redress.complaints.models import Complaint, Event
from redress.complaints.timesource import now

SUBJECT = {"zh-hans": "委托显示已报但一直未成交", "en": "Order shown as sent but never filled"}
CAUSE = {"zh-hans": "3月2日上午通过营业部柜台下单买入,委托显示已报,至收盘仍未成交,也未撤单。",
         "en": "On 2 March I placed a buy order at the branch counter; it showed as sent and was never filled."}
FINDING = {"zh-hans": "调取委托记录:委托价格超出涨停价,交易所废单,柜台未及时告知客户。",
           "en": "Order records show the price was above the limit-up price; the exchange rejected it unnoticed."}


def field(form, label: str):
    """The input a label names, a required field's star aside."""
    return form.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def take_down_at_intake(d, org) -> str:
    """The first responder's screen: type, read back, confirm; returns the reference."""
    page, lang = d.page, d.lang
    page.get_by_role("link", name=d.w.new_complaint, exact=True).click()
    form = page.locator("form.intake")
    d.expect(form).to_be_visible()
    field(form, {"zh-hans": "姓名", "en": "Name"}[lang]).fill("王小明")
    field(form, {"zh-hans": "电话", "en": "Phone"}[lang]).fill("13900139000")
    if lang == "en":  # the acknowledgment is written in the customer's language
        form.get_by_label("English", exact=True).check()
    form.locator("#id_channel").select_option("walk_in")
    field(form, {"zh-hans": "事由摘要", "en": "Subject"}[lang]).fill(SUBJECT[lang])
    field(form, {"zh-hans": "投诉事由", "en": "What happened"}[lang]).fill(CAUSE[lang])
    form.locator("#id_amount_claimed").fill("800")
    form.locator("#id_party_unit").select_option(str(org.branch.pk))
    d.shot("01-intake-form")
    form.get_by_role("button", name=d.w.read_back).click()

    # The read-back says what was typed, nothing is saved yet
    readback = page.locator("form.readback")
    d.expect(readback).to_contain_text(SUBJECT[lang])
    d.expect(readback).to_contain_text(CAUSE[lang])
    d.expect(readback).to_contain_text("王小明")
    assert not Complaint.objects.exists()
    d.shot("02-read-back")
    readback.get_by_role("button", name=d.w.confirm_save).click()

    receipt = page.locator("article.receipt")
    d.expect(receipt.get_by_role("heading", name=d.w.acknowledgment)).to_be_visible()
    reference = receipt.locator(".ref").inner_text().strip()
    assert re.fullmatch(r"TS[0-9A-Z-]+", reference), reference
    d.expect(page.locator(".done-bar [role=status]")).to_contain_text(reference)
    d.shot("03-acknowledgment")
    return reference


def test_lifecycle_each_step_by_its_own_person(desk, org, lang):
    intake = desk("intake")
    reference = take_down_at_intake(intake, org)
    c = Complaint.objects.get(reference=reference)
    assert (c.state, c.first_responder_id, c.branch_id) == ("registered", org.intake.pk, org.branch.pk)

    intake.page.get_by_role("link", name={"zh-hans": "查看投诉", "en": "Open the complaint"}[lang]).click()
    intake.expect_state("registered")
    intake.expect_event(E.RECEIVED, "intake")
    intake.expect_event(E.REGISTERED, "intake")

    # The complaints office assesses and dispatches to the branch
    office = desk("office")
    office.open_complaint(reference)
    form = office.act("assess")
    form.locator("#assess-category").select_option("counter")
    form.locator("#assess-severity").select_option("medium")
    office.submit(form, state="assessed")
    office.expect_event(E.ASSESSED, {"zh-hans": "柜台业务类", "en": "Counter business"}[lang])
    form = office.act("dispatch")
    form.locator("#dispatch-unit").select_option(str(org.branch.pk))
    form.locator("#dispatch-instructions").fill({"zh-hans": "请三个工作日内联系客户", "en": "Call the customer"}[lang])
    office.shot("04-dispatch-form")
    office.submit(form, state="dispatched")
    office.expect_event(E.DISPATCHED)

    # The branch's handler takes the work order and investigates
    handler = desk("handler")
    handler.open_complaint(reference)
    handler.submit(handler.act("accept_assignment"), state="investigating")
    handler.expect_event(E.ASSIGNMENT_ACCEPTED, "handler")
    form = handler.act("add_finding")
    form.locator("#add_finding-text").fill(FINDING[lang])
    form.locator("button[type=submit]").click()
    handler.expect_event(E.FINDING_ADDED)
    handler.expect_state("investigating")

    # ... and proposes compensation and a remedy; money makes it the CRO's decision
    form = handler.act("propose")
    form.locator("#propose-summary").fill({"zh-hans": "致歉并补偿差价", "en": "Apologise and pay the difference"}[lang])
    form.locator("#propose-facts").fill(FINDING[lang])
    form.locator("#propose-responsibility").select_option("institution")
    form.locator("#propose-compensation").fill("800")
    form.locator("[name=remedies-0-kind]").select_option("payment")
    form.locator("[name=remedies-0-description]").fill({"zh-hans": "补偿差价", "en": "Pay the difference"}[lang])
    form.locator("[name=remedies-0-amount]").fill("800")
    due = (now() + timedelta(days=7)).date().isoformat()
    form.locator("[name=remedies-0-due_date]").fill(due)
    handler.shot("05-propose-form")
    handler.submit(form, state="proposed")
    handler.expect_event(E.PROPOSED, "800.00")
    # The proposer has no button to approve their own proposal
    handler.expect(handler.page.locator("#actions [data-action=approve]")).to_have_count(0)
    handler.shot("06-proposed")

    # The complaints office may not decide an economic dispute: no approve button
    office.open_complaint(reference)
    office.expect(office.page.locator("#actions [data-action=approve]")).to_have_count(0)

    cro = desk("cro")
    cro.open_complaint(reference)
    form = cro.act("approve")
    cro.expect(form.locator(".act-aside")).to_contain_text(
        {"zh-hans": "致歉并补偿差价", "en": "Apologise and pay the difference"}[lang])
    cro.shot("07-approve-form")
    cro.submit(form, state="approved")
    cro.expect_event(E.APPROVED, "cro")

    # The handler tells the customer; the remedy is carried out
    handler.open_complaint(reference)
    form = handler.act("communicate_result")
    form.locator("#communicate_result-body").fill(
        {"zh-hans": "经核实,您的委托因价格超出涨停价被交易所作废,我司未及时告知,特此致歉,并补偿差价800元。",
         "en": "Your order was rejected by the exchange as above the limit-up price and we did not tell you; "
               "we apologise and will pay the difference of 800 yuan."}[lang])
    handler.submit(form, state="remedy_pending")
    handler.expect_event(E.RESULT_COMMUNICATED)
    form = handler.act("execute_remedy")
    form.locator("[name=remedy_id]").first.check()
    form.locator("#execute_remedy-note").fill("转账流水 20260302-0001")
    handler.submit(form, state="awaiting_callback")
    handler.expect_event(E.REMEDY_EXECUTED, "800.00")

    # Someone who did not handle it calls the customer back
    callback = desk("callback")
    callback.open_complaint(reference)
    form = callback.act("record_callback")
    form.locator("[name=satisfied][value=yes]").check()
    callback.shot("08-callback-form")
    callback.submit(form, state="closed")
    sentence = callback.timeline_event(E.CALLBACK_RECORDED).locator(".sentence")
    callback.expect(sentence).to_contain_text(callback.w.satisfied)
    callback.expect(sentence).not_to_contain_text(callback.w.not_satisfied)

    # The complaints office archives it, giving the root cause
    office.open_complaint(reference)
    form = office.act("archive")
    form.locator("#archive-root_cause").fill({"zh-hans": "柜台未提示涨跌停价格限制", "en": "Counter staff did not "
                                              "mention the price limit"}[lang])
    office.submit(form, state="archived")
    office.expect_event(E.ARCHIVED)
    office.expect(office.page.locator("#actions [data-action=archive]")).to_have_count(0)
    office.shot("09-archived")

    # Every step is in the timeline once, and the ledger's chain holds
    shown = [int(t) for t in office.page.locator("#timeline li.ev").evaluate_all(
        "items => items.map(li => [...li.classList].find(c => c.startsWith('ev-')).slice(3))")]
    stored = list(Event.objects.filter(complaint=c).order_by("seq").values_list("type", flat=True))
    assert sorted(shown) == sorted(stored)
    assert {E.RECEIVED, E.REGISTERED, E.ASSESSED, E.DISPATCHED, E.ASSIGNMENT_ACCEPTED, E.FINDING_ADDED,
            E.PROPOSED, E.APPROVED, E.RESULT_COMMUNICATED, E.REMEDY_EXECUTED, E.CALLBACK_RECORDED,
            E.ARCHIVED} <= set(stored)
    approved = Event.objects.get(complaint=c, type=E.APPROVED)
    assert approved.actor_id == org.cro.pk != Event.objects.get(complaint=c, type=E.PROPOSED).actor_id
    assert ledger.verify().ok
    for d in (intake, office, handler, cro, callback):
        assert d.dialogs == []
