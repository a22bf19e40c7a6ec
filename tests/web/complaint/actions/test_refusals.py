"""What a person sees when a service refuses: the rule, and nothing changed."""

from __future__ import annotations

from redress.complaints import services as svc
from redress.complaints.ledger import EventType as E
from redress.complaints.lifecycle import State
from redress.complaints.models import Extension
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.complaint.actions.conftest import events


def test_stale_form_is_refused_and_nothing_changes(org, walk, signed_in, send):
    # Given the office opened the assess form on a registered complaint
    w = walk()
    office = signed_in("office")
    form = office.get(f"/complaints/{w.c.reference}/act/assess/").content.decode()
    seen = w.c.version
    assert f'name="version" value="{seen}"' in form
    # and meanwhile a colleague assessed it
    with frozen(at(2026, 3, 2, 11)):
        svc.complaint_assess(w.c, actor=org.office2, category="counter", severity="low", via="test")
        before = events(w.c)
        # When the form is sent with the version it was opened at
        r = send(office, w.c, "assess", version=seen, category="marketing", severity="high", urgency="urgent")
    # Then it is refused with the reason; the colleague's work stands, and nothing offers to wipe the form
    html = r.content.decode()
    assert r.status_code == 409 and "您打开此表单后,投诉已被更改" in html and "重新加载表单" not in html
    # what was typed stays
    assert 'value="urgent" required id="assess-urgency_1" checked' in html
    assert '<option value="marketing" selected>' in html
    w.c.refresh_from_db()
    assert (w.c.category, w.c.severity) == ("counter", "low") and events(w.c) == before


def test_extension_request_less_than_three_working_days_before_the_deadline_is_refused_with_the_rule(
        walk, signed_in, send):
    # Given a case registered Monday 2 March 2026: 20 working days, due Monday 30 March
    w = walk(at(2026, 3, 2, 9)).assess().dispatch().accept()
    handler = signed_in("handler")
    # When the handler asks on Thursday 26 March, two working days before the limit
    with frozen(at(2026, 3, 26, 10)):
        page = handler.get(f"/complaints/{w.c.reference}/act/request_extension/").content.decode()
        assert "2026-03-30" in page
        r = send(handler, w.c, "request_extension", working_days=5, reason="需调取交易所数据", plan="取得数据后答复")
    # Then it is refused with the rule of 001 第二十二条, and no request exists
    html = r.content.decode()
    assert r.status_code == 200 and "001 第二十二条" in html and "3 个工作日" in html
    assert not Extension.objects.filter(complaint=w.c).exists() and E.EXTENSION_REQUESTED not in events(w.c)
    # while asking on 23 March, five working days before, is accepted
    with frozen(at(2026, 3, 23, 10)):
        r = send(handler, w.c, "request_extension", working_days=5, reason="需调取交易所数据", plan="取得数据后答复")
    assert r.status_code == 302 and events(w.c)[-1] == E.EXTENSION_REQUESTED


def test_invalid_action_for_the_state_names_the_allowed_ones(walk, signed_in, send):
    # Given a complaint only assessed
    w = walk().assess()
    office = signed_in("office")
    before = events(w.c)
    # When the office opens the approve form
    r = office.get(f"/complaints/{w.c.reference}/act/approve/")
    # Then there is no form, but the state and what is allowed now, by name
    html = r.content.decode()
    assert r.status_code == 409 and "<form method=\"post\"" not in html.split("<main")[1]
    assert "不能「批准处理方案」" in html and "派发处理单" in html and "评估分类" in html
    # When the form is sent all the same, the service refuses it likewise
    with frozen(at(2026, 3, 3)):
        r = send(office, w.c, "approve", note="同意")
    assert "不能「批准处理方案」" in r.content.decode() and "派发处理单" in r.content.decode()
    w.c.refresh_from_db()
    assert w.c.state == State.ASSESSED and events(w.c) == before


def test_an_extension_cannot_be_granted_after_the_limit_passed(org, walk, signed_in, send):
    # Given a request made in time (Wednesday 25 March; due Monday 30 March)
    w = walk(at(2026, 3, 2, 9)).assess().dispatch().accept()
    with frozen(at(2026, 3, 25, 10)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=5, reason="需调取交易所数据",
                                    plan="取得数据后答复")
    before = events(w.c)
    # When the office approves it on Tuesday 31 March, after the limit
    with frozen(at(2026, 3, 31, 10)):
        r = send(signed_in("office"), w.c, "decide_extension", extension_id=ext.pk, approve="yes")
    # Then it is refused with the rule, and the clock and the request are as they were
    html = r.content.decode()
    assert r.status_code == 200 and "001 第二十二条" in html and "不能再批准延期" in html
    assert events(w.c) == before
    assert Extension.objects.get(pk=ext.pk).status == Extension.Status.REQUESTED
