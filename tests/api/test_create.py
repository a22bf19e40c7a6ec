"""POST /api/complaints: a call-centre system or a regulator referral import takes a
complaint down, with its original received time and channel."""

from __future__ import annotations

import json

from django.conf import settings

from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, Event
from tests.api.conftest import events_of, new_complaint


def test_a_12386_referral_is_taken_down_and_registered_with_its_original_time(api_as, org):
    api = api_as("intake")
    response = api.post("/complaints", new_complaint(
        channel="regulator_referral", referral_source="hotline_12386", external_reference="12386-2026-0301-0042",
        received_at="2026-03-01T16:45:00+08:00",
        parties=[{"kind": "unit", "unit": "branch_tianhe"}, {"kind": "product", "product": "融资融券"}]))
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "registered" and body["version"] == 2
    assert body["received_at"] == "2026-03-01T08:45:00Z"  # 16:45 in Shanghai
    assert body["referral_source"] == "hotline_12386" and body["external_reference"] == "12386-2026-0301-0042"
    assert [p["kind"] for p in body["parties"]] == ["unit", "product"]
    assert body["customer"]["masked"] is True and body["customer"]["phone"] == "138****8000"
    assert "assess" in body["allowed_actions"]
    # The hotline is owed a reply (001 第二十一条), counted from when the referral came in.
    assert events_of(body["reference"]) == [EventType.RECEIVED, EventType.AUTHORITY_REPORT_DUE, EventType.REGISTERED]
    [reply] = body["authority_reports"]
    assert (reply["authority"], reply["kind"], reply["status"]) == ("hotline_12386", "reply", "open")
    assert reply["due_at"] == "2026-03-13T09:00:00Z"  # ten working days from Monday 2 March, 17:00
    assert "record_authority_report" in body["allowed_actions"]
    received = Event.objects.get(complaint__reference=body["reference"], type=EventType.RECEIVED)
    assert received.channel == "api" and received.actor == org.intake and received.actor_role == "intake"


def test_register_false_leaves_it_received_for_the_desk(api_as):
    response = api_as("intake").post("/complaints", new_complaint(register=False, kind="inquiry"))
    assert response.status_code == 201
    assert response.json()["state"] == "received"
    assert "answer_inquiry" in response.json()["allowed_actions"]


def test_a_missing_field_names_the_field_and_the_rule(api_as):
    body = new_complaint()
    del body["customer"]["name"]
    response = api_as("intake").post("/complaints", body)
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "invalid" and error["field"] == "customer.name" and error["rule"] == "is required"


def test_the_intake_rules_of_the_service_come_back_with_their_field(api_as):
    response = api_as("intake").post("/complaints", new_complaint(customer={"name": "李四"}))
    assert response.status_code == 422
    assert response.json()["field"] == "customer.contact"
    assert "联系方式" in response.json()["rule"]  # messages follow Accept-Language; zh-hans by default
    response = api_as("intake").post("/complaints", new_complaint(channel="carrier_pigeon"))
    assert response.json()["field"] == "channel"
    assert Complaint.objects.count() == 0


def test_a_received_time_in_the_future_is_refused(api_as):
    response = api_as("intake").post("/complaints", new_complaint(received_at="2026-03-05T09:00:00+08:00"),
                                     **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["field"] == "received_at" and "future" in response.json()["rule"]


def test_a_received_time_without_a_zone_is_refused(api_as):
    response = api_as("intake").post("/complaints", new_complaint(received_at="2026-03-01T09:00:00"))
    assert response.status_code == 422
    assert response.json()["field"] == "received_at"


def test_unknown_fields_are_refused_not_dropped(api_as):
    response = api_as("intake").post("/complaints", new_complaint(priority="vip"))
    assert response.status_code == 422
    assert response.json()["field"] == "priority"
    assert "unknown fields" in response.json()["rule"]


def test_wrong_types_are_422_with_each_field(api_as):
    response = api_as("intake").post("/complaints", new_complaint(amount_claimed="lots", parties="none",
                                                                 register="maybe"))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"amount_claimed", "parties", "register"} <= fields


def test_a_list_index_shows_in_the_field_name(api_as):
    response = api_as("intake").post("/complaints", new_complaint(parties=[{"kind": "product", "product": "基金"},
                                                                          {"kind": "planet"}]))
    assert response.status_code == 422
    assert response.json()["field"] == "parties[1].kind"


def test_an_unknown_unit_in_a_party_is_422_naming_it(api_as):
    response = api_as("intake").post("/complaints", new_complaint(parties=[{"kind": "unit", "unit": "nowhere"}]))
    assert response.status_code == 422
    assert response.json()["field"] == "parties[0].unit"


def test_malformed_json_is_400(api_as):
    response = api_as("intake").post("/complaints", raw='{"customer": {"name": "张三",')
    assert response.status_code == 400
    assert response.json()["code"] == "malformed" and response.json()["field"] == "body"


def test_a_json_array_is_422_not_500(api_as):
    assert api_as("intake").post("/complaints", raw="[1, 2]").status_code == 422


def test_a_huge_body_is_413_before_it_is_read(api_as):
    cause = "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 2)
    response = api_as("intake").post("/complaints", new_complaint(cause=cause))
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert Complaint.objects.count() == 0


def test_an_overlong_subject_is_422_not_a_database_error(api_as):
    response = api_as("intake").post("/complaints", new_complaint(subject="x" * 201))
    assert response.status_code == 422 and response.json()["field"] == "subject"


def test_nul_characters_are_422_not_a_database_error(api_as):
    response = api_as("intake").post("/complaints", new_complaint(subject="委托\x00未成交"))
    assert response.status_code == 422 and response.json()["field"] == "subject"


def test_script_tags_are_stored_as_text(api_as):
    api = api_as("intake")
    script = "<script>alert('x')</script> 委托未成交"
    reference = api.post("/complaints", new_complaint(subject=script)).json()["reference"]
    assert Complaint.objects.get(reference=reference).subject == script
    response = api.get(f"/complaints/{reference}")
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["subject"] == script


def test_sql_fragments_are_only_text(api_as):
    api = api_as("intake")
    evil = "x'); DROP TABLE complaints_complaint; --"
    reference = api.post("/complaints", new_complaint(cause=evil, external_reference="1 OR 1=1")).json()["reference"]
    assert Complaint.objects.get(reference=reference).cause == evil
    listed = api.get("/complaints", {"category": "a' OR '1'='1"})
    assert listed.status_code == 422  # not a category code at all
    assert api.get("/complaints", {"channel": "phone"}).json()["total"] == 1


def test_errors_are_logged_without_personal_data(api_as, caplog):
    caplog.set_level("INFO", logger="redress.api")
    api_as("intake").post("/complaints", new_complaint(customer={"name": "王五", "email": "wangwu@@example"}))
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "customer.email" in logged and "422" in logged
    assert "wangwu" not in logged and "王五" not in logged


def test_the_response_is_utf8_json(api_as):
    response = api_as("intake").post("/complaints", new_complaint())
    assert json.loads(response.content.decode("utf-8"))["subject"] == "委托未成交"


def test_the_create_answer_is_what_reading_the_complaint_gives(api_as):
    """The create answers from the objects it has just written, not by reading them back:
    every field must still be what the database holds."""
    api = api_as("intake")
    created = api.post("/complaints", new_complaint(
        branch="branch_tianhe", amount_claimed="12000.50",
        parties=[{"kind": "unit", "unit": "branch_tianhe"}, {"kind": "employee", "staff": "handler"},
                 {"kind": "product", "product": "融资融券"}])).json()
    read = api.get(f"/complaints/{created['reference']}").json()
    assert created == read


def test_a_create_takes_a_bounded_number_of_statements(api_as, django_assert_max_num_queries, monkeypatch):
    """A create is one transaction of single-row INSERTs (the complaint row once), not
    INSERT-then-UPDATE and read-backs: 16 statements on PostgreSQL (the day tally's row,
    the statistics' period tallies' and the portal access code's among them, and the one SELECT that looks for the
    customer's record by account number, email or phone: services/customers.py), one more
    on SQLite where the complaint's id only comes from its INSERT."""
    from redress.complaints.services import base, timing
    unchecked = base.sync_due_at.__wrapped__  # without the test suite's own due_at check
    for module in (base, timing):
        monkeypatch.setattr(module, "sync_due_at", unchecked)
    api = api_as("intake")
    api.post("/complaints", new_complaint(customer={"name": "李四", "phone": "13900001111"}))  # warm caches
    with django_assert_max_num_queries(17):
        response = api.post("/complaints", new_complaint(customer={"name": "王五", "phone": "13900002222"}))
    assert response.status_code == 201
