"""A queue for every role, and HTTP that makes sense, in a real browser in both languages
(issue 12 items 2 and 8). The office starts from what is to assess and dispatch and sends
a work order to a person, who finds it under "needs my action"; the callback desk starts
from its callbacks; the intake seat sees what they opened apart from what needs them. A
refused action is a 403 that says why; /admin/ refuses a handler once; marketing staff
land on a plain page. Screenshots in test-artifacts/browser/."""

from __future__ import annotations

from redress.complaints.models import Staff
from tests.browser.conftest import BROWSER_LOCALE, SHOTS
from tests.conftest import PASSWORD, at

NEEDS_ME = {"zh-hans": "待我处理", "en": "Needs my action"}
TRIAGE = {"zh-hans": "待评估派单", "en": "To assess and dispatch"}
OPENED = {"zh-hans": "我受理·他人办理中", "en": "Opened by me, with others"}
CALLBACK = {"zh-hans": "待回访", "en": "Awaiting callback"}
ROLE_REFUSAL = {"zh-hans": "派发投诉需要以下角色之一", "en": "Dispatching a complaint needs one of the roles"}
NOT_ALLOWED = {"zh-hans": "无权操作", "en": "Not allowed"}
ADMIN_ONLY = {"zh-hans": "系统管理仅限管理员使用", "en": "The administration is for administrators"}
NO_WORKBENCH = {"zh-hans": "您的账号没有工作台", "en": "Your account has no workbench"}
MARKETING_RULE = {"zh-hans": "营销人员", "en": "marketing staff"}


def group(page, code):
    return page.locator(f"#work-{code}")


def test_each_role_starts_from_its_own_queue_and_the_office_dispatches_to_a_person(desk, org, walk, lang):
    registered = walk(at(2026, 11, 30)).c
    assessed = walk(at(2026, 11, 30, 11)).assess().c
    dispatched = walk(at(2026, 11, 27)).assess().dispatch().c
    awaiting = walk(at(2026, 11, 20)).to_awaiting_callback().c

    office = desk("office")
    page = office.page
    # The dashboard leads with what needs the office, then its queue to assess and dispatch
    office.expect(page.locator(".work-group").first).to_have_id("work-needs_me")
    office.expect(group(page, "needs_me").locator("h3")).to_contain_text(NEEDS_ME[lang])
    office.expect(group(page, "triage").locator("h3")).to_contain_text(TRIAGE[lang])
    office.expect(group(page, "triage").locator("a", has_text=registered.reference)).to_be_visible()
    office.expect(group(page, "triage").locator("a", has_text=assessed.reference)).to_be_visible()
    office.expect(group(page, "triage").locator("a", has_text=dispatched.reference)).to_have_count(0)
    office.shot("01-office-dashboard")
    # The cases page opens on the same list
    page.goto("/cases/")
    office.expect(page.locator(".wl-tabs a[aria-current=page]")).to_have_attribute("data-view", "needs_me")
    page.locator(".wl-tabs a[data-view=triage]").click()
    office.expect(page.locator("#wl-rows a.ref")).to_have_count(2)
    office.shot("02-office-triage")

    # The office sends the assessed case to a person in the branch
    office.open_complaint(assessed.reference)
    form = office.act("dispatch")
    form.locator("select[name=handler]").select_option(str(org.handler2.pk))
    office.submit(form, state="dispatched")
    office.expect(page.locator("#timeline")).to_contain_text("handler2")
    office.shot("03-dispatched-to-a-person")

    # handler2 finds it first thing; their colleague does not (it was sent to handler2)
    handler2 = desk("handler2")
    office.expect(group(handler2.page, "needs_me").locator("a", has_text=assessed.reference)).to_be_visible()
    handler2.shot("04-person-needs-me")
    handler = desk("handler")
    office.expect(group(handler.page, "needs_me").locator("a", has_text=assessed.reference)).to_have_count(0)
    office.expect(group(handler.page, "unit_orders").locator("a", has_text=dispatched.reference)).to_be_visible()
    handler.shot("05-unit-work-orders")

    # The callback desk starts from its callbacks
    callback = desk("callback")
    office.expect(group(callback.page, "callback").locator("h3")).to_contain_text(CALLBACK[lang])
    office.expect(group(callback.page, "callback").locator("a", has_text=awaiting.reference)).to_be_visible()
    office.expect(group(callback.page, "needs_me").locator("a", has_text=awaiting.reference)).to_be_visible()
    callback.shot("06-callback-dashboard")

    # The intake seat sees the cases it opened that others work on apart from its own steps
    intake = desk("intake")
    office.expect(group(intake.page, "opened").locator("h3")).to_contain_text(OPENED[lang])
    office.expect(group(intake.page, "opened").locator("a", has_text=dispatched.reference)).to_be_visible()
    office.expect(group(intake.page, "needs_me").locator("a", has_text=dispatched.reference)).to_have_count(0)
    office.expect(group(intake.page, "needs_me").locator("a", has_text=registered.reference)).to_be_visible()
    intake.shot("07-intake-opened-apart")


def test_a_refused_action_says_why_with_a_403_and_admin_refuses_once(desk, org, walk, lang):
    c = walk(at(2026, 11, 30, 11)).assess().c
    intake = desk("intake")
    page = intake.page
    page.goto(f"/complaints/{c.reference}/act/dispatch/")
    form = page.locator("#act-dispatch")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        form.locator("button[type=submit]").click()
    assert answer.value.status == 403
    intake.expect(page.locator("#act-dispatch [role=alert]")).to_contain_text(ROLE_REFUSAL[lang])
    intake.shot("01-refused-403")

    response = page.goto("/admin/")
    assert response.status == 403
    intake.expect(page.locator("h1")).to_have_text(NOT_ALLOWED[lang])
    intake.expect(page.locator("main")).to_contain_text(ADMIN_ONLY[lang])
    intake.shot("02-admin-403")


def test_marketing_staff_land_on_a_plain_page(browser, live_server, org, lang, _guard_lifted_for_flush):
    Staff.objects.create_user(username="marketing.lu", password=PASSWORD, unit=org.marketing_center,
                              is_marketing=True)
    context = browser.new_context(locale=BROWSER_LOCALE, base_url=live_server.url,
                                  viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto("/login/")
        if lang != "zh-hans":
            page.locator("form.langswitch").get_by_role("button", name="English").click()
        page.locator("#id_username").fill("marketing.lu")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form:not(.langswitch) button[type=submit]").click()
        from playwright.sync_api import expect

        expect(page.locator("#no-workbench h1")).to_have_text(NO_WORKBENCH[lang])
        expect(page.locator("#no-workbench")).to_contain_text(MARKETING_RULE[lang])
        expect(page.locator("nav.mainnav")).to_have_count(0)
        page.screenshot(path=str(SHOTS / f"marketing_staff_land_on_a_plain_page-{lang}-01.png"), full_page=True)
    finally:
        context.close()

