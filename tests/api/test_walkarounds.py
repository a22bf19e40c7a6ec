"""The API refuses the ways around 004 第十六条 and 001 第十四条 as the workbench does: 403
(not_permitted) or 422 (invalid, naming the field), in its one JSON error shape."""

from __future__ import annotations

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from tests.api.conftest import NOW, events_of, new_complaint
from tests.conftest import grant


def _ok(response) -> dict:
    assert response.status_code == 200, response.json()
    return response.json()


def _not_permitted(response, rule: str) -> None:
    assert response.status_code == 403, response.json()
    body = response.json()
    assert body["code"] == "not_permitted" and rule in body["rule"], body


def test_the_office_cannot_clear_an_economic_dispute_through_the_api(api_as):
    created = api_as("intake").post("/complaints", new_complaint(amount_claimed="100000")).json()
    reference, v = created["reference"], created["version"]
    office = api_as("office")
    _not_permitted(office.act(reference, "assess", v, category="counter", severity="low", is_economic_dispute=False),
                   "004 第十六条")
    _not_permitted(office.act(reference, "clear_economic_dispute", v, reason="客户未要求赔偿"), "004 第十六条")
    response = api_as("cro").act(reference, "clear_economic_dispute", v, reason="")
    assert response.status_code == 422 and response.json()["field"] == "reason"
    cleared = _ok(api_as("cro").act(reference, "clear_economic_dispute", v, reason="金额系客户笔误"))
    assert cleared["complaint"]["is_economic_dispute"] is False
    assert events_of(reference)[-1] == EventType.ECONOMIC_DISPUTE_CLEARED


def test_the_office_cannot_approve_a_claim_made_in_words(api_as):
    created = api_as("intake").post("/complaints", new_complaint(request="要求公司赔偿全部损失")).json()
    reference, v = created["reference"], created["version"]
    office, handler = api_as("office"), api_as("handler")
    v = _ok(office.act(reference, "assess", v, category="counter", severity="low"))["complaint"]["version"]
    v = _ok(office.act(reference, "dispatch", v, unit="branch_tianhe"))["complaint"]["version"]
    v = _ok(handler.act(reference, "accept_assignment", v))["complaint"]["version"]
    proposed = _ok(handler.act(reference, "propose", v, summary="致歉并说明规则", facts="系统延迟",
                               responsibility="customer"))
    assert proposed["result"]["approver_roles"] == ["cro", "senior_management"]
    v = proposed["complaint"]["version"]
    _not_permitted(office.act(reference, "approve", v), "004 第十六条")
    assert _ok(api_as("cro").act(reference, "approve", v))["complaint"]["state"] == "approved"


def test_an_employee_named_in_the_complaint_sees_it_listed_but_may_not_read_or_work_it(org, api_as):
    created = api_as("intake").post("/complaints", new_complaint()).json()
    reference = created["reference"]
    with frozen(NOW):
        svc.party_add(Complaint.objects.get(reference=reference), actor=org.office, kind="employee",
                      staff=org.office2, description="经纪业务主管部门员工")
    named = api_as("office2")
    listed = named.get("/complaints").json()
    assert reference in [c["reference"] for c in listed["items"]]
    for path in ("", "/events", "/clocks", "/evidence"):
        _not_permitted(named.get(f"/complaints/{reference}{path}"), "001 第十四条")
    version = Complaint.objects.get(reference=reference).version
    _not_permitted(named.act(reference, "assess", version, category="counter", severity="low"), "001 第十四条")
    _not_permitted(named.act(reference, "view_personal_data", version, fields=["phone"], purpose="回电"),
                   "001 第十四条")
    assert api_as("office").get(f"/complaints/{reference}").status_code == 200


def test_marketing_staff_with_the_office_role_are_refused_in_the_api(org, api_as):
    created = api_as("intake").post("/complaints", new_complaint()).json()
    grant(org.marketer, "complaints_office")
    marketer = api_as("marketer")
    _not_permitted(marketer.get(f"/complaints/{created['reference']}"), "001 第十四条")
    _not_permitted(marketer.act(created["reference"], "escalate", created["version"], reason="客户情绪激动"),
                   "001 第十四条")
