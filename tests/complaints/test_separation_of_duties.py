"""SPEC §2: each separation-of-duties rule, enforced by the services."""

from __future__ import annotations

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted
from redress.complaints.lifecycle import State
from redress.complaints.timesource import frozen
from tests.conftest import at, complaint_input, grant

MARKETER_REFUSED = "marketer is marketing staff and may not accept or handle complaints (001 第十四条)"


def test_marketing_staff_cannot_accept_a_complaint(org):
    with frozen(at(2026, 3, 2)), pytest.raises(NotPermitted) as refused:
        svc.complaint_receive(actor=org.marketer, data=complaint_input())
    assert str(refused.value) == MARKETER_REFUSED


def test_marketing_staff_cannot_handle_a_complaint(org, walk):
    grant(org.marketer, "handler")
    w = walk().assess().dispatch()
    with frozen(w.when), pytest.raises(NotPermitted) as refused:
        svc.assignment_accept(w.c, actor=org.dept_head, handler=org.marketer)
    assert str(refused.value) == MARKETER_REFUSED
    assert w.c.state == State.DISPATCHED


def test_the_department_head_may_not_name_an_employee_the_complaint_names_as_its_handler(org, walk):
    """The head passes the door; the handler they name is the one the complaint is about."""
    w = walk(parties=[svc.PartyInput(kind="employee", staff=org.handler2)]).assess().dispatch()
    with frozen(w.when), pytest.raises(NotPermitted) as refused:
        svc.assignment_accept(w.c, actor=org.dept_head, handler=org.handler2)
    assert str(refused.value) == "handler2 is named in this complaint and may not accept or handle it (001 第十四条)"
    w.accept(handler=org.handler)  # anyone else in the unit
    assert w.c.handler_id == org.handler.pk


def test_an_employee_named_in_another_complaint_may_still_handle_this_one(org, walk):
    walk(parties=[svc.PartyInput(kind="employee", staff=org.handler)])
    w = walk(when=at(2026, 3, 3)).assess().dispatch().accept()
    assert w.c.handler_id == org.handler.pk


def test_employee_complained_about_cannot_accept_the_complaint(org):
    party = svc.PartyInput(kind="employee", staff=org.intake)
    with frozen(at(2026, 3, 2)), pytest.raises(NotPermitted, match="named in this complaint"):
        svc.complaint_receive(actor=org.intake, data=complaint_input(parties=[party]))


def test_employee_complained_about_cannot_handle_it(org, walk):
    w = walk(parties=[svc.PartyInput(kind="employee", staff=org.handler)]).assess().dispatch()
    with frozen(w.when), pytest.raises(NotPermitted, match="named in this complaint"):
        svc.assignment_accept(w.c, actor=org.handler)


def test_staff_a_unit_party_names_may_not_handle_it_as_intake_may_not_take_it(org, walk):
    # 投诉事项涉及的员工 (001 第十四条): a complaint against the branch that names its account
    # manager concerns that person, whatever kind of party carries the name.
    party = svc.PartyInput(kind="unit", unit=org.branch, staff=org.handler, description="客户经理")
    w = walk(parties=[party]).assess().dispatch()
    with frozen(w.when), pytest.raises(NotPermitted, match="named in this complaint"):
        svc.assignment_accept(w.c, actor=org.handler)
    with frozen(at(2026, 3, 2)), pytest.raises(NotPermitted, match="named in this complaint"):
        svc.complaint_receive(actor=org.intake, data=complaint_input(
            parties=[svc.PartyInput(kind="unit", unit=org.customer_service, staff=org.intake)]))


def test_naming_the_handler_as_a_party_removes_them_from_the_case(org, walk):
    w = walk().assess().dispatch().accept()
    with frozen(w.when):
        svc.party_add(w.c, actor=org.office, kind="employee", staff=org.handler, description="服务态度")
    w.c.refresh_from_db()
    assert w.c.handler is None
    with frozen(w.when), pytest.raises(NotPermitted):
        svc.finding_add(w.c, actor=org.handler, kind="note", text="...")


def test_handler_cannot_do_callback(org, walk):
    grant(org.handler, "callback")
    w = walk().to_awaiting_callback()
    with frozen(w.when), pytest.raises(NotPermitted) as refused:
        svc.callback_record(w.c, actor=org.handler, satisfied=True)
    assert str(refused.value) == "handler handled this complaint and may not do its callback (001 第二十三条)"
    assert w.c.state == State.AWAITING_CALLBACK


def test_involved_employee_cannot_do_callback(org, walk):
    w = walk(parties=[svc.PartyInput(kind="employee", staff=org.callback)]).to_awaiting_callback()
    with frozen(w.when), pytest.raises(NotPermitted, match="named in this complaint"):
        svc.callback_record(w.c, actor=org.callback, satisfied=True)


def test_callback_needs_the_callback_role(org, walk):
    w = walk().to_awaiting_callback()
    with frozen(w.when), pytest.raises(NotPermitted, match="callback"):
        svc.callback_record(w.c, actor=org.office, satisfied=True)


def test_economic_dispute_needs_the_chief_risk_officer(org, walk):
    w = walk(amount_claimed="300").assess().dispatch().accept().propose(compensation="300")
    assert w.proposal.approver_roles == ["cro", "senior_management"] or "cro" in w.proposal.approver_roles
    with frozen(w.when), pytest.raises(NotPermitted, match="cro"):
        svc.resolution_decide(w.c, actor=org.office, approve=True)
    w.approve(by=org.cro)
    assert w.c.state == State.APPROVED


def test_small_non_money_resolution_is_approved_per_authority_matrix(org, walk):
    w = walk().assess(severity="low").dispatch().accept().propose()
    assert "complaints_office" in w.proposal.approver_roles
    assert "cro" not in w.proposal.approver_roles


def test_head_of_the_responsible_unit_may_approve_a_small_resolution(org, walk):
    w = walk().assess(severity="low").dispatch().accept().propose().approve(by=org.dept_head)
    assert w.c.state == State.APPROVED


def test_head_of_another_unit_cannot_approve(org, walk):
    other_head = org.dept_head
    other_head.unit = org.branch2
    other_head.save()
    w = walk().assess(severity="low").dispatch().accept().propose()
    with frozen(w.when), pytest.raises(NotPermitted, match="heads another unit"):
        svc.resolution_decide(w.c, actor=other_head, approve=True)


def test_major_complaint_goes_to_senior_management(org, walk):
    w = walk().assess(severity="major").dispatch().accept().propose()
    assert set(w.proposal.approver_roles) & {"cro", "senior_management"}
    with frozen(w.when), pytest.raises(NotPermitted):
        svc.resolution_decide(w.c, actor=org.office, approve=True)


def test_nobody_approves_their_own_proposal(org, walk):
    grant(org.handler, "complaints_office")
    w = walk().assess(severity="low").dispatch().accept().propose()
    with frozen(w.when), pytest.raises(NotPermitted, match="own proposal"):
        svc.resolution_decide(w.c, actor=org.handler, approve=True)


def test_first_responder_owns_the_complaint_until_a_transfer_is_accepted(org, walk):
    w = walk()
    assert w.c.owner == org.intake == w.c.first_responder
    with frozen(w.when):
        svc.transfer_request(w.c, actor=org.intake, to_staff=org.intake2, reason="客户所在营业部跟进")
    w.c.refresh_from_db()
    assert w.c.owner == org.intake  # still the first responder's
    with frozen(w.when), pytest.raises(NotPermitted):
        svc.transfer_accept(w.c, actor=org.handler)
    with frozen(w.when):
        svc.transfer_accept(w.c, actor=org.intake2)
    assert w.c.owner == org.intake2


def test_transfer_to_marketing_staff_is_refused(org, walk):
    w = walk()
    with frozen(w.when), pytest.raises(NotPermitted, match="marketing"):
        svc.transfer_request(w.c, actor=org.intake, to_staff=org.marketer, reason="x")


def test_the_case_may_not_be_handed_over_to_an_employee_it_names(org, walk):
    w = walk(parties=[svc.PartyInput(kind="employee", staff=org.intake2)])
    with frozen(w.when), pytest.raises(NotPermitted) as refused:
        svc.transfer_request(w.c, actor=org.intake, to_staff=org.intake2, reason="客户所在营业部跟进")
    assert str(refused.value) == "intake2 is named in this complaint and may not accept or handle it (001 第十四条)"


def test_handler_must_belong_to_the_responsible_unit(org, walk):
    w = walk().assess()
    with frozen(w.when):
        svc.complaint_dispatch(w.c, actor=org.office, unit=org.branch2)
    with frozen(w.when), pytest.raises(NotPermitted) as refused:
        svc.assignment_accept(w.c, actor=org.handler)
    assert str(refused.value) == "accepting a work order is for staff of the responsible unit; handler is not in it"


def test_extension_cannot_be_approved_by_its_requester(org, walk):
    w = walk().assess().dispatch().accept()
    grant(org.handler, "complaints_office")
    with frozen(at(2026, 3, 10)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=5, reason="需调取交易所数据", plan="调取后答复")
        with pytest.raises(NotPermitted, match="own"):
            svc.extension_decide(w.c, actor=org.handler, extension_id=ext.pk, approve=True)
