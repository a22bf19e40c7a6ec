"""POST /api/complaints/batch: up to 500 complaints, each with its own key and result."""

from __future__ import annotations

from redress.api.models import IdempotencyRecord, Scope
from redress.complaints import ledger
from redress.complaints.models import Complaint, Customer, Event
from tests.api.conftest import new_complaint


def item(key: str, **overrides) -> dict:
    return {"idempotency_key": key, "complaint": new_complaint(**overrides)}


def person(n: int) -> dict:
    return {"name": f"客户{n}", "phone": f"1390000{n:04d}"}


def test_a_batch_creates_each_complaint_and_answers_each_in_order(api_as):
    api = api_as("intake")
    response = api.post("/complaints/batch", {"items": [item(f"b-{n}", customer=person(n)) for n in range(5)]})
    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["replayed"], body["refused"]) == (5, 0, 0)
    assert [r["index"] for r in body["results"]] == [0, 1, 2, 3, 4]
    assert [r["complaint"]["reference"] for r in body["results"]] == [f"TS-2026-{n:06d}" for n in range(1, 6)]
    assert {r["status"] for r in body["results"]} == {201}
    # each is read back as the single create would have answered it
    first = body["results"][0]["complaint"]
    assert api.get(f"/complaints/{first['reference']}").json()["state"] == first["state"] == "registered"
    assert Complaint.objects.count() == IdempotencyRecord.objects.count() == 5
    assert ledger.verify().ok


def test_a_refused_item_says_why_in_the_error_shape_and_writes_nothing(api_as):
    api = api_as("intake")
    response = api.post("/complaints/batch", {"items": [
        item("ok-1", customer=person(1)),
        item("bad-channel", customer=person(2), channel="carrier_pigeon"),
        {"idempotency_key": "bad-schema", "complaint": {"customer": person(3), "subject": "x"}},
        item("bad-unit", customer=person(4), branch="no_such_unit"),
        item("ok-2", customer=person(5)),
    ]}).json()
    assert (response["created"], response["refused"]) == (2, 3)
    channel, schema, unit = response["results"][1], response["results"][2], response["results"][3]
    assert channel["result"] == "refused" and channel["status"] == 422
    assert channel["error"]["code"] == "invalid" and channel["error"]["field"] == "channel"
    assert schema["status"] == 422 and schema["error"]["field"] in {"complaint.channel", "complaint.cause"}
    assert {e["field"] for e in schema["error"]["errors"]} >= {"complaint.channel", "complaint.cause"}
    assert unit["status"] == 422 and unit["error"]["field"] == "branch"
    # the refused wrote nothing: no customer, no key, no reference number used
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["客户1", "客户5"]
    assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {"ok-1", "ok-2"}
    assert [r["complaint"]["reference"] for r in response["results"] if r["result"] == "created"] == \
           ["TS-2026-000001", "TS-2026-000002"]


def test_a_batch_sent_again_replays_every_created_item(api_as):
    api = api_as("intake")
    batch = {"items": [item(f"again-{n}", customer=person(n)) for n in range(3)]}
    first = api.post("/complaints/batch", batch).json()
    again = api.post("/complaints/batch", batch).json()
    assert (again["created"], again["replayed"]) == (0, 3)
    assert [r["status"] for r in again["results"]] == [200, 200, 200]
    assert [r["complaint"] for r in again["results"]] == [r["complaint"] for r in first["results"]]
    assert Complaint.objects.count() == 3


def test_keys_and_answers_with_quotes_backslashes_and_braces_are_kept_and_replayed_as_sent(api_as):
    # On PostgreSQL the batch's keys and answers go as array literals (idempotency.record_many):
    # what array syntax escapes or splits on must come back as it was sent.
    api = api_as("intake")
    keys = ['k"1', "k\\2", "{k,3}", "NULL"]
    subjects = ['他说 "不行"', "路径 C:\\temp\\", "{a,b}", "NULL"]
    batch = {"items": [item(key, customer=person(n), subject=subject)
                       for n, (key, subject) in enumerate(zip(keys, subjects, strict=True))]}
    first = api.post("/complaints/batch", batch).json()
    assert first["created"] == 4
    assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == sorted(keys)
    again = api.post("/complaints/batch", batch).json()
    assert (again["created"], again["replayed"]) == (0, 4)
    assert [r["complaint"]["subject"] for r in again["results"]] == subjects
    assert [r["complaint"] for r in again["results"]] == [r["complaint"] for r in first["results"]]


def test_keys_are_shared_with_the_single_create(api_as):
    api = api_as("intake")
    single = api.post("/complaints", new_complaint(customer=person(1)), **{"Idempotency-Key": "shared"}).json()
    body = api.post("/complaints/batch", {"items": [item("shared", customer=person(1)),
                                                    item("other", customer=person(2))]}).json()
    assert body["results"][0]["result"] == "replayed" and body["results"][0]["complaint"] == single
    assert body["results"][1]["result"] == "created"
    # and a batch's key answers a single create's retry
    retry = api.post("/complaints", new_complaint(customer=person(2)), **{"Idempotency-Key": "other"})
    assert retry.status_code == 200 and retry.json() == body["results"][1]["complaint"]


def test_a_key_reused_with_another_complaint_is_refused_409(api_as):
    api = api_as("intake")
    api.post("/complaints/batch", {"items": [item("k", customer=person(1))]})
    body = api.post("/complaints/batch", {"items": [item("k", customer=person(1), subject="另一件事")]}).json()
    refused = body["results"][0]
    assert refused["status"] == 409 and refused["error"]["code"] == "idempotency_key_reused"
    assert refused["error"]["field"] == "idempotency_key"
    assert Complaint.objects.count() == 1


def test_the_same_key_twice_in_one_batch_refuses_the_second(api_as):
    api = api_as("intake")
    body = api.post("/complaints/batch", {"items": [item("twice", customer=person(1)),
                                                    item("twice", customer=person(2))]}).json()
    assert [r["result"] for r in body["results"]] == ["created", "refused"]
    assert body["results"][1]["error"]["field"] == "idempotency_key"
    assert "item 0" in body["results"][1]["error"]["message"]


def test_a_batch_needs_the_create_scope_and_an_intake_role(api_as):
    reader = api_as("intake", scopes=[Scope.COMPLAINTS_READ])
    assert reader.post("/complaints/batch", {"items": [item("s", customer=person(1))]}).status_code == 403
    handler = api_as("handler").post("/complaints/batch", {"items": [item("r", customer=person(1))]}).json()
    assert handler["results"][0]["status"] == 403 and handler["results"][0]["error"]["code"] == "not_permitted"
    assert not Complaint.objects.exists() and not Event.objects.exists()


def test_more_than_500_items_or_none_is_422(api_as):
    api = api_as("intake")
    too_many = api.post("/complaints/batch", {"items": [item(f"m{n}") for n in range(501)]})
    assert too_many.status_code == 422 and too_many.json()["field"] == "items"
    assert api.post("/complaints/batch", {"items": []}).status_code == 422
    assert not Complaint.objects.exists()


def test_the_batch_is_in_the_openapi_schema(api_as):
    schema = api_as("intake").client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/complaints/batch"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/ComplaintBatchIn")
    items = schema["components"]["schemas"]["ComplaintBatchIn"]["properties"]["items"]
    assert items["maxItems"] == 500 and items["items"]["title"] == "BatchItemIn"
    assert items["items"]["required"] == ["idempotency_key", "complaint"]
    assert items["items"]["properties"]["complaint"]["$ref"].endswith("/ComplaintIn")
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert answer.endswith("/ComplaintBatchOut")


def test_the_answer_validated_as_plain_data_is_the_one_ninjas_own_validation_gives(api_as):
    # given a complaint created in a batch
    from redress.api.presenting import complaint_out
    from redress.api.schemas.complaints import ComplaintOut

    api = api_as("intake")
    created = api.post("/complaints/batch", {"items": [item("plain-1", customer=person(1))]}).json()
    answer = created["results"][0]["complaint"]

    # then it is what ninja's getter path makes of the same complaint, field for field
    c = Complaint.objects.get(reference=answer["reference"])
    assert answer == ComplaintOut.model_validate(complaint_out(c)).model_dump(mode="json")


def test_a_misspelt_field_of_a_nested_part_is_still_refused(api_as):
    # validated once, a body still refuses what its schema does not name, at every level
    api = api_as("intake")
    bad = item("nested-1", customer={**person(1), "nmae": "客户"})
    result = api.post("/complaints/batch", {"items": [bad]}).json()["results"][0]
    assert result["status"] == 422 and "complaint.customer.nmae" in {e["field"] for e in result["error"]["errors"]}
