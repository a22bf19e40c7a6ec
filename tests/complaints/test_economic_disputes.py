"""004 第十六条: a complaint that gives rise to an economic dispute is reported to the 分管领导
and the 首席风险官, and nobody decides it alone. Each test is a way around the rule that
the services used to accept."""

from __future__ import annotations

import json
from datetime import date

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import State
from redress.complaints.models import Complaint, Event, Proposal
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage

DECIDERS = ["cro", "senior_management"]  # cn-securities: economic_dispute.decider_roles


def _fresh(c: Complaint) -> Complaint:
    return Complaint.objects.get(pk=c.pk)


def test_an_amount_claimed_makes_an_economic_dispute_the_office_cannot_clear_at_assessment(org, walk):
    w = walk(amount_claimed="100000")
    assert w.c.is_economic_dispute
    version = _fresh(w.c).version
    with frozen(w.when), pytest.raises(NotPermitted, match="004 第十六条") as refused:
        svc.complaint_assess(w.c, actor=org.office, category="counter", severity="low", is_economic_dispute=False)
    assert "cro" in refused.value.message
    c = _fresh(w.c)
    assert c.is_economic_dispute and c.state == State.REGISTERED and c.version == version  # nothing written


def test_leaving_the_flag_out_of_an_assessment_keeps_it(org, walk):
    w = walk(amount_claimed="300").assess()
    assert _fresh(w.c).is_economic_dispute


def test_a_claim_made_only_in_words_is_decided_by_the_cro_not_the_office(org, walk):
    w = walk(request="要求公司赔偿全部损失")  # no amount: the compensation trigger alone
    c = _fresh(w.c)
    assert "compensation_claim" in c.critical_flags and c.is_economic_dispute
    w.assess(severity="medium").dispatch().accept().propose()
    assert w.proposal.approver_roles == DECIDERS
    with frozen(w.when), pytest.raises(NotPermitted, match="004 第十六条"):
        svc.resolution_decide(w.c, actor=org.office, approve=True)
    assert _fresh(w.c).state == State.PROPOSED
    w.approve(by=org.cro)
    assert _fresh(w.c).state == State.APPROVED


def test_a_compensation_trigger_raised_at_assessment_flags_the_case(org, walk):
    w = walk()
    assert not _fresh(w.c).is_economic_dispute
    w.assess(critical_flags=["compensation_claim"])
    assert _fresh(w.c).is_economic_dispute
    assessed = Event.objects.filter(complaint=w.c, type=EventType.ASSESSED).get()
    assert json.loads(assessed.payload)["after"]["economic"] is True


def test_a_proposal_with_compensation_on_an_unflagged_complaint_goes_to_the_cro(org, walk):
    w = walk().assess(severity="low").dispatch().accept()
    assert not _fresh(w.c).is_economic_dispute  # no amount claimed, no trigger
    w.propose(compensation="300")
    assert w.proposal.approver_roles == DECIDERS  # not the matrix's dept_head / office for a low case
    assert _fresh(w.c).is_economic_dispute
    for approver in (org.office, org.dept_head):
        with frozen(w.when), pytest.raises(NotPermitted, match="004 第十六条"):
            svc.resolution_decide(w.c, actor=approver, approve=True)
    w.approve(by=org.senior)
    assert _fresh(w.c).state == State.APPROVED


def test_a_payment_remedy_without_an_amount_is_an_economic_dispute_too(org, walk):
    w = walk().assess(severity="low").dispatch().accept()
    w.propose(remedies=[svc.RemedyInput(kind="payment", description="返还多收的佣金", due_date=date(2026, 3, 20))])
    assert w.proposal.approver_roles == DECIDERS and _fresh(w.c).is_economic_dispute


def test_only_a_decider_clears_the_flag_and_says_why(org, walk):
    w = walk(amount_claimed="5000").assess(severity="low")
    with frozen(w.when), pytest.raises(NotPermitted, match="004 第十六条"):
        svc.economic_dispute_clear(w.c, actor=org.office, reason="客户只是说明损失金额,不要求赔偿")
    with frozen(w.when), pytest.raises(ValidationFailed) as no_reason:
        svc.economic_dispute_clear(w.c, actor=org.cro, reason="  ")
    assert no_reason.value.message == "reason: say why the complaint is not an economic dispute (004 第十六条)"
    assert _fresh(w.c).is_economic_dispute
    with frozen(w.when):
        svc.economic_dispute_clear(w.c, actor=org.cro, reason="客户只是说明损失金额,不要求赔偿")
    assert not _fresh(w.c).is_economic_dispute
    cleared = Event.objects.filter(complaint=w.c, type=EventType.ECONOMIC_DISPUTE_CLEARED).get()
    assert cleared.actor == org.cro and cleared.actor_role == "cro"
    assert json.loads(cleared.payload)["reason"] == "客户只是说明损失金额,不要求赔偿"
    with frozen(w.when), pytest.raises(ValidationFailed, match="not flagged"):
        svc.economic_dispute_clear(w.c, actor=org.cro, reason="again")  # nothing left to clear
    # Cleared, an apology goes by the authority matrix again.
    w.dispatch().accept().propose()
    assert "complaints_office" in w.proposal.approver_roles


def test_a_cleared_flag_comes_back_with_a_payment_proposed(org, walk):
    w = walk(amount_claimed="5000").assess(severity="low")
    with frozen(w.when):
        svc.economic_dispute_clear(w.c, actor=org.cro, reason="金额系客户笔误")
    w.dispatch().accept().propose(compensation="100")
    assert w.proposal.approver_roles == DECIDERS and _fresh(w.c).is_economic_dispute


def test_an_economic_dispute_is_decided_by_a_decider_whatever_the_proposal_recorded(org, walk):
    """A proposal routed by the matrix (recorded before the rule, or under an older pack)
    on a case that is an economic dispute: the office may neither approve nor reject it."""
    w = walk(amount_claimed="300").assess(severity="low").dispatch().accept().propose()
    Proposal.objects.filter(pk=w.proposal.pk).update(approver_roles=["dept_head", "complaints_office"])
    with frozen(w.when), pytest.raises(NotPermitted, match="004 第十六条"):
        svc.resolution_decide(w.c, actor=org.office, approve=True)
    with frozen(w.when), pytest.raises(NotPermitted, match="004 第十六条"):
        svc.resolution_decide(w.c, actor=org.office, approve=False, note="金额过高")
    assert _fresh(w.c).state == State.PROPOSED
    w.approve(by=org.cro)



def test_the_clearing_is_recorded_with_what_made_it_a_dispute_and_the_office_is_told(org, walk):
    """004 第十六条: what the decider set aside is on the record (the amount claimed and the
    economic triggers the words raised, not the other critical flags), and the office that
    would otherwise have approved alone hears of it, with the reason."""
    w = walk(amount_claimed="5000", cause="系统故障导致无法下单,要求公司赔偿全部损失")
    assert {"compensation_claim", "trading_system_failure"} <= set(_fresh(w.c).critical_flags)
    with frozen(w.when), pytest.raises(NotPermitted) as refused:
        svc.economic_dispute_clear(w.c, actor=org.office, reason="金额系客户笔误")
    assert refused.value.message == ("clearing the economic-dispute flag (004 第十六条) needs one of the roles "
                                     "cro, senior_management; office has complaints_office")
    with frozen(w.when):
        svc.economic_dispute_clear(w.c, actor=org.cro, reason="金额系客户笔误")
    cleared = Event.objects.get(complaint=w.c, type=EventType.ECONOMIC_DISPUTE_CLEARED)
    payload = json.loads(cleared.payload)
    assert (payload["reason"], payload["amount_claimed"], payload["flags"]) == (
        "金额系客户笔误", "5000.00", ["compensation_claim"])
    told = OutboxMessage.objects.get(complaint=w.c, kind="economic_dispute_cleared")
    assert (told.to_role, told.payload["reason"], told.payload["reference"]) == (
        "complaints_office", "金额系客户笔误", w.c.reference)
    with frozen(w.when), pytest.raises(ValidationFailed) as again:
        svc.economic_dispute_clear(w.c, actor=org.cro, reason="再次")
    assert again.value.message == "is_economic_dispute: the complaint is not flagged as an economic dispute"


@pytest.mark.parametrize("offer", [
    {"compensation": "0.50"},  # fifty fen of compensation is still money paid
    {"remedies": [svc.RemedyInput(kind="other", description="返还多收的手续费", due_date=date(2026, 3, 20),
                                  amount="0.50")]},  # an amount on a remedy of any kind
])
def test_any_payment_however_small_makes_the_proposal_an_economic_dispute(org, walk, offer):
    w = walk().assess(severity="low").dispatch().accept()
    assert not _fresh(w.c).is_economic_dispute
    w.propose(**offer)
    assert w.proposal.approver_roles == DECIDERS and _fresh(w.c).is_economic_dispute
