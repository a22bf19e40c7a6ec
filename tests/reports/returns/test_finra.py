"""FINRA Rule 4530(d) statistics (us-broker): written complaints of the quarter counted
by problem code (the pack's category) and product code (the first product named), each
cell against a plain count; spoken complaints are not written ones; a product no code
recognises is warned about, with the complaints listed."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from redress.complaints import services as svc
from redress.complaints.models import Complaint, ComplaintParty
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.reports.returns.produce import return_produce
from tests.conftest import complaint_input

NY = ZoneInfo("America/New_York")
# FINRA's codes for the pack's categories and the products used below, written out here
# rather than read from the pack's mapping.
PROBLEM = {"unauthorized_trading": "10", "suitability": "16", "misrepresentation": "06", "fees_commissions": "51",
           "platform_outage": "64"}
PRODUCT = {"Acme Corp common stock": "01", "Growth Mutual Fund A": "09", "Lifetime Variable Annuity": "20",
           "Springfield municipal bond": "15", "OTC penny stock XYZ": "14", None: "18"}


def _when(month, day, hour=11):
    from datetime import datetime
    return datetime(2026, month, day, hour, tzinfo=NY)


@pytest.fixture
def us(settings):
    settings.REDRESS_POLICY = "us-broker"


@pytest.fixture
def written(org, us):
    """A quarter of complaints (2026-Q2) and some around it."""
    cases = [
        ("email", "unauthorized_trading", "Acme Corp common stock", _when(4, 2)),
        ("letter", "unauthorized_trading", None, _when(4, 3)),
        ("web", "suitability", "Lifetime Variable Annuity", _when(4, 20)),
        ("app", "suitability", "Growth Mutual Fund A", _when(5, 5)),
        ("email", "misrepresentation", "Springfield municipal bond", _when(5, 6)),
        ("email", "misrepresentation", "OTC penny stock XYZ", _when(5, 7)),
        ("regulator_referral", "fees_commissions", None, _when(6, 1)),
        ("email", "platform_outage", "Acme Corp common stock", _when(6, 30, 23)),  # last evening of the quarter
        ("email", "suitability", "Bitcoin tracker token", _when(6, 2)),  # no FINRA product words: warned
        ("phone", "unauthorized_trading", "Acme Corp common stock", _when(5, 8)),  # spoken: not counted
        ("walk_in", "misrepresentation", None, _when(5, 9)),  # spoken: not counted
        ("email", "suitability", "Acme Corp common stock", _when(3, 31, 23)),  # Q1
        ("email", "suitability", "Acme Corp common stock", _when(7, 1, 0)),  # Q3
    ]
    made = []
    for channel, category, product, when in cases:
        parties = [svc.PartyInput(kind="product", product=product)] if product else []
        with frozen(when):
            c = svc.complaint_receive(actor=org.intake, data=complaint_input(
                channel=channel, parties=parties, subject="Complaint", cause="The broker did not do as asked.",
                customer=svc.CustomerInput(name="Jane Roe", phone="2125550100", language="en")), register=True)
            svc.complaint_assess(c, actor=org.office, category=category, severity="medium")
        made.append(c)
    # A second product named later does not change the most prominent (first) one.
    with frozen(_when(4, 4)):
        svc.party_add(made[0], actor=org.office, kind="product", product="Growth Mutual Fund A")
    return made


def produce(org, period="2026-Q2"):
    pack = active_pack()
    now = _when(7, 10)
    with frozen(now):
        return return_produce(staff=org.compliance, pack=pack, code="finra-4530d", period=period, now=now,
                              cal=calendar_for(pack), language="en")


def plain_counts():
    counts: dict[tuple[str, str], int] = {}
    unplaced = set()
    for c in Complaint.objects.all():
        local = c.received_at.astimezone(NY).date()
        if c.channel in ("phone", "walk_in") or not (4 <= local.month <= 6 and local.year == 2026):
            continue
        first = ComplaintParty.objects.filter(complaint=c, kind="product").order_by("id").first()
        product = PRODUCT.get(first.product if first else None)
        if product is None:
            unplaced.add(c.reference)
            continue
        key = (PROBLEM[c.category], product)
        counts[key] = counts.get(key, 0) + 1
    return counts, unplaced


def test_each_cell_counts_the_written_complaints_of_its_problem_and_product(org, written):
    result = produce(org).result
    table = result.tables[0]
    counts, _ = plain_counts()
    products = [label.split(" ")[0] for label in table.columns[:-1]]
    seen = 0
    for row in table.rows:
        for code, value in zip(products, row.values[:-1], strict=True):
            assert value == counts.get((row.code, code), 0), (row.code, code)
            seen += value
    assert seen == sum(counts.values()) == 8


def test_the_all_products_column_counts_every_written_complaint_of_the_problem(org, written):
    table = produce(org).result.tables[0]
    by_problem = {row.code: row.values[-1] for row in table.rows}
    assert by_problem["10"] == 2 and by_problem["16"] == 3  # the token's complaint is in its problem's total
    assert table.total.values[-1] == 9


def test_a_product_no_code_recognises_is_warned_about_with_the_complaint(org, written):
    done = produce(org)
    _, unplaced = plain_counts()
    assert [(u.dimension, u.value, u.references) for u in done.result.unmapped] == [
        ("Product code", "Bitcoin tracker token", unplaced)]
    assert done.record.unmapped[0]["count"] == 1


def test_the_file_is_in_english_the_regulators_language(org, written):
    csv = bytes(produce(org).record.csv).decode("utf-8-sig")
    assert "Written complaints by problem and product code" in csv and "18 No product" in csv
    assert csv.splitlines()[0] == "FINRA Rule 4530(d) quarterly statistics of written customer complaints"


def test_the_complete_return_matches_the_file_reviewed_by_hand(org, written):
    """expected/README.md says how each figure of the file was counted from the fixture."""
    from pathlib import Path
    expected = Path(__file__).parent / "expected" / "finra-4530d-2026-Q2.csv"
    csv = bytes(produce(org).record.csv).decode("utf-8-sig").replace("\r\n", "\n")
    assert csv == expected.read_text(encoding="utf-8")
