"""The lifecycle of SPEC §3, walked as a call-centre seat and a branch would walk it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import InvalidTransition, NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType, verify
from redress.complaints.lifecycle import TRANSITIONS, Action, State, allowed_actions, target_state
from redress.complaints.models import Communication, Complaint, ComplaintLink
from redress.complaints.services.outcome import missing_for_archive
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from tests.conftest import at, complaint_input


def events(c):
    return [e.type for e in c.events.order_by("seq")]


def test_complaint_walks_from_intake_to_archive(org, walk):
    w = walk().to_awaiting_callback()
    assert w.c.state == State.AWAITING_CALLBACK
    w.callback(satisfied=True)
    assert w.c.state == State.CLOSED and w.c.satisfied is True
    with frozen(at(2026, 3, 3)):
        svc.complaint_archive(w.c, actor=org.office, root_cause="customer_misunderstanding")
    assert w.c.state == State.ARCHIVED
    assert events(w.c) == [
        EventType.RECEIVED, EventType.REGISTERED, EventType.ASSESSED, EventType.DISPATCHED,
        EventType.ASSIGNMENT_ACCEPTED, EventType.PROPOSED, EventType.APPROVED, EventType.RESULT_COMMUNICATED,
        EventType.CALLBACK_RECORDED, EventType.ARCHIVED,
    ]
    assert verify().ok


def test_registration_acknowledges_reference_process_time_limit_and_rights(org, walk):
    w = walk(at(2026, 3, 2))
    ack = w.c.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    assert w.c.reference in ack.body
    assert "2026-03-30" in ack.body  # 20 working days after Monday 2 March 2026
    assert "调解" in ack.body and "仲裁" in ack.body
    assert OutboxMessage.objects.filter(complaint=w.c, kind="customer_message").exists()


def test_acknowledgment_is_in_the_customers_language(org, walk):
    w = walk(customer=svc.CustomerInput(name="John Smith", email="john@example.com", language="en"))
    ack = w.c.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    assert ack.body.startswith("We have registered your complaint")


def test_reference_numbers_are_unique_and_readable(org, walk):
    refs = [walk().c.reference for _ in range(3)]
    assert refs == ["TS-2026-000001", "TS-2026-000002", "TS-2026-000003"]


def test_inquiry_answered_is_closed_and_not_a_complaint(org):
    with frozen(at(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(kind="inquiry", subject="融资融券开户条件"))
        svc.inquiry_answer(c, actor=org.intake, answer="需满足资产50万元及交易经验6个月")
    assert c.state == State.CLOSED_INQUIRY and c.kind == "inquiry"
    assert c.clocks.get(code="inquiry_reply").breached is False


def test_inquiry_not_accepted_becomes_a_registered_complaint(org):
    with frozen(at(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(kind="inquiry"))
        svc.complaint_register(c, actor=org.intake)
    assert c.state == State.REGISTERED and c.kind == "complaint"
    assert c.clocks.get(code="resolution").status == "running"


def test_resolved_on_the_spot_needs_no_dispatch(org):
    with frozen(at(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input())
        svc.resolve_on_spot(c, actor=org.intake, resolution="当场解释委托规则", customer_opinion="满意")
    assert c.state == State.RESOLVED_ON_SPOT and c.satisfied


def test_out_of_scope_is_redirected_with_the_competent_authority(org):
    with frozen(at(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(subject="银行理财亏损"))
        svc.complaint_redirect(c, actor=org.intake, authority="police")
    assert c.state == State.REDIRECTED and c.redirect_authority == "police"
    assert c.communications.get(kind="redirect").body


def test_redirect_to_unknown_authority_names_the_field(org):
    with frozen(at(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input())
        with pytest.raises(ValidationFailed) as err:
            svc.complaint_redirect(c, actor=org.intake, authority="nowhere")
    assert err.value.field == "authority"
    c.refresh_from_db()
    assert c.state == State.RECEIVED


def test_invalid_action_names_current_state_and_allowed_actions(org, walk):
    w = walk()
    with pytest.raises(InvalidTransition) as err:
        with frozen(w.when):
            svc.callback_record(w.c, actor=org.callback, satisfied=True)
    assert err.value.state == "registered"
    assert "assess" in err.value.allowed and "record_callback" not in err.value.allowed
    assert "registered" in str(err.value) and "assess" in str(err.value)


def test_every_state_is_reachable_or_terminal_in_the_table():
    targets = {t for _, t in TRANSITIONS.values() if t} | {State.RECEIVED}
    reachable = targets | {State.REMEDY_PENDING, State.FOLLOW_UP}  # reached by branching actions
    assert set(State) == reachable
    # A report owed to an authority outlives the case (services/reports.py), the sweep
    # closes a pause the case left open whatever state it reached (services/pausing.py)
    # and judges a promised remedy in any state (services/remedies.py); whose complaint it
    # is can be settled whatever its state (services/customers.py). A customer who does
    # not accept how an archived case ended re-complains from it (004 第七条(七)).
    assert allowed_actions(State.ARCHIVED) == [Action.RECOMPLAIN, Action.SETTLE_PAUSES, Action.LINK, Action.VIEW_PERSONAL_DATA,
                                               Action.DOWNLOAD_EVIDENCE, Action.RECORD_AUTHORITY_REPORT,
                                               Action.MARK_REPORT_OVERDUE, Action.DECIDE_CUSTOMER_MATCH,
                                               Action.MARK_REMEDY_LATE]


def test_the_table_says_where_an_action_leads_and_which_actions_stay_put():
    assert target_state(Action.ASSESS, "registered") == State.ASSESSED
    assert target_state(Action.REJECT, State.PROPOSED) == State.INVESTIGATING
    assert target_state(Action.ADD_FINDING, "investigating") == State.INVESTIGATING  # no move
    assert target_state(Action.ESCALATE, State.APPROVED) == State.APPROVED


def test_rejected_proposal_goes_back_to_investigation(org, walk):
    w = walk().assess().dispatch().accept().propose()
    with frozen(w.when):
        svc.resolution_decide(w.c, actor=org.office, approve=False, note="事实认定不充分")
    assert w.c.state == State.INVESTIGATING


def test_remedies_must_be_executed_before_the_callback(org, walk):
    remedy = svc.RemedyInput(kind="payment", description="补偿手续费", amount="200", due_date=date(2026, 3, 10))
    w = walk(amount_claimed="200").assess().dispatch().accept().propose(compensation="200", remedies=[remedy])
    w.approve(by=org.cro).communicate()
    assert w.c.state == State.REMEDY_PENDING
    with pytest.raises(InvalidTransition):
        w.callback()
    with frozen(w.when):
        svc.remedy_execute(w.c, actor=org.handler, remedy_id=w.c.remedies.get().pk, note="已转账")
    assert w.c.state == State.AWAITING_CALLBACK


def test_the_securities_policy_never_closes_without_a_callback(org, walk):
    """001 第二十三条: every case is called back; only a pack with an optional callback
    (004 §7(五) 必要时回访, uk-fca) lets the office close without one."""
    w = walk().to_awaiting_callback()
    events = w.c.events.count()
    with frozen(w.when), pytest.raises(NotPermitted) as err:
        svc.close_without_callback(w.c, actor=org.office, reason="客户明确拒绝回访")
    assert str(err.value) == f"the policy {w.c.policy_code} requires a callback before closing (001 第二十三条)"
    w.c.refresh_from_db()
    assert w.c.state == State.AWAITING_CALLBACK and w.c.events.count() == events


def test_closing_without_a_callback_where_it_is_optional_stops_the_callback_clock(org, walk, settings, tmp_path):
    """004 §7(五) 必要时回访: the office closes the case, says why, and the callback clock
    stops with it (it would otherwise turn late on a closed case)."""
    pack = tmp_path / "optional-callback.yaml"
    pack.write_text("extends: cn-securities\ncode: optional-callback\n"
                    "callback: {required: false, within: {amount: 5, unit: working_days}, excluded_roles: []}\n",
                    encoding="utf-8")
    settings.REDRESS_POLICY = str(pack)
    w = walk().to_awaiting_callback()
    assert w.c.clocks.get(code="callback").status == "running"
    with frozen(w.when):
        svc.close_without_callback(w.c, actor=org.office, reason="客户明确拒绝回访")
    w.c.refresh_from_db()
    assert (w.c.state, w.c.closed_at) == (State.CLOSED, w.when)
    callback = w.c.clocks.get(code="callback")
    assert (callback.status, callback.stopped_at) == ("stopped", w.when)
    event = w.c.events.get(type=EventType.CLOSED_WITHOUT_CALLBACK)
    assert event.actor == org.office and json.loads(event.payload)["reason"] == "客户明确拒绝回访"


def test_dissatisfied_callback_leads_to_follow_up_and_a_linked_recomplaint(org, walk):
    w = walk().to_awaiting_callback().callback(satisfied=False)
    assert w.c.state == State.FOLLOW_UP
    with frozen(at(2026, 3, 5)):
        new = svc.complaint_recomplain(w.c, actor=org.intake, cause="不认可处理结果,要求上级部门复核", channel="phone")
    w.c.refresh_from_db()
    assert w.c.state == State.CLOSED and w.c.satisfied is False
    assert new.state == State.REGISTERED and new.reference != w.c.reference
    assert ComplaintLink.objects.get(source=new).target == w.c
    assert EventType.RECOMPLAINED in events(w.c)


def test_deemed_closed_after_six_months_of_follow_up(org, walk):
    w = walk().to_awaiting_callback().callback(satisfied=False)
    with frozen(at(2026, 8, 31)), pytest.raises(ValidationFailed) as err:
        svc.deem_closed(w.c, actor=org.office)
    assert err.value.field == "follow_up" and "2026-09-02" in str(err.value)
    with frozen(at(2026, 9, 2, 11)):
        svc.deem_closed(w.c, actor=org.office)
    assert w.c.state == State.DEEMED_CLOSED


def test_no_deemed_closure_when_staff_fault_was_found(org, walk):
    w = walk().to_awaiting_callback().callback(satisfied=False)
    with frozen(at(2026, 4, 1)):
        svc.accountability_record(w.c, actor=org.compliance, staff=org.handler2, action="warning",
                                  description="未按规定提示风险")
    with frozen(at(2026, 9, 10)), pytest.raises(ValidationFailed) as err:
        svc.deem_closed(w.c, actor=org.office)
    assert err.value.field == "staff_fault"


def test_withdrawal_stops_the_clocks(org, walk):
    w = walk().assess()
    with frozen(at(2026, 3, 3)):
        svc.complaint_withdraw(w.c, actor=org.intake, reason="客户来电撤回")
    assert w.c.state == State.WITHDRAWN
    assert not w.c.clocks.filter(status="running").exists()


def test_unsettled_dispute_is_referred_to_mediation(org, walk):
    w = walk().assess().dispatch().accept()
    with frozen(at(2026, 3, 5)):
        svc.complaint_refer(w.c, actor=org.handler, kind="mediation", authority="sac_mediation")
    assert w.c.state == State.REFERRED
    guidance = w.c.communications.filter(kind="redirect").get().body
    assert "调解" in guidance or "中国证券业协会" in guidance
    with frozen(at(2026, 4, 5)), pytest.raises(ValidationFailed) as err:
        svc.referral_outcome(w.c, actor=org.office, outcome="  ")
    assert (err.value.field, err.value.rule) == ("outcome", "record the mediator's, tribunal's or court's outcome")
    w.c.refresh_from_db()
    assert w.c.state == State.REFERRED
    with frozen(at(2026, 4, 5)), pytest.raises(NotPermitted) as err:
        svc.referral_outcome(w.c, actor=org.handler, outcome="调解达成协议")
    assert str(err.value) == (f"recording a referral's outcome needs one of the roles complaints_office, compliance; "
                              f"{org.handler.username} has handler")
    with frozen(at(2026, 4, 5)):
        svc.referral_outcome(w.c, actor=org.office, outcome="调解达成协议")
    assert (w.c.state, w.c.closed_at) == (State.CLOSED, at(2026, 4, 5))
    assert w.c.clocks.exists() and not w.c.clocks.filter(status__in=("running", "paused")).exists()
    assert json.loads(w.c.events.get(type=EventType.REFERRAL_OUTCOME).payload)["outcome"] == "调解达成协议"


def test_archive_refuses_an_incomplete_record_and_lists_what_is_missing(org, walk):
    w = walk().to_awaiting_callback().callback()
    with frozen(w.when), pytest.raises(ValidationFailed) as err:
        svc.complaint_archive(w.c, actor=org.office)
    assert "root_cause" in str(err.value)


@pytest.mark.behind_the_services
def test_a_closed_record_lacking_its_category_facts_and_resolution_names_each_first_to_last(org, walk):
    # 004 §7(六): the work order is checked complete before it is archived. The fields are
    # emptied behind the services' back: no step leaves a closed case without them.
    w = walk().to_awaiting_callback().callback()
    Complaint.objects.filter(pk=w.c.pk).update(category="", facts="", resolution="")
    w.c.refresh_from_db()
    assert missing_for_archive(w.c) == ["category", "facts", "resolution", "root_cause"]
    with frozen(w.when), pytest.raises(ValidationFailed) as err:
        svc.complaint_archive(w.c, actor=org.office, root_cause="process")
    assert err.value.field == "category"
    assert err.value.message.endswith("still missing: category, facts, resolution")


def test_a_withdrawn_case_is_complete_as_it_stands(org, walk):
    # Withdrawn before anything was found: no category, facts, resolution or root cause
    # is owed (004 §7(六) checks the work order of a case that was handled).
    w = walk()
    with frozen(w.when):
        svc.complaint_withdraw(w.c, actor=org.office, reason="客户撤回")
    assert missing_for_archive(w.c) == []
    with frozen(w.when):
        svc.complaint_archive(w.c, actor=org.office)
    assert w.c.state == State.ARCHIVED


def test_returned_work_order_goes_back_to_the_complaints_office(org, walk):
    w = walk().assess().dispatch()
    with frozen(w.when):
        svc.assignment_return(w.c, actor=org.dept_head, reason="不属于本营业部")
    assert w.c.state == State.ASSESSED and w.c.responsible_unit is None
    with frozen(w.when):
        svc.complaint_dispatch(w.c, actor=org.office, unit=org.branch2)
    assert w.c.state == State.DISPATCHED and w.c.responsible_unit == org.branch2


def test_category_without_default_unit_routes_to_the_branch_concerned(org, walk):
    w = walk(branch=org.branch2).assess(category="service_quality")
    with frozen(w.when):
        order = svc.complaint_dispatch(w.c, actor=org.office)
    assert order.unit == org.branch2


def test_stale_version_is_refused_rather_than_overwriting(org, walk):
    from redress.complaints.errors import StaleComplaint

    w = walk()
    seen = w.c.version
    w.assess()
    with frozen(w.when), pytest.raises(StaleComplaint):
        svc.complaint_assess(w.c, actor=org.office, category="other", severity="low", expected_version=seen)
    w.c.refresh_from_db()
    assert w.c.category == "counter"
