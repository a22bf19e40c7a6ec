"""Forms that fit the work (issue 12.4): the long forms open in the main column, the
result starts from the approved proposal and records the customer's opinion, and a
working-day clock is never shown in elapsed minutes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation

from redress.complaints.ledger import EventType as E
from redress.complaints.lifecycle import State
from redress.complaints.models import ComplaintClock, Event
from redress.complaints.timesource import frozen
from redress.web.complaint.actions.registry import action_url
from tests.conftest import at
from tests.web.complaint.actions.conftest import events

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_the_long_forms_open_in_the_main_column(org, walk, signed_in):
    w = walk().assess().dispatch().accept()
    html = signed_in("handler").get(w.c.get_absolute_url()).content.decode()
    assert 'id="action-form-main"' in html
    # the proposal form goes to the main column, a finding beside it
    propose = html[html.index('data-action="propose"'):][:400]
    finding = html[html.index('data-action="add_finding"'):][:400]
    assert 'hx-target="#action-form-main"' in propose and 'hx-target="#action-form"' in finding


def test_the_result_is_drafted_from_the_approved_proposal(org, walk, signed_in):
    w = walk().assess().dispatch().accept().propose().approve()
    html = signed_in("handler").get(action_url(w.c, "communicate_result")).content.decode()
    # the facts, the conclusion and the basis of the approved proposal, ready to edit
    for part in ("委托价格超出涨跌停限制,交易所废单", "解释委托规则并致歉", "交易规则第3.3条",
                 f"关于您的投诉 {w.c.reference}", "请告知您是否接受上述处理结果"):
        assert part in html
    assert 'name="customer_opinion"' in html


def test_the_customers_opinion_is_recorded_with_the_result(org, walk, signed_in, send):
    w = walk().assess().dispatch().accept().propose().approve()
    with frozen(at(2026, 3, 4)):
        r = send(signed_in("handler"), w.c, "communicate_result", channel="phone",
                 body="经核实,委托价格超出涨跌停限制。", customer_opinion="客户表示理解,但希望加强提示")
    assert r.status_code == 302
    w.c.refresh_from_db()
    assert w.c.state == State.AWAITING_CALLBACK and w.c.customer_opinion == "客户表示理解,但希望加强提示"
    told = Event.objects.get(complaint=w.c, type=E.RESULT_COMMUNICATED)
    assert "客户表示理解,但希望加强提示" in told.payload and events(w.c)[-1] == E.RESULT_COMMUNICATED


def time_left(due: datetime, now: datetime, language: str) -> str:
    clock = ComplaintClock(code="resolution", status="running", due_at=due, breached=False)
    request = RequestFactory().get("/")
    with translation.override(language), frozen(now):
        return Template("{% load redress %}{% time_left clock %}").render(Context({"clock": clock, "request": request}))


def test_a_working_day_clock_overdue_over_the_weekend_says_since_when(db):
    # Due Friday 2026-03-06 17:00; on Saturday afternoon no working time has passed since
    friday_close = datetime(2026, 3, 6, 17, 0, tzinfo=SHANGHAI)
    saturday = datetime(2026, 3, 7, 15, 0, tzinfo=SHANGHAI)
    shown = time_left(friday_close, saturday, "zh-hans")
    assert "自 2026-03-06 17:00 起超时" in shown and "分钟" not in shown
    assert "overdue since 2026-03-06 17:00" in time_left(friday_close, saturday, "en")


def test_a_working_day_clock_due_today_shows_working_hours(db):
    friday_close = datetime(2026, 3, 6, 17, 0, tzinfo=SHANGHAI)
    # 14:40 on the Friday: 2 working hours 20 minutes left (no lunch break in between)
    shown = time_left(friday_close, datetime(2026, 3, 6, 14, 40, tzinfo=SHANGHAI), "en")
    assert "2 working hours 20 working minutes left" in shown
