"""Writing to the customer: forbidden phrases (001 第十七条) are caught before sending."""

from __future__ import annotations

import json

from redress.complaints.ledger import EventType as E
from redress.complaints.lifecycle import State
from redress.complaints.models import Communication, Event
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.complaint.actions.conftest import events

BLUNT = "经核实,系统不可能出错,这事情的责任不在我公司。依据交易规则第3.3条。"


def test_forbidden_phrase_warns_before_sending_and_confirm_sends(walk, signed_in, send):
    # Given an approved resolution the handler is to tell the customer
    w = walk().assess().dispatch().accept().propose().approve()
    handler = signed_in("handler")
    with frozen(at(2026, 3, 3)):
        # When the text contains forbidden phrases
        r = send(handler, w.c, "communicate_result", channel="phone", body=BLUNT)
        # Then nothing is sent: the form warns, marks each phrase and keeps the text
        html = r.content.decode()
        assert r.status_code == 200 and "答复客户时禁止使用的用语" in html
        assert "<mark>不可能</mark>" in html and "<mark>这事情的责任不在我公司</mark>" in html
        assert BLUNT in html  # the textarea still holds it
        assert not Communication.objects.filter(complaint=w.c, kind="result").exists()
        # When only one phrase is confirmed, it is still refused
        r = send(handler, w.c, "communicate_result", channel="phone", body=BLUNT, confirm_phrases=["不可能"])
        assert "<mark>这事情的责任不在我公司</mark>" in r.content.decode()
        assert 'value="不可能" checked' in r.content.decode()
        # When both are confirmed explicitly
        r = send(handler, w.c, "communicate_result", channel="phone", body=BLUNT,
                 confirm_phrases=["不可能", "这事情的责任不在我公司"])
    # Then it is sent, and the ledger records which phrases were confirmed
    assert r.status_code == 302
    w.c.refresh_from_db()
    assert w.c.state == State.AWAITING_CALLBACK and events(w.c)[-1] == E.RESULT_COMMUNICATED
    payload = json.loads(Event.objects.filter(complaint=w.c).latest("seq").payload)
    assert sorted(payload["forbidden_confirmed"]) == sorted(["不可能", "这事情的责任不在我公司"])


def test_rephrased_message_is_sent_without_confirmation(walk, signed_in, send):
    w = walk().assess().dispatch().accept()
    handler = signed_in("handler", "en")
    with frozen(at(2026, 3, 3)):
        r = send(handler, w.c, "send_message", kind="progress", channel="phone", body="That is impossible.")
        assert "<mark>impossible</mark>" in r.content.decode()
        r = send(handler, w.c, "send_message", kind="progress", channel="phone",
                 body="We are still checking the exchange's records and will reply by Friday.")
    assert r.status_code == 302
    assert events(w.c)[-1] == E.MESSAGE_SENT


def test_live_check_while_typing_returns_the_warning_fragment(walk, signed_in):
    w = walk().assess()
    client = signed_in("office")
    url = f"/complaints/{w.c.reference}/act/check-phrases/"
    warned = client.post(url, {"body": "我们没有错,不会有这种事"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<mark>我们没有错</mark>" in warned and "<mark>不会有这种事</mark>" in warned and "<html" not in warned
    assert client.post(url, {"body": "我们正在核实,请您耐心等待"}).content.decode().strip() == ""


def test_inquiry_answer_form_warns_on_a_disguised_phrase_and_sends_once_confirmed(org, signed_in, send):
    from redress.complaints import services as svc
    from tests.conftest import complaint_input

    with frozen(at(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(kind="inquiry", subject="开户条件"))
    intake = signed_in("intake")
    answer = "资产不足,開戶是不 可能的。"
    with frozen(at(2026, 3, 2)):
        r = send(intake, c, "answer_inquiry", answer=answer)
        html = r.content.decode()
        # The customer's reading is marked; the box confirms the policy's phrase
        assert r.status_code == 200 and "<mark>不 可能</mark>" in html
        assert 'name="confirm_phrases" value="不可能"' in html
        assert not Communication.objects.filter(complaint=c).exists()
        r = send(intake, c, "answer_inquiry", answer=answer, confirm_phrases=["不可能"])
    assert r.status_code == 302
    c.refresh_from_db()
    assert c.state == State.CLOSED_INQUIRY
    assert json.loads(Event.objects.filter(complaint=c).latest("seq").payload)["forbidden_confirmed"] == ["不可能"]


def test_live_check_reads_the_field_it_is_told(walk, signed_in):
    w = walk()
    client = signed_in("intake")
    url = f"/complaints/{w.c.reference}/act/check-phrases/"
    warned = client.post(url, {"field": "note", "note": "責任不在本公司"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<mark>責任不在本公司</mark> (责任不在我公司)" in warned
