"""Reading: one complaint, the list with filters and pages, the timeline and the clocks,
all within what the token's member of staff may see."""

from __future__ import annotations

import pytest

from redress.complaints.ledger import EventType
from tests.api.conftest import new_complaint


@pytest.fixture
def taken(api_as):
    """Three complaints taken down by the call centre (org.intake, customer_service)."""
    api = api_as("intake")
    refs = [api.post("/complaints", new_complaint(channel=channel, received_at=received)).json()["reference"]
            for channel, received in [("phone", "2026-02-27T09:00:00+08:00"), ("web", "2026-03-01T10:00:00+08:00"),
                                      ("phone", "2026-03-02T08:00:00+08:00")]]
    return api, refs


def test_read_one_complaint(taken):
    api, refs = taken
    response = api.get(f"/complaints/{refs[0]}")
    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == refs[0] and body["state"] == "registered" and body["channel"] == "phone"
    assert body["intake_unit"] == {"code": "customer_service", "name": "客户服务中心"}
    assert body["url"] == f"/complaints/{refs[0]}/"


def test_another_units_complaint_is_404_for_a_branch_token(taken, api_as):
    _, refs = taken
    branch = api_as("intake2")  # the Tianhe branch's front desk
    missing = branch.get("/complaints/TS-2026-999999")
    invisible = branch.get(f"/complaints/{refs[0]}")
    assert invisible.status_code == missing.status_code == 404
    assert invisible.json()["code"] == "not_found"
    for path in ("events", "clocks", "evidence"):
        assert branch.get(f"/complaints/{refs[0]}/{path}").status_code == 404
    assert branch.act(refs[0], "escalate", 2, reason="客户情绪激动").status_code == 404
    assert branch.get("/complaints").json()["total"] == 0


def test_a_malformed_reference_is_404(taken):
    api, _ = taken
    assert api.get("/complaints/not a reference").status_code == 404
    assert api.get("/complaints/%00").status_code == 404


def test_the_complaints_office_sees_every_unit(taken, api_as):
    _, refs = taken
    assert api_as("office").get("/complaints").json()["total"] == 3


def test_list_filters_by_channel_state_and_received_time(taken):
    api, refs = taken
    assert [c["reference"] for c in api.get("/complaints", {"channel": "phone"}).json()["items"]] == [refs[2], refs[0]]
    assert api.get("/complaints", {"state": "registered"}).json()["total"] == 3
    assert api.get("/complaints", {"state": "closed"}).json()["total"] == 0
    window = api.get("/complaints", {"received_from": "2026-02-28T00:00:00+08:00",
                                     "received_to": "2026-03-02T00:00:00+08:00"}).json()
    assert [c["reference"] for c in window["items"]] == [refs[1]]


def test_list_filters_by_category_and_updated_since(taken, api_as):
    api, refs = taken
    from redress.complaints.timesource import frozen
    from tests.conftest import at

    with frozen(at(2026, 3, 2, 15)):
        api_as("office").act(refs[1], "assess", 2, category="counter", severity="low")
    assert [c["reference"] for c in api.get("/complaints", {"category": "counter"}).json()["items"]] == [refs[1]]
    changed = api.get("/complaints", {"updated_since": "2026-03-02T14:00:00+08:00", "order": "updated"}).json()
    assert [c["reference"] for c in changed["items"]] == [refs[1]]


def test_pages_with_limit_offset_and_a_total(taken):
    api, refs = taken
    first = api.get("/complaints", {"limit": 2}).json()
    assert first["total"] == 3 and first["total_capped"] is False and first["next_offset"] == 2
    second = api.get("/complaints", {"limit": 2, "offset": first["next_offset"]}).json()
    assert [c["reference"] for c in first["items"] + second["items"]] == list(reversed(refs))
    assert second["next_offset"] is None


def test_list_parameters_out_of_range_are_422(taken):
    api, _ = taken
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"state": "sleeping"},
                   {"received_from": "yesterday"}, {"updated_since": "2026-03-01T00:00:00"}):
        response = api.get("/complaints", params)
        assert response.status_code == 422, params
        assert response.json()["field"] == next(iter(params))


def test_timeline_has_code_name_actor_role_and_channel(taken):
    api, refs = taken
    events = api.get(f"/complaints/{refs[0]}/events").json()
    assert [(e["type"], e["name"]) for e in events] == [(EventType.RECEIVED, "received"),
                                                          (EventType.REGISTERED, "registered")]
    assert events[0]["actor"] == "intake" and events[0]["actor_role"] == "intake" and events[0]["channel"] == "api"
    assert events[1]["payload"]["state"] == ["received", "registered"]


def test_clocks_show_due_time_and_working_days_left(taken):
    api, refs = taken
    clocks = api.get(f"/complaints/{refs[0]}/clocks").json()
    resolution = next(c for c in clocks if c["code"] == "resolution")
    assert resolution["status"] == "running"
    # Received Friday 27 February, registered Monday 2 March 2026 at 11:00. 20 working days
    # from the receipt (001 第二十二条 自受理投诉之日起), the 调休 Saturday 28 February the
    # first of them: close of business on Thursday 26 March, 18 working days from now.
    assert resolution["due_at"] == "2026-03-26T09:00:00Z"
    assert resolution["left"] == 18 and resolution["left_unit"] == "working_days"
