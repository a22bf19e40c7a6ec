"""HTTP and navigation that make sense (issue 12 item 8): a refused action is a 403 with
its message, the role is checked before the version, /admin/ refuses a signed-in
non-administrator once instead of looping, and someone with no workbench is told so."""

from __future__ import annotations

from urllib.parse import unquote

from django.test import Client

from redress.complaints import services as svc
from redress.complaints.models import Assignment, Staff
from redress.complaints.timesource import frozen
from redress.web.complaint.actions.registry import action_url
from tests.conftest import at

WHEN = at(2026, 3, 3, 10)


def post(client, c, action, *, version=None, htmx=False, **data):
    c.refresh_from_db()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with frozen(WHEN):
        return client.post(action_url(c, action), {"version": c.version if version is None else version, **data},
                           **headers)


def test_a_refused_action_is_403_with_its_message(org, walk, signed_in):
    c = walk(WHEN).assess().c
    for htmx in (False, True):
        r = post(signed_in("intake", "en"), c, "dispatch", htmx=htmx)
        assert r.status_code == 403, htmx
        assert "Dispatching a complaint needs one of the roles Complaints office" in r.content.decode()
    assert not Assignment.objects.filter(complaint=c).exists()


def test_a_stale_form_from_someone_without_the_role_is_refused_for_the_role_not_told_the_case_changed(
        org, walk, signed_in):
    c = walk(WHEN).assess().c
    old = c.version
    with frozen(WHEN):
        svc.complaint_assess(c, actor=org.office, category="counter", severity="high")  # a colleague changes it
    refused = post(signed_in("intake", "en"), c, "dispatch", version=old)
    assert refused.status_code == 403
    assert "changed since you opened" not in refused.content.decode()
    stale = post(signed_in("office2", "en"), c, "dispatch", version=old)
    assert stale.status_code == 409 and "changed since you opened" in stale.content.decode()


def test_the_office_dispatches_to_a_person_through_the_form(org, walk, signed_in):
    c = walk(WHEN).assess().c
    r = post(signed_in("office"), c, "dispatch", handler=org.handler2.pk)
    assert r.status_code == 302
    c.refresh_from_db()
    assert (c.state, c.handler, c.responsible_unit) == ("dispatched", org.handler2, org.branch)


def test_dispatch_form_refuses_a_person_outside_the_unit_beside_the_field(org, walk, signed_in):
    c = walk(WHEN).assess().c
    r = post(signed_in("office", "en"), c, "dispatch", unit=org.branch2.pk, handler=org.handler.pk)
    assert r.status_code == 200  # a wrong value, not a refusal of the person: the form again
    assert "handler is not in unit branch_yuexiu" in r.content.decode()


def test_admin_for_a_signed_in_non_administrator_is_a_403_not_a_loop(org, signed_in):
    r = signed_in("handler", "en").get("/admin/", follow=True)
    assert r.status_code == 403 and len(r.redirect_chain) == 1
    assert "The administration is for administrators" in r.content.decode()


def test_admin_for_someone_signed_out_goes_to_the_one_sign_in_page(org):
    r = Client().get("/admin/", follow=True)
    assert r.status_code == 200 and unquote(r.redirect_chain[-1][0]) == "/login/?next=/admin/"


def test_an_administrator_reaches_the_admin(org):
    admin = Staff.objects.create_superuser(username="root", password="x" * 12)
    client = Client()
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_marketing_staff_are_told_they_have_no_workbench_on_a_plain_page(org):
    lu = Staff.objects.create_user(username="marketing.lu", password="x" * 12, unit=org.marketing_center,
                                   is_marketing=True)
    for language, says in (("zh-hans", "营销人员"), ("en", "You are marketing staff")):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(lu)
        r = client.get("/")
        html = r.content.decode()
        assert r.status_code == 200 and says in html and "001 第十四条" in html
        assert 'class="mainnav"' not in html  # no menu of links that would each be refused
        assert client.get("/cases/").status_code == 403  # and the pages stay closed


def test_an_account_without_a_role_is_told_to_ask_for_one(org):
    nobody = Staff.objects.create_user(username="nobody", password="x" * 12)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(nobody)
    r = client.get("/")
    assert r.status_code == 200 and "no role in complaint handling" in r.content.decode()
