"""Separation of duties, as staff meet it in the forms: the refusal names the rule."""

from __future__ import annotations

from redress.complaints.ledger import EventType as E
from redress.complaints.lifecycle import State
from redress.complaints.timesource import frozen
from redress.web.complaint.actions.registry import available_actions
from tests.conftest import at, grant
from tests.web.complaint.actions.conftest import events


def test_proposer_cannot_approve_own_proposal_in_the_form(org, walk, signed_in, send):
    # Given a department head who accepted the work order, handles the case and proposed
    # a resolution that department heads may approve
    w = walk().assess().dispatch().accept(handler=org.dept_head).propose()
    assert "dept_head" in w.proposal.approver_roles
    # Then the approve button is not offered to them
    assert "approve" not in [a.code for a in available_actions(org.dept_head, w.c)]
    # When they open the approve form anyway and send it
    with frozen(at(2026, 3, 3)):
        r = send(signed_in("dept_head"), w.c, "approve", note="同意")
    # Then it is refused (403) with the maker–checker rule, and nothing changes
    assert r.status_code == 403
    assert "任何人不得审批自己提出的处理方案" in r.content.decode()
    w.c.refresh_from_db()
    assert w.c.state == State.PROPOSED and E.APPROVED not in events(w.c)


def test_handler_cannot_record_the_callback(org, walk, signed_in, send):
    # Given a result told to the customer by the handler
    w = walk().to_awaiting_callback()
    before = events(w.c)
    # When the handler tries to record the callback
    with frozen(at(2026, 3, 4)):
        r = send(signed_in("handler"), w.c, "record_callback", satisfied="yes", channel="phone")
    # Then the role rule refuses it, naming the roles in words, never their codes
    refusal = r.content.decode()
    assert "回访需要以下角色之一:回访人员;" in refusal and "的角色为:经办人" in refusal
    assert ":callback" not in refusal and ":handler" not in refusal
    # And even holding the callback role, the handler is refused by 001 第二十三条
    grant(org.handler, "callback")
    assert "record_callback" not in [a.code for a in available_actions(org.handler, w.c)]
    with frozen(at(2026, 3, 4)):
        r = send(signed_in("handler", "en"), w.c, "record_callback", satisfied="yes", channel="phone")
    html = r.content.decode()
    assert "handler handled this complaint and may not do its callback (001 第二十三条)" in html
    w.c.refresh_from_db()
    assert w.c.state == State.AWAITING_CALLBACK and events(w.c) == before
    # while the independent callback agent may
    assert "record_callback" in [a.code for a in available_actions(org.callback, w.c)]
