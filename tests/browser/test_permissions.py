"""What the browser lets each person reach: a handler has no intake menu and is refused
the intake screen and another branch's complaint; whoever handled a case may not make
its callback, even holding the callback role."""

from __future__ import annotations

from redress.complaints import services as svc
from redress.complaints.models import Callback
from tests.browser.cases import walked
from tests.conftest import grant


def test_handler_has_no_intake_and_no_other_branchs_complaint(desk, org, lang):
    elsewhere = walked(org).assess().c
    svc.complaint_dispatch(elsewhere, actor=org.office, unit=org.branch2, via="test")

    handler = desk("handler")
    page = handler.page
    nav = page.locator("nav.mainnav")
    handler.expect(nav.get_by_role("link", name=handler.w.new_complaint)).to_have_count(0)
    handler.shot("01-nav-without-intake")

    response = page.goto("/intake/")
    assert response.status == 403
    handler.shot("02-intake-refused")
    for url in (f"/complaints/{elsewhere.reference}/", f"/complaints/{elsewhere.reference}/act/accept_assignment/",
                "/complaints/TS-0000-999999/"):
        response = page.goto(url)
        assert response.status == 404, url
    handler.shot("03-other-branch-not-found")
    # Searched for by its reference, it reads as missing, like any reference that is not there
    page.goto(f"/cases/?view=open&q={elsewhere.reference}")
    handler.expect(page.locator(".wl-notice[role=status]")).to_contain_text(elsewhere.reference)
    handler.expect(page.get_by_role("link", name=elsewhere.reference)).to_have_count(0)

    # The office, for comparison, sees both
    office = desk("office")
    office.expect(office.page.locator("nav.mainnav").get_by_role("link", name=office.w.new_complaint)).to_be_visible()
    office.open_complaint(elsewhere.reference)


def test_callback_role_cannot_call_back_a_case_they_handled(desk, org, lang):
    c = walked(org).to_awaiting_callback().c
    grant(org.handler, "callback")

    handler = desk("handler")
    handler.open_complaint(c.reference)
    handler.expect_state("awaiting_callback")
    handler.expect(handler.page.locator("#actions [data-action=record_callback]")).to_have_count(0)
    handler.shot("01-no-callback-button")

    # The form's address typed in: the page warns, and sending it is refused with the rule
    handler.page.goto(f"/complaints/{c.reference}/act/record_callback/")
    form = handler.page.locator("#act-record_callback")
    handler.expect(form.locator(".act-notice")).to_contain_text(handler.w.not_allowed_notice)
    form.locator("[name=satisfied][value=yes]").check()
    form.locator("button[type=submit]").click()
    handler.expect(handler.page.locator("#act-record_callback [role=alert]")).to_contain_text(
        handler.w.handled_no_callback)
    handler.shot("02-callback-refused")
    assert not Callback.objects.filter(complaint=c).exists()
    c.refresh_from_db()
    assert c.state == "awaiting_callback"

    # The independent callback desk may
    callback = desk("callback")
    callback.open_complaint(c.reference)
    callback.expect(callback.page.locator("#actions [data-action=record_callback]")).to_be_visible()
