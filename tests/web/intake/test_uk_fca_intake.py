"""Taking a complaint down under the uk-fca pack: the product is offered from the pack's
list (so the DISP return can count it), the receipt promises the final response in
eight weeks, and a summary resolution typed in after the third business day is refused
beside the field, with nothing saved."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from redress.complaints.models import Complaint, ComplaintParty
from redress.complaints.timesource import frozen
from redress.policy.loader import load_pack
from tests.web.intake.conftest import latest, typed

LDN = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def uk_fca(settings):
    settings.REDRESS_POLICY = "uk-fca"


def english(**overrides) -> dict:
    return typed(name="Jane Smith", phone="07911123456", language="en", currency="GBP", subject="Card charged twice",
                 cause="My credit card was charged twice for one purchase.", request="Refund the second charge",
                 **overrides)


def test_the_product_field_offers_the_packs_products_in_the_agents_language(org, signed_in):
    form = signed_in("intake", "en").get("/intake/").content.decode()
    assert 'list="pack-products"' in form and '<option value="Credit cards">' in form
    assert '<option value="信用卡">' in signed_in("intake2", "zh-hans").get("/intake/").content.decode()


def test_the_receipt_promises_a_final_response_in_eight_weeks(org, signed_in, save):
    with frozen(datetime(2026, 3, 2, 10, tzinfo=LDN)):
        saved = save(signed_in("intake", "en"), english(party_product="Credit cards"))
        page = signed_in("intake", "en").get(saved["Location"]).content.decode()
    c = latest()
    assert "56 calendar days" in page and "2026-04-27" in page and "Financial Ombudsman Service" in page
    product = c.parties.get(kind=ComplaintParty.Kind.PRODUCT).product
    group, found = load_pack("uk-fca").product_group(product)
    assert (group.code, found.code) == ("banking_credit_cards", "credit_cards")


def test_a_summary_resolution_after_the_third_business_day_is_refused_beside_the_field(org, signed_in, save):
    # A letter received Monday 1 June, typed in on Friday 5 June: too late for the short route.
    with frozen(datetime(2026, 6, 5, 10, tzinfo=LDN)):
        refused = save(signed_in("intake", "en"), english(path="on_spot", received_at="2026-06-01T09:00",
                                                          resolution="Refunded the second charge."))
    html = refused.content.decode()
    assert refused.status_code == 422  # the form again, what was typed kept
    assert "2026-06-04 17:30" in html and "final response" in html
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(("language", "name"), [("en", "Summary resolution communication"), ("zh-hans", "简易处理告知")])
def test_the_short_path_is_called_by_the_packs_name(org, signed_in, language, name):
    form = signed_in("intake", language).get("/intake/").content.decode()
    assert name in form and "Resolved on the spot, customer satisfied" not in form


def test_the_currency_offered_first_is_the_packs(org, signed_in):
    form = signed_in("intake", "en").get("/intake/").content.decode()
    assert '<option value="GBP" selected>' in form
