"""Scopes limit what a token sees, not only what it does (issue 14 item 6): an action's
answer carries the complaint only for a token that may read it, and unmasking the
complainant needs `personal_data:read`, recorded as a reveal."""

from __future__ import annotations

import json

import pytest

from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, Event
from tests.api.conftest import new_complaint

ACT = ["complaints:act"]
# What only the complaint's body or the unmasked customer would show.
SECRETS = ["张三", "13800138000", "310000123456", "我昨天下午的委托一直未成交", "委托未成交", "请核实并给出说明"]


@pytest.fixture
def registered(api_as):
    body = api_as("intake").post("/complaints", new_complaint()).json()
    return body["reference"], body["version"]


def reveals(reference) -> int:
    return Event.objects.filter(complaint__reference=reference, type=EventType.PERSONAL_DATA_VIEWED).count()


def test_an_act_only_token_gets_the_result_and_new_state_but_not_the_complaint(registered, api_as):
    reference, v = registered
    response = api_as("office", ACT).act(reference, "assess", v, category="counter", severity="medium")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["complaint"] is None
    c = Complaint.objects.get(reference=reference)
    assert (answer["state"], answer["version"]) == (c.state, c.version) == ("assessed", v + 1)
    text = json.dumps(answer, ensure_ascii=False)
    assert not any(secret in text for secret in SECRETS), text


def test_an_act_only_token_gets_no_complaint_from_a_result_carrying_action(registered, api_as):
    reference, v = registered
    office = api_as("office", ACT)
    v = office.act(reference, "assess", v, category="counter", severity="medium").json()["version"]
    answer = office.act(reference, "dispatch", v, unit="branch_tianhe", instructions="请联系客户").json()
    assert answer["result"]["assignment"] > 0 and answer["state"] == "dispatched" and answer["complaint"] is None


def test_a_token_that_also_reads_gets_the_complaint_masked(registered, api_as):
    reference, v = registered
    answer = api_as("office", [*ACT, "complaints:read"]).act(reference, "assess", v, category="counter",
                                                              severity="medium").json()
    assert answer["complaint"]["subject"] == "委托未成交" and answer["complaint"]["version"] == answer["version"]
    assert answer["complaint"]["customer"]["masked"] is True and answer["complaint"]["customer"]["phone"] != \
        "13800138000"


def test_an_act_only_token_cannot_unmask_the_customer(registered, api_as):
    reference, v = registered
    response = api_as("intake", ACT).act(reference, "view_personal_data", v, fields=["phone"], purpose="回拨")
    assert response.status_code == 403 and "personal_data:read" in response.json()["message"]
    assert "13800138000" not in response.content.decode()
    assert reveals(reference) == 0  # a refusal writes nothing


def test_the_personal_data_scope_reveals_the_fields_asked_for_and_records_it(registered, api_as):
    reference, v = registered
    response = api_as("intake", ["personal_data:read"]).act(reference, "view_personal_data", v, fields=["phone"],
                                                            purpose="回拨客户确认诉求")
    assert response.status_code == 200, response.json()
    answer = response.json()
    assert answer["result"] == {"revealed": ["phone"], "customer": {"phone": "13800138000"}}
    assert answer["complaint"] is None  # no complaints:read: the body stays out
    assert "张三" not in response.content.decode()  # the name was not asked for
    event = Event.objects.get(complaint__reference=reference, type=EventType.PERSONAL_DATA_VIEWED)
    assert event.channel == "api" and json.loads(event.payload)["fields"] == ["phone"]


def test_the_schema_documents_the_scopes(api_as):
    schema = api_as("office").get("/openapi.json").json()
    description = schema["info"]["description"]
    assert all(scope in description for scope in ["complaints:act", "complaints:read", "personal_data:read"])
    reveal = schema["paths"]["/api/complaints/{reference}/actions/view_personal_data"]["post"]
    assert "personal_data:read" in reveal["description"]
    result = schema["components"]["schemas"]["ActionResult"]["properties"]
    assert {"state", "version", "complaint", "result"} <= set(result)
