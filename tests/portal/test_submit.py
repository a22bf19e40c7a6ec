"""A customer submits a complaint on the portal and gets a reference and an access code."""

from __future__ import annotations

import json
import re

import pytest

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import (
    Communication,
    Complaint,
    Customer,
    CustomerMatch,
    Event,
    Staff,
)
from redress.complaints.selectors import worklists as wl
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.portal import codes
from redress.portal.models import PortalAccess
from tests.conftest import at
from tests.portal.conftest import WHEN, form_data


def test_customer_submits_and_gets_reference_and_access_code(org, customer, submit):
    # Given a customer on their phone
    phone = customer()
    # When they fill in the form and submit
    reference, code = submit(phone, amount_claimed="1,200.50".replace(",", ""))
    # Then the complaint is taken down and registered through the portal channel
    c = Complaint.objects.get(reference=reference)
    assert c.state == "registered" and c.channel == "web" and c.amount_claimed == 1200.5
    assert c.is_economic_dispute and c.cause.startswith("3月1日")
    assert c.customer.email == "lisi@example.com" and c.customer.preferred_channel == "email"
    received, registered = Event.objects.filter(complaint=c).order_by("seq")[:2]
    assert (received.type, received.channel, registered.type) == (EventType.RECEIVED, "portal", EventType.REGISTERED)
    assert json.loads(registered.payload)["access_code_ends"] == code[-4:]  # which code, never the code
    # by the portal's own system account, which nobody can sign in as
    portal = Staff.objects.get(username="portal")
    assert received.actor == portal and c.first_responder == portal and not portal.has_usable_password()
    assert portal.role_set() == {"intake"}
    # The complaint is the complaints office's: its intake unit, and first in the office's queues
    assert portal.unit == org.brokerage and c.intake_unit == org.brokerage
    moment = wl.Moment(now=WHEN, cal=calendar_for(active_pack()))
    for view in (wl.NEEDS_ME, wl.TRIAGE):
        assert wl.in_view(org.office, view, moment, active_pack()).filter(pk=c.pk).exists(), view
    # and the access code is stored only as its hash
    access = PortalAccess.objects.get(complaint=c)
    assert code not in access.code_hash and access.code_hash == codes.hash_code(code)
    assert len(codes.normalise(code)) == 16 and access.consent_at == WHEN
    # and the acknowledgment in Chinese was sent
    ack = c.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    assert reference in ack.body and "受理编号" in ack.body


def test_access_code_is_shown_only_once(org, customer, submit):
    phone = customer()
    reference, code = submit(phone)
    assert "no-store" in phone.get("/portal/status/" + reference + "/")["Cache-Control"]
    again = phone.get("/portal/submitted/")
    assert again.status_code == 302 and code not in again.content.decode()


def test_two_submissions_get_different_codes(org, customer, submit):
    first = submit(customer())
    second = submit(customer(address="198.51.100.2"))
    assert first[0] != second[0] and first[1] != second[1]


def test_english_customer_gets_english_acknowledgment_and_page(org, customer, submit):
    phone = customer("en")
    with frozen(WHEN):
        response = phone.post("/portal/", form_data(language="en"), follow=True)
    html = response.content.decode()
    assert "Your access code" in html and "Write down or save both now" in html
    c = Complaint.objects.get()
    assert c.language == "en" and "We have registered your complaint" in c.communications.get().body


@pytest.mark.parametrize(("overrides", "field", "words"), [
    ({"name": ""}, "name", "这个字段是必填项"),
    ({"phone": "", "email": ""}, "phone", "请留下电话号码或电子邮箱"),
    ({"email": "not-an-email"}, "email", "请填写电子邮箱地址"),
    ({"preferred_channel": "email", "email": ""}, "email", "请填写电子邮箱"),
    ({"phone": "call me", "preferred_channel": "email"}, "phone", "电话号码"),
    ({"cause": " "}, "cause", "这个字段是必填项"),
    ({"amount_claimed": "五百"}, "amount_claimed", "请用数字填写金额"),
    ({"amount_claimed": "-5"}, "amount_claimed", "金额不能为负数"),
    ({"consent": ""}, "consent", "同意"),
])
def test_bad_input_is_refused_next_to_the_field_keeping_what_was_typed(org, customer, overrides, field, words):
    with frozen(WHEN):
        response = customer().post("/portal/", form_data(**overrides))
    html = response.content.decode()
    assert response.status_code == 400
    assert words in html, html[html.find("error"):][:600]
    assert "请核实原因并给予说明" in html  # what was typed is kept
    assert Complaint.objects.count() == 0 and Customer.objects.count() == 0 and Event.objects.count() == 0


def test_english_errors_are_in_english(org, customer):
    with frozen(WHEN):
        response = customer("en").post("/portal/", form_data(phone="", email=""))
    assert "Give a phone number or an email address" in response.content.decode()


def test_script_typed_into_the_form_is_shown_as_text(org, customer, submit):
    phone = customer()
    with frozen(WHEN):
        response = phone.post("/portal/", form_data(name="<script>alert(1)</script>", email="bad"))
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_forms_need_the_csrf_token(org):
    strict = __import__("django.test", fromlist=["Client"]).Client(enforce_csrf_checks=True)
    with frozen(WHEN):
        response = strict.post("/portal/", form_data())
    assert response.status_code == 403 and Complaint.objects.count() == 0


def test_portal_without_any_unit_says_it_is_unavailable_and_saves_nothing(db, customer):
    with frozen(WHEN):
        response = customer().post("/portal/", form_data())
    assert response.status_code == 503 and Complaint.objects.count() == 0


def test_portal_pages_show_no_staff_navigation(org, customer):
    html = customer().get("/portal/").content.decode()
    assert "/cases/" not in html and "/intake/" not in html and "/admin/" not in html and "/logout/" not in html


def test_an_attachment_with_a_very_long_chinese_name_is_taken_with_the_complaint(org, customer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from redress.complaints.models import Evidence

    name = "手机App委托截图" * 30 + ".pdf"  # 274 characters
    upload = SimpleUploadedFile(name, b"%PDF-1.7\n" + b"0" * 100, content_type="application/pdf")
    with frozen(WHEN):
        response = customer().post("/portal/", {**form_data(), "attachments": [upload]}, follow=True)
    assert response.status_code == 200, response.content.decode()[:2000]
    item = Evidence.objects.get()
    assert item.original_name.startswith("手机App委托截图") and item.original_name.endswith(".pdf")
    assert len(item.original_name) <= 255 and len(item.file.name) < 100
    assert item.complaint.state == "registered"


@pytest.mark.parametrize("field", ["cause", "name", "request"])
def test_a_nul_character_in_the_form_is_a_clear_form_error_not_a_failure(org, customer, field):
    with frozen(WHEN):
        response = customer().post("/portal/", form_data(**{field: "3月1日\x00我的委托未成交"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "这段文字中含有一个不可见的空字符(NUL)" in html and 'aria-invalid="true"' in html
    assert not Complaint.objects.exists()


def test_a_nul_character_in_english_says_what_to_do(org, customer):
    with frozen(WHEN):
        response = customer("en").post("/portal/", form_data(language="en", cause="My order\x00 failed"))
    assert response.status_code == 400
    assert "This text contains an invisible NUL character" in response.content.decode()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("phone", ["abc-123", "1391234567", "87654321"])
def test_a_phone_that_is_no_number_is_refused_with_the_rule(org, customer, phone, language):
    with frozen(WHEN):
        response = customer(language).post("/portal/", form_data(phone=phone))
    html = response.content.decode()
    assert response.status_code == 400
    assert ("不是电话号码" if language == "zh-hans" else "Not a phone number") in html
    assert Complaint.objects.count() == 0 and Customer.objects.count() == 0


def test_the_phone_is_kept_the_one_way_every_channel_keeps_it(org, customer, submit):
    submit(customer(), phone="+86 139-0013-9000")
    assert Customer.objects.get().phone == "13900139000"


def test_the_cause_says_its_limit_and_a_longer_one_is_refused_with_the_count(org, customer):
    page = customer().get("/portal/").content.decode()
    assert "最多 10,000 个字符" in page and not re.search(r'<textarea[^>]*name="cause"[^>]*maxlength', page)
    with frozen(WHEN):
        response = customer().post("/portal/", form_data(cause="我" * 10_001))
    assert response.status_code == 400 and "现有 10,001 个" in response.content.decode()
    assert Complaint.objects.count() == 0


def test_a_portal_complaint_with_a_known_phone_is_offered_not_merged(org, customer, submit, walk):
    walk(at(2026, 3, 1), customer=svc.CustomerInput(name="李四", phone="13900139000", verified=("phone",)))
    submit(customer(), name="李 四", email="", preferred_channel="phone")  # same name and phone: on the record
    submit(customer(address="203.0.113.8"), name="张三", email="", preferred_channel="phone")  # someone else
    first, same, other = Complaint.objects.order_by("id")
    assert same.customer_id == first.customer_id
    assert other.customer_id != first.customer_id
    assert CustomerMatch.objects.get().complaint == other
