"""The complaint page's forms as people use them (issue 12 items 4, 5 and 7), in both
languages: the long forms open in the main column, a form left open while a colleague
worked keeps its typing and shows what changed, the result starts from the approved
proposal, an upload is refused where the person is looking, a role refusal names roles,
and a granted extension leads to the customer's notice."""

from __future__ import annotations

import re

from redress.complaints import services as svc
from redress.complaints.ledger import EventType as E
from redress.complaints.models import Extension
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import now
from redress.policy.loader import active_pack
from tests.browser.cases import investigating
from tests.browser.conftest import SHOTS

FACTS = {"zh-hans": "客户委托价格超出当日涨停价,交易所作废委托。", "en": "The order's price was above the day's limit."}
NOTE = {"zh-hans": "同意。请电话告知客户并寄送书面说明。", "en": "Approved. Call the customer and send it in writing."}
CALL = "客户来电:已收到交易所回报截图"


def width(locator) -> float:
    return locator.bounding_box()["width"]


def test_a_long_form_opens_in_the_main_column_and_an_unrelated_note_does_not_block_it(desk, org, lang):
    c = investigating(org).c
    handler = desk("handler")
    handler.open_complaint(c.reference)
    form = handler.act("propose")
    # The proposal has the main column's width, not the 345-px side column's
    handler.expect(handler.page.locator("#action-form-main #act-propose")).to_be_visible()
    assert width(form) > 600
    # and its first field has the focus, ready to type
    assert handler.page.evaluate("document.activeElement.id") == "propose-summary"
    form.locator("#propose-summary").fill({"zh-hans": "解释委托规则并致歉", "en": "Explain the rule and apologise"}[lang])
    form.locator("#propose-facts").fill(FACTS[lang])
    form.locator("#propose-responsibility").select_option("customer")
    handler.shot("01-proposal-in-the-main-column")
    # Meanwhile the department head adds a note to the file
    svc.finding_add(c, actor=org.dept_head, kind="note", text="客户补充:委托时间为14:55", via="test")
    # The proposal still goes through: a note does not conflict with it
    handler.submit(form, state="proposed")
    handler.expect_event(E.PROPOSED)


def test_a_stale_approval_keeps_the_note_shows_the_change_and_goes_through_when_sent_again(desk, org, lang):
    w = investigating(org)
    w.when = now()
    w.propose()
    office = desk("office")
    office.open_complaint(w.c.reference)
    form = office.act("approve")
    form.locator("#approve-note").fill(NOTE[lang])
    # Meanwhile the handler records a call the approver has not read
    svc.contact_record(w.c, actor=org.handler, channel="phone", note=CALL, via="test")
    form.locator("button[type=submit]").click()
    # The form comes back with the change listed and the note as typed
    refusal = office.page.locator("#act-approve .act-refusal")
    office.expect(refusal).to_contain_text({"zh-hans": "投诉已被更改", "en": "The complaint changed"}[lang])
    office.expect(refusal.locator(".act-changes")).to_contain_text(CALL)
    office.expect(office.page.locator("#approve-note")).to_have_value(NOTE[lang])
    office.expect(office.page.get_by_role("link", name={"zh-hans": "重新加载表单", "en": "Reload the form"}[lang])) \
        .to_have_count(0)
    office.shot("01-stale-approval-shows-the-change")
    office.expect_state("proposed")
    # Sent again once read, it goes through
    office.submit(office.page.locator("#act-approve"), state="approved")
    office.expect_event(E.APPROVED)


def test_the_result_starts_from_the_approved_proposal(desk, org, lang):
    w = investigating(org)
    w.when = now()
    w.propose().approve()
    handler = desk("handler")
    handler.open_complaint(w.c.reference)
    form = handler.act("communicate_result")
    handler.expect(handler.page.locator("#action-form-main #act-communicate_result")).to_be_visible()
    body = form.locator("#communicate_result-body")
    handler.expect(body).to_have_value(re.compile("委托价格超出涨跌停限制"))
    form.locator("#communicate_result-customer_opinion").fill("客户表示理解")
    handler.shot("01-result-drafted")
    handler.submit(form, state="awaiting_callback")
    handler.expect(handler.page.locator("#complaint")).to_contain_text("客户表示理解")


def test_an_upload_refused_for_its_type_says_so_at_the_upload(desk, org, lang):
    c = investigating(org).c
    handler = desk("handler")
    handler.open_complaint(c.reference)
    upload = handler.page.locator("#evidence form.upload")
    file = upload.locator("input[type=file]")
    exe = {"name": "setup.exe", "mimeType": "application/x-msdownload", "buffer": b"MZ" + b"\0" * 64}
    # Refused in the page, before it is sent, right under the file
    file.set_input_files(exe)
    refused = upload.locator(".upload-refused")
    handler.expect(refused).to_contain_text("setup.exe")
    handler.expect(file).to_have_attribute("aria-invalid", "true")
    handler.shot("01-refused-at-the-upload")
    # A file the page let through and the server refused: the page comes back at the upload
    file.evaluate("el => el.removeAttribute('accept')")
    file.set_input_files(exe)
    upload.locator("button[type=submit]").click()
    handler.expect(handler.page.locator("#evidence .errorlist")).to_contain_text("setup.exe")
    handler.page.wait_for_function("document.activeElement && document.activeElement.type === 'file'")
    in_view = handler.page.evaluate(
        "(() => { const r = document.activeElement.getBoundingClientRect(); "
        "return r.top >= 0 && r.bottom <= window.innerHeight; })()")
    assert in_view
    handler.page.screenshot(path=str(SHOTS / f"complaint_forms-{lang}-02-server-refusal-in-view.png"))


def test_a_role_refusal_names_the_roles(desk, org, lang):
    w = investigating(org)
    w.when = now()
    w.propose().approve().communicate()
    handler = desk("handler")
    handler.page.goto(f"/complaints/{w.c.reference}/act/record_callback/")
    handler.page.locator("[name=satisfied][value=yes]").check()
    handler.page.locator("button[type=submit]").click()
    refusal = handler.page.locator("#act-record_callback")
    handler.expect(refusal).to_contain_text({"zh-hans": "回访人员", "en": "Callback"}[lang])
    handler.expect(refusal).to_contain_text({"zh-hans": "经办人", "en": "Handler"}[lang])
    text = refusal.inner_text()
    assert ":callback" not in text and ": callback" not in text and "has handler" not in text
    handler.shot("01-refusal-by-role-names")


def test_granting_an_extension_leads_to_the_customers_notice(desk, org, lang):
    c = investigating(org).c
    reason = "需调取交易所委托回报记录"
    ext = svc.extension_request(c, actor=org.handler, working_days=5, reason=reason, plan="收到后两个工作日内答复")
    office = desk("office")
    office.open_complaint(c.reference)
    form = office.act("decide_extension")
    office.expect(form.locator("#extension-notice-next")).to_be_visible()
    form.locator("[name=approve][value=yes]").check()
    form.locator("button[type=submit]").click()
    # Granted: the page goes on to the message to the customer, drafted with the reason and the new date
    notice = office.page.locator("#act-send_message")
    office.expect(notice.locator("#send_message-body")).to_have_value(re.compile(reason))
    ext.refresh_from_db()
    office.expect(notice.locator("#send_message-body")).to_have_value(
        re.compile(f"{ext.due_after.astimezone(calendar_for(active_pack()).tz):%Y-%m-%d}"))
    office.shot("01-notice-drafted")
    office.page.locator("#send_message-channel").select_option("phone")
    notice.locator("button[type=submit]").click()
    told = office.page.locator(f"#extension-{ext.pk}-told")
    office.expect(told).to_contain_text({"zh-hans": "已告知客户", "en": "customer told"}[lang])
    office.shot("02-customer-told")
    assert Extension.objects.get(pk=ext.pk).customer_told_id is not None
