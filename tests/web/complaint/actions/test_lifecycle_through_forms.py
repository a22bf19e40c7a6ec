"""The normal path of a complaint, walked through the action forms as staff would."""

from __future__ import annotations

from django.contrib.messages import get_messages

from redress.complaints.ledger import EventType as E
from redress.complaints.lifecycle import State
from redress.complaints.models import Proposal, Remedy
from redress.complaints.timesource import frozen
from redress.web.complaint.actions.registry import available_actions
from tests.conftest import at
from tests.web.complaint.actions.conftest import events

RESULT = "经核实,您的委托价格超出当日涨跌停限制,被交易所作废。依据交易规则第3.3条。请问您对处理结果是否满意?"
PROPOSAL = {"summary": "解释委托规则并致歉", "facts": "委托价格超出涨跌停限制,交易所废单", "responsibility": "customer",
            "legal_basis": "交易规则第3.3条", "compensation": "",
            "remedies-TOTAL_FORMS": "3", "remedies-INITIAL_FORMS": "0"}


def test_a_complaint_walks_from_assessment_to_archive_through_the_forms(org, walk, signed_in, send):
    # Given a complaint taken down and registered at the call centre
    c = walk(at(2026, 3, 2, 9, 30)).c
    office, handler, callback = signed_in("office"), signed_in("handler"), signed_in("callback")
    with frozen(at(2026, 3, 2, 11)):
        # When each person does their step through the form
        r = send(office, c, "assess", category="counter", severity="medium", urgency="normal")
        assert r.status_code == 302 and r.url == c.get_absolute_url()
        assert send(office, c, "dispatch", unit=org.branch.pk, instructions="请一小时内联系客户").status_code == 302
        assert send(handler, c, "accept_assignment").status_code == 302
        assert send(handler, c, "propose", **PROPOSAL).status_code == 302
        assert send(office, c, "approve", note="同意").status_code == 302
        assert send(handler, c, "communicate_result", channel="phone", body=RESULT).status_code == 302
        r = send(callback, c, "record_callback", satisfied="yes", opinion="满意", channel="phone")
        assert r.status_code == 302
        r = send(office, c, "archive", root_cause="客户不了解涨跌停规则")
    # Then the complaint is archived and every step is in the ledger, in order
    c.refresh_from_db()
    assert c.state == State.ARCHIVED and c.root_cause == "客户不了解涨跌停规则"
    assert "归档" in str(list(get_messages(r.wsgi_request))[-1])
    walked = events(c)
    assert walked[:2] == [E.RECEIVED, E.REGISTERED]
    assert [t for t in walked if t not in (E.RECEIVED, E.REGISTERED)] == [
        E.ASSESSED, E.DISPATCHED, E.ASSIGNMENT_ACCEPTED, E.PROPOSED, E.APPROVED, E.RESULT_COMMUNICATED,
        E.CALLBACK_RECORDED, E.ARCHIVED]
    assert c.handler_id == org.handler.pk and c.satisfied is True


def test_handler_proposes_and_office_approves_through_the_forms(org, walk, signed_in, send):
    # Given a case the handler is investigating
    w = walk().assess().dispatch().accept()
    handler, office = signed_in("handler"), signed_in("office")
    with frozen(at(2026, 3, 3)):
        # When the handler proposes with a remedy due next week
        page = handler.get(f"/complaints/{w.c.reference}/act/propose/")
        assert "提出处理方案" in page.content.decode() and "按当前案情,由以下角色审批" in page.content.decode()
        r = send(handler, w.c, "propose", **{**PROPOSAL, "remedies-0-kind": "apology",
                                              "remedies-0-description": "书面致歉",
                                              "remedies-0-due_date": "2026-03-10"})
        assert r.status_code == 302
        proposal = Proposal.objects.get(complaint=w.c)
        assert proposal.approver_roles == ["dept_head", "complaints_office"]
        assert Remedy.objects.get(proposal=proposal).description == "书面致歉"
        # the office sees the proposal and who may approve it, and approves
        form = office.get(f"/complaints/{w.c.reference}/act/approve/").content.decode()
        assert "委托价格超出涨跌停限制" in form and "书面致歉" in form and "可批准或驳回的角色" in form
        w.c.refresh_from_db()
        assert [a.code for a in available_actions(org.office, w.c)][0] == "approve"
        r = send(office, w.c, "approve", note="同意")
    # Then it is approved, the decision is the office's, and the ledger says so
    assert r.status_code == 302
    w.c.refresh_from_db()
    proposal.refresh_from_db()
    assert w.c.state == State.APPROVED and proposal.decided_by_id == org.office.pk
    assert events(w.c)[-2:] == [E.PROPOSED, E.APPROVED]


def test_propose_form_keeps_what_was_typed_and_names_the_remedy_row_in_error(walk, signed_in, send):
    # Given an investigating case
    w = walk().assess().dispatch().accept()
    handler = signed_in("handler", "en")
    with frozen(at(2026, 3, 3)):
        # When a remedy is due in the past
        r = send(handler, w.c, "propose", **{**PROPOSAL, "remedies-0-kind": "apology",
                                              "remedies-0-description": "书面致歉",
                                              "remedies-0-due_date": "2026-03-05",
                                              "remedies-2-kind": "rectification",
                                              "remedies-2-description": "补偿手续费",
                                              "remedies-2-due_date": "2026-03-01"})
    # Then the form comes back with the error on that row and the text as typed
    html = r.content.decode()
    assert r.status_code == 200
    row = html.split('name="remedies-2-due_date"')[1].split("</td>")[0]
    assert "may not be in the past" in row
    assert "补偿手续费" in html and "委托价格超出涨跌停限制" in html
    w.c.refresh_from_db()
    assert w.c.state == State.INVESTIGATING and E.PROPOSED not in events(w.c)


def test_htmx_gets_the_form_alone_and_a_redirect_header_on_success(walk, signed_in, send):
    w = walk()
    office = signed_in("office")
    fragment = office.get(f"/complaints/{w.c.reference}/act/assess/", HTTP_HX_REQUEST="true").content.decode()
    assert "<form" in fragment and "<html" not in fragment
    with frozen(at(2026, 3, 2, 11)):
        r = send(office, w.c, "assess", htmx=True, category="counter", severity="low", urgency="normal")
    assert r.status_code == 200 and r["HX-Redirect"] == w.c.get_absolute_url()
