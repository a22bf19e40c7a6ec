"""Finding old cases in a real browser, in both languages (issue 12, item 1): a seat
types a customer's number as the customer says it, or a few words, into the search box
of their own tab and gets the closed case; the office lists closed and critical cases
with the filters. Screenshots in test-artifacts/browser/."""

from __future__ import annotations

from redress.complaints import services as svc
from redress.complaints.lifecycle import State
from tests.conftest import at

ALL_CASES = {"zh-hans": "全部投诉", "en": "All cases"}
APPLY = {"zh-hans": "筛选", "en": "Apply"}
SCOPE = {"zh-hans": "含已办结的投诉", "en": "closed ones included"}


def rows(page):
    return page.locator("#wl-rows a.ref")


def test_a_seat_finds_a_closed_case_by_phone_and_by_words(desk, org, walk, lang):
    closed = walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone="139-1234-5678"),
                  subject="理财产品赎回延迟", cause="理财产品赎回资金三天未到账")
    closed.to_awaiting_callback().callback(satisfied=True)
    walk(at(2026, 3, 3))  # an open case of someone else, which the searches must leave out
    intake = desk("intake")
    page = intake.page
    page.goto("/cases/")
    search = page.locator("#id_q")
    search.fill("+86 139 1234 5678")
    search.press("Enter")
    intake.expect(rows(page)).to_have_text([closed.c.reference])
    intake.expect(page.locator(".wl-tabs a[aria-current=page]")).to_have_attribute("data-view", "all")
    intake.expect(page.locator(".wl-summary")).to_contain_text(SCOPE[lang])
    intake.expect(page.locator("#wl-rows .chip.state-closed")).to_have_count(1)
    intake.shot("01-phone")

    page.locator("#id_q").fill("理财产品赎回")
    page.locator("#id_q").press("Enter")
    intake.expect(rows(page)).to_have_text([closed.c.reference])

    page.locator("#id_q").fill(closed.c.reference.rsplit("-", 1)[1])  # 000001: a piece of the reference
    page.locator("#id_q").press("Enter")
    intake.expect(rows(page)).to_have_text([closed.c.reference])

    page.locator("#id_q").fill("欧")  # a surname alone: the page asks for more
    page.locator("#id_q").press("Enter")
    intake.expect(page.locator(".wl-notice")).to_be_visible()
    intake.expect(rows(page)).to_have_count(0)
    intake.shot("02-surname-alone")
    page.locator("#id_state").select_option(State.CLOSED.value)
    page.get_by_role("button", name=APPLY[lang], exact=True).click()
    intake.expect(rows(page)).to_have_text([closed.c.reference])
    intake.shot("03-surname-and-state")


def test_the_office_lists_closed_and_critical_cases(desk, org, walk, lang):
    closed = walk(at(2026, 3, 2)).to_awaiting_callback().callback(satisfied=True)
    critical = walk(at(2026, 3, 4), cause="昨天系统故障无法下单,损失很大")
    walk(at(2026, 3, 5))
    office = desk("office")
    page = office.page
    page.goto("/cases/?view=open")
    page.locator("#id_state").select_option(State.CLOSED.value)
    page.get_by_role("button", name=APPLY[lang], exact=True).click()
    office.expect(rows(page)).to_have_text([closed.c.reference])
    office.expect(page.locator(".wl-summary strong")).to_have_text(ALL_CASES[lang])
    office.shot("01-closed")

    page.get_by_role("link", name="Clear filters" if lang == "en" else "清除筛选").click()
    page.locator("#id_critical").select_option("yes")
    page.get_by_role("button", name=APPLY[lang], exact=True).click()
    office.expect(rows(page)).to_have_text([critical.c.reference])
    office.shot("02-critical")
