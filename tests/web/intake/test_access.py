"""Who may take a complaint down (001 首问负责制, 第十四条; SPEC §2.1)."""

from __future__ import annotations

from django.test import Client

from redress.complaints.models import Complaint, Customer
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.intake.conftest import token_of, typed


def test_marketing_staff_cannot_take_a_complaint(org, signed_in, save):
    client = signed_in("marketer")  # holds the intake role, but is marketing staff
    assert "营销人员" in client.get("/intake/").content.decode()
    with frozen(at(2026, 3, 2, 10, 0)):
        response = save(client, typed())
    page = response.content.decode()
    assert response.status_code == 422
    assert "marketer 为营销人员,不得受理或处理投诉(001 第十四条)" in page
    assert 'value="转托管办理超时"' in page  # what was typed is kept
    assert not Complaint.objects.exists() and not Customer.objects.exists()


def test_marketing_refusal_is_in_english_for_an_english_session(org, signed_in, save):
    client = signed_in("marketer", "en")
    with frozen(at(2026, 3, 2, 10, 0)):
        page = save(client, typed()).content.decode()
    assert "is marketing staff and may not accept or handle complaints" in page
    assert "nothing was saved" in page


def test_employee_named_in_the_complaint_cannot_take_it(org, signed_in, save):
    client = signed_in("intake2")
    with frozen(at(2026, 3, 2, 10, 0)):
        response = save(client, typed(party_employee="intake2"))
    assert response.status_code == 422
    assert "intake2 为被投诉人员,不得受理或处理该投诉(001 第十四条)" in response.content.decode()
    assert not Complaint.objects.exists()


def test_handler_cannot_open_the_intake_screen(org, signed_in):
    client = signed_in("handler")
    assert client.get("/intake/").status_code == 403
    assert client.post("/intake/read-back/", typed()).status_code == 403
    assert client.post("/intake/confirm/", {**typed(), "step": "confirm"}).status_code == 403
    assert client.get("/intake/customers/?q=310000").status_code == 403
    assert not Complaint.objects.exists()


def test_callback_and_auditor_cannot_take_complaints(org, signed_in):
    for who in ("callback", "auditor", "cro"):
        assert signed_in(who).get("/intake/").status_code == 403, who


def test_signed_out_visitor_is_sent_to_sign_in(org):
    response = Client().get("/intake/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_complaints_office_may_take_a_complaint(org, signed_in, save):
    with frozen(at(2026, 3, 2, 10, 0)):
        response = save(signed_in("office"), typed())
    assert response.status_code == 302
    assert Complaint.objects.get().first_responder == org.office


def test_another_units_acknowledgment_is_invisible(org, signed_in, save):
    with frozen(at(2026, 3, 2, 10, 0)):
        location = save(signed_in("intake"), typed())["Location"]
    # intake2 sits at a branch; the complaint was taken in at the customer service centre.
    assert signed_in("intake2").get(location).status_code == 404
    assert signed_in("intake").get(location).status_code == 200
    assert signed_in("office").get(location).status_code == 200
    assert signed_in("intake").get("/intake/done/TS-2026-999999/").status_code == 404


def test_a_forged_token_saves_nothing(org, signed_in):
    client = signed_in("intake")
    shown = client.post("/intake/read-back/", typed())
    token_of(shown)
    response = client.post("/intake/confirm/", {**typed(), "token": "0" * 32, "step": "confirm"})
    assert response.status_code == 409 and "已使用或已过期" in response.content.decode()
    assert not Complaint.objects.exists()
