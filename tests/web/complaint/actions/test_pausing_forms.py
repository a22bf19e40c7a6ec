"""The pause form offers the pack's reasons and the questions sent; the case page shows
paused time; an approver decides a long pause (services/pausing.py)."""

from __future__ import annotations

from redress.complaints import services as svc
from redress.complaints.ledger import EventType as E
from redress.complaints.models import ClockPause
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.complaint.actions.conftest import events


def test_the_pause_form_offers_the_packs_reasons_and_the_questions_sent(org, walk, signed_in, send):
    w = walk(at(2026, 3, 2, 9)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3, 10)):
        question = svc.message_send(w.c, actor=org.handler, kind="question", body="请提供当日委托截图", channel="phone")
    handler = signed_in("handler")
    with frozen(at(2026, 3, 3, 11)):
        form = handler.get(f"/complaints/{w.c.reference}/act/pause_clock/").content.decode()
    assert 'value="customer_documents"' in form and "等待客户补充材料" in form and "外部鉴定、检验或评估" in form
    assert f'value="{question.pk}"' in form and "请提供当日委托截图" in form
    assert 'id="pausing-rule"' in form and "5 个工作日" in form
    with frozen(at(2026, 3, 3, 11)):
        refused = send(handler, w.c, "pause_clock", reason_code="customer_documents", note="")
    assert refused.status_code == 200 and E.CLOCK_PAUSED not in events(w.c)
    assert "请先发送询问,再选择该询问" in refused.content.decode()  # the rule, in the user's language
    with frozen(at(2026, 3, 3, 11)):
        r = send(handler, w.c, "pause_clock", reason_code="customer_documents", message_id=question.pk, note="")
    assert r.status_code == 302 and events(w.c)[-1] == E.CLOCK_PAUSED
    with frozen(at(2026, 3, 6, 11)):
        page = handler.get(f"/complaints/{w.c.reference}/").content.decode()
    assert 'id="paused"' in page and "3 个工作日" in page and "等待客户补充材料" in page
    assert "paused-too-long" not in page


def test_a_handler_of_another_unit_is_not_offered_the_pause(org, walk, signed_in):
    w = walk(at(2026, 3, 2, 9)).assess().dispatch().accept()
    page = signed_in("handler2").get(f"/complaints/{w.c.reference}/").content.decode()
    assert "/act/pause_clock/" not in page
    assert "/act/pause_clock/" in signed_in("handler").get(f"/complaints/{w.c.reference}/").content.decode()


def test_the_office_approves_a_long_pause_on_the_case_page(org, walk, signed_in, send):
    w = walk(at(2026, 3, 2, 9)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3, 10)):
        pause = svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="司法鉴定",
                                 ask_approval=True)
    office = signed_in("office")
    with frozen(at(2026, 3, 4, 10)):
        page = office.get(f"/complaints/{w.c.reference}/").content.decode()
        assert "/act/decide_pause/" in page
        r = send(office, w.c, "decide_pause", pause_id=pause.pk, approve="yes", note="")
    assert r.status_code == 302
    pause.refresh_from_db()
    assert pause.approval == "approved" and pause.decided_by == org.office
    assert "/act/decide_pause/" not in signed_in("handler").get(f"/complaints/{w.c.reference}/").content.decode()
    assert ClockPause.objects.filter(ended_at=None).count() == 1
