"""A register to read: one complaint in every state of the lifecycle, walked through
the services, with the handling the register's columns show (remedies, a callback,
accountability, a re-complaint, a product, a critical flag) and one case of another
branch."""

from __future__ import annotations

from datetime import date

import pytest

from redress.complaints import services as svc
from redress.complaints.lifecycle import State
from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from tests.conftest import at, complaint_input
from tests.web.conftest import signed_in  # noqa: F401 (a fixture for these tests too)

# When the register is read: after the deemed closure (September), so every case
# still open is past its 20 working days.
READ_AT = at(2026, 9, 10, 10)


def _receive(org, when, **data) -> Complaint:
    with frozen(when):
        return svc.complaint_receive(actor=org.intake, data=complaint_input(**data))


@pytest.fixture
def book(org, walk) -> dict[str, Complaint]:
    return fill_book(org, walk)


def fill_book(org, walk) -> dict[str, Complaint]:
    """state -> a complaint in it (plus "other_branch", "recomplaint", "recomplained",
    "critical"). The browser tests fill theirs with it too."""
    b: dict[str, Complaint] = {}
    b[State.RECEIVED] = _receive(org, at(2026, 3, 2, 9))
    b[State.REGISTERED] = walk(at(2026, 3, 2, 9, 30)).c
    b[State.ASSESSED] = walk(at(2026, 3, 3)).assess(category="trading_assets", severity="high").c
    b[State.DISPATCHED] = walk(at(2026, 3, 3, 11)).assess().dispatch().c
    w = walk(at(2026, 3, 4), parties=[svc.PartyInput(kind="product", product="融资融券")])
    b[State.INVESTIGATING] = w.assess().dispatch().accept().c
    b[State.PROPOSED] = walk(at(2026, 3, 4, 11)).assess().dispatch().accept().propose().c
    b[State.APPROVED] = walk(at(2026, 3, 4, 14)).assess().dispatch().accept().propose().approve().c
    remedy = svc.RemedyInput(kind="payment", description="补偿手续费", amount="200", due_date=date(2026, 3, 20))
    w = walk(at(2026, 3, 5), amount_claimed="200").assess().dispatch().accept()
    b[State.REMEDY_PENDING] = w.propose(compensation="200", remedies=[remedy]).approve(by=org.cro).communicate().c
    b[State.AWAITING_CALLBACK] = walk(at(2026, 3, 5, 11)).to_awaiting_callback().c
    follow = walk(at(2026, 3, 6)).to_awaiting_callback().callback(satisfied=False)
    b[State.FOLLOW_UP] = follow.c
    w = walk(at(2026, 3, 6, 11)).assess().dispatch().accept()
    with frozen(at(2026, 3, 9)):
        svc.complaint_refer(w.c, actor=org.handler, kind="mediation", authority="sac_mediation")
    b[State.REFERRED] = w.c
    closed = walk(at(2026, 3, 9)).to_awaiting_callback().callback(satisfied=True)
    b[State.CLOSED] = closed.c
    with frozen(at(2026, 3, 9, 10)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(kind="inquiry", subject="融资融券开户条件"))
        svc.inquiry_answer(c, actor=org.intake, answer="需满足资产50万元及交易经验6个月")
    b[State.CLOSED_INQUIRY] = c
    with frozen(at(2026, 3, 10)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(channel="walk_in"))
        svc.resolve_on_spot(c, actor=org.intake, resolution="当场解释委托规则", customer_opinion="满意")
    b[State.RESOLVED_ON_SPOT] = c
    with frozen(at(2026, 3, 10, 11)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(subject="银行理财亏损"))
        svc.complaint_redirect(c, actor=org.intake, authority="police")
    b[State.REDIRECTED] = c
    w = walk(at(2026, 3, 11)).assess()
    with frozen(at(2026, 3, 12)):
        svc.complaint_withdraw(w.c, actor=org.intake, reason="客户来电撤回")
    b[State.WITHDRAWN] = w.c
    deemed = walk(at(2026, 3, 2, 15)).to_awaiting_callback().callback(satisfied=False)
    with frozen(at(2026, 9, 3, 11)):
        svc.deem_closed(deemed.c, actor=org.office)
    b[State.DEEMED_CLOSED] = deemed.c
    archived = walk(at(2026, 3, 2, 16)).to_awaiting_callback().callback(satisfied=True)
    with frozen(at(2026, 3, 3)):
        svc.accountability_record(archived.c, actor=org.compliance, staff=org.handler2, action="training",
                                  description="加强交易规则培训")
        svc.complaint_archive(archived.c, actor=org.office, root_cause="customer_misunderstanding")
    b[State.ARCHIVED] = archived.c
    # A re-complaint about another case in follow-up: that one is closed as not
    # satisfied, a new case linked to it.
    again = walk(at(2026, 3, 6, 14)).to_awaiting_callback().callback(satisfied=False)
    with frozen(at(2026, 3, 12, 15)):
        b["recomplaint"] = svc.complaint_recomplain(again.c, actor=org.intake, cause="不认可处理结果", channel="phone")
    b["recomplained"] = again.c
    # A case of the other branch, which the first branch's people do not see.
    w = walk(at(2026, 3, 13), customer=svc.CustomerInput(name="John Smith", phone="13900139000",
                                                         email="john@example.com", language="en"),
             subject="Order not filled", cause="My order yesterday was never filled.").assess()
    with frozen(at(2026, 3, 13)):
        svc.complaint_dispatch(w.c, actor=org.office, unit=org.branch2)
    b["other_branch"] = w.c
    with frozen(at(2026, 3, 16)):
        b["critical"] = svc.complaint_receive(actor=org.intake, data=complaint_input(
            cause="昨天系统故障无法下单,损失很大"), register=True)
    for c in b.values():
        c.refresh_from_db()
    return b
