"""A quarter to report on: the register's book (every state, received in March 2026)
and, around it, what a quarterly return must tell apart: a payment made, a case closed
late, one received the quarter before and closed in this one, one received in this one
and closed in the next, a 12386 referral, a sub-category (资金被盗 under 交易及资产安全类)."""

from __future__ import annotations

from datetime import date

import pytest

from redress.complaints import services as svc
from redress.complaints.lifecycle import State
from redress.complaints.models import Complaint, Remedy
from redress.complaints.timesource import frozen
from tests.conftest import at, complaint_input
from tests.reports.conftest import fill_book

Q1 = (date(2026, 1, 1), date(2026, 4, 1))  # 2026-Q1: first day, day after the last
PRODUCED_AT = at(2026, 4, 10, 9)


@pytest.fixture
def quarter(org, walk) -> dict[str, Complaint]:
    b = fill_book(org, walk)
    pending = b[State.REMEDY_PENDING]
    remedy = Remedy.objects.get(complaint=pending)
    with frozen(at(2026, 3, 25)):
        svc.remedy_execute(pending, actor=org.handler, remedy_id=remedy.pk, note="已转账")
    # Closed late: the result told after the 20 working days (001 第二十二条).
    late = walk(at(2026, 1, 5)).assess(category="marketing").dispatch().accept().propose().approve()
    late.when = at(2026, 2, 27)
    b["late"] = late.communicate().callback(satisfied=True).c
    # Received in 2025-Q4, closed in 2026-Q1.
    before = walk(at(2025, 12, 29)).assess(category="info_system").dispatch().accept().propose().approve()
    before.when = at(2026, 1, 7)
    b["from_q4"] = before.communicate().callback(satisfied=True).c
    # Received on the quarter's last evening (Shanghai), closed in Q2.
    after = walk(at(2026, 3, 31, 23, 30)).assess(category="service_quality").dispatch().accept().propose().approve()
    after.when = at(2026, 4, 8)
    b["into_q2"] = after.communicate().callback(satisfied=True).c
    # A 12386 referral, stolen funds (a sub-category of trading and asset safety).
    referral = walk(at(2026, 2, 10), channel="regulator_referral", referral_source="hotline_12386")
    b["referral"] = referral.assess(category="stolen_funds", severity="high").c
    # Received on 1 April just after midnight in Shanghai (still 31 March in UTC): Q2.
    with frozen(at(2026, 4, 1, 0, 30)):
        b["april"] = svc.complaint_receive(actor=org.intake, data=complaint_input(channel="email"), register=True)
    for c in b.values():
        c.refresh_from_db()
    return b
