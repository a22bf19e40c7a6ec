"""The clock rules hold through the API as through the workbench: clocks from the
receipt, no extension after the limit, a further one only with a note of the consent
(001 第二十二条) — 422 with the JSON error shape, in the caller's language."""

from __future__ import annotations

from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from tests.api.conftest import new_complaint
from tests.conftest import at


def test_a_complaint_taken_down_earlier_runs_its_clocks_from_then(api_as):
    # Entered on 16 March, received on 2 March: due 30 March, and the registration late.
    api = api_as("intake")
    with frozen(at(2026, 3, 16, 9)):
        body = api.post("/complaints", new_complaint(received_at="2026-03-02T10:00:00+08:00")).json()
        clocks = {c["code"]: c for c in api.get(f"/complaints/{body['reference']}/clocks").json()}
    assert clocks["resolution"]["due_at"].startswith("2026-03-30")
    assert clocks["registration"]["status"] == "stopped" and clocks["registration"]["breached"]


def test_a_complaint_left_received_has_a_running_clock(api_as):
    api = api_as("intake")
    body = api.post("/complaints", new_complaint(register=False)).json()
    clocks = api.get(f"/complaints/{body['reference']}/clocks").json()
    assert [(c["code"], c["status"]) for c in clocks] == [("registration", "running")]


def extendable(walk):
    return walk(at(2026, 3, 2)).assess().dispatch().accept().c


def granted(c, org, working_days: int):
    """An extension asked for and granted on 10 March; the complaint as it is after."""
    from redress.complaints import services as svc

    with frozen(at(2026, 3, 10)):
        ext = svc.extension_request(c, actor=org.handler, working_days=working_days, reason="待回函",
                                    plan="回函后答复")
        svc.extension_decide(c, actor=org.office, extension_id=ext.pk, approve=True)
    c.refresh_from_db()
    return ext


def test_an_extension_after_the_limit_is_422_naming_the_rule(walk, api_as):
    c = extendable(walk)
    with frozen(at(2026, 3, 31, 9)):
        response = api_as("handler").act(c.reference, "request_extension", c.version, working_days=5,
                                          reason="待回函", plan="回函后答复")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid" and body["field"] == "due_at"
    assert "001 第二十二条" in body["message"] and "届满" in body["message"]  # zh-hans by default
    assert not Complaint.objects.get(pk=c.pk).extensions.exists()


def test_granting_an_extension_after_the_limit_is_422(walk, api_as, org):
    from redress.complaints import services as svc

    c = extendable(walk)
    with frozen(at(2026, 3, 25, 16)):
        ext = svc.extension_request(c, actor=org.handler, working_days=5, reason="待回函", plan="回函后答复")
    c.refresh_from_db()
    with frozen(at(2026, 3, 31, 9)):
        response = api_as("office").post(f"/complaints/{c.reference}/actions/decide_extension",
                                          {"expected_version": c.version, "extension_id": ext.pk, "approve": True},
                                          **{"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["field"] == "due_at" and "can no longer be granted" in response.json()["message"]


def test_a_further_extension_with_consent_but_no_note_is_422(walk, api_as, org):
    c = extendable(walk)
    granted(c, org, 10)
    with frozen(at(2026, 4, 13)):
        response = api_as("handler").act(c.reference, "request_extension", c.version, working_days=5,
                                          reason="仍待回函", plan="p", customer_consent=True)
    assert response.status_code == 422
    assert response.json()["field"] == "customer_consent" and "001 第二十二条" in response.json()["message"]


def test_the_customer_is_told_of_a_granted_extension_through_the_api(walk, api_as, org):
    # 001 第二十二条: the message names the extension it tells of, and the extension records it
    c = extendable(walk)
    ext = granted(c, org, 5)
    with frozen(at(2026, 3, 10, 11)):
        response = api_as("office").act(c.reference, "send_message", c.version, kind="progress", channel="phone",
                                         body="因待回函,您的投诉办结期限延至2026-04-02。", extension_id=ext.pk)
    assert response.status_code == 200, response.json()
    ext.refresh_from_db()
    assert ext.customer_told_id == response.json()["result"]["communication"]
