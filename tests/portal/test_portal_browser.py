"""The portal in a real browser (Debian's Chromium) at a phone's size, in both
languages: submit, look up from another device, add information, answer, rate.
Screenshots go to test-artifacts/portal/ for people to look at.

Playwright's sync API runs an event loop in the test's thread, and Django refuses
database work in a thread with a running loop; the fixtures here (and the staff steps
the tests take) do database work while the browser is open, so the module sets
DJANGO_ALLOW_ASYNC_UNSAFE while its browser runs — nothing async touches the database.
"""

from __future__ import annotations

import re

import pytest

from redress.complaints import services as svc
from redress.complaints.models import Complaint, Event, Evidence
from redress.complaints.timesource import now
from redress.portal.models import OutcomeRating
from tests.chromium import ARTIFACTS, browser_fixtures

PHONE = {"width": 390, "height": 844}
SHOTS = ARTIFACTS / "portal"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64



browser, _guard_put_back, _guard_lifted_for_flush = browser_fixtures("module", SHOTS)


@pytest.fixture
def phone(browser, live_server, _guard_lifted_for_flush):
    """phone("zh-CN") -> a new page on a fresh phone (its own cookies), at the portal."""
    contexts = []

    def make(locale: str, timezone_id: str | None = None):
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                      locale=locale, base_url=live_server.url, timezone_id=timezone_id)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fill_complaint(page, *, name: str, cause: str, request: str, email: str, language_value: str) -> None:
    page.fill("#id_name", name)
    page.fill("#id_phone", "13900139000")
    page.fill("#id_email", email)
    page.check("input[name=preferred_channel][value=email]")
    page.check(f"input[name=language][value={language_value}]")
    page.fill("#id_cause", cause)
    page.fill("#id_request", request)
    page.fill("#id_amount_claimed", "1200.50")
    page.set_input_files("#id_attachments", files=[{"name": "screenshot.png", "mimeType": "image/png", "buffer": PNG}])
    page.check("#id_consent")


def walk_to_result(org, reference: str) -> Complaint:
    """The staff side, through the ordinary services, at the real time the server uses."""
    from tests.conftest import Walk

    w = Walk.__new__(Walk)
    w.org, w.when, w.c = org, now(), Complaint.objects.get(reference=reference)
    # A claim for money is decided by the chief risk officer (004 第十六条).
    w.assess().dispatch().accept().propose().approve(by=org.cro).communicate()
    return w.c


def test_customer_on_a_phone_submits_looks_up_adds_information_and_rates_in_chinese(org, phone):
    page = phone("zh-CN")
    page.goto("/portal/")
    assert page.locator("h1").inner_text() == "我要投诉"
    # The form is one column: no input is wider than the phone, touch targets are large
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    assert page.locator("button.primary").bounding_box()["height"] >= 44
    # A mistake first: no contact at all, shown next to the field, what was typed kept
    page.fill("#id_name", "王小明")
    page.fill("#id_cause", "<script>alert(1)</script> 我的委托没有成交")
    page.check("#id_consent")
    page.click("button.primary")
    assert "请留下电话号码或电子邮箱" in page.locator(".field.has-error").first.inner_text()
    assert page.input_value("#id_cause") == "<script>alert(1)</script> 我的委托没有成交"
    shot(page, "zh-01-form-errors")
    fill_complaint(page, name="王小明", cause="3月1日在App下单买入,委托显示已报但一直未成交。",
                   request="请核实原因并说明", email="wxm@example.com", language_value="zh-hans")
    shot(page, "zh-02-form-filled")
    page.click("button.primary")
    reference = page.locator("#reference").inner_text().strip()
    code = page.locator("#access-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{4}(-[0-9A-Z]{4}){3}", code)
    shot(page, "zh-03-reference-and-code")
    assert Evidence.objects.get(complaint__reference=reference).source == "customer"

    # On another device: look it up with the reference and the code
    other = phone("zh-CN")
    other.goto("/portal/status/")
    other.fill("#id_reference", reference)
    other.fill("#id_access_code", "WRONG-CODE")
    other.click("button.primary")
    assert "未找到与该受理编号和查询码相符的投诉" in other.content()
    other.fill("#id_reference", reference)
    other.fill("#id_access_code", code)
    other.click("button.primary")
    assert other.locator("#stage").inner_text() == "我们已收到您的投诉"
    assert other.locator("#reply-due").is_visible()
    shot(other, "zh-04-status")
    # Add information
    other.fill("#id_body", "补充:委托编号 20260301-0088。")
    other.click("#add button.primary")
    assert "我们已收到您提交的内容" in other.locator(".notes").inner_text()
    shot(other, "zh-05-information-added")
    # Staff tell the result; the customer is asked to rate it
    walk_to_result(org, reference)
    other.reload()
    assert other.locator("#stage").inner_text() == "我们已向您答复处理结果"
    other.check("input[name=satisfied][value=no]")
    other.fill("#id_comment", "说明不够清楚")
    shot(other, "zh-06-rating")
    other.click("#rate button.primary")
    assert "您已表示对处理结果不满意" in other.locator("#rated").inner_text()
    shot(other, "zh-07-rated")
    assert OutcomeRating.objects.get(complaint__reference=reference).comment == "说明不够清楚"
    assert Event.objects.filter(complaint__reference=reference, channel="portal").count() >= 5


def test_customer_switches_to_english_answers_a_question_and_rates(org, phone):
    page = phone("zh-CN")
    page.goto("/portal/")
    page.click(".lang button")  # English
    assert page.locator("h1").inner_text() == "Make a complaint"
    fill_complaint(page, name="Alex Chen", cause="My order placed on 1 March was never filled.",
                   request="Please explain why.", email="alex@example.com", language_value="en")
    page.click("button.primary")
    reference = page.locator("#reference").inner_text().strip()
    shot(page, "en-01-reference-and-code")
    page.click("a.button.primary")  # straight to the status page from the same browser
    assert page.locator("#stage").inner_text() == "We have received your complaint"
    shot(page, "en-02-status")
    c = Complaint.objects.get(reference=reference)
    from tests.conftest import Walk

    w = Walk.__new__(Walk)
    w.org, w.when, w.c = org, now(), c
    w.assess().dispatch().accept()
    svc.message_send(c, actor=org.handler, kind="question", channel="web", wait_for_reply=True,
                     body="Which order number does your app show?")
    page.reload()
    assert "Which order number" in page.locator("#answer").inner_text()
    shot(page, "en-03-question")
    page.fill("#id_body", "Order 20260301-0088")
    page.click("#add button.primary")
    assert "We asked you" not in page.content()
    w.propose().approve(by=org.cro).communicate()
    page.reload()
    page.check("input[name=satisfied][value=yes]")
    page.click("#rate button.primary")
    assert "You told us you are satisfied" in page.locator("#rated").inner_text()
    shot(page, "en-04-rated")
    page.click(".leave button")
    page.goto(f"/portal/status/{reference}/")
    assert "We could not find a complaint" in page.content()
    shot(page, "en-05-after-leaving")


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_caller_reads_their_complaint_with_the_code_from_the_acknowledgment(org, phone, locale):
    # Given a complaint taken by phone, answered, with an addition from the customer
    from tests.conftest import Walk, complaint_input

    english = locale.startswith("en")
    c = svc.complaint_receive(actor=org.intake, data=complaint_input(customer=svc.CustomerInput(
        name="王小明", phone="13800138000", language="en" if english else "zh-hans")), register=True)
    code = c.issued_access_code
    assert f"****-****-****-{code[-4:]}" in c.communications.get(kind="acknowledgment").body  # kept masked
    svc.customer_message_receive(c, body="补充:委托单号 20260301-0088", channel="phone", actor=org.intake,
                                 via="web")
    w = Walk.__new__(Walk)
    w.org, w.when, w.c = org, now(), c
    w.assess().dispatch().accept().propose().approve().communicate()
    # When the customer, on a phone set to UTC, looks it up with the code
    page = phone(locale, timezone_id="UTC")
    page.goto("/portal/status/")  # in the browser's language
    page.fill("#id_reference", c.reference)
    page.fill("#id_access_code", code)
    page.click("button.primary")
    # Then the header names the institution and times are the institution's (as staff see)
    header = page.locator("#institution").inner_text()
    assert header == ("Example Securities Co., Ltd." if english else "示例证券股份有限公司")
    from zoneinfo import ZoneInfo

    received = c.received_at.astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"{received:%Y-%m-%d %H:%M}" in page.locator("main").inner_text() and "UTC" not in page.content()
    assert "委托未成交" in page.locator("#submitted").inner_text()
    assert "20260301-0088" in page.locator("#yours").inner_text()
    assert page.locator("#result").count() == 1
    page.locator("#result").scroll_into_view_if_needed()
    shot(page, f"{'en' if english else 'zh'}-06-caller-with-result")
