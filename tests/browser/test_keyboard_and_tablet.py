"""The intake screen and the complaint page on a 1024-px tablet and without a mouse
(issue 12 item 10), in both languages: nothing scrolls sideways, Tab reaches every
control in reading order and each shows where the focus is, Enter sends a form, and the
read-back's Enter means "confirmed". Screenshots in test-artifacts/browser/."""

from __future__ import annotations

import re

from redress.complaints.models import Complaint, ComplaintLink
from tests.browser.cases import walked
from tests.browser.keyboard import focus_is_visible, tab_to

TABLET = 1024
W = {
    "zh-hans": {"name": "姓名", "phone": "电话", "subject": "事由摘要", "cause": "投诉事由", "amount": "主张金额",
                "skip": "跳到正文", "link": "关联其他投诉", "saved": "已保存,受理编号"},
    "en": {"name": "Name", "phone": "Phone", "subject": "Subject", "cause": "What happened",
           "amount": "Amount claimed", "skip": "Skip to the content", "link": "Link to another complaint",
           "saved": "Saved as"},
}


def field(page, label: str):
    return page.locator("form.intake").get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= TABLET


def test_intake_by_keyboard_on_a_tablet(desk, org, lang):
    w = W[lang]
    intake = desk("intake", width=TABLET)
    page = intake.page
    page.goto("/intake/")
    # The first Tab shows the way past the navigation, on screen
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=w["skip"])
    intake.expect(skip).to_be_focused()
    assert skip.bounding_box()["y"] >= 0 and focus_is_visible(page)
    intake.shot("01-skip-link")
    page.keyboard.press("Enter")
    intake.expect(page.locator("main")).to_be_focused()

    for label, typed in ((w["name"], "周小红"), (w["phone"], "139 2233 4455"), (w["subject"], "转账未到账"),
                         (w["cause"], "昨天银证转账显示成功,但证券账户没有到账。"), (w["amount"], "800")):
        tab_to(page, field(page, label))  # every stop on the way shows its focus
        page.keyboard.type(typed)
    assert fits(page), "the intake screen scrolls sideways at 1024 px"
    intake.shot("02-intake-typed-1024")
    page.keyboard.press("Enter")  # in the amount field: the form goes to the read-back

    readback = page.locator("form.readback")
    intake.expect(readback.locator("dl.said").first).to_contain_text("周小红")
    # Enter anywhere in the read-back presses its first button: it must be the save
    intake.expect(readback.locator("button[type=submit]").first).to_have_attribute("value", "confirm")
    assert fits(page)
    intake.shot("03-read-back-1024")
    save = readback.locator("button[value=confirm]")
    tab_to(page, save)
    page.keyboard.press("Enter")
    intake.expect(page.locator(".done-bar .notice")).to_contain_text(w["saved"])
    saved = Complaint.objects.get()
    assert saved.subject == "转账未到账" and str(saved.amount_claimed) == "800.00"
    assert fits(page)
    intake.shot("04-receipt-1024")
    assert intake.dialogs == []


def test_complaint_page_by_keyboard_on_a_tablet(desk, org, lang):
    w = W[lang]
    case = walked(org).c
    other = walked(org).c
    intake = desk("intake", width=TABLET)
    page = intake.page
    intake.open_complaint(case.reference)
    assert fits(page), "the complaint page scrolls sideways at 1024 px"
    intake.shot("01-complaint-1024")

    tab_to(page, page.locator("#actions").get_by_role("link", name=w["link"], exact=True))
    page.keyboard.press("Enter")
    box = page.locator("#link-other")
    intake.expect(box).to_be_focused()  # the form opened in place takes the focus (complaint.js)
    assert focus_is_visible(page)
    page.keyboard.type(other.reference)
    assert fits(page)
    intake.shot("02-link-form-1024")
    page.keyboard.press("Enter")

    links = page.get_by_role("region", name=intake.w.linked)
    intake.expect(links.get_by_role("link", name=other.reference)).to_be_visible()
    assert ComplaintLink.objects.filter(source=case, target=other).exists()
    assert fits(page)
    intake.shot("03-linked-1024")
    assert intake.dialogs == []
