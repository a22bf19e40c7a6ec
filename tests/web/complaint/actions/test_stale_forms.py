"""A form left open while a colleague works on the case (issue 12.5): nothing typed is
lost; a change that does not touch the form lets it through; one that does is shown,
and the form goes through once the person has seen it. The rule is in
web/complaint/actions/conflicts.py and docs/architecture.md."""

from __future__ import annotations

import re

from redress.complaints import services as svc
from redress.complaints.ledger import EventType as E
from redress.complaints.lifecycle import State
from redress.complaints.timesource import frozen
from redress.web.complaint.actions.registry import action_url
from tests.conftest import at
from tests.web.complaint.actions.conftest import events


def opened(client, complaint, action: str) -> dict:
    """The hidden fields of the form as the person opened it."""
    html = client.get(action_url(complaint, action)).content.decode()
    return hidden(html)


def hidden(html: str) -> dict:
    return {name: re.search(rf'name="{name}" value="(\d+)"', html)[1] for name in ("version", "seen")}


PROPOSAL = {"summary": "解释委托规则并致歉", "facts": "客户委托价格超出涨跌停限制,交易所作废委托。" * 5,
            "responsibility": "customer", "legal_basis": "交易规则第3.3条",
            "remedies-TOTAL_FORMS": "3", "remedies-INITIAL_FORMS": "0"}


def test_a_colleagues_finding_does_not_block_a_proposal(org, walk, signed_in):
    # Given the handler opened the proposal form on a case under investigation
    w = walk().assess().dispatch().accept()
    handler = signed_in("handler")
    seen = opened(handler, w.c, "propose")
    # and meanwhile the department head added a note to the file
    with frozen(at(2026, 3, 3, 10)):
        svc.finding_add(w.c, actor=org.dept_head, kind="note", text="客户来电补充:委托时间为14:55", via="test")
        # When the handler sends the proposal as opened
        r = handler.post(action_url(w.c, "propose"), {**seen, **PROPOSAL})
    # Then it goes through: a note is not a reason to look again before proposing
    assert r.status_code == 302
    w.c.refresh_from_db()
    assert w.c.state == State.PROPOSED and events(w.c)[-2:] == [E.FINDING_ADDED, E.PROPOSED]


def test_the_approver_sees_a_call_recorded_meanwhile_and_then_approves(org, walk, signed_in):
    # Given the office opened the approval form and typed a note
    w = walk().assess().dispatch().accept().propose()
    office = signed_in("office")
    seen = opened(office, w.c, "approve")
    note = "同意。请于三个工作日内电话告知客户,并寄送书面说明。" * 3
    # and meanwhile the handler recorded a call the approver has not read
    with frozen(at(2026, 3, 3, 10)):
        svc.contact_record(w.c, actor=org.handler, channel="phone", note="交易所回报显示委托价格高于涨停价", via="test")
        # When the approval is sent as opened
        r = office.post(action_url(w.c, "approve"), {**seen, "note": note})
    # Then it is held back: the call is shown, the note is kept, nothing is decided
    html = r.content.decode()
    assert r.status_code == 409 and "您打开此表单后,投诉已被更改" in html
    assert "交易所回报显示委托价格高于涨停价" in html and note in html
    w.c.refresh_from_db()
    assert w.c.state == State.PROPOSED
    # and the form now carries the version after the change it showed
    again = hidden(html)
    assert again == {"version": str(w.c.version), "seen": str(w.c.ledger_length)}
    # When the approver, having read it, sends the form again
    with frozen(at(2026, 3, 3, 10, 5)):
        r = office.post(action_url(w.c, "approve"), {**again, "note": note})
    # Then the proposal is approved
    assert r.status_code == 302
    w.c.refresh_from_db()
    assert w.c.state == State.APPROVED and events(w.c)[-1] == E.APPROVED


def test_a_message_from_the_customer_holds_back_the_result(org, walk, signed_in):
    # Given the handler opened the result form, and the customer wrote in meanwhile
    w = walk().assess().dispatch().accept().propose().approve()
    handler = signed_in("handler", "en")
    seen = opened(handler, w.c, "communicate_result")
    with frozen(at(2026, 3, 3, 10)):
        svc.customer_message_receive(w.c, body="I now have the exchange's receipt", channel="phone",
                                     actor=org.intake, via="web")
        r = handler.post(action_url(w.c, "communicate_result"),
                         {**seen, "channel": "phone", "body": "Our answer, typed at length."})
    # Then the result is not sent before the handler has read what the customer said
    html = r.content.decode()
    assert r.status_code == 409 and "I now have the exchange&#x27;s receipt" in html
    assert "Our answer, typed at length." in html and "Reload the form" not in html
    w.c.refresh_from_db()
    assert w.c.state == State.APPROVED and events(w.c)[-1] == E.MESSAGE_RECEIVED


def test_a_change_of_state_holds_back_any_form(org, walk, signed_in):
    # Given the handler opened the finding form, and the office then escalated the case
    w = walk().assess().dispatch().accept()
    handler = signed_in("handler")
    seen = opened(handler, w.c, "add_finding")
    with frozen(at(2026, 3, 3, 10)):
        svc.extension_request(w.c, actor=org.dept_head, working_days=5, reason="等待交易所回报",
                              plan="收到后两个工作日内提出方案", via="test")
        r = handler.post(action_url(w.c, "add_finding"), {**seen, "kind": "note", "text": "已调取录音"})
    # Then the finding waits until the handler has seen the extension request
    assert r.status_code == 409 and "已调取录音" in r.content.decode()
    assert events(w.c)[-1] == E.EXTENSION_REQUESTED
