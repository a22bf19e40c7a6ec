"""The quarterly statistics for the CSRC office (cn-securities), cell by cell against a
count written plainly over the rows, and whole against a file reviewed by hand."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from redress.complaints.models import Complaint, ComplaintClock, Remedy
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.reports.returns.produce import return_produce
from tests.reports.returns.conftest import PRODUCED_AT, Q1

SH = ZoneInfo("Asia/Shanghai")
EXPECTED = Path(__file__).parent / "expected"
# The regulator's category and channel codes, written out again here rather than read
# from the pack's mapping, so the test does not check the mapping with itself.
CATEGORY = {"marketing": "01", "counter": "02", "trading_assets": "03", "stolen_funds": "03", "info_system": "04",
            "service_quality": "05", "suitability": "06", "other": "07"}
CHANNEL = {"phone": "01", "walk_in": "02", "letter": "03", "fax": "03", "email": "04", "web": "04", "app": "04",
           "regulator_referral": "05", "other": "06"}


def produce(org, period="2026-Q1", who=None):
    pack = active_pack()
    with frozen(PRODUCED_AT):
        return return_produce(staff=who or org.compliance, pack=pack, code="csrc-quarterly", period=period,
                              now=PRODUCED_AT, cal=calendar_for(pack), language="zh-hans")


def _in_q1(moment) -> bool:
    return moment is not None and Q1[0] <= moment.astimezone(SH).date() < Q1[1]


def plain_figures():
    """Every figure of the return, counted one complaint at a time."""
    cases = [c for c in Complaint.objects.all() if c.kind == "complaint" and c.state != "redirected"]
    late = set(ComplaintClock.objects.filter(code="resolution", breached=True).values_list("complaint_id", flat=True))
    ids = {c.pk for c in cases}
    payments = [r for r in Remedy.objects.all() if r.kind == "payment" and _in_q1(r.executed_at)
                and r.complaint_id in ids]
    by_id = {c.pk: c for c in cases}

    def figures(keep):
        mine = [c for c in cases if keep(c)]
        closed = [c for c in mine if _in_q1(c.closed_at)]
        paid = [r for r in payments if keep(by_id[r.complaint_id])]
        return {
            "received": sum(_in_q1(c.received_at) for c in mine),
            "closed": len(closed),
            "on_time": sum(c.pk not in late for c in closed),
            "open_at_end": sum(_open_at_end(c) for c in mine),
            "compensated": len({r.complaint_id for r in paid}),
            "compensation": sum((r.amount for r in paid), Decimal(0)),
            "hotline_12386": sum(_in_q1(c.received_at) and c.referral_source == "hotline_12386" for c in mine),
        }

    return cases, figures


def _open_at_end(c) -> bool:
    return c.received_at.astimezone(SH).date() < Q1[1] and (c.closed_at is None or
                                                            c.closed_at.astimezone(SH).date() >= Q1[1])


def _row(table, code):
    return next(r for r in table.rows if r.code == code)


def _columns(table):
    return dict(zip(["received", "closed", "on_time", "on_time_rate", "open_at_end", "compensated", "compensation",
                     "hotline_12386"], range(8), strict=True))


def test_every_cell_equals_a_plain_count_over_the_complaints(org, quarter):
    result = produce(org).result
    cases, figures = plain_figures()
    summary, by_category, by_channel = result.tables
    col = _columns(summary)
    everything = figures(lambda c: True)
    for name, i in col.items():
        if name != "on_time_rate":
            assert summary.rows[0].values[i] == everything[name], name
    for code in sorted(set(CATEGORY.values())):
        expected = figures(lambda c, code=code: CATEGORY.get(c.category) == code)
        row = _row(by_category, code)
        for name, i in col.items():
            if name != "on_time_rate":
                assert row.values[i] == expected[name], (code, name)
    for code in sorted(set(CHANNEL.values())):
        expected = figures(lambda c, code=code: CHANNEL.get(c.channel) == code)
        assert _row(by_channel, code).values == [expected["received"], expected["closed"], expected["open_at_end"]]


def test_the_quarter_holds_what_the_fixture_put_in_it(org, quarter):
    """The cases at the quarter's edges land where they belong (a guard on the count above)."""
    summary = produce(org).result.tables[0].rows[0].values
    cases, figures = plain_figures()
    assert quarter["from_q4"] in [c for c in cases if _in_q1(c.closed_at)]
    assert not _in_q1(quarter["april"].received_at) and not _in_q1(quarter["into_q2"].closed_at)
    assert _in_q1(quarter["into_q2"].received_at)
    assert summary[5:8] == [1, Decimal("200.00"), 1]  # one payment of 200 made, one 12386 referral
    assert summary[2] == summary[1] - 1  # the late case is closed but not on time


def test_total_rows_add_up_the_rows_and_the_on_time_rate_is_recomputed(org, quarter):
    for table in produce(org).result.tables[1:]:
        for i, total in enumerate(table.total.values):
            values = [r.values[i] for r in table.rows]
            if table.code == "by-category" and i == 3:
                on_time, closed = table.total.values[2], table.total.values[1]
                assert total == (Decimal(100) * on_time / closed).quantize(Decimal("0.1"))
            else:
                assert total == sum(values)


def test_complaints_not_yet_categorised_are_listed_not_counted_under_a_category(org, quarter):
    done = produce(org)
    uncategorised = {c.reference for c in Complaint.objects.filter(category="", kind="complaint")
                     .exclude(state="redirected") if _in_q1(c.received_at) or _in_q1(c.closed_at)
                     or _open_at_end(c)}
    assert uncategorised, "the book has complaints taken down and not yet assessed"
    warned = {ref for u in done.result.unmapped if u.value == "" for ref in u.references}
    assert warned == uncategorised
    assert done.record.unmapped == [u.as_json() for u in done.result.unmapped]
    by_category = done.result.tables[1]
    summary = done.result.tables[0].rows[0].values
    assert by_category.total.values[0] == summary[0] - sum(
        1 for c in Complaint.objects.filter(reference__in=uncategorised) if _in_q1(c.received_at))


def test_the_complete_return_matches_the_file_reviewed_by_hand(org, quarter):
    csv = bytes(produce(org).record.csv).decode("utf-8-sig").replace("\r\n", "\n")
    assert csv == (EXPECTED / "csrc-quarterly-2026-Q1.csv").read_text(encoding="utf-8")
