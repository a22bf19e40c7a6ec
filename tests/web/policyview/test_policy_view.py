"""The rules page (/policy/): the active pack, read-only, for any signed-in staff."""

from __future__ import annotations

import pytest

from redress.policy.loader import active_pack


def page(client) -> str:
    response = client.get("/policy/")
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["intake", "handler", "dept_head", "office", "cro", "callback", "auditor",
                                 "marketer"])
def test_any_signed_in_staff_may_read_the_rules(org, signed_in, who):
    assert "投诉" in page(signed_in(who))


def test_anonymous_visitor_is_sent_to_sign_in(db, client):
    assert client.get("/policy/")["Location"] == "/login/?next=/policy/"


def test_the_page_only_reads(org, signed_in):
    assert signed_in("office").post("/policy/").status_code == 405


def test_categories_with_both_names_default_unit_and_special_steps(org, signed_in):
    html = page(signed_in("handler"))
    assert "信息系统类" in html and "Information systems" in html  # the other language under the name
    assert "信息技术中心" in html  # info_system's default unit, by its name in the organisation
    assert "协助客户向公安机关报案" in html  # stolen_funds' special step
    assert "公安机关" in html and "资金被盗/证券被盗买盗卖" in html


def test_clocks_and_their_limits_in_english(org, signed_in):
    html = page(signed_in("handler", "en"))
    assert "Resolved and result told" in html
    assert "20 working days" in html
    assert "the same working day" in html  # the inquiry clock
    assert "the result is told to the customer" in html  # where the resolution clock stops


def test_extension_rules(org, signed_in):
    html = page(signed_in("office", "en"))
    ext = active_pack().extension
    assert f"{ext.max_extension.amount} working days" in html
    assert "3 working days before the time limit" in html
    assert "only with the complainant" in html and "consent" in html


def test_pausing_rules(org, signed_in):
    html = page(signed_in("office", "en"))
    section = html[html.index('id="pausing"'):html.index('id="authority"')]
    assert "Waiting for documents asked of the customer" in section and "External appraisal or test" in section
    assert "needs the question sent to the customer" in section and "ends when the customer answers" in section
    assert "5 working days" in section and "10 working days paused in all" in section
    assert "Handler" in section and "only while working the case" in section


def test_authority_matrix_and_economic_disputes(org, signed_in):
    html = page(signed_in("office", "en"))
    assert "up to 5,000" in html and "up to 50,000" in html and "any amount" in html
    section = html[html.index('id="authority"'):html.index('id="triggers"')]
    assert "Department head" in section and "Chief risk officer" in section
    assert "never by staff alone" in section


def test_triggers_forbidden_phrases_callback_and_retention(org, signed_in):
    html = page(signed_in("callback"))
    assert "交易系统故障" in html and "宕机" in html  # a trigger and one of its words
    assert "这事情的责任不在我公司" in html and "not our fault" in html  # both languages' phrases
    variants = html[html.index("可互换的词"):html.index('id="callback"')]
    assert "我公司</span> = <span class=\"badge\">我司" in variants and "没错" in variants
    assert "至少保存 3 年" in html  # 001 第二十四条


def test_another_pack_shows_its_own_rules(org, signed_in, settings):
    settings.REDRESS_POLICY = "cn-futures"
    pack = active_pack()
    html = page(signed_in("handler"))
    for category in pack.categories:
        assert category.name.zh_hans in html
    assert pack.name.zh_hans in html


def test_deemed_closure_says_where_eligible_cases_are_offered(org, signed_in):
    html = page(signed_in("office", "en"))
    assert "After 6 months of follow-up" in html or "6 months" in html
    assert "“Eligible for deemed closure” with the date they became eligible; a person decides" in html
    assert "“可视为办结”工作清单" in page(signed_in("office"))


def test_what_makes_an_economic_dispute_and_who_never_calls_back(org, signed_in):
    html = page(signed_in("handler"))
    assert "即属经济纠纷" in html and "索赔/经济赔偿" in html  # economic_dispute.triggers, by name
    assert "接收处理单、经办、提出或审批处理方案的人员" in html  # 001 第二十三条, as the code enforces it
    assert "期满前任何途径均不得删除投诉记录" in html  # retention_years


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", ["银行与信用卡", "Banking and credit cards", "信用卡", "简易处理告知", "3 个工作日", "每份最终答复均附加",
                 "英国金融申诉专员服务机构", "56 个自然日"]),
    ("en", ["Banking and credit cards", "银行与信用卡", "Credit cards", "Summary resolution communication",
            "within 3 working days of its receipt", "Added to every final response",
            "refer your complaint to the Financial Ombudsman Service", "56 calendar days"]),
])
def test_the_uk_pack_shows_its_products_summary_route_and_referral_notice(org, signed_in, settings, language, words):
    settings.REDRESS_POLICY = "uk-fca"
    html = page(signed_in("handler", language))
    for word in words:
        assert word in html, word


@pytest.mark.parametrize(("language", "words"), [
    ("zh-hans", ["告知处理结果时记录的结果类别", "支付款项(赔偿或付款类补救措施)", "monetary_relief",
                 "non_monetary_relief", "explained", "美国消费者金融保护局", "15 个自然日"]),
    ("en", ["Outcome recorded when the result is told", "money paid (compensation or a payment remedy)",
            "monetary_relief", "non_monetary_relief", "explained", "Consumer Financial Protection Bureau",
            "15 calendar days"]),
])
def test_the_cfpb_pack_shows_the_outcomes_its_results_record(org, signed_in, settings, language, words):
    settings.REDRESS_POLICY = "us-cfpb"
    html = page(signed_in("handler", language))
    for word in words:
        assert word in html, word


def test_a_pack_without_result_outcomes_shows_none(org, signed_in, settings):
    settings.REDRESS_POLICY = "sg-mas"
    html = page(signed_in("handler", "en"))
    assert "Outcome recorded when the result is told" not in html
    assert "FIDReC" in html and "20 working days" in html


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Urgent complaint answered within 1 hour", "Only for cases where", "urgency: urgent",
            "urgency: ordinary", "judged when the complaint comes in and again each time it is assessed"]),
    ("zh-hans", ["紧急投诉1小时内回复", "仅适用于", "紧急程度: 紧急", "紧急程度: 一般", "每次评估(含重新评估)时再判断一次"]),
])
def test_the_general_pack_shows_which_cases_each_answer_clock_is_for(org, signed_in, settings, language, words):
    settings.REDRESS_POLICY = "general"
    html = page(signed_in("handler", language))
    for word in words:
        assert word in html, word
