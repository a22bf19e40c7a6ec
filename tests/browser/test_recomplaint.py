"""Re-complaints in a real browser, in both languages (issue 12 item 6; 004 第七条(七)).

A customer not satisfied at the callback complains again on the original's page; a
customer whose case was archived calls back and the agent starts the re-complaint from
the customer's history in the intake lookup, on a tablet-sized window and with the
keyboard only. The new case asks for today's channel and the sum claimed now, and both
cases name each other. Refusals (an open case, a role that takes no complaints) are in
the person's language. Screenshots in test-artifacts/browser/."""

from __future__ import annotations

from redress.complaints import services as svc
from redress.complaints.ledger import EventType as E
from redress.complaints.models import Complaint, ComplaintLink, Event
from tests.browser.cases import investigating, walked
from tests.browser.keyboard import focus_is_visible, tab_to

OPINION = {"zh-hans": "补偿金额太少,不能接受", "en": "The compensation is too small; I do not accept it"}
CAUSE = {"zh-hans": "客户认为处理结果未考虑其当日损失,要求重新处理", "en": "The outcome ignores the loss on the day"}
W = {
    "zh-hans": {"letter": "信函/投诉信箱", "walk_in": "营业部现场", "earlier": "以往投诉(1 件)",
                "recomplaint_about": "就 %s 再投诉", "channel": "客户今天的投诉渠道", "cause": "客户不认可之处",
                "amount": "本次诉求金额", "choose_channel": "请选择客户今天的投诉渠道。",
                "still_handled": "仍在处理中", "roles": "此操作需要以下角色之一", "saved": "已保存,受理编号"},
    "en": {"letter": "Letter / complaint box", "walk_in": "In person at a branch", "earlier": "Earlier complaint:",
           "recomplaint_about": "Re-complaint about %s", "channel": "How the customer complained again today",
           "cause": "What the customer does not accept", "amount": "Amount claimed now",
           "choose_channel": "Choose how the customer complained again today.",
           "still_handled": "is still being handled", "roles": "This needs one of the roles", "saved": "Saved as"},
}


def archived(org):
    w = walked(org, amount_claimed=None).to_awaiting_callback().callback(satisfied=True)
    svc.complaint_archive(w.c, actor=org.office, root_cause="customer_misunderstanding")
    w.c.refresh_from_db()
    return w.c


def test_dissatisfied_callback_then_recomplaint_links_both_ways(desk, org, lang):
    original = walked(org).to_awaiting_callback().c
    w = W[lang]

    callback = desk("callback")
    callback.open_complaint(original.reference)
    form = callback.act("record_callback")
    form.locator("[name=satisfied][value=no]").check()
    form.locator("#record_callback-opinion").fill(OPINION[lang])
    callback.submit(form, state="follow_up")
    callback.expect(callback.timeline_event(E.CALLBACK_RECORDED).locator(".sentence")).to_contain_text(
        callback.w.not_satisfied)
    callback.shot("01-dissatisfied")

    intake = desk("intake")
    intake.open_complaint(original.reference)
    form = intake.act("recomplain")
    # Today's channel is asked, not copied from the original's phone call
    intake.expect(form.get_by_label(w["channel"])).to_have_value("")
    form.locator("button[type=submit]").click()
    intake.expect(form.locator(".has-error").first).to_contain_text(w["choose_channel"])
    form = intake.page.locator("#act-recomplain")
    form.get_by_label(w["channel"]).select_option(label=w["letter"])
    form.locator("#recomplain-cause").fill(CAUSE[lang])
    form.get_by_label(w["amount"]).fill("2,000")
    intake.shot("02-recomplain-form")
    form.locator("button[type=submit]").click()

    # The person lands on the new complaint, which names the original
    page = intake.page
    intake.expect(page.locator("#complaint")).not_to_have_attribute("data-reference", original.reference)
    new = Complaint.objects.exclude(pk=original.pk).get()
    intake.expect(page.locator("#complaint")).to_have_attribute("data-reference", new.reference)
    intake.expect_state("registered")
    assert new.channel == "letter" and str(new.amount_claimed) == "2000.00"
    links = page.get_by_role("region", name=intake.w.linked)
    intake.expect(links.get_by_role("listitem")).to_have_count(1)
    intake.expect(links).to_contain_text(intake.w.recomplaint_of)
    intake.expect(links.get_by_role("link", name=original.reference)).to_be_visible()
    intake.expect(page.locator("#complaint .text").first).to_have_text(CAUSE[lang])
    intake.shot("03-new-complaint")

    # ... and the original, closed as not satisfied, names the new one
    links.get_by_role("link", name=original.reference).click()
    intake.expect(page.locator("#complaint")).to_have_attribute("data-reference", original.reference)
    intake.expect_state("closed")
    back = page.get_by_role("region", name=intake.w.linked)
    intake.expect(back).to_contain_text(intake.w.recomplained_in)
    intake.expect(back.get_by_role("link", name=new.reference)).to_be_visible()
    intake.expect_event(E.RECOMPLAINED, new.reference)
    intake.shot("04-original-closed")

    assert ComplaintLink.objects.filter(source=new, target=original, kind="recomplaint").exists()
    assert Event.objects.filter(complaint=original, type=E.RECOMPLAINED, actor=org.intake).count() == 1
    assert callback.dialogs == intake.dialogs == []


def test_archived_case_re_complained_from_the_lookup_on_a_tablet_with_the_keyboard(desk, org, lang):
    original = archived(org)
    w = W[lang]
    intake = desk("intake", width=1024)
    page = intake.page
    page.goto("/intake/")
    page.locator("#lookup").focus()  # where the agent starts; everything after is keyboard
    page.keyboard.type("13800138000")  # a whole number (issue 14: a part of one finds no one)
    page.keyboard.press("Enter")  # every lookup is counted, so it runs when asked, not per key
    results = page.locator("#customer-results")
    intake.expect(results.locator(".finished")).to_contain_text(w["earlier"])
    intake.expect(results.locator(".finished")).to_contain_text(original.reference)
    intake.expect(results).not_to_contain_text("13800138000")  # the lookup stays masked
    start = results.get_by_role("link", name=w["recomplaint_about"] % original.reference)
    tab_to(page, start)
    assert focus_is_visible(page), "the focused re-complaint link shows no focus ring"
    intake.shot("01-lookup-history-1024")
    page.keyboard.press("Enter")

    intake.expect(page.get_by_role("heading", level=1)).to_contain_text(original.reference)
    form = page.locator("#act-recomplain form")
    channel = form.get_by_label(w["channel"])
    tab_to(page, channel)
    assert focus_is_visible(page)
    channel.select_option(label=w["walk_in"])  # a select is chosen with the arrow keys; Playwright's the same
    page.keyboard.press("Tab")
    page.keyboard.type(CAUSE[lang])
    tab_to(page, form.get_by_label(w["amount"]))
    page.keyboard.type("1500")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024, "the page scrolls sideways at 1024 px"
    intake.shot("02-recomplaint-form-1024")
    page.keyboard.press("Enter")  # Enter in a field sends the form

    intake.expect(page.locator(".done-bar .notice")).to_contain_text(w["saved"])
    new = Complaint.objects.exclude(pk=original.pk).get()
    assert new.channel == "walk_in" and str(new.amount_claimed) == "1500.00" and new.cause == CAUSE[lang]
    intake.shot("03-receipt-1024")
    page.goto(new.get_absolute_url())
    links = page.get_by_role("region", name=intake.w.linked)
    intake.expect(links).to_contain_text(intake.w.recomplaint_of)
    intake.expect(links.get_by_role("link", name=original.reference)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    intake.shot("04-new-complaint-1024")
    original.refresh_from_db()
    assert original.state == "archived"
    assert Event.objects.filter(complaint=original, type=E.RECOMPLAINED).count() == 1
    assert intake.dialogs == []


def test_refusals_are_in_the_persons_language(desk, org, lang):
    open_case = investigating(org).c
    done_case = archived(org)
    w = W[lang]

    # An open case (reached by its address; the lookup offers no re-complaint on it): the
    # agent is told at once what to do instead, and no form is drawn to type into
    intake = desk("intake")
    page = intake.page
    response = page.goto(f"/intake/recomplaint/{open_case.reference}/")
    assert response.status == 409
    refusal = page.locator(".act-refusal")
    intake.expect(refusal).to_contain_text(open_case.reference)
    intake.expect(refusal).to_contain_text(w["still_handled"])
    intake.expect(page.locator("#act-recomplain form")).to_have_count(0)
    intake.shot("01-open-case-refused")
    # ... and a form sent anyway (opened before the case was reopened, say) changes nothing
    csrf = page.context.cookies()
    token = next(c["value"] for c in csrf if c["name"] == "csrftoken")
    sent = page.request.post(f"/intake/recomplaint/{open_case.reference}/", form={
        "csrfmiddlewaretoken": token, "version": open_case.version, "channel": "letter", "cause": CAUSE[lang]},
        headers={"Referer": page.url})
    assert sent.status == 409 and w["still_handled"] in sent.text()

    # A callback agent takes no complaints: 403, with the roles named in words
    callback = desk("callback")
    response = callback.page.goto(f"/intake/recomplaint/{done_case.reference}/")
    assert response.status == 403
    callback.expect(callback.page.locator("body")).to_contain_text(w["roles"])
    callback.shot("02-callback-refused")
    assert Complaint.objects.count() == 2 and not ComplaintLink.objects.exists()
