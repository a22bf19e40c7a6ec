"""Forbidden phrases in a message to the customer (001 第十七条): the page warns while
the text is typed, the warning goes when the phrase is edited out, and a message sent
with the phrase needs it confirmed, which the ledger records."""

from __future__ import annotations

import json

from redress.complaints.ledger import EventType as E
from redress.complaints.models import Communication, Event
from tests.browser.cases import investigating

PHRASE = {"zh-hans": "不可能", "en": "impossible"}
WITH = {"zh-hans": "您说的情况不可能发生,我们已核实委托记录。", "en": "What you describe is impossible; we checked the orders."}
WITHOUT = {"zh-hans": "我们已核实委托记录,结果将在三个工作日内告知您。",
           "en": "We checked the orders and will tell you the result within three working days."}


def test_forbidden_phrase_warned_while_typing_removed_by_editing_and_sent_when_confirmed(desk, org, lang):
    c = investigating(org).c
    sent_before = Communication.objects.filter(complaint=c).count()
    handler = desk("handler")
    handler.open_complaint(c.reference)
    form = handler.act("send_message")
    body = form.locator("#send_message-body")
    live = form.locator("#phrase-live-send_message")

    body.fill(WITH[lang])
    handler.expect(live).to_contain_text(handler.w.live_warning)
    handler.expect(live.locator("mark")).to_have_text(PHRASE[lang])
    handler.shot("01-warned-while-typing")

    body.fill(WITHOUT[lang])
    handler.expect(live.locator("mark")).to_have_count(0)
    handler.expect(live).to_have_text("")
    handler.shot("02-edited-out")

    # Sent with the phrase: refused until confirmed, nothing sent yet
    body.fill(WITH[lang])
    handler.expect(live.locator("mark")).to_have_text(PHRASE[lang])
    form.locator("button[type=submit]").click()
    form = handler.page.locator("#act-send_message")
    warning = form.locator(".act-warning[role=alert]")
    handler.expect(warning).to_contain_text(handler.w.forbidden_warning)
    handler.expect(warning.locator("mark")).to_have_text(PHRASE[lang])
    handler.expect(form.locator("#send_message-body")).to_have_value(WITH[lang])
    assert Communication.objects.filter(complaint=c).count() == sent_before
    handler.shot("03-confirm-before-sending")

    warning.get_by_label(handler.w.send_with % PHRASE[lang]).check()
    form.get_by_role("button", name=handler.w.send_as_confirmed).click()
    handler.expect(handler.page.locator("#complaint")).to_be_visible()
    handler.expect_event(E.MESSAGE_SENT)
    handler.expect(handler.page.locator("#action-form")).to_be_empty()
    handler.shot("04-sent")

    event = Event.objects.get(complaint=c, type=E.MESSAGE_SENT)
    assert json.loads(event.payload)["forbidden_confirmed"] == [PHRASE[lang]]
    message = Communication.objects.get(pk=json.loads(event.payload)["message"])
    assert message.body == WITH[lang]
    assert handler.dialogs == []
