"""The customer looks their complaint up with reference + access code and follows it."""

from __future__ import annotations

import re
from datetime import timedelta

from redress.complaints import services as svc
from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from tests.portal.conftest import WHEN, look_up


def test_customer_looks_up_with_reference_and_code_and_keeps_access_in_the_session(org, customer, submit):
    reference, code = submit(customer())
    # Given another browser (the customer's laptop) that has not seen the complaint
    laptop = customer()
    assert laptop.get(f"/portal/status/{reference}/").status_code == 404
    # When they look it up with the reference and the access code
    response = look_up(laptop, reference.lower(), code.lower().replace("-", " "))
    # Then they land on the status page, and the code is in no URL
    assert response.status_code == 302 and response["Location"] == f"/portal/status/{reference}/"
    page = laptop.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "我们已收到您的投诉" in html and reference in html
    assert code not in html and code not in response["Location"]


def test_wrong_access_code_looks_like_an_unknown_reference(org, customer, submit):
    reference, code = submit(customer())
    wrong_code = look_up(customer(address="198.51.100.9"), reference, "AAAA-BBBB-CCCC-DDDD")
    unknown_reference = look_up(customer(address="198.51.100.10"), "RS-2026-999999", code)
    assert wrong_code.status_code == unknown_reference.status_code == 404

    def body(r):  # the page without its per-request token
        return r.content.decode().split('name="csrfmiddlewaretoken"')[0] + r.content.decode().split(
            'id="id_reference"')[1].split('name="access_code"')[1]

    assert "未找到与该受理编号和查询码相符的投诉" in wrong_code.content.decode()
    assert body(wrong_code) == body(unknown_reference)


def test_a_status_page_not_unlocked_in_this_session_is_not_found(org, customer, submit):
    reference, _ = submit(customer())
    stranger = customer(address="198.51.100.11")
    response = stranger.get(f"/portal/status/{reference}/")
    assert response.status_code == 404 and "未找到" in response.content.decode()
    assert stranger.get("/portal/status/RS-2026-999999/").status_code == 404


def test_complaint_taken_by_phone_needs_the_code_its_acknowledgment_gave(org, customer, walk):
    w = walk()
    assert look_up(customer(), w.c.reference, "").status_code == 400  # the code is required
    assert look_up(customer(), w.c.reference, "0000-0000-0000-0000").status_code == 404
    code = w.c.issued_access_code
    assert look_up(customer(), w.c.reference, code).status_code == 302


def test_status_page_shows_no_staff_names_or_internal_notes(org, customer, submit, staff_walk):
    phone = customer()
    reference, code = submit(phone)
    # Given the staff working on it: assessed, sent to the branch, a handler's notes and a contact note
    w = staff_walk(reference).assess().dispatch().accept()
    with frozen(WHEN + timedelta(hours=2)):
        svc.finding_add(w.c, actor=org.handler, kind="note", text="内部备注:营业部柜员王五操作失误")
        svc.contact_record(w.c, actor=org.handler, channel="phone", note="电话联系客户,客户情绪激动")
        svc.message_send(w.c, actor=org.handler, kind="progress", channel="web", body="我们正在核实您的委托记录。")
    html = phone.get(f"/portal/status/{reference}/").content.decode()
    # Then the customer sees the stage in plain words and our message to them
    assert "您的投诉正在调查处理中" in html and "我们正在核实您的委托记录。" in html
    # and nothing internal: no staff, units, notes, contact records or state names
    for secret in ["网上投诉平台", "Online portal", "天河营业部", "branch_tianhe", "内部备注", "王五", "客户情绪激动"]:
        assert secret not in html, secret
    for word in ["handler", "intake", "office", "dept_head", "investigating", "dispatched", "assessed"]:
        assert not re.search(rf"\b{word}\b", html), word
    # and no other customer's complaint
    other = staff_walk(submit(customer(address="198.51.100.3"), name="赵六", cause="另一位客户的投诉事由")[0])
    assert other.c.reference not in html and "赵六" not in phone.get(f"/portal/status/{reference}/").content.decode()
    assert phone.get(f"/portal/status/{other.c.reference}/").status_code == 404


def test_expected_reply_date_is_the_running_clocks_due_time_in_the_institutions_zone(org, customer, submit):
    # A browser abroad (or one reporting UTC) sees the time staff see, not its own:
    # the limits are counted on the institution's calendar.
    phone = customer()
    reference, code = submit(phone, time_zone="Europe/London")
    due = Complaint.objects.get(reference=reference).clocks.get(code="resolution").due_at
    html = phone.get(f"/portal/status/{reference}/").content.decode()
    from zoneinfo import ZoneInfo

    assert f"{due.astimezone(ZoneInfo('Asia/Shanghai')):%Y-%m-%d %H:%M}" in html and "Asia/Shanghai" in html
    assert f"{due.astimezone(ZoneInfo('Europe/London')):%Y-%m-%d %H:%M}" not in html
    assert "Europe/London" not in html and "UTC" not in html
    # 20 working days from Monday 2 March 2026 (Qingming, 4-6 April, is after it)
    assert due.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() == "2026-03-30"


def test_stage_words_follow_the_case(org, customer, submit, staff_walk):
    phone = customer("en")
    reference, code = submit(phone, language="en")
    page = lambda: phone.get(f"/portal/status/{reference}/").content.decode()  # noqa: E731
    assert "We have received your complaint" in page()
    w = staff_walk(reference).assess().dispatch().accept()
    assert "Your complaint is being investigated" in page()
    w.propose().approve().communicate()
    assert "We have replied to you" in page() and "What do you think of the outcome?" in page()
    w.callback(satisfied=True)
    assert ">Closed<" in page() and "Add information or evidence" not in page()


def test_leaving_forgets_the_complaint_on_this_browser(org, customer, submit):
    phone = customer()
    reference, _ = submit(phone)
    assert phone.get(f"/portal/status/{reference}/").status_code == 200
    phone.post("/portal/status/leave/")
    assert phone.get(f"/portal/status/{reference}/").status_code == 404
