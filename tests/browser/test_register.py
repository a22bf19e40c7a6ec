"""The complaint register and a record sheet in a real browser, in both languages:
reached from the menu, filtered, and the sheet as it prints on A4 (screenshots in
test-artifacts/browser/ for a person to look at)."""

from __future__ import annotations

from redress.complaints.lifecycle import State
from tests.browser.conftest import SHOTS
from tests.reports.conftest import fill_book

MENU = {"zh-hans": "投诉台账", "en": "Complaint register"}
SHEET = {"zh-hans": "投诉记录表", "en": "Complaint record sheet"}
APPLY = {"zh-hans": "筛选", "en": "Apply"}


def test_the_register_from_the_menu_filtered_and_a_record_sheet(desk, org, walk, lang):
    book = fill_book(org, walk)
    office = desk("office")
    page = office.page
    page.locator("nav.mainnav").get_by_role("link", name=MENU[lang], exact=True).click()
    office.expect(page.locator("h1")).to_have_text(MENU[lang])
    office.expect(page.locator("table.rg-table tbody tr[data-reference]")).to_have_count(len(book))
    # The wide table scrolls inside its frame; the page itself does not.
    page.wait_for_load_state("load")  # the stylesheets too: a row is in the DOM before they apply
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], widths
    office.shot("01-register")
    page.screenshot(path=str(SHOTS / f"{office.test}-{lang}-01-register-top.png"))  # as first seen

    page.locator("#id_state").select_option(State.REMEDY_PENDING.value)
    page.get_by_role("button", name=APPLY[lang], exact=True).click()
    rows = page.locator("table.rg-table tbody tr[data-reference]")
    office.expect(rows).to_have_count(1)
    office.expect(rows.first).to_have_attribute("data-reference", book[State.REMEDY_PENDING].reference)
    office.shot("02-register-filtered")

    page.goto(f"/register/{book[State.ARCHIVED].reference}/sheet/")
    office.expect(page.locator("h1")).to_have_text(SHEET[lang])
    office.expect(page.locator("#s-timeline tr")).to_have_count(book[State.ARCHIVED].events.count())
    office.shot("03-record-sheet")
    page.screenshot(path=str(SHOTS / f"{office.test}-{lang}-03-record-sheet-top.png"))
    page.emulate_media(media="print")
    office.expect(page.locator("nav.toolbar")).to_be_hidden()
    office.shot("04-record-sheet-print")
