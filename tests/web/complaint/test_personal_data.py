"""The complainant's details on the page: masked, shown in full only after a recorded
reveal, and only to roles that speak to the customer (DESIGN rule 6)."""

from __future__ import annotations

import json
from datetime import timedelta

from redress.complaints.ledger import EventType
from redress.complaints.models import Event
from redress.complaints.timesource import frozen
from tests.conftest import at


def test_auditor_sees_masked_phone_and_cannot_reveal(org, walk, signed_in):
    # Given a registered complaint from 张三 on 13800138000
    w = walk()
    auditor = signed_in("auditor")
    # When the auditor opens it, then the phone and account are masked and no reveal button shows
    html = auditor.get(w.c.get_absolute_url()).content.decode()
    assert "138****8000" in html and "13800138000" not in html
    assert "3100****3456" in html
    assert "张*" in html
    assert "/reveal/" not in html
    # and a reveal posted anyway is refused, with nothing recorded
    response = auditor.post(f"{w.c.get_absolute_url()}reveal/")
    assert response.status_code == 403
    assert not Event.objects.filter(complaint=w.c, type=EventType.PERSONAL_DATA_VIEWED).exists()


def test_reveal_is_recorded_in_the_ledger(org, walk, signed_in):
    # Given a handler on the case
    w = walk().assess().dispatch().accept()
    handler = signed_in("handler")
    with frozen(at(2026, 3, 3, 9)):
        html = handler.get(w.c.get_absolute_url()).content.decode()
        assert "13800138000" not in html and "/reveal/" in html
        # When they ask to see the details in full
        response = handler.post(f"{w.c.get_absolute_url()}reveal/", {"purpose": "回电客户核实委托"})
        assert response.status_code == 302
        html = handler.get(w.c.get_absolute_url()).content.decode()
    # Then the page shows them, and the ledger says who saw which fields, and why
    assert "13800138000" in html and "310000123456" in html and "张三" in html
    event = Event.objects.get(complaint=w.c, type=EventType.PERSONAL_DATA_VIEWED)
    assert event.actor_id == org.handler.pk and event.channel == "web"
    payload = json.loads(event.payload)
    assert payload["purpose"] == "回电客户核实委托" and "phone" in payload["fields"]
    # and the timeline says so in plain words
    assert "查看了投诉人个人信息" in html


def test_revealed_details_are_masked_again_after_a_few_minutes(org, walk, signed_in):
    w = walk().assess().dispatch().accept()
    handler = signed_in("handler")
    with frozen(at(2026, 3, 3, 9)):
        handler.post(f"{w.c.get_absolute_url()}reveal/")
    with frozen(at(2026, 3, 3, 9) + timedelta(minutes=6)):
        html = handler.get(w.c.get_absolute_url()).content.decode()
    assert "13800138000" not in html and "138****8000" in html


def test_reveal_of_another_branchs_complaint_is_404_and_not_recorded(org, walk, signed_in):
    w = walk().assess().dispatch()
    org.handler2.unit = org.branch2
    org.handler2.save()
    response = signed_in("handler2").post(f"{w.c.get_absolute_url()}reveal/")
    assert response.status_code == 404
    assert not Event.objects.filter(complaint=w.c, type=EventType.PERSONAL_DATA_VIEWED).exists()


def test_reveal_is_a_post_only(org, walk, signed_in):
    w = walk()
    assert signed_in("intake").get(f"{w.c.get_absolute_url()}reveal/").status_code == 405
