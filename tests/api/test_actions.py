"""POST /api/complaints/{reference}/actions/{action}: the same services as the workbench,
via="api", with the version the caller saw."""

from __future__ import annotations

import pytest

from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, Event
from tests.api.conftest import events_of, new_complaint


@pytest.fixture
def registered(api_as):
    body = api_as("intake").post("/complaints", new_complaint()).json()
    return body["reference"], body["version"]


def step(api, reference, action, version, **body):
    response = api.act(reference, action, version, **body)
    assert response.status_code == 200, response.json()
    return response.json()


def test_a_complaint_walks_from_registered_to_archived_through_the_api(registered, api_as):
    reference, v = registered
    office, handler, callback = api_as("office"), api_as("handler"), api_as("callback")
    v = step(office, reference, "assess", v, category="counter", severity="medium")["complaint"]["version"]
    dispatched = step(office, reference, "dispatch", v, unit="branch_tianhe", instructions="请于当日联系客户")
    assert dispatched["result"]["assignment"] > 0 and dispatched["complaint"]["state"] == "dispatched"
    v = dispatched["complaint"]["version"]
    v = step(handler, reference, "accept_assignment", v)["complaint"]["version"]
    v = step(handler, reference, "record_contact", v, channel="phone", note="已致电客户说明处理流程")["complaint"]["version"]
    proposed = step(handler, reference, "propose", v, summary="解释委托规则并致歉", facts="委托价格超出涨跌停限制",
                    responsibility="customer", legal_basis="交易规则第3.3条")
    assert proposed["complaint"]["state"] == "proposed" and proposed["result"]["approver_roles"]
    v = step(office, reference, "approve", proposed["complaint"]["version"])["complaint"]["version"]
    told = step(handler, reference, "communicate_result", v, channel="phone",
                body="经核实,您的委托价格超出当日涨跌停限制,被交易所作废。依据交易规则第3.3条。",
                customer_opinion="客户表示理解")
    assert told["complaint"]["state"] == "awaiting_callback"
    assert Complaint.objects.get(reference=reference).customer_opinion == "客户表示理解"
    closed = step(callback, reference, "record_callback", told["complaint"]["version"], satisfied=True)
    assert closed["complaint"]["state"] == "closed"
    archived = step(office, reference, "archive", closed["complaint"]["version"], root_cause="customer_misunderstanding")
    assert archived["complaint"]["state"] == "archived" and archived["complaint"]["allowed_actions"] == \
        ["recomplain", "link", "view_personal_data"]
    assert events_of(reference)[-1] == EventType.ARCHIVED
    assert set(Event.objects.filter(complaint__reference=reference).values_list("channel", flat=True)) == {"api"}


def test_an_invalid_transition_is_409_with_the_state_and_what_is_allowed(registered, api_as):
    reference, v = registered
    response = api_as("office").act(reference, "archive", v)
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition" and body["state"] == "registered"
    assert "assess" in body["allowed"] and "archive" not in body["allowed"]


def test_a_stale_version_is_409_and_changes_nothing(registered, api_as):
    reference, v = registered
    office = api_as("office")
    step(office, reference, "assess", v, category="counter", severity="low")
    response = office.act(reference, "assess", v, category="marketing", severity="high")
    assert response.status_code == 409
    assert response.json()["code"] == "stale" and response.json()["actual"] == v + 1
    assert office.get(f"/complaints/{reference}").json()["category"] == "counter"


def test_a_role_rule_is_403_with_the_rule(registered, api_as):
    reference, v = registered
    response = api_as("callback").act(reference, "assess", v, category="counter", severity="low")
    assert response.status_code == 404  # the callback desk does not even see a registered case
    response = api_as("auditor").act(reference, "assess", v, category="counter", severity="low")
    assert response.status_code == 403
    assert response.json()["code"] == "not_permitted" and "complaints_office" in response.json()["rule"]


def test_maker_checker_holds_through_the_api(registered, api_as, org):
    from tests.conftest import grant

    reference, v = registered
    office, handler = api_as("office"), api_as("handler")
    v = step(office, reference, "assess", v, category="counter", severity="medium")["complaint"]["version"]
    v = step(office, reference, "dispatch", v, unit="branch_tianhe")["complaint"]["version"]
    v = step(handler, reference, "accept_assignment", v)["complaint"]["version"]
    v = step(handler, reference, "propose", v, summary="致歉", facts="系统延迟", responsibility="institution")[
        "complaint"]["version"]
    grant(org.handler, "complaints_office")
    response = handler.act(reference, "approve", v)
    assert response.status_code == 403 and response.json()["code"] == "not_permitted"


def test_a_service_validation_error_names_its_field(registered, api_as):
    reference, v = registered
    office = api_as("office")
    response = office.act(reference, "assess", v, category="astrology", severity="low")
    assert response.status_code == 422
    assert response.json()["field"] == "category"
    v = step(office, reference, "assess", v, category="counter", severity="low")["complaint"]["version"]
    response = office.act(reference, "dispatch", v, unit="nowhere")
    assert response.status_code == 422 and response.json()["field"] == "unit"


def test_each_action_body_is_typed_and_closed(registered, api_as):
    reference, v = registered
    office = api_as("office")
    missing = office.post(f"/complaints/{reference}/actions/assess", {"category": "counter", "severity": "low"})
    assert missing.status_code == 422 and missing.json()["field"] == "expected_version"
    extra = office.act(reference, "assess", v, category="counter", severity="low", colour="red")
    assert extra.status_code == 422 and extra.json()["field"] == "colour"
    wrong = office.act(reference, "assess", v, category="counter", severity="catastrophic")
    assert wrong.status_code == 422 and wrong.json()["field"] == "severity"
    huge = office.post(f"/complaints/{reference}/actions/assess", {"expected_version": 10**40, "category": "c",
                                                                    "severity": "low"})
    assert huge.status_code == 422 and huge.json()["field"] == "expected_version"


def test_an_unknown_action_is_404_and_lists_the_actions(registered, api_as):
    reference, v = registered
    response = api_as("office").act(reference, "teleport", v)
    assert response.status_code == 404
    assert "assess" in response.json()["message"]


def test_revealing_personal_data_returns_it_unmasked_and_records_it(registered, api_as):
    reference, v = registered
    response = step(api_as("intake"), reference, "view_personal_data", v, fields=["phone"],
                    purpose="回拨客户确认诉求")
    assert response["complaint"]["customer"]["phone"] == "13800138000"
    assert response["complaint"]["customer"]["masked"] is False
    assert events_of(reference)[-1] == EventType.PERSONAL_DATA_VIEWED


def test_an_auditor_may_not_reveal_personal_data(registered, api_as):
    reference, v = registered
    response = api_as("auditor").act(reference, "view_personal_data", v, purpose="检查")
    assert response.status_code == 403


def test_a_relayed_customer_message_and_an_escalation(registered, api_as):
    reference, v = registered
    intake = api_as("intake")
    relayed = step(intake, reference, "receive_customer_message", v, body="客户来电补充:涉及金额五万元", channel="phone")
    assert relayed["result"]["communication"] > 0
    v = relayed["complaint"]["version"]
    escalated = step(intake, reference, "escalate", v, reason="客户表示将向证监局投诉", severity="high")
    assert escalated["complaint"]["escalated"] is True and escalated["complaint"]["severity"] == "high"
    assert events_of(reference)[-2:] == [EventType.MESSAGE_RECEIVED, EventType.ESCALATED]


def test_a_forbidden_phrase_is_422_naming_the_phrase(registered, api_as):
    reference, v = registered
    response = api_as("intake").act(reference, "send_message", v, kind="progress", channel="phone",
                                    body="这事情的责任不在我公司,请您理解。")
    assert response.status_code == 422
    assert response.json()["code"] == "forbidden_phrases" and response.json()["field"] == "body"


def test_link_to_a_complaint_this_token_cannot_see_is_422(registered, api_as):
    reference, v = registered
    other = api_as("intake2").post("/complaints", new_complaint()).json()["reference"]
    response = api_as("intake").act(reference, "link", v, other=other, kind="related")
    assert response.status_code == 422 and response.json()["field"] == "other"


def test_a_redirect_note_with_a_disguised_phrase_is_422_and_goes_through_confirmed(api_as):
    intake = api_as("intake")
    created = intake.post("/complaints", new_complaint(register=False)).json()
    reference, v = created["reference"], created["version"]
    response = intake.act(reference, "redirect", v, authority="police", note="此事與我司無關,我司沒錯")
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "forbidden_phrases" and body["field"] == "note"
    assert body["matched"] == [{"phrase": "我公司没有错", "text": "我司沒錯"}]
    done = step(intake, reference, "redirect", v, authority="police", note="此事與我司無關,我司沒錯",
                confirm_phrases=["我公司没有错"])
    assert done["complaint"]["state"] == "redirected"


def test_a_report_to_the_police_is_recorded_through_the_api_with_its_receipt(registered, api_as):
    reference, v = registered
    office = api_as("office")
    assessed = step(office, reference, "assess", v, category="stolen_funds", severity="major")["complaint"]
    police = next(r for r in assessed["authority_reports"] if r["authority"] == "police")
    assert police["status"] == "open" and "record_authority_report" in assessed["allowed_actions"]
    refused = office.act(reference, "record_authority_report", assessed["version"], report_id=police["id"],
                         reported_at="2026-03-02T10:30:00+08:00", how="phone")
    assert refused.status_code == 422 and refused.json()["field"] == "receipt"
    refused = api_as("intake").act(reference, "record_authority_report", assessed["version"],
                                    report_id=police["id"], reported_at="2026-03-02T10:30:00+08:00", how="phone",
                                    receipt="110-20260302-0042")
    assert refused.status_code == 403
    done = step(office, reference, "record_authority_report", assessed["version"], report_id=police["id"],
                reported_at="2026-03-02T10:30:00+08:00", how="phone", receipt="110-20260302-0042")
    assert done["result"] == {"authority_report": police["id"], "status": "done"}
    police = next(r for r in done["complaint"]["authority_reports"] if r["authority"] == "police")
    assert (police["status"], police["receipt"], police["how"]) == ("done", "110-20260302-0042", "phone")
    assert events_of(reference)[-1] == EventType.AUTHORITY_REPORT_RECORDED


def test_pausing_through_the_api_takes_a_reason_the_policy_lists(registered, api_as):
    reference, v = registered
    office, handler = api_as("office"), api_as("handler")
    v = step(office, reference, "assess", v, category="counter", severity="medium")["complaint"]["version"]
    v = step(office, reference, "dispatch", v, unit="branch_tianhe")["complaint"]["version"]
    v = step(handler, reference, "accept_assignment", v)["complaint"]["version"]
    refused = handler.act(reference, "pause_clock", v, reason_code="waiting", note="等材料")
    assert refused.status_code == 422 and refused.json()["field"] == "reason_code"
    paused = step(handler, reference, "pause_clock", v, reason_code="external_appraisal", note="送交鉴定",
                  ask_approval=True)
    assert paused["result"]["pause"] > 0 and paused["result"]["approval_due_at"]
    decided = step(office, reference, "decide_pause", paused["complaint"]["version"],
                   pause_id=paused["result"]["pause"], approve=True)
    assert decided["result"]["approval"] == "approved"
    assert events_of(reference)[-3:] == [EventType.CLOCK_PAUSED, EventType.PAUSE_APPROVAL_ASKED,
                                         EventType.PAUSE_APPROVED]


def test_the_office_dispatches_to_a_person_through_the_api(registered, api_as, org):
    reference, v = registered
    office, handler = api_as("office"), api_as("handler")
    v = step(office, reference, "assess", v, category="counter", severity="medium")["complaint"]["version"]
    refused = office.act(reference, "dispatch", v, unit="branch_yuexiu", handler="handler2")
    assert refused.status_code == 422 and refused.json()["field"] == "handler"
    v = step(office, reference, "dispatch", v, handler="handler2")["complaint"]["version"]
    # sent to handler2: their colleague may not take it
    response = handler.act(reference, "accept_assignment", v)
    assert response.status_code == 403 and "handler2" in response.json()["message"]
    step(api_as("handler2"), reference, "accept_assignment", v)


def test_a_re_complaint_through_the_api_needs_todays_channel_and_takes_the_sum_claimed(api_as, org, walk):
    w = walk().to_awaiting_callback().callback(satisfied=True)
    intake = api_as("intake")
    missing = intake.act(w.c.reference, "recomplain", w.c.version, cause="仍不认可处理结果")
    assert missing.status_code == 422 and missing.json()["field"] == "channel"
    done = step(intake, w.c.reference, "recomplain", w.c.version, cause="仍不认可处理结果", channel="email",
                amount_claimed="650.00")
    new = Complaint.objects.get(reference=done["result"]["new_reference"])
    assert new.channel == "email" and str(new.amount_claimed) == "650.00"
