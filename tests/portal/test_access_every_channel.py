"""A complainant who phoned, walked in or wrote gets a portal access code in the
acknowledgment, so "ask about progress with your reference number" works for them too."""

from __future__ import annotations

import json
import re

from django.core import mail

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import Communication, Event
from redress.complaints.timesource import frozen
from redress.notify.dispatch import dispatch_outbox
from redress.notify.models import OutboxMessage
from redress.portal import codes
from redress.portal.models import PortalAccess
from tests.conftest import at
from tests.portal.conftest import look_up

CODE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def acknowledgment_outbox(complaint) -> OutboxMessage:
    ack = complaint.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    return OutboxMessage.objects.get(kind="customer_message", payload__communication=ack.pk)


def test_phone_complainant_is_sent_a_code_that_opens_the_portal(org, walk, customer):
    w = walk()
    sent = acknowledgment_outbox(w.c).payload["body"]
    code = CODE.search(sent).group(0)
    # the text as sent, in Chinese: the code next to the promise of the reference number
    assert f"您的查询码:{code}。" in sent and "凭受理编号查询进度" in sent and w.c.reference in sent
    # it opens the portal with the reference
    assert look_up(customer(), w.c.reference, code.lower()).status_code == 302
    # kept only as its hash; the case's copy of the acknowledgment shows it masked
    access = PortalAccess.objects.get(complaint=w.c)
    assert access.code_hash == codes.hash_code(code) and access.consent_at is None
    kept = w.c.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT).body
    assert code not in kept and f"****-****-****-{code[-4:]}" in kept
    # the registration's ledger event says which was issued (its last group only)
    event = Event.objects.get(complaint=w.c, type=EventType.REGISTERED)
    assert json.loads(event.payload)["access_code_ends"] == code[-4:] and code not in event.payload


def test_english_acknowledgment_carries_the_code(org, walk):
    w = walk(customer=svc.CustomerInput(name="Ann Lee", phone="13800138001", email="ann@example.com",
                                        language="en"), channel="letter")
    sent = acknowledgment_outbox(w.c).payload["body"]
    code = CODE.search(sent).group(0)
    assert f"Your access code: {code}." in sent and "reference number" in sent


def test_the_code_leaves_the_outbox_once_sent(org, walk):
    w = walk(customer=svc.CustomerInput(name="张三", phone="13800138000", email="zhangsan@example.com",
                                        preferred_channel="email"))
    code = w.c.issued_access_code
    with frozen(at(2026, 3, 2, 10, 5)):
        dispatch_outbox()
    [email] = [m for m in mail.outbox if w.c.reference in m.body]
    assert code in email.body
    row = acknowledgment_outbox(w.c)
    assert row.status == OutboxMessage.Status.SENT and "body" not in row.payload
    # nowhere in the database in clear any more
    stored = [*Communication.objects.values_list("body", flat=True), *Event.objects.values_list("payload", flat=True),
              *(json.dumps(p, ensure_ascii=False) for p in OutboxMessage.objects.values_list("payload", flat=True))]
    assert not any(code in text for text in stored)
