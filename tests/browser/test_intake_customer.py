"""The intake screen helping the agent, in a real browser and both languages (issues
12.3 and 13.8): the lookup pages beyond ten saying how many (other customers masked), a
phone that is no number refused at its field, the read-back saying the typed name and
phone in full, a record sharing the phone offered and the agent's answer saved, and the
office settling an offer on the complaint page. Screenshots in test-artifacts/browser/."""

from __future__ import annotations

import re

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, Customer, CustomerMatch
from redress.complaints.timesource import frozen, now
from tests.conftest import at, complaint_input

W = {
    "zh-hans": {"name": "姓名", "phone": "电话", "subject": "事由摘要", "cause": "投诉事由", "count": "第 1–10 位,共 15 位客户",
                "count2": "第 11–15 位,共 15 位客户", "next": "下一页", "no_number": "不是电话号码",
                "offer": "这是已有档案的客户吗", "same_as": "与 王** 是同一人", "same": "同一客户:将本投诉归入该档案",
                "confirmed": "确认为同一客户", "limit": "最多 50,000 个字符"},
    "en": {"name": "Name", "phone": "Phone", "subject": "Subject", "cause": "What happened",
           "count": "1–10 of 15 customers", "count2": "11–15 of 15 customers", "next": "Next",
           "no_number": "Not a phone number", "offer": "Is this a customer we already know?",
           "same_as": "The same person as 王**", "same": "Same customer: move this complaint to that record",
           "confirmed": "confirmed it is the same customer", "limit": "At most 50,000 characters."},
}


def field(form, label: str):
    return form.get_by_label(re.compile(rf"^{re.escape(label)}\s*\*?$"))


def test_the_lookup_pages_and_says_how_many(desk, org, lang):
    for n in range(15):  # a number many records give: a company's switchboard
        Customer.objects.create(name=f"欧阳{n:02d}", phone="02087654321", created_at=now())
    intake = desk("intake")
    page, w = intake.page, W[lang]
    page.goto("/intake/")
    page.locator("#lookup").fill("020-8765 4321")
    page.locator("#lookup").press("Enter")  # looked up on Enter (or the button), not at every key
    results = page.locator("#customer-results")
    intake.expect(results.locator(".results-count")).to_have_text(w["count"])
    intake.expect(results.locator("tbody tr.customer")).to_have_count(10)
    intake.expect(results).not_to_contain_text("欧阳00")  # other customers stay masked
    intake.shot("01-lookup-page-1")
    results.get_by_role("button", name=w["next"]).click()
    intake.expect(results.locator(".results-count")).to_have_text(w["count2"])
    intake.expect(results.locator("tbody tr.customer")).to_have_count(5)
    intake.shot("02-lookup-page-2")


def test_the_read_back_says_what_was_typed_and_offers_the_record_sharing_the_phone(desk, org, lang):
    data = complaint_input(customer=svc.CustomerInput(name="王小明", phone="13912345678", verified=("phone",)))
    with frozen(at(2026, 3, 1)):
        known = svc.complaint_receive(actor=org.intake, data=data, register=True)
    intake = desk("intake")
    page, w = intake.page, W[lang]
    page.goto("/intake/")
    form = page.locator("form.intake")
    intake.expect(form).to_contain_text(w["limit"])  # the cause states its maximum
    field(form, w["name"]).fill("王晓明")
    field(form, w["phone"]).fill("abc-123")
    field(form, w["subject"]).fill("转托管办理超时")
    field(form, w["cause"]).fill("我上周申请转托管,至今仍未办结。")
    form.locator("button.primary").click()
    intake.expect(page.locator("#f-phone .errorlist")).to_contain_text(w["no_number"])
    intake.shot("03-phone-refused")

    field(page.locator("form.intake"), w["phone"]).fill("139 1234 5678")
    page.locator("form.intake button.primary").click()
    readback = page.locator("form.readback")
    said = readback.locator("dl.said").first
    intake.expect(said).to_contain_text("王晓明")
    intake.expect(said).to_contain_text("13912345678")  # in full: it is read to the customer
    offer = page.locator("#customer-match")
    intake.expect(offer).to_contain_text(w["offer"])
    intake.expect(offer).to_contain_text(w["same_as"])
    intake.expect(offer).not_to_contain_text("13912345678")  # the other record stays masked
    intake.shot("04-read-back-offer")
    offer.locator(f'input[value="{known.customer.public_id}"]').check()
    readback.locator("button.primary").click()
    intake.expect(page.locator("article.receipt")).to_be_visible()
    new = Complaint.objects.order_by("-id").first()
    assert new.customer_id == known.customer_id
    assert new.events.filter(type=EventType.CUSTOMER_CONFIRMED).exists()


def test_the_office_settles_an_offer_on_the_complaint_page(desk, org, lang):
    with frozen(at(2026, 3, 1)):
        known = svc.complaint_receive(actor=org.intake, data=complaint_input(customer=svc.CustomerInput(
            name="王小明", phone="13912345678", verified=("phone",))), register=True)
    with frozen(at(2026, 3, 2)):  # by the API: the phone typed by a client proves nothing
        other = svc.complaint_receive(actor=org.intake, data=complaint_input(customer=svc.CustomerInput(
            name="王晓明", phone="13912345678")), register=True)
    assert CustomerMatch.objects.filter(complaint=other).exists()
    office = desk("office")
    page, w = office.page, W[lang]
    office.open_complaint(other.reference)
    panel = page.locator("#customer-match")
    office.expect(panel).to_contain_text(w["offer"])
    office.shot("05-case-offer")
    panel.get_by_role("button", name=w["same"]).click()
    office.expect(page.locator("#other-open")).to_contain_text(known.reference)
    office.expect(page.locator("#customer-match")).to_have_count(0)
    office.expect_event(EventType.CUSTOMER_CONFIRMED, w["confirmed"])
    office.shot("06-case-settled")
    assert Complaint.objects.get(pk=other.pk).customer_id == known.customer_id
