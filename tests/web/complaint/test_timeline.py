"""The timeline: the complaint's ledger as one plain sentence per event, in the reader's
language, with who, role, channel and time; never hashes for ordinary staff."""

from __future__ import annotations

import json

from django.utils import translation

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Event
from redress.complaints.timesource import frozen
from redress.web.complaint.timeline import SENTENCES, timeline
from tests.conftest import at


def sentences(complaint, language):
    events = list(Event.objects.filter(complaint=complaint).select_related("actor").order_by("seq"))
    with translation.override(language):
        return [e.sentence for e in timeline(events)]


def test_timeline_reads_in_plain_chinese(org, walk, signed_in):
    # Given a case walked to the callback
    w = walk(at(2026, 3, 2)).to_awaiting_callback()
    # When the complaints office opens it in Chinese
    html = signed_in("office").get(w.c.get_absolute_url()).content.decode()
    # Then each step reads as a sentence, with who did it
    assert "登记受理并发送受理告知,办结时限 2026-03-30 17:00" in html
    assert "完成定性:柜台业务类" in html
    assert "派单至天河营业部" in html
    assert "接单,经办人 handler" in html
    assert "提交处理方案(补偿金额:无)" in html
    assert "批准处理方案" in html
    assert "通过电话告知投诉人处理结果" in html
    assert "经由工作台" in html
    # and no ledger hash shows to ordinary staff
    head = w.c.ledger_head if w.c.ledger_head else Event.objects.filter(complaint=w.c).last().hash
    assert head not in html


def test_timeline_reads_in_english(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch()
    lines = sentences(w.c, "en")
    assert lines[0] == "intake (Intake) took down the complaint (channel: Phone)"
    assert "office (Complaints office) dispatched the case to branch_tianhe" in lines


def test_every_event_type_has_a_sentence():
    assert set(SENTENCES) == set(EventType)


def test_unknown_event_type_and_unknown_keys_still_render(org, walk):
    w = walk()
    event = Event.objects.filter(complaint=w.c).first()
    # A type from a newer release and a payload key nobody knows (not saved: the ledger is append-only)
    event.type, event.payload = 999, json.dumps({"mystery": 1})
    with translation.override("en"):
        entry = timeline([event])[0]
    assert entry.sentence == "intake (Intake): ledger event 999"


def test_customer_message_from_the_portal_names_the_customer(org, walk):
    w = walk().assess().dispatch().accept()
    with frozen(at(2026, 3, 3)):
        svc.customer_message_receive(w.c, body="补充材料已上传", channel="web", via="portal")
    with translation.override("zh-hans"):
        entries = timeline(list(Event.objects.filter(complaint=w.c).select_related("actor").order_by("seq")))
    last = entries[-1]
    assert last.sentence == "投诉人通过网站来信"
    assert last.via == "客户门户"


def test_auditor_sees_the_ledger_head(org, walk, signed_in):
    w = walk().assess()
    w.c.refresh_from_db()
    assert w.c.ledger_head in signed_in("auditor").get(w.c.get_absolute_url()).content.decode()
