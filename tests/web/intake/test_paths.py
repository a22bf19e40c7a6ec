"""The first responder takes a complaint down and chooses its path (SPEC §3; 001
首问负责制, 第十五条; 002 §二(一); 004 §7(一), 第十七条)."""

from __future__ import annotations

from redress.complaints.ledger import EventType
from redress.complaints.models import ComplaintLink, ComplaintParty, Customer
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.intake.conftest import latest, token_of, typed


def events(c):
    return [e.type for e in c.events.order_by("seq")]


def test_intake_agent_registers_a_phone_complaint_and_sees_the_acknowledgment(org, signed_in, save):
    client = signed_in("intake")
    # Given the eve of the National Day week: 20 working days skip 1-7 October and count
    # Saturday 10 October (调休), so the result is due on Tuesday 3 November.
    with frozen(at(2026, 9, 30, 10, 0)):
        saved = save(client, typed())
        c = latest()
        assert saved.status_code == 302 and saved["Location"] == f"/intake/done/{c.reference}/"
        page = client.get(saved["Location"]).content.decode()
    assert c.state == "registered" and c.channel == "phone"
    assert c.first_responder == org.intake and c.owner == org.intake
    assert events(c) == [EventType.RECEIVED, EventType.REGISTERED]
    assert c.communications.get().kind == "acknowledgment"
    assert "投诉受理告知书" in page and "您的投诉已登记受理" in page and c.reference in page
    assert "2026-11-03" in page and "办结并告知结果" in page
    assert "调解" in page and "打印" in page


def test_acknowledgment_is_in_the_customers_language_not_the_agents(org, signed_in, save):
    client = signed_in("intake", "zh-hans")  # the agent works in Chinese
    with frozen(at(2026, 3, 2, 9, 30)):
        saved = save(client, typed(name="John Smith", language="en"))
        page = client.get(saved["Location"]).content.decode()
    assert "We have registered your complaint" in page and "Acknowledgment of your complaint" in page
    assert "20 working days" in page and "Result due by" in page
    assert "打印" in page  # the agent's own buttons stay in the agent's language


def test_12386_referral_keeps_its_original_received_time(org, signed_in, save):
    client = signed_in("intake")
    with frozen(at(2026, 3, 4, 15, 0)):
        saved = save(client, typed(channel="regulator_referral", referral_source="hotline_12386",
                                   external_reference="12386-20260302-0042", received_at="2026-03-02T16:45"))
        page = client.get(saved["Location"]).content.decode()
    c = latest()
    assert c.received_at == at(2026, 3, 2, 16, 45)
    assert c.registered_at == at(2026, 3, 4, 15, 0)
    assert (c.referral_source, c.external_reference) == ("hotline_12386", "12386-20260302-0042")
    received = c.events.get(type=EventType.RECEIVED)
    assert '"referral_source":"hotline_12386"' in received.payload
    assert "2026-03-02 16:45" in page and "12386-20260302-0042" in page


def test_regulator_referral_must_name_the_referring_body(org, signed_in):
    client = signed_in("intake")
    response = client.post("/intake/read-back/", typed(channel="regulator_referral"))
    assert response.status_code == 422
    assert "监管转办需注明转办机构" in response.content.decode()


def test_inquiry_path_closes_as_inquiry(org, signed_in, save):
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 11, 0)):
        saved = save(client, typed(path="inquiry", subject="转托管需要多久", answer="转托管一般在T+1日完成,请留意短信通知。"))
        page = client.get(saved["Location"]).content.decode()
    c = latest()
    assert (c.state, c.kind, c.outcome) == ("closed_inquiry", "inquiry", "inquiry_answered")
    assert events(c) == [EventType.RECEIVED, EventType.INQUIRY_ANSWERED]
    assert not c.events.filter(type=EventType.REGISTERED).exists()
    assert "转托管一般在T+1日完成" in page and "咨询答复记录" in page


def test_resolved_on_the_spot_with_the_customer_satisfied(org, signed_in, save):
    client = signed_in("intake2")  # a branch front desk
    with frozen(at(2026, 3, 2, 14, 0)):
        saved = save(client, typed(channel="walk_in", path="on_spot", resolution="当场为客户补办转托管手续",
                                   customer_opinion="满意,不再追究"))
        page = client.get(saved["Location"]).content.decode()
    c = latest()
    assert (c.state, c.satisfied, c.handler) == ("resolved_on_spot", True, org.intake2)
    assert events(c) == [EventType.RECEIVED, EventType.RESOLVED_ON_SPOT]
    assert "当场为客户补办转托管手续" in page and "满意,不再追究" in page


def test_out_of_scope_is_redirected_with_the_authority_and_its_contact(org, signed_in, save):
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 14, 0)):
        saved = save(client, typed(path="redirect", authority="hotline_12386", subject="对上市公司信息披露不满"))
        page = client.get(saved["Location"]).content.decode()
    c = latest()
    assert (c.state, c.redirect_authority) == ("redirected", "hotline_12386")
    assert events(c) == [EventType.RECEIVED, EventType.REDIRECTED]
    assert "中国证监会12386服务热线" in page and "12386" in page
    assert c.communications.get().kind == "redirect"


def test_category_given_at_intake_assesses_the_complaint(org, signed_in, save):
    client = signed_in("office")
    with frozen(at(2026, 3, 2, 10, 0)):
        save(client, typed(category="counter", severity="low"))
    c = latest()
    assert (c.state, c.category, c.severity) == ("assessed", "counter", "low")
    assert events(c) == [EventType.RECEIVED, EventType.REGISTERED, EventType.ASSESSED]


def test_parties_complained_about_are_recorded(org, signed_in, save):
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 10, 0)):
        save(client, typed(party_unit=str(org.branch.pk), party_employee="handler2", party_product="融资融券"))
    c = latest()
    parties = {(p.kind, p.unit_id, p.staff_id, p.product) for p in c.parties.all()}
    assert parties == {(ComplaintParty.Kind.UNIT, org.branch.pk, None, ""),
                       (ComplaintParty.Kind.EMPLOYEE, None, org.handler2.pk, ""),
                       (ComplaintParty.Kind.PRODUCT, None, None, "融资融券")}
    assert c.branch == org.branch


def test_an_amount_claimed_makes_it_an_economic_dispute(org, signed_in, save):
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 10, 0)):
        save(client, typed(amount_claimed="12,500.5"))
    c = latest()
    assert str(c.amount_claimed) == "12500.50" and c.is_economic_dispute


def test_confirming_twice_saves_once(org, signed_in):
    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 10, 0)):
        shown = client.post("/intake/read-back/", typed())
        data = {**typed(), "token": token_of(shown), "step": "confirm"}
        first = client.post("/intake/confirm/", data)
        second = client.post("/intake/confirm/", data)
    assert first["Location"] == second["Location"]
    assert Customer.objects.count() == 1 and latest().customer.complaints.count() == 1
    assert not ComplaintLink.objects.exists()


def test_a_forbidden_phrase_in_the_inquiry_answer_is_warned_before_the_read_back(org, signed_in, save):
    from tests.web.intake.conftest import read_back

    client = signed_in("intake")
    data = typed(path="inquiry", subject="转托管需要多久", answer="当天办完是不 可能的,一般T+1日完成。")
    with frozen(at(2026, 3, 2, 10, 0)):
        warned = read_back(client, data)
        html = warned.content.decode()
        # Then the form comes back with the phrase as written and a box to keep it
        assert warned.status_code == 422 and "「不 可能」(「不可能」)" in html
        assert 'name="confirm_phrases" value="不可能"' in html and latest() is None
        # When the agent confirms it, the read-back and the save go through, and it is recorded
        saved = save(client, {**data, "confirm_phrases": ["不可能"]})
    assert saved.status_code == 302
    c = latest()
    assert c.state == "closed_inquiry"
    assert '"forbidden_confirmed":["不可能"]' in c.events.get(type=EventType.INQUIRY_ANSWERED).payload


def test_a_redirect_note_with_a_forbidden_phrase_is_warned(org, signed_in):
    from tests.web.intake.conftest import read_back

    client = signed_in("intake")
    with frozen(at(2026, 3, 2, 10, 0)):
        warned = read_back(client, typed(path="redirect", subject="银行理财亏损", authority="police",
                                         redirect_note="此事責任不在本公司"))
    assert warned.status_code == 422 and "「責任不在本公司」(「责任不在我公司」)" in warned.content.decode()
