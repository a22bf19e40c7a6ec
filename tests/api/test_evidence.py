"""Evidence upload (multipart) and listing."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from redress.api.models import Scope
from redress.complaints.ledger import EventType
from redress.complaints.models import Evidence
from tests.api.conftest import events_of, new_complaint

PDF = b"%PDF-1.4\n% statement of account\n"


@pytest.fixture
def reference(api_as):
    return api_as("intake").post("/complaints", new_complaint()).json()["reference"]


def pdf(name="对账单.pdf", data=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_upload_a_statement_and_list_it(reference, api_as):
    api = api_as("intake")
    response = api.upload(f"/complaints/{reference}/evidence", {"file": pdf(), "description": "客户提供的对账单",
                                                                "source": "customer"})
    assert response.status_code == 201
    item = response.json()
    assert item["name"] == "对账单.pdf" and item["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert item["size"] == len(PDF) and item["source"] == "customer" and item["uploaded_by"] == "intake"
    assert events_of(reference)[-1] == EventType.EVIDENCE_ADDED
    listed = api.get(f"/complaints/{reference}/evidence").json()
    assert [e["id"] for e in listed] == [item["id"]]


def test_a_file_that_is_not_what_it_claims_is_422(reference, api_as):
    response = api_as("intake").upload(f"/complaints/{reference}/evidence",
                                       {"file": pdf(data=b"MZ\x90\x00 executable")})
    assert response.status_code == 422 and response.json()["field"] == "file"
    assert not Evidence.objects.exists()


def test_a_type_the_policy_does_not_allow_is_422(reference, api_as):
    response = api_as("intake").upload(f"/complaints/{reference}/evidence",
                                       {"file": pdf("run.exe", b"MZ", "application/x-msdownload")})
    assert response.status_code == 422 and response.json()["field"] == "file.content_type"


def test_a_file_over_the_policy_limit_is_413(reference, api_as, settings):
    from redress.policy.loader import active_pack

    limit = active_pack().max_attachment_bytes
    big = pdf(data=PDF + b"0" * limit)
    response = api_as("intake").upload(f"/complaints/{reference}/evidence", {"file": big})
    assert response.status_code == 413 and response.json()["field"] == "file"
    assert not Evidence.objects.exists()


def test_a_missing_file_is_422(reference, api_as):
    response = api_as("intake").upload(f"/complaints/{reference}/evidence", {"description": "忘了附件"})
    assert response.status_code == 422 and response.json()["field"] == "file"


def test_upload_needs_the_evidence_scope(reference, issue):
    _, api = issue("intake", scopes=[Scope.COMPLAINTS_READ, Scope.COMPLAINTS_ACT])
    assert api.upload(f"/complaints/{reference}/evidence", {"file": pdf()}).status_code == 403


def test_another_units_complaint_takes_no_evidence(reference, api_as):
    response = api_as("intake2").upload(f"/complaints/{reference}/evidence", {"file": pdf()})
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_a_300_character_chinese_name_is_taken_and_downloaded_under_its_name(reference, api_as):
    from urllib.parse import quote

    api = api_as("intake")
    name = "三月对账单" * 59 + ".pdf"  # 299 characters: Django's upload handling keeps 255
    response = api.upload(f"/complaints/{reference}/evidence", {"file": pdf(name)})
    assert response.status_code == 201, response.json()
    item = response.json()
    assert len(item["name"]) <= 255 and item["name"].startswith("三月对账单") and item["name"].endswith(".pdf")
    assert len(Evidence.objects.get().file.name) < 100
    download = api.get(f"/complaints/{reference}/evidence/{item['id']}/file")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == f"attachment; filename*=utf-8''{quote(item['name'])}"
    assert events_of(reference)[-1] == EventType.EVIDENCE_DOWNLOADED


def test_downloading_evidence_of_another_complaint_is_404(reference, api_as):
    api = api_as("intake")
    item = api.upload(f"/complaints/{reference}/evidence", {"file": pdf()}).json()
    other = api.post("/complaints", new_complaint()).json()["reference"]
    assert api.get(f"/complaints/{other}/evidence/{item['id']}/file").status_code == 404
