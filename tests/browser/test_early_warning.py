"""Early warnings in a real browser, in both languages: the office finds a mass
complaint on its dashboard, opens it from the menu, reads why, and acknowledges it with
a note; a handler has no way in (screenshots in test-artifacts/browser/)."""

from __future__ import annotations

from datetime import timedelta

from redress.complaints.timesource import frozen
from redress.earlywarning.services import raise_warnings
from tests.earlywarning.conftest import NOW, make  # noqa: F401  (the fixture)

MENU = {"zh-hans": "预警", "en": "Early warnings"}
WHY = {"zh-hans": "3 位客户在 3 天内就产品鑫盈1号投诉。", "en": "3 customers complained about the product 鑫盈1号 within 3 days."}
ACKNOWLEDGE = {"zh-hans": "确认此预警", "en": "Acknowledge this warning"}
ACKNOWLEDGED = {"zh-hans": "已确认", "en": "Acknowledged"}


def test_the_office_reads_and_acknowledges_a_warning(desk, org, make, lang):  # noqa: F811
    for i in range(3):
        make(NOW - timedelta(days=2, hours=-i * 12), product="鑫盈1号", category="suitability")
    with frozen(NOW):
        [warning] = raise_warnings()
    office = desk("office")
    page = office.page
    office.expect(page.locator("#early-warnings")).to_contain_text(WHY[lang])
    office.shot("01-dashboard")
    page.locator("nav.mainnav").get_by_role("link", name=MENU[lang], exact=True).click()
    office.expect(page.locator("#warnings tbody tr")).to_have_count(1)
    office.shot("02-list")
    page.locator("#warnings tbody tr a").nth(1).click()
    office.expect(page.locator("#why")).to_contain_text(WHY[lang])
    office.expect(page.locator("#behind tbody tr")).to_have_count(3)
    # An empty note: the browser itself asks for one, nothing is sent.
    page.get_by_role("button", name=ACKNOWLEDGE[lang], exact=True).click()
    office.expect(page.locator("#acknowledge")).to_be_visible()
    page.locator("#ack-note").fill("已要求经纪业务主管部门核查该产品的销售过程")
    page.get_by_role("button", name=ACKNOWLEDGE[lang], exact=True).click()
    office.expect(page.locator("#acknowledgments")).to_contain_text("已要求经纪业务主管部门核查该产品的销售过程")
    office.expect(page.locator(".page-head .badge")).to_have_text(ACKNOWLEDGED[lang])
    office.shot("03-acknowledged")
    warning.refresh_from_db()
    assert (warning.status, warning.acknowledged_by) == ("acknowledged", org.office)

    handler = desk("handler")
    handler.expect(handler.page.locator("nav.mainnav")).not_to_contain_text(MENU[lang])
    handler.expect(handler.page.locator("#early-warnings")).to_have_count(0)
