"""The uk-fca pack says what DISP says: the limits of DISP 1.5 and 1.6, the return's
product groups and causes (DISP 1.10, DISP 1 Annex 1R), the ombudsman in every final
response, and every name in both languages."""

from __future__ import annotations

import textwrap

import pytest

from redress.policy.loader import PolicyError, load_pack
from redress.policy.schema import Stage, Unit

PACK = load_pack("uk-fca")

# The return's groupings and causes, written out here from DISP 1 Annex 1R.
PRODUCT_GROUPS = ["banking_credit_cards", "home_finance", "insurance_protection", "decumulation_pensions",
                  "investments"]
CAUSES = ["advising_selling_arranging", "terms_disputed_sums", "general_admin", "arrears_related", "other"]


def all_texts(pack):
    """Every bilingual name the pack can show: categories, products, clocks, channels,
    special steps, triggers, authorities, the summary route and the referral notice."""
    yield pack.name
    yield from (c.name for c in pack.channels)
    for cat in pack.iter_categories():
        yield cat.name
        if cat.description:
            yield cat.description
        yield from (s.name for s in cat.special_steps)
    yield from (p.name for p in pack.iter_products())
    yield from (c.name for c in pack.clocks)
    yield from (t.name for t in pack.triggers)
    yield from (a.name for a in pack.authorities)
    yield pack.summary_resolution.name
    yield pack.referral_notice


def test_every_name_is_written_in_english_and_in_simplified_chinese():
    for text in all_texts(PACK):
        assert text.en.strip() and text.zh_hans.strip()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text.zh_hans), text.zh_hans


def test_acknowledgement_is_due_by_the_third_business_day_and_stops_on_registration():
    ack = PACK.clock("acknowledgement")
    assert (ack.starts_on, ack.stops_on) == (Stage.RECEIVED, Stage.REGISTERED)
    assert (ack.limit.amount, ack.limit.unit) == (3, Unit.WORKING_DAYS)


def test_final_response_runs_eight_calendar_weeks_from_receipt_and_cannot_be_stretched():
    final = PACK.clock("final_response")
    assert (final.starts_on, final.stops_on) == (Stage.RECEIVED, Stage.COMMUNICATED)
    assert final.counts_from_receipt()
    assert (final.limit.amount, final.limit.unit) == (8 * 7, Unit.CALENDAR_DAYS)
    assert PACK.extension is None and PACK.pausing is None
    # It is the clock whose date the acknowledgment promises, though none is extendable.
    assert not final.extendable and PACK.reply_clock() == final


def test_summary_resolution_window_is_three_business_days():
    window = PACK.summary_resolution.within
    assert (window.amount, window.unit) == (3, Unit.WORKING_DAYS)


def test_categories_are_the_returns_causes_and_products_its_groups():
    assert [c.code for c in PACK.categories] == CAUSES
    assert [p.code for p in PACK.products] == PRODUCT_GROUPS
    assert all(group.children for group in PACK.products)


@pytest.mark.parametrize(("written", "group", "product"), [
    ("credit_cards", "banking_credit_cards", "credit_cards"),  # the code
    ("Credit cards", "banking_credit_cards", "credit_cards"),  # the English name
    ("  credit   CARDS ", "banking_credit_cards", "credit_cards"),  # as typed
    ("信用卡", "banking_credit_cards", "credit_cards"),  # the Chinese name
    ("Mortgages", "home_finance", "mortgages"),
    ("Income drawdown", "decumulation_pensions", "income_drawdown"),
    ("Investments", "investments", "investments"),  # a group named itself
])
def test_a_product_as_written_on_a_complaint_finds_its_return_group(written, group, product):
    found = PACK.product_group(written)
    assert (found[0].code, found[1].code) == (group, product)


@pytest.mark.parametrize("written", ["", "   ", "Bitcoin", "credit"])
def test_a_product_the_pack_does_not_know_is_not_guessed(written):
    assert PACK.product_group(written) is None


def test_the_referral_notice_names_the_ombudsman_its_website_and_six_months():
    notice = PACK.referral_notice
    assert "Financial Ombudsman Service" in notice.en and "six months" in notice.en
    assert "www.financial-ombudsman.org.uk" in notice.en and "www.financial-ombudsman.org.uk" in notice.zh_hans
    assert "六个月" in notice.zh_hans and "金融申诉专员" in notice.zh_hans


def test_records_are_kept_longer_than_disp_asks():
    assert PACK.retention_years >= 3  # DISP 1.9.2R


def test_a_repeated_product_code_is_refused_naming_it(tmp_path):
    path = tmp_path / "firm.yaml"
    path.write_text(textwrap.dedent("""
        extends: uk-fca
        code: example-firm
        products:
          - code: banking
            name: { zh-hans: 银行, en: Banking }
            children:
              - code: savings
                name: { zh-hans: 储蓄, en: Savings }
          - code: savings
            name: { zh-hans: 储蓄, en: Savings }
    """), encoding="utf-8")
    with pytest.raises(PolicyError) as err:
        load_pack(str(path))
    assert "product codes must be unique" in str(err.value) and "savings" in str(err.value)


def test_a_firm_in_scotland_changes_only_the_subdivision(tmp_path):
    path = tmp_path / "firm.yaml"
    path.write_text("extends: uk-fca\ncode: scottish-firm\ncalendar: {subdivision: SCT}\n", encoding="utf-8")
    pack = load_pack(str(path))
    assert (pack.calendar.country, pack.calendar.subdivision, pack.calendar.timezone) == (
        "GB", "SCT", "Europe/London")
    assert pack.clocks == PACK.clocks


def test_the_disp_return_maps_every_product_group_and_cause_of_the_pack():
    """Every product group and top-level cause of the pack is on the return, once."""
    ret = PACK.regulator_return("disp-complaints-return")
    assert ret.period == "half_year" and ret.due.working_days == 30 and ret.closed_when == "final_response"
    groups = [v for c in ret.dimension("product_group").codes for v in c.values]
    causes = [v for c in ret.dimension("cause").codes for v in c.values]
    assert sorted(groups) == sorted(PRODUCT_GROUPS) and sorted(causes) == sorted(CAUSES)
    assert [c.name.en for c in ret.dimension("product_group").codes] == [
        "Banking and credit cards", "Decumulation & pensions", "Home finance", "Insurance & pure protection",
        "Investments"]
