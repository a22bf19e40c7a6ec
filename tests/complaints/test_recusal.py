"""001 第十四条 for every action on a case: marketing staff and the employees a complaint
names take no part in it, whatever roles they hold; and 001 第二十三条: nobody who worked
the case makes its callback. Each test is a way around that the services used to accept."""

from __future__ import annotations

from datetime import date

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import InvalidTransition, NotPermitted
from redress.complaints.lifecycle import State
from redress.complaints.models import Communication, Complaint, Event
from redress.complaints.services.base import RECUSAL_EXEMPT
from redress.complaints.timesource import frozen
from redress.policy.loader import load_pack
from tests.conftest import at, grant

RULE = "001 第十四条"


def _fresh(c: Complaint) -> Complaint:
    return Complaint.objects.get(pk=c.pk)


def named(staff) -> list[svc.PartyInput]:
    return [svc.PartyInput(kind="employee", staff=staff, description="服务态度")]


def test_an_owner_named_later_may_not_tell_the_customer_the_result(org, walk):
    w = walk().assess().dispatch().accept().propose().approve()
    assert w.c.owner_id == org.intake.pk
    with frozen(w.when):
        svc.party_add(w.c, actor=org.office, kind="employee", staff=org.intake, description="受理时态度恶劣")
        with pytest.raises(NotPermitted) as refused:
            svc.result_communicate(w.c, actor=org.intake, channel="phone", body="经核实,处理结果如下。")
    assert str(refused.value) == "intake is named in this complaint and may take no part in it (001 第十四条)"
    assert _fresh(w.c).state == State.APPROVED
    assert not Communication.objects.filter(complaint=w.c, kind=Communication.Kind.RESULT).exists()
    w.communicate()  # the handler tells the customer


def test_the_named_owner_may_still_hand_the_case_over(org, walk):
    """The one exemption (services.base.RECUSAL_EXEMPT): handing over takes it out of their hands."""
    w = walk().assess()
    with frozen(w.when):
        svc.party_add(w.c, actor=org.office, kind="employee", staff=org.intake, description="受理时态度恶劣")
        svc.transfer_request(w.c, actor=org.intake, to_staff=org.intake2, reason="本人被投诉,回避")
        svc.transfer_accept(w.c, actor=org.intake2)
    assert _fresh(w.c).owner_id == org.intake2.pk
    assert list(RECUSAL_EXEMPT) == ["request_transfer"]  # keep the list short, and each one argued


def test_a_named_owner_may_not_hand_someone_else_s_case_over(org, walk):
    w = walk().assess()
    with frozen(w.when):
        svc.party_add(w.c, actor=org.office, kind="employee", staff=org.office2)
        with pytest.raises(NotPermitted, match=RULE):
            svc.transfer_request(w.c, actor=org.office2, to_staff=org.intake2, reason="转交")


def test_an_office_member_named_may_not_assess_dispatch_or_approve_its_extension(org, walk):
    w = walk(parties=named(org.office2))
    with frozen(w.when), pytest.raises(NotPermitted, match=RULE):
        svc.complaint_assess(w.c, actor=org.office2, category="counter", severity="low")  # a downgrade
    w.assess()
    with frozen(w.when), pytest.raises(NotPermitted, match=RULE):
        svc.complaint_dispatch(w.c, actor=org.office2, unit=org.branch)
    w.dispatch().accept()
    with frozen(at(2026, 3, 10)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=5, reason="需调取交易所数据", plan="调取后答复")
        with pytest.raises(NotPermitted, match=RULE):
            svc.extension_decide(w.c, actor=org.office2, extension_id=ext.pk, approve=True)
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    assert not Event.objects.filter(complaint=w.c, actor=org.office2).exists()


def test_a_named_cro_may_not_clear_the_economic_dispute_flag(org, walk):
    w = walk(amount_claimed="800", parties=named(org.cro))
    with frozen(w.when), pytest.raises(NotPermitted, match=RULE):
        svc.economic_dispute_clear(w.c, actor=org.cro, reason="金额系笔误")
    assert _fresh(w.c).is_economic_dispute


def test_a_staff_member_named_and_holding_an_approver_role_may_not_approve(org, walk):
    w = walk(parties=named(org.office2)).assess(severity="low").dispatch().accept().propose()
    assert "complaints_office" in w.proposal.approver_roles
    with frozen(w.when), pytest.raises(NotPermitted, match="named in this complaint"):
        svc.resolution_decide(w.c, actor=org.office2, approve=True)
    with frozen(w.when), pytest.raises(NotPermitted, match="named in this complaint"):
        svc.resolution_decide(w.c, actor=org.office2, approve=False, note="不同意")
    assert _fresh(w.c).state == State.PROPOSED
    w.approve(by=org.office)


def test_marketing_staff_given_handling_roles_are_refused_every_action(org, walk):
    for role in ("handler", "complaints_office", "callback"):
        grant(org.marketer, role)
    other = walk().c
    w = walk(when=at(2026, 3, 3)).assess().dispatch().accept()
    m = org.marketer
    attempts = {
        "message": lambda: svc.message_send(w.c, actor=m, kind="progress", body="正在处理", channel="phone"),
        "reveal": lambda: svc.personal_data_reveal(w.c, actor=m, purpose="回电"),
        "escalate": lambda: svc.complaint_escalate(w.c, actor=m, reason="客户情绪激动"),
        "extension": lambda: svc.extension_request(w.c, actor=m, working_days=5, reason="需调取数据", plan="调取后答复"),
        "pause": lambda: svc.pause_clocks(w.c, actor=m, reason_code="external_appraisal", note="送交鉴定"),
        "party": lambda: svc.party_add(w.c, actor=m, kind="product", product="融资融券"),
        "link": lambda: svc.complaint_link(w.c, actor=m, other=other, kind="related"),
        "return": lambda: svc.assignment_return(w.c, actor=m, reason="非本部门"),
        "evidence": lambda: svc.evidence_open(w.c, actor=m, evidence_id=0),
    }
    with frozen(at(2026, 3, 4)):
        for what, attempt in attempts.items():
            with pytest.raises(NotPermitted) as refused:
                attempt()
                pytest.fail(f"{what} was accepted")
            assert str(refused.value) == f"marketer is marketing staff and may take no part in handling complaints ({RULE})"
    assert not Event.objects.filter(actor=m).exists()  # nothing written as them
    assert _fresh(w.c).state == State.INVESTIGATING


def test_the_result_cannot_be_told_while_the_proposal_waits_for_approval(org, walk):
    w = walk().assess().dispatch().accept().propose()
    with frozen(w.when), pytest.raises(InvalidTransition):
        svc.result_communicate(w.c, actor=org.handler, channel="phone", body="经核实,处理结果如下。")
    assert _fresh(w.c).state == State.PROPOSED
    assert not Communication.objects.filter(complaint=w.c, kind=Communication.Kind.RESULT).exists()


# ---- 001 第二十三条: the callback is independent ----------------------------------------


def test_a_former_handler_whose_work_order_was_returned_may_not_do_the_callback(org, walk):
    grant(org.handler, "callback")
    w = walk().assess().dispatch().accept()
    with frozen(w.when):
        svc.assignment_return(w.c, actor=org.handler, reason="应由另一位经办人办理")
    w.dispatch().accept(handler=org.handler2).propose().approve().communicate()
    assert _fresh(w.c).handler_id == org.handler2.pk
    with frozen(w.when), pytest.raises(NotPermitted, match="第二十三条"):
        svc.callback_record(w.c, actor=org.handler, satisfied=True)
    assert _fresh(w.c).state == State.AWAITING_CALLBACK


def test_whoever_accepted_the_work_order_or_approved_the_proposal_may_not_do_the_callback(org, walk):
    w = walk().assess().dispatch().accept(handler=org.handler).propose().approve(by=org.office2).communicate()
    for person in (org.dept_head, org.office2):  # accepted the work order; approved the resolution
        grant(person, "callback")
        with frozen(w.when), pytest.raises(NotPermitted, match="第二十三条"):
            svc.callback_record(w.c, actor=person, satisfied=True)
    w.callback()  # the callback desk, who took no part
    assert _fresh(w.c).state == State.CLOSED


def test_the_policy_s_excluded_roles_may_not_do_the_callback(org, walk, settings, tmp_path):
    pack = tmp_path / "institution.yaml"
    pack.write_text("extends: cn-securities\ncode: example-securities\ncallback:\n  excluded_roles: [compliance]\n",
                    encoding="utf-8")
    settings.REDRESS_POLICY = str(pack)
    assert load_pack(str(pack)).callback.excluded_roles == ["compliance"]
    grant(org.compliance, "callback")
    w = walk().to_awaiting_callback()
    with frozen(w.when), pytest.raises(NotPermitted, match="compliance.*第二十三条"):
        svc.callback_record(w.c, actor=org.compliance, satisfied=True)
    w.callback()


def test_a_handler_named_by_the_department_head_and_then_returned_may_not_do_the_callback(org, walk):
    """Named on the work order (处理单) without accepting it themselves, and no longer the
    handler when the callback is due: still someone who worked the case."""
    grant(org.handler, "callback")
    w = walk().assess().dispatch().accept(handler=org.handler)
    with frozen(w.when):
        svc.assignment_return(w.c, actor=org.dept_head, reason="应由另一位经办人办理")
    w.dispatch()
    with frozen(w.when):
        svc.assignment_accept(w.c, actor=org.handler2)  # accepts it themselves
    w.propose().approve().communicate()
    with frozen(w.when), pytest.raises(NotPermitted, match="handler handled this complaint"):
        svc.callback_record(w.c, actor=org.handler, satisfied=True)
    w.callback()


def test_a_department_head_who_recorded_a_finding_may_not_do_the_callback(org, walk):
    """The head neither accepted the work order nor proposed: the finding alone makes them
    one of the case's handlers (投诉经办人员)."""
    w = walk().assess().dispatch().accept()
    with frozen(w.when):
        svc.finding_add(w.c, actor=org.dept_head, kind="note", text="调取了委托记录")
    w.propose().approve().communicate()
    grant(org.dept_head, "callback")
    with frozen(w.when), pytest.raises(NotPermitted, match="dept_head handled this complaint"):
        svc.callback_record(w.c, actor=org.dept_head, satisfied=True)
    w.callback()


def test_the_callback_rule_itself_refuses_an_employee_the_complaint_names(org, walk):
    """The door (acting_on) already refuses them with 001 第十四条 before the callback rule
    is asked; the rule keeps its own check so it holds wherever else it is asked."""
    from redress.complaints.guards import ensure_may_callback

    w = walk(parties=named(org.callback)).to_awaiting_callback()
    with pytest.raises(NotPermitted) as refused:
        ensure_may_callback(org.callback, w.c)
    assert str(refused.value) == "callback is named in this complaint and may not do its callback (001 第二十三条)"
    ensure_may_callback(org.auditor, w.c)  # not named, took no part


def test_the_refusal_names_every_excluded_role_the_caller_holds(org, walk, settings, tmp_path):
    pack = tmp_path / "institution.yaml"
    pack.write_text("extends: cn-securities\ncode: example-securities\ncallback:\n  excluded_roles: [compliance, auditor]\n",
                    encoding="utf-8")
    settings.REDRESS_POLICY = str(pack)
    grant(org.compliance, "callback")
    grant(org.compliance, "auditor")
    w = walk().to_awaiting_callback()
    with frozen(w.when), pytest.raises(NotPermitted) as refused:
        svc.callback_record(w.c, actor=org.compliance, satisfied=True)
    assert str(refused.value) == ("compliance holds the role auditor, compliance, which the policy excludes "
                                  "from callbacks (001 第二十三条)")


def test_a_remedy_cannot_be_recorded_by_the_employee_it_names(org, walk):
    w = walk(parties=named(org.dept_head)).assess().dispatch().accept()
    w.propose(remedies=[svc.RemedyInput(kind="rectification", description="整改", due_date=date(2026, 3, 20))])
    w.approve().communicate()
    remedy = w.c.remedies.get()
    with frozen(w.when), pytest.raises(NotPermitted, match=RULE):
        svc.remedy_execute(w.c, actor=org.dept_head, remedy_id=remedy.pk)


def test_the_refusals_speak_the_user_s_language(org, walk):
    from django.utils import translation

    w = walk(amount_claimed="300", parties=named(org.office2))
    with translation.override("zh-hans"), frozen(w.when):
        with pytest.raises(NotPermitted, match="须回避.*001 第十四条"):
            svc.complaint_assess(w.c, actor=org.office2, category="counter", severity="low")
        with pytest.raises(NotPermitted, match="属于经济纠纷.*004 第十六条"):
            svc.complaint_assess(w.c, actor=org.office, category="counter", severity="low", is_economic_dispute=False)
