"""The sign-in page as a person meets it, and the layout of the widest action form."""

from __future__ import annotations

from tests.browser import words
from tests.browser.cases import investigating
from tests.browser.conftest import BROWSER_LOCALE

WRONG = {"zh-hans": "用户名或密码不正确", "en": "The username or password is not correct"}


def _sign_in_page(context, lang: str):
    """The sign-in page in the language under test (zh-Hans is the default)."""
    page = context.new_page()
    page.goto("/login/")
    if lang == "en":
        page.locator("form.langswitch").get_by_role("button", name="English").click()
    return page


def test_wrong_password_is_refused_in_the_chosen_language_and_the_username_kept(browser, live_server, org, lang,
                                                                               desk):
    d = desk("office")  # signing in works (the fixture checks it) ...
    context = browser.new_context(locale=BROWSER_LOCALE, base_url=live_server.url)
    try:
        page = _sign_in_page(context, lang)
        d.page = page
        d.shot("01-sign-in-page")
        page.get_by_label(d.w.username).fill("handler")
        page.locator("#id_password").fill("not-the-password")
        page.get_by_role("button", name=d.w.sign_in, exact=True).click()
        d.expect(page.locator(".form-errors[role=alert]")).to_contain_text(WRONG[lang])
        d.expect(page.get_by_label(d.w.username)).to_have_value("handler")
        d.expect(page.locator("nav.mainnav")).to_have_count(0)
        d.shot("02-wrong-password")
    finally:
        context.close()


def test_sign_in_form_labels_its_fields_username_and_password(browser, live_server, org, lang, request,
                                                             _guard_lifted_for_flush):
    from playwright.sync_api import expect

    w = words.WORDS[lang]
    context = browser.new_context(locale=BROWSER_LOCALE, base_url=live_server.url)
    try:
        page = _sign_in_page(context, lang)
        expect(page.get_by_label(w.username, exact=True)).to_have_attribute("name", "username")
        expect(page.get_by_label(w.password, exact=True)).to_have_attribute("name", "password", timeout=2000)
    finally:
        context.close()


def test_propose_form_opened_in_place_fits_the_page(desk, org, lang):
    c = investigating(org).c
    handler = desk("handler")
    handler.open_complaint(c.reference)
    form = handler.act("propose")
    handler.shot("01-propose-inline")
    page_width = handler.page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= handler.page.viewport_size["width"]
    card = form.bounding_box()
    table = form.locator(".act-remedy-rows").bounding_box()
    assert table["x"] + table["width"] <= card["x"] + card["width"]
