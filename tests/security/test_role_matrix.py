"""The role matrix (issue 14 item 8): every role against every web action and every API
operation, expected allowed or refused, in one table a compliance officer can read
(role_matrix.csv beside this file).

The table's rows must be exactly the actions the workbench offers (the action table,
web/complaint/actions/table.py) and the operations the API publishes (its OpenAPI
document): a new action or operation without a row fails here. Each cell is checked by
doing it: the case is walked to a state where the action can be taken, then each member
of the cast (one role each) tries it, through the workbench and through an API token
with every scope, inside a savepoint that is rolled back, so every cell starts from the
same case.

What a cell says:
  allowed  the step was taken (web: back to the complaint page; API: 200)
  refused  403: the case is in sight but the role may not (NotPermitted)
  hidden   404: the case is out of this person's sight (as missing and forbidden are alike)
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse

from redress.api import tokens
from redress.api.models import Scope
from redress.complaints import services as svc
from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from redress.web.complaint.actions.table import SPECS
from tests.conftest import Walk, at, complaint_input

TABLE = Path(__file__).with_name("role_matrix.csv")
# The cast's attribute for each role (tests/conftest.py's Org: one role each).
ROLES = {"intake": "intake", "handler": "handler", "dept_head": "dept_head", "complaints_office": "office",
         "cro": "cro", "senior_management": "senior", "callback": "callback", "compliance": "compliance",
         "auditor": "auditor"}
VERDICTS = {"allowed", "refused", "hidden"}
START = at(2026, 3, 2, 9)
NOW = at(2026, 3, 2, 11)


def read_table() -> list[dict]:
    with TABLE.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def openapi_operations() -> set[str]:
    from redress.api.main import api

    document = api.get_openapi_schema()
    return {op["operationId"] for ops in document["paths"].values() for op in ops.values()}


def test_the_table_has_a_row_for_every_web_action_and_api_operation():
    rows = read_table()
    web = {r["operation"] for r in rows if r["surface"] == "web"}
    api = {r["operation"] for r in rows if r["surface"] == "api"}
    assert web == {str(a) for a in SPECS}, (f"web actions without a row: {sorted({str(a) for a in SPECS} - web)}; "
                                          f"rows for no action: {sorted(web - {str(a) for a in SPECS})}")
    ops = openapi_operations()
    assert api == ops, f"API operations without a row: {sorted(ops - api)}; rows for none: {sorted(api - ops)}"
    for row in rows:
        assert {row[role] for role in ROLES} <= VERDICTS, row


# --- the cases each action is tried on -------------------------------------------------------


def received(org):
    with frozen(START):
        return svc.complaint_receive(actor=org.intake, data=complaint_input(), register=False)


def registered(org):
    return Walk(org, START).c


def assessed(org):
    return Walk(org, START).assess().c


def dispatched(org):
    return Walk(org, START).assess().dispatch().c


def investigating(org):
    return Walk(org, START).assess().dispatch().accept().c


def proposed(org):
    return Walk(org, START).assess().dispatch().accept().propose().c


def approved(org):
    return Walk(org, START).assess().dispatch().accept().propose().approve().c


def awaiting_callback(org):
    return Walk(org, START).to_awaiting_callback().c


def closed(org):
    return Walk(org, START).to_awaiting_callback().callback().c


def economic_dispute(org):
    return Walk(org, START, amount_claimed="100000").c


def referred(org):
    c = investigating(org)
    with frozen(START):
        return svc.complaint_refer(c, actor=org.office, kind="mediation", authority="sac_mediation")


def remedy_pending(org):
    remedy = svc.RemedyInput(kind="rectification", description="整改委托提示", due_date=date(2026, 3, 20))
    c = Walk(org, START).assess().dispatch().accept().propose(remedies=[remedy]).approve().communicate().c
    org.remedy_id = c.remedies.get().pk
    return c


def extension_requested(org):
    c = investigating(org)
    with frozen(START):
        org.extension_id = svc.extension_request(c, actor=org.handler, working_days=5, reason="需调取录音",
                                                 plan="三日内调取并答复").pk
    return Complaint.objects.get(pk=c.pk)


def paused(org, ask_approval=False):
    c = investigating(org)
    with frozen(START):
        org.pause_id = svc.pause_clocks(c, actor=org.handler, reason_code="external_appraisal", note="送交鉴定",
                                        ask_approval=ask_approval).pk
    return Complaint.objects.get(pk=c.pk)


def pause_awaiting_approval(org):
    return paused(org, ask_approval=True)


def handed_to_the_unit_head(org):
    c = investigating(org)
    with frozen(START):
        svc.transfer_request(c, actor=org.office, to_staff=org.dept_head, reason="休假交接")
    return Complaint.objects.get(pk=c.pk)


def report_owed_to_the_police(org):
    c = Walk(org, START).assess(category="stolen_funds", severity="major").c
    org.report_id = c.authority_reports.get(authority="police").pk
    return c


def followed_up_six_months(org):
    return Walk(org, START).to_awaiting_callback().callback(satisfied=False).c


def with_a_statement(org):
    c = registered(org)
    with frozen(START):
        org.evidence_id = svc.evidence_add(c, actor=org.intake, name="对账单.pdf", content_type="application/pdf",
                                           data=PDF).pk
    return c


def beside_another(org):
    """A registered complaint, and another one (org.other) to link it to."""
    org.other = registered(org)
    return registered(org)


TEXT = "已核实委托记录,系统当时运行正常。"
PDF = b"%PDF-1.4\n% statement of account\n"


@dataclass(frozen=True)
class Try:
    case: Callable
    body: dict | Callable = field(default_factory=dict)  # or (org) -> the body, for what the case made
    web: Callable | None = None  # (org) -> the form's fields, where they differ from the API body
    when: datetime = NOW  # when the cell is tried

    def fields(self, org) -> dict:
        return self.body(org) if callable(self.body) else self.body


TRIES: dict[str, Try] = {
    "register": Try(received),
    "answer_inquiry": Try(received, {"answer": TEXT}),
    "resolve_on_spot": Try(received, {"resolution": TEXT}),
    "redirect": Try(registered, {"authority": "police", "note": "请向公安机关报案"}),
    "assess": Try(registered, {"category": "counter", "severity": "medium", "urgency": "normal"}),
    "dispatch": Try(assessed, {"unit": "branch_tianhe"}, web=lambda org: {"unit": org.branch.pk}),
    "accept_assignment": Try(dispatched),
    "return_assignment": Try(dispatched, {"reason": "不属于本部门"}),
    "add_finding": Try(investigating, {"kind": "note", "text": TEXT}),
    "record_contact": Try(investigating, {"channel": "phone", "note": TEXT}),
    "add_party": Try(investigating, {"kind": "unit", "unit": "branch_tianhe"},
                     web=lambda org: {"kind": "unit", "unit": org.branch.pk}),
    "propose": Try(investigating, {"summary": "致歉并说明规则", "facts": TEXT, "responsibility": "customer"},
                   web=lambda org: {"summary": "致歉并说明规则", "facts": TEXT, "responsibility": "customer",
                                    "remedies-TOTAL_FORMS": "0", "remedies-INITIAL_FORMS": "0"}),
    "approve": Try(proposed),
    "reject": Try(proposed, {"note": "事实不清"}),
    "communicate_result": Try(approved, {"channel": "phone", "body": TEXT}),
    "record_callback": Try(awaiting_callback, {"satisfied": True}, web=lambda org: {"satisfied": "yes", "channel": "phone"}),
    "withdraw": Try(investigating, {"reason": "客户撤回"}),
    "escalate": Try(investigating, {"reason": "客户情绪激动"}),
    "send_message": Try(investigating, {"kind": "progress", "channel": "phone", "body": "您的投诉正在处理中。"}),
    "archive": Try(closed, {"root_cause": "客户不了解涨跌停规则"}),
    "view_personal_data": Try(registered, {"purpose": "回访核对身份"}),
    "clear_economic_dispute": Try(economic_dispute, {"reason": "金额系客户笔误"}),
    "refer": Try(investigating, {"kind": "mediation", "authority": "sac_mediation"}),
    "record_referral_outcome": Try(referred, {"outcome": "调解成功,客户撤回诉求"}),
    "recomplain": Try(closed, {"cause": "对处理结果仍不认可", "channel": "phone"}),
    "request_extension": Try(investigating, {"working_days": 5, "reason": "需调取录音", "plan": "三日内调取并答复"}),
    "pause_clock": Try(investigating, {"reason_code": "external_appraisal", "note": "送交鉴定"}),
    "request_transfer": Try(investigating, {"to_staff": "handler2", "reason": "休假交接"},
                            web=lambda org: {"to_staff": org.handler2.pk, "reason": "休假交接"}),
    "record_accountability": Try(closed, {"action": "书面警告", "description": TEXT, "unit": "branch_tianhe"},
                                 web=lambda org: {"action": "书面警告", "description": TEXT, "unit": org.branch.pk}),
    "execute_remedy": Try(remedy_pending, lambda org: {"remedy_id": org.remedy_id, "note": "已整改"}),
    "waive_remedy": Try(remedy_pending, lambda org: {"remedy_id": org.remedy_id, "reason": "客户书面放弃整改要求"}),
    "close_without_callback": Try(awaiting_callback, {"reason": "客户明确拒绝回访"}),
    "decide_extension": Try(extension_requested, lambda org: {"extension_id": org.extension_id, "approve": True},
                            web=lambda org: {"extension_id": org.extension_id, "approve": "yes"}),
    "resume_clock": Try(paused),
    "decide_pause": Try(pause_awaiting_approval, lambda org: {"pause_id": org.pause_id, "approve": True},
                        web=lambda org: {"pause_id": org.pause_id, "approve": "yes"}),
    "accept_transfer": Try(handed_to_the_unit_head),
    "record_authority_report": Try(report_owed_to_the_police, lambda org: {
        "report_id": org.report_id, "reported_at": "2026-03-02T10:30:00+08:00", "how": "phone",
        "receipt": "110-20260302-0042"}, web=lambda org: {
        "report_id": org.report_id, "reported_at": "2026-03-02T10:30", "how": "phone", "receipt": "110-20260302-0042"}),
    "receive_customer_message": Try(investigating, {"channel": "phone", "body": "请尽快处理"}),
    "deem_closed": Try(followed_up_six_months, {"note": "跟进六个月,客户未再提出"}, when=at(2026, 10, 2, 11)),
    "link": Try(beside_another, lambda org: {"other": org.other.reference, "kind": "related"}),
}

API_READS = {  # operation id -> (case, path with {reference} and {evidence})
    "redress_api_routes_complaints_list_complaints": (registered, "/api/complaints"),
    "redress_api_routes_complaints_get_complaint": (registered, "/api/complaints/{reference}"),
    "redress_api_routes_complaints_list_events": (registered, "/api/complaints/{reference}/events"),
    "redress_api_routes_complaints_list_clocks": (registered, "/api/complaints/{reference}/clocks"),
    "redress_api_routes_evidence_list_evidence": (registered, "/api/complaints/{reference}/evidence"),
    "redress_api_routes_evidence_download_evidence": (
        with_a_statement, "/api/complaints/{reference}/evidence/{evidence}/file"),
    "redress_api_register_register_page": (registered, "/api/reports/register"),
    "redress_api_register_register_columns": (registered, "/api/reports/register/columns"),
    "redress_api_routes_returns_list_returns": (registered, "/api/returns"),
    "redress_api_routes_statistics_statistics": (registered, "/api/statistics"),
}


NOT_YET_TRIED = {  # rows whose cells say what the services' rules give, not yet performed here
    ("api", "redress_api_routes_returns_produce"), ("api", "redress_api_routes_returns_download"),
    ("api", "redress_api_routes_batch_create_batch"),
}


def test_every_row_is_tried_on_the_case_its_state_names():
    tried = {("web", a): t.case.__name__ for a, t in TRIES.items()} | {
        ("api", f"action_{a}"): t.case.__name__ for a, t in TRIES.items()} | {
        ("api", op): case.__name__ for op, (case, _) in API_READS.items()} | {
        ("api", "redress_api_routes_evidence_upload_evidence"): "registered",
        ("api", "redress_api_routes_complaints_create_complaint"): "none"}
    for key, row in ROWS.items():
        if key in NOT_YET_TRIED:
            assert row["tried"] == "no", key
            continue
        assert key in tried, f"{key}: no case to try it on (add it to TRIES)"
        assert (row["state"], row["tried"]) == (tried[key], "yes"), key


def web_verdict(response) -> str:
    if response.status_code == 302:
        return "allowed"
    if response.status_code in (403, 404):
        return {403: "refused", 404: "hidden"}[response.status_code]
    errors = response.context["form"].errors if response.context and response.context.get("form") else ""
    return f"error {response.status_code} {errors}"


def api_verdict(response) -> str:
    verdict = {200: "allowed", 201: "allowed", 403: "refused", 404: "hidden"}.get(response.status_code)
    return verdict or f"error {response.status_code} {response.content[:300]!r}"


class Cell:
    """One role tries one thing; whatever it did is rolled back."""

    def __init__(self, org):
        self.org = org
        self.secrets = {role: tokens.issue(name=f"matrix {role}", staff=getattr(org, who),
                                           scopes=list(Scope.values)).secret for role, who in ROLES.items()}

    def web(self, role: str, reference: str, action: str, data: dict) -> str:
        client = Client()
        client.force_login(getattr(self.org, ROLES[role]))
        with transaction.atomic():
            version = Complaint.objects.get(reference=reference).version
            response = client.post(reverse("web:complaint:actions:act", kwargs={"reference": reference, "action": action}),
                                   {**data, "version": version})
            transaction.set_rollback(True)
        return web_verdict(response)

    def api(self, role: str, method: str, path: str, body: dict | None = None) -> str:
        client = Client(headers={"Authorization": f"Bearer {self.secrets[role]}"})
        with transaction.atomic():
            if method == "get":
                response = client.get(path)
            elif method == "upload":
                response = client.post(path, body)
            else:
                response = client.post(path, json.dumps(body or {}, ensure_ascii=False),
                                       content_type="application/json")
            transaction.set_rollback(True)
        return api_verdict(response)


def web_form(body: dict) -> dict:
    return {k: ("on" if v is True else v) for k, v in body.items() if v is not False}


ROWS = {(r["surface"], r["operation"]): r for r in read_table()}
TRIED_WEB = sorted(a for a in TRIES if ("web", a) in ROWS)
TRIED_API = sorted(a for a in TRIES if ("api", f"action_{a}") in ROWS)


def _compare(surface: str, operation: str, seen: dict[str, str]) -> None:
    expected = {role: ROWS[surface, operation][role] for role in ROLES}
    wrong = {role: f"expected {expected[role]}, was {seen[role]}" for role in ROLES if seen[role] != expected[role]}
    assert not wrong, f"{surface} {operation}: {wrong}"


@pytest.mark.parametrize("action", TRIED_WEB)
def test_each_role_through_the_workbench(org, action):
    attempt = TRIES[action]
    complaint = attempt.case(org)
    cell = Cell(org)
    data = attempt.web(org) if attempt.web is not None else web_form(attempt.fields(org))
    with frozen(attempt.when):
        seen = {role: cell.web(role, complaint.reference, action, data) for role in ROLES}
    _compare("web", action, seen)


@pytest.mark.parametrize("action", TRIED_API)
def test_each_role_through_the_api(org, action):
    attempt = TRIES[action]
    complaint = attempt.case(org)
    cell = Cell(org)
    path = f"/api/complaints/{complaint.reference}/actions/{action}"
    with frozen(attempt.when):
        seen = {role: cell.api(role, "post", path, {"expected_version": complaint.version, **attempt.fields(org)})
                for role in ROLES}
    _compare("api", f"action_{action}", seen)


@pytest.mark.parametrize("operation", sorted(API_READS))
def test_each_role_reads_through_the_api(org, operation):
    case, path = API_READS[operation]
    complaint = case(org)
    cell = Cell(org)
    path = path.format(reference=complaint.reference, evidence=getattr(org, "evidence_id", None))
    with frozen(NOW):
        seen = {role: cell.api(role, "get", path) for role in ROLES}
    _compare("api", operation, seen)


def test_each_role_uploads_evidence_through_the_api(org):
    complaint = registered(org)
    cell = Cell(org)
    path = f"/api/complaints/{complaint.reference}/evidence"
    with frozen(NOW):
        seen = {role: cell.api(role, "upload", path, {
            "file": SimpleUploadedFile("对账单.pdf", PDF, content_type="application/pdf"), "source": "customer"})
            for role in ROLES}
    _compare("api", "redress_api_routes_evidence_upload_evidence", seen)


def test_each_role_takes_a_complaint_down_through_the_api(org):
    from tests.api.conftest import new_complaint

    cell = Cell(org)
    with frozen(NOW):
        seen = {role: cell.api(role, "post", "/api/complaints", new_complaint()) for role in ROLES}
    _compare("api", "redress_api_routes_complaints_create_complaint", seen)
