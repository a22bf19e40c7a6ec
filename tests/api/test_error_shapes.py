"""The API answers every error in its one JSON shape (code, message, field, rule), even
where no route matched or the server itself failed, and takes request bodies only as
JSON (415 otherwise)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from redress.api.routes import complaints as complaint_routes
from redress.complaints.models import Complaint
from tests.api.conftest import new_complaint


def _shape(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["code"], str) and isinstance(body["message"], str)
    return body


def test_an_unknown_api_path_is_a_json_404(api_as):
    response = api_as("intake").get("/no-such-thing/at-all")
    assert response.status_code == 404
    assert _shape(response)["code"] == "not_found"


def test_an_unknown_api_path_without_a_token_is_the_same_json_404():
    response = Client().get("/api/complaintz")
    assert response.status_code == 404 and _shape(response)["code"] == "not_found"


def test_outside_the_api_a_missing_page_is_still_html(org):
    response = Client().get("/no-such-page/")
    assert response.status_code == 404 and not response["Content-Type"].startswith("application/json")


def test_a_failure_inside_an_operation_is_a_json_500_that_says_nothing_of_the_cause(api_as, monkeypatch):
    intake = api_as("intake")
    reference = intake.post("/complaints", new_complaint()).json()["reference"]

    def broken(*args, **kwargs):
        raise RuntimeError("secret detail of the bug")

    monkeypatch.setattr(complaint_routes, "complaint_out", broken)
    intake.client.raise_request_exception = False
    response = intake.get(f"/complaints/{reference}")
    assert response.status_code == 500
    body = _shape(response)
    assert body["code"] == "server_error" and "secret detail" not in response.content.decode()


def test_a_failure_outside_any_operation_under_api_is_a_json_500(api_as, monkeypatch):
    from redress.web import headers

    def broken(path):
        raise RuntimeError("a middleware failed")

    monkeypatch.setattr(headers, "carries_personal_data", broken)
    intake = api_as("intake")
    intake.client.raise_request_exception = False
    response = intake.get("/complaints")
    assert response.status_code == 500 and _shape(response)["code"] == "server_error"


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "text/plain", "application/xml"])
def test_a_body_that_is_not_sent_as_json_is_415(api_as, content_type):
    intake = api_as("intake")
    response = intake.client.post("/api/complaints", data=json.dumps(new_complaint(), ensure_ascii=False),
                                  content_type=content_type, headers=intake._headers(None))
    assert response.status_code == 415
    body = _shape(response)
    assert body["code"] == "unsupported_media_type" and body["field"] == "Content-Type"
    assert not Complaint.objects.exists()


def test_an_action_body_that_is_not_sent_as_json_is_415(api_as):
    intake = api_as("intake")
    created = intake.post("/complaints", new_complaint()).json()
    response = intake.client.post(f"/api/complaints/{created['reference']}/actions/record_contact",
                                  data={"expected_version": created["version"], "channel": "phone", "note": "x"},
                                  headers=intake._headers(None))  # multipart, as a form would send it
    assert response.status_code == 415 and _shape(response)["code"] == "unsupported_media_type"


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/merge-patch+json"])
def test_json_with_a_charset_or_a_json_suffix_is_taken(api_as, content_type):
    intake = api_as("intake")
    response = intake.client.post("/api/complaints", data=json.dumps(new_complaint(), ensure_ascii=False),
                                  content_type=content_type, headers=intake._headers(None))
    assert response.status_code == 201, response.content
