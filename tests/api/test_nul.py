"""A NUL character in any string the API takes is a 422 naming the field (PostgreSQL
cannot store it; it used to be a DataError and a 500); in a file's name it is removed."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from redress.complaints.models import Complaint, Evidence
from tests.api.conftest import new_complaint

PDF = b"%PDF-1.4\n% statement\n"


def test_a_nul_in_a_nested_field_of_a_new_complaint_is_422_naming_it(api_as):
    body = new_complaint(customer={"name": "张\x00三", "phone": "13800138000"})
    response = api_as("intake").post("/complaints", body)
    assert response.status_code == 422
    error = response.json()
    assert error["field"] == "customer.name" and error["rule"] == "Value error, must not contain NUL characters"
    assert not Complaint.objects.exists()


def test_a_nul_in_the_narrative_is_422_naming_it(api_as):
    response = api_as("intake").post("/complaints", new_complaint(cause="委托\x00未成交"))
    assert response.status_code == 422 and response.json()["field"] == "cause"


def test_a_nul_in_an_action_body_is_422_naming_it(api_as):
    intake = api_as("intake")
    created = intake.post("/complaints", new_complaint()).json()
    response = intake.act(created["reference"], "receive_customer_message", created["version"],
                          body="补充\x00说明", channel="phone")
    assert response.status_code == 422 and response.json()["field"] == "body"


def test_a_nul_in_a_reference_is_404_not_a_database_error(api_as):
    assert api_as("intake").get("/complaints/TS-2026-%00000001").status_code == 404


def test_a_nul_in_an_evidence_description_is_422_and_in_its_file_name_is_removed(api_as):
    intake = api_as("intake")
    reference = intake.post("/complaints", new_complaint()).json()["reference"]
    refused = intake.upload(f"/complaints/{reference}/evidence",
                            {"file": SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"),
                             "description": "对账\x00单"})
    assert refused.status_code == 422 and refused.json()["field"] == "description"
    taken = intake.upload(f"/complaints/{reference}/evidence",
                          {"file": SimpleUploadedFile("对账\x00单.pdf", PDF, content_type="application/pdf")})
    assert taken.status_code == 201 and taken.json()["name"] == "对账单.pdf"
    assert Evidence.objects.get().original_name == "对账单.pdf"
