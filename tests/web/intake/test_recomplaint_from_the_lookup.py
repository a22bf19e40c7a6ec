"""The customer's history in the intake lookup and the re-complaint started from it
(issue 12 item 6; 004 第七条(七)): finished complaints listed with no more than the open
ones show, a re-complaint taken through the same form and service as on the case page,
the receipt with the portal code, and the refusals."""

from __future__ import annotations

from redress.complaints.models import Complaint, ComplaintLink
from redress.complaints.timesource import frozen
from tests.conftest import at


def closed_case(walk):
    return walk().to_awaiting_callback().callback(satisfied=True).c


def test_the_lookup_and_the_chosen_customer_list_finished_complaints_masked(org, walk, signed_in):
    original = closed_case(walk)
    client = signed_in("intake")
    found = client.get("/intake/customers/", {"q": "13800138000"}).content.decode()
    assert "以往投诉(1 件)" in found and original.reference in found
    assert f'href="/intake/recomplaint/{original.reference}/"' in found
    assert "13800138000" not in found and original.subject not in found  # as masked as the open ones
    picked = client.get(f"/intake/customers/{original.customer.public_id}/").content.decode()
    assert f"就 {original.reference} 再投诉" in picked


def test_a_customer_with_no_finished_complaint_is_told_so_when_chosen(org, signed_in, walk):
    with frozen(at(2026, 3, 2)):
        w = walk()
    picked = signed_in("intake").get(f"/intake/customers/{w.c.customer.public_id}/").content.decode()
    assert "以往投诉:无" in picked


def test_the_re_complaint_page_takes_todays_channel_and_shows_the_receipt(org, walk, signed_in):
    original = closed_case(walk)
    client = signed_in("intake")
    page = client.get(f"/intake/recomplaint/{original.reference}/").content.decode()
    assert original.reference in page and 'value="phone" selected' not in page  # today's is asked
    refused = client.post(f"/intake/recomplaint/{original.reference}/",
                          {"version": original.version, "cause": "仍不认可"})
    assert refused.status_code == 422 and "请选择客户今天的投诉渠道" in refused.content.decode()
    bad = client.post(f"/intake/recomplaint/{original.reference}/",
                      {"version": original.version, "cause": "仍不认可", "channel": "fax", "amount_claimed": "abc"})
    assert bad.status_code == 422 and Complaint.objects.count() == 1
    sent = client.post(f"/intake/recomplaint/{original.reference}/", {
        "version": original.version, "cause": "仍不认可", "channel": "fax", "amount_claimed": "1,200"})
    new = Complaint.objects.exclude(pk=original.pk).get()
    assert sent.status_code == 302 and sent["Location"] == f"/intake/done/{new.reference}/"
    assert new.channel == "fax" and str(new.amount_claimed) == "1200.00"
    assert ComplaintLink.objects.filter(source=new, target=original, kind="recomplaint").exists()
    receipt = client.get(sent["Location"]).content.decode()
    assert new.reference in receipt and "****" not in receipt.split("查询码")[1][:40]  # the code in full, once


def test_refusals_in_the_users_language(org, walk, signed_in):
    original = closed_case(walk)
    w = walk().assess().dispatch().accept()
    english = signed_in("intake", language="en")
    still_open = english.get(f"/intake/recomplaint/{w.c.reference}/")
    assert still_open.status_code == 409 and "is still being handled" in still_open.content.decode()
    chinese = signed_in("intake")
    assert "仍在处理中" in chinese.post(f"/intake/recomplaint/{w.c.reference}/", {
        "version": w.c.version, "cause": "不认可", "channel": "fax"}).content.decode()
    callback = signed_in("callback").post(f"/intake/recomplaint/{original.reference}/", {
        "version": original.version, "cause": "不认可", "channel": "fax"})
    assert callback.status_code == 403 and "受理人" in callback.content.decode()
    assert Complaint.objects.count() == 2 and not ComplaintLink.objects.exists()


def test_the_re_complaint_page_of_a_case_the_agent_may_not_see_is_not_found(org, walk, client):
    """References are sequential: the page must not let a desk walk other units' cases."""
    from redress.complaints.models import Staff, StaffRole

    original = closed_case(walk)
    other_desk = Staff.objects.create_user(username="hq_desk", password="x" * 12, unit=org.hq, display_name="hq")
    StaffRole.objects.create(staff=other_desk, role="intake")
    client.force_login(other_desk)
    assert client.get(f"/intake/recomplaint/{original.reference}/").status_code == 404
    assert client.get("/intake/recomplaint/TS-2026-999999/").status_code == 404  # alike
