"""The customer is told about an extension (001 第二十二条: the reason and the new date;
issue 12.7): granting it leads to the drafted notice, the notice goes through the
forbidden-phrase check like any message, and the case shows whether it was sent."""

from __future__ import annotations

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import ValidationFailed
from redress.complaints.ledger import EventType as E
from redress.complaints.models import Communication, Event, Extension
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.web.complaint.actions.registry import action_url
from tests.conftest import at
from tests.web.complaint.actions.conftest import events

REASON = "需调取交易所委托回报记录,尚未收到"


@pytest.fixture
def requested(walk, org):
    w = walk(at(2026, 3, 2, 9)).assess().dispatch().accept()
    with frozen(at(2026, 3, 10, 10)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=5, reason=REASON,
                                    plan="收到记录后两个工作日内提出处理方案")
    return w, ext


def new_date(ext: Extension) -> str:
    return f"{ext.due_after.astimezone(calendar_for(active_pack()).tz):%Y-%m-%d}"


def test_granting_an_extension_leads_to_the_drafted_notice_and_sending_it_is_recorded(requested, org, signed_in,
                                                                                        send):
    w, ext = requested
    office = signed_in("office")
    # When the office grants the extension
    with frozen(at(2026, 3, 11, 10)):
        r = send(office, w.c, "decide_extension", extension_id=ext.pk, approve="yes")
    ext.refresh_from_db()
    # Then it goes on to the message to the customer, drafted with the reason and the new date
    assert r.status_code == 302 and r.url == f"{action_url(w.c, 'send_message')}?extension={ext.pk}"
    with frozen(at(2026, 3, 11, 10, 1)):
        form = office.get(r.url).content.decode()
    assert REASON in form and new_date(ext) in form and f'name="extension_id" value="{ext.pk}"' in form
    # and until it is sent the case says the customer has not been told
    with frozen(at(2026, 3, 11, 10, 1)):
        page = office.get(w.c.get_absolute_url()).content.decode()
    assert "尚未告知客户" in page and f"?extension={ext.pk}" in page
    # When the (edited) notice is sent
    body = f"尊敬的客户:因{REASON},您的投诉将于 {new_date(ext)} 前办结。"
    with frozen(at(2026, 3, 11, 10, 2)):
        r = send(office, w.c, "send_message", kind="progress", channel="phone", body=body, extension_id=ext.pk)
    assert r.status_code == 302
    # Then the extension records the message that told the customer, and the ledger says so
    ext.refresh_from_db()
    assert ext.customer_told == Communication.objects.get(complaint=w.c, kind="progress", body=body)
    sent = Event.objects.filter(complaint=w.c, type=E.MESSAGE_SENT).last()
    assert f'"extension":{ext.pk}' in sent.payload
    with frozen(at(2026, 3, 11, 10, 3)):
        page = office.get(w.c.get_absolute_url()).content.decode()
    assert "已告知客户" in page and "尚未告知客户" not in page


def test_a_refused_extension_goes_back_to_the_case(requested, signed_in, send):
    w, ext = requested
    with frozen(at(2026, 3, 11, 10)):
        r = send(signed_in("office"), w.c, "decide_extension", extension_id=ext.pk, approve="no", note="材料已齐")
    assert r.status_code == 302 and r.url == w.c.get_absolute_url()


def test_a_notice_with_a_forbidden_phrase_is_held_and_the_extension_stays_untold(requested, org, signed_in, send):
    w, ext = requested
    with frozen(at(2026, 3, 11, 10)):
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
        before = events(w.c)
        r = send(signed_in("office"), w.c, "send_message", kind="progress", channel="phone",
                 body="延期后仍不可能更早办结。", extension_id=ext.pk)
    html = r.content.decode()
    assert r.status_code == 200 and "不可能" in html and 'name="confirm_phrases"' in html
    ext.refresh_from_db()
    assert ext.customer_told is None and events(w.c) == before


def test_only_a_granted_extension_can_be_told(requested, org):
    w, ext = requested  # requested, not yet granted
    with frozen(at(2026, 3, 11, 10)), pytest.raises(ValidationFailed) as refused:
        svc.message_send(w.c, actor=org.office, kind="progress", channel="phone", body="您的投诉已延期。",
                         extension_id=ext.pk, via="test")
    assert refused.value.field == "extension_id"
    assert not Communication.objects.filter(complaint=w.c, kind="progress").exists()
