"""The staff workbench in a real browser: Debian's Chromium driven by Playwright against
pytest-django's live server, in both languages.

One browser for all the tests in this folder and a fresh context (its own cookies) for
each person who signs in. People sign in through the real /login/ form, choosing the
language with the page's own switch. Screenshots go to test-artifacts/browser/ for a
person to look at.

Playwright's sync API keeps an asyncio loop running in the test's thread for as long
as the browser is open, and Django refuses database work in a thread with a running
loop. The tests set up cases with the services while the browser is open, so
DJANGO_ALLOW_ASYNC_UNSAFE is set before the browser starts and put back after it
closes (nothing async touches the database). The browser lives for this package only
(scope="package"): a loop left running after it would break the tests that follow,
the portal's own browser tests among them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from tests.browser import words
from tests.chromium import ARTIFACTS, browser_fixtures
from tests.conftest import PASSWORD

SHOTS = ARTIFACTS / "browser"
LANGUAGES = ["zh-hans", "en"]
# A browser set up in China: Chinese comes from its Accept-Language, English from the
# page's language switch (a cookie from then on).
BROWSER_LOCALE = "zh-CN"


# The browser lives for this package only: a loop left running after it would break
# the tests that follow, the portal's own browser tests among them.
browser, _guard_put_back, _guard_lifted_for_flush = browser_fixtures("package", SHOTS)


@pytest.fixture(params=LANGUAGES, ids=["zh", "en"])
def lang(request) -> str:
    return request.param


@dataclass
class Desk:
    """One person's browser window, signed in, in one language."""

    page: object
    who: str
    lang: str
    test: str
    dialogs: list[str] = field(default_factory=list)

    @property
    def w(self) -> words.Words:
        return words.WORDS[self.lang]

    def shot(self, step: str) -> None:
        # From the top: a full-page shot of a scrolled page draws the sticky bar mid-page.
        self.page.evaluate("window.scrollTo(0, 0)")
        self.page.screenshot(path=str(SHOTS / f"{self.test}-{self.lang}-{step}.png"), full_page=True)

    def open_complaint(self, reference: str) -> None:
        self.page.goto(f"/complaints/{reference}/")
        self.expect(self.page.locator("#complaint")).to_have_attribute("data-reference", reference)

    def state_chip(self):
        return self.page.locator(".case-ref .chip.state")

    def expect_state(self, state: str) -> None:
        self.expect(self.state_chip()).to_have_text(self.w.states[state])

    def timeline_event(self, event_type: int):
        return self.page.locator(f"#timeline li.ev-{int(event_type)}")

    def expect_event(self, event_type: int, *fragments: str) -> None:
        """The timeline shows the event once, in a sentence holding each fragment."""
        entry = self.timeline_event(event_type)
        self.expect(entry).to_have_count(1)
        for fragment in fragments:
            self.expect(entry.locator(".sentence")).to_contain_text(fragment)

    def act(self, action: str):
        """Open an action's form in place from the actions panel (htmx) and return it."""
        actions = self.page.locator("#actions")
        actions.get_by_role("link", name=self.w.actions[action], exact=True).click()
        # Long forms open in the main column (#action-form-main), the others beside it.
        form = self.page.locator(f"#action-form #act-{action}, #action-form-main #act-{action}")
        self.expect(form.get_by_role("heading", name=self.w.actions[action])).to_be_visible()
        # htmx wires the new form's own hx- attributes when the swap settles, a moment after
        # the form appears; typing before that would go unheard by the phrase check.
        for box in ("#action-form", "#action-form-main"):
            self.expect(self.page.locator(box)).not_to_have_class(re.compile(r"\bhtmx-settling\b"))
        return form

    def submit(self, form, *, state: str) -> None:
        """Send an action form and wait for the complaint page to show the new state."""
        form.locator("button[type=submit]").click()
        self.expect_state(state)

    @property
    def expect(self) -> Callable:
        from playwright.sync_api import expect

        return expect


@pytest.fixture
def desk(browser, live_server, org, lang, request, _guard_lifted_for_flush):
    """desk("handler") -> a new browser context in which org.handler has signed in
    through /login/, in the test's language."""
    contexts = []
    test = re.sub(r"^test_", "", request.node.originalname)

    def sign_in(who: str, *, language: str | None = None, width: int = 1280) -> Desk:
        """`width`: the window's; 1024 is a tablet held landscape (issue 12 item 10)."""
        language = language or lang
        context = browser.new_context(locale=BROWSER_LOCALE, base_url=live_server.url,
                                      viewport={"width": width, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        d = Desk(page=page, who=who, lang=language, test=test)
        page.on("dialog", lambda dialog: (d.dialogs.append(dialog.message), dialog.dismiss()))
        page.goto("/login/")
        d.expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
        if language != "zh-hans":
            page.locator("form.langswitch").get_by_role("button", name="English").click()
            d.expect(page.locator("html")).to_have_attribute("lang", language)
        page.get_by_label(d.w.username).fill(getattr(org, who).username)
        page.locator("#id_password").fill(PASSWORD)  # its label is checked in test_sign_in_and_layout
        page.get_by_role("button", name=d.w.sign_in, exact=True).click()
        # nav.mainnav, not its accessible name: "Main" has no Chinese yet (see the report)
        d.expect(page.locator("nav.mainnav")).to_be_visible()
        d.expect(page.locator(".usermenu .who")).to_contain_text(getattr(org, who).username)
        return d

    yield sign_in
    for context in contexts:
        context.close()


