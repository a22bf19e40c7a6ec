"""A customer not satisfied at the callback complains again: the intake agent takes the
re-complaint on the original's page and the two complaints point at each other."""

from __future__ import annotations

from redress.complaints.ledger import EventType as E
from redress.complaints.models import Complaint, ComplaintLink, Event
from tests.browser.cases import walked

OPINION = {"zh-hans": "补偿金额太少,不能接受", "en": "The compensation is too small; I do not accept it"}
CAUSE = {"zh-hans": "客户认为处理结果未考虑其当日损失,要求重新处理", "en": "The outcome ignores the loss on the day"}


def test_dissatisfied_callback_then_recomplaint_links_both_ways(desk, org, lang):
    original = walked(org).to_awaiting_callback().c

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
    form.locator("#recomplain-cause").fill(CAUSE[lang])
    intake.shot("02-recomplain-form")
    form.locator("button[type=submit]").click()

    # The person lands on the new complaint, which names the original
    page = intake.page
    intake.expect(page.locator("#complaint")).not_to_have_attribute("data-reference", original.reference)
    new = Complaint.objects.exclude(pk=original.pk).get()
    intake.expect(page.locator("#complaint")).to_have_attribute("data-reference", new.reference)
    intake.expect_state("registered")
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
