"""The measures a half-yearly DISP-shaped return needs (closed within N business days or
N calendar days of receipt, upheld, redress paid, complaints by product and cause), each
against a plain count over the quarter's complaints."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from redress.complaints.models import Complaint, ComplaintParty, Remedy
from redress.complaints.services.timing import calendar_for
from redress.policy.loader import active_pack
from redress.policy.returns_schema import RegulatorReturn
from redress.reports.returns.compute import compute
from redress.reports.returns.periods import Period
from tests.reports.returns.conftest import Q1

SH = ZoneInfo("Asia/Shanghai")
RETURN = {
    "code": "disp-shaped", "name": {"zh-hans": "投诉报表", "en": "Complaints return"}, "period": "quarter",
    "due": {"working_days": 30},
    "dimensions": [
        {"code": "product", "name": {"zh-hans": "产品", "en": "Product"}, "source": "product",
         "codes": [{"code": "credit", "name": {"zh-hans": "融资融券", "en": "Margin"}, "words": ["融资融券"]},
                   {"code": "none", "name": {"zh-hans": "无", "en": "None"}, "no_product": True}]},
        {"code": "cause", "name": {"zh-hans": "原因", "en": "Cause"}, "source": "category",
         "codes": [{"code": "ops", "name": {"zh-hans": "业务", "en": "Operations"}, "values": ["counter"]},
                   {"code": "other", "name": {"zh-hans": "其他", "en": "Other"}}], "otherwise": "other"},
    ],
    "tables": [
        {"code": "opened", "name": {"zh-hans": "受理", "en": "Opened"}, "rows": "product",
         "columns": [{"code": "causes", "by": "cause", "measure": "received"}]},
        {"code": "closed", "name": {"zh-hans": "办结", "en": "Closed"}, "total_row": False, "columns": [
            {"code": "closed", "name": {"zh-hans": "办结", "en": "Closed"}, "measure": "closed"},
            {"code": "d3", "name": {"zh-hans": "3日", "en": "3 days"}, "measure": "closed_within",
             "within": {"amount": 3, "unit": "working_days"}},
            {"code": "w8", "name": {"zh-hans": "8周", "en": "8 weeks"}, "measure": "closed_within",
             "within": {"amount": 56, "unit": "calendar_days"}},
            {"code": "upheld", "name": {"zh-hans": "支持", "en": "Upheld"}, "measure": "closed",
             "where": {"responsibility": ["institution", "shared"]}},
            {"code": "pct_upheld", "name": {"zh-hans": "支持率", "en": "% upheld"}, "ratio": ["upheld", "closed"]},
            {"code": "redress", "name": {"zh-hans": "补偿", "en": "Redress"}, "measure": "compensation_amount"},
        ]},
    ],
}


def _day(moment):
    return moment.astimezone(SH).date()


def _in_q1(moment) -> bool:
    return moment is not None and Q1[0] <= _day(moment) < Q1[1]


def test_closed_within_upheld_and_redress_equal_a_plain_count(org, quarter):
    pack = active_pack()
    cal = calendar_for(pack)
    result = compute(RegulatorReturn.model_validate(RETURN), Period(*Q1, "quarter"), staff=org.office, pack=pack,
                     cal=cal, language="en")
    cases = [c for c in Complaint.objects.all() if c.kind == "complaint" and c.state != "redirected"]
    closed = [c for c in cases if _in_q1(c.closed_at)]

    def working_days_after(c) -> int:  # working days from the day after receipt to the closing day
        days, d = 0, _day(c.received_at)
        while d < _day(c.closed_at):
            d += timedelta(days=1)
            days += cal.is_working_day(d)
        return days

    row = result.tables[1].rows[0].values
    assert row[0] == len(closed)
    assert row[1] == sum(working_days_after(c) <= 3 for c in closed)
    assert row[2] == sum((_day(c.closed_at) - _day(c.received_at)).days <= 56 for c in closed)
    # By hand: four closed the day they came or the next; the 6-12 March case took 4 working
    # days, the December one 9 calendar days over New Year, the late one 53 days (within 8 weeks).
    assert (row[1], row[2]) == (4, 7)
    upheld = sum(c.responsibility in ("institution", "shared") for c in closed)
    assert row[3] == upheld
    assert row[4] == ((Decimal(100) * upheld / len(closed)).quantize(Decimal("0.1")) if closed else None)
    paid = sum((r.amount for r in Remedy.objects.filter(kind="payment") if _in_q1(r.executed_at)), Decimal(0))
    assert row[5] == paid == Decimal("200.00")


def test_complaints_by_product_and_cause_equal_a_plain_count(org, quarter):
    pack = active_pack()
    result = compute(RegulatorReturn.model_validate(RETURN), Period(*Q1, "quarter"), staff=org.office, pack=pack,
                     cal=calendar_for(pack), language="en")
    counts: dict[tuple[str, str], int] = {}
    for c in Complaint.objects.filter(kind="complaint").exclude(state="redirected"):
        if not _in_q1(c.received_at):
            continue
        first = ComplaintParty.objects.filter(complaint=c, kind="product").order_by("id").first()
        product = "credit" if first and "融资融券" in first.product else "none"
        cause = "ops" if c.category == "counter" else "other"
        counts[(product, cause)] = counts.get((product, cause), 0) + 1
    table = result.tables[0]
    assert {(row.code, cause): value for row in table.rows for cause, value in zip(("ops", "other"), row.values,
                                                                                    strict=True)} == {
        (p, k): counts.get((p, k), 0) for p in ("credit", "none") for k in ("ops", "other")}
    assert counts[("credit", "ops")] == 1 and not result.unmapped
