"""Customers who gave only a phone hear from the institution by SMS (issue 15 item 3):
the HTTP gateway posts each message to the provider, tested here against a fake
provider on loopback; every try is recorded on the outbox, a refusal or an unreachable
provider is retried, and with no gateway configured nothing pretends to be sent."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from redress.complaints import services as svc
from redress.complaints.models import Communication
from redress.complaints.timesource import frozen
from redress.notify import sms
from redress.notify.dispatch import MAX_ATTEMPTS, dispatch_outbox
from redress.notify.models import OutboxMessage
from tests.conftest import at


class FakeProvider:
    """A provider on 127.0.0.1: answers each POST with the next (status, body) queued,
    then 200 with a message id; keeps every request it was sent."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: list[tuple[int, bytes]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 — http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                provider.requests.append({"path": self.path, "headers": dict(self.headers),
                                          "json": json.loads(body)})
                status, answer = provider.answers.pop(0) if provider.answers else (
                    200, json.dumps({"id": f"msg-{len(provider.requests)}"}).encode())
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider(settings):
    fake = FakeProvider()
    settings.REDRESS_SMS_GATEWAY, settings.REDRESS_SMS_URL = "http", fake.url
    settings.REDRESS_SMS_TOKEN, settings.REDRESS_SMS_SENDER = "s3cret-token", "95588"
    yield fake
    fake.close()


def acknowledgment(complaint) -> OutboxMessage:
    ack = complaint.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    return OutboxMessage.objects.get(kind="customer_message", payload__communication=ack.pk)


def test_a_phone_complainant_gets_the_acknowledgment_by_sms(org, walk, provider):
    w = walk()  # by phone, no email address
    row = acknowledgment(w.c)
    code = w.c.issued_access_code
    with frozen(at(2026, 3, 2, 10, 5)):
        sent, failed = dispatch_outbox()
    assert sent >= 1 and failed == 0
    [request] = [r for r in provider.requests if w.c.reference in r["json"]["text"]]
    assert request["path"] == "/v1/sms" and request["json"]["to"] == w.c.customer.phone == row.to_address
    assert request["json"]["from"] == "95588" and code in request["json"]["text"]
    assert request["headers"]["Authorization"] == "Bearer s3cret-token"
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and "body" not in row.payload  # the code is gone once sent
    [attempt] = row.attempts_made.all()
    assert (attempt.channel, attempt.outcome) == ("sms", "accepted")
    assert attempt.detail.startswith("msg-")  # the provider's reference, to trace a complaint about delivery


def test_a_provider_that_refuses_is_retried_and_every_try_is_recorded(org, walk, provider):
    w = walk()
    row = acknowledgment(w.c)
    OutboxMessage.objects.exclude(pk=row.pk).update(status=OutboxMessage.Status.SENT)
    provider.answers = [(503, b'{"error": "busy"}'), (401, b"")]
    with frozen(at(2026, 3, 2, 10, 5)):
        assert dispatch_outbox() == (0, 1)
        row.refresh_from_db()
        assert row.status == OutboxMessage.Status.PENDING and "503" in row.last_error
        assert dispatch_outbox() == (0, 1)
        assert dispatch_outbox() == (1, 0)
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT and row.attempts == 3
    tries = list(row.attempts_made.order_by("id").values_list("outcome", "detail"))
    assert [outcome for outcome, _ in tries] == ["failed", "failed", "accepted"]
    assert "503" in tries[0][1] and "401" in tries[1][1]


def test_an_unreachable_provider_fails_the_try_not_the_sweep(org, walk, settings):
    settings.REDRESS_SMS_GATEWAY, settings.REDRESS_SMS_URL = "http", "http://127.0.0.1:9/nothing-listens"
    settings.REDRESS_SMS_TIMEOUT = 2
    w = walk()
    row = acknowledgment(w.c)
    with frozen(at(2026, 3, 2, 10, 5)):
        for _ in range(MAX_ATTEMPTS):
            dispatch_outbox()
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.FAILED and "not reached" in row.last_error
    assert row.attempts_made.filter(outcome="failed", channel="sms").count() == MAX_ATTEMPTS


def test_basic_credentials_when_the_provider_wants_them(org, walk, provider, settings):
    settings.REDRESS_SMS_TOKEN, settings.REDRESS_SMS_USERNAME, settings.REDRESS_SMS_PASSWORD = "", "bank", "pw:1"
    walk()
    with frozen(at(2026, 3, 2, 10, 5)):
        dispatch_outbox()
    assert provider.requests[0]["headers"]["Authorization"] == "Basic " + base64.b64encode(b"bank:pw:1").decode()


def test_with_no_gateway_the_message_is_not_pretended_sent(org, walk, settings):
    settings.REDRESS_SMS_GATEWAY = ""
    w = walk()
    row = acknowledgment(w.c)
    with frozen(at(2026, 3, 2, 10, 5)):
        dispatch_outbox()
    [attempt] = acknowledgment(w.c).attempts_made.all()
    assert (attempt.channel, attempt.outcome) == ("none", "not_sent") and "REDRESS_SMS_GATEWAY" in attempt.detail
    row.refresh_from_db()
    assert row.status == OutboxMessage.Status.SENT  # delivered as far as it can be: the portal shows it
    assert not any(w.c.reference in m.body and row.to_address in m.to for m in mail.outbox)


def test_an_email_complainant_is_written_to_and_the_try_recorded(org, walk, provider):
    w = walk(customer=svc.CustomerInput(name="张三", phone="13800138000", email="zhangsan@example.com",
                                        preferred_channel="email"))
    with frozen(at(2026, 3, 2, 10, 5)):
        dispatch_outbox()
    [attempt] = acknowledgment(w.c).attempts_made.all()
    assert (attempt.channel, attempt.outcome) == ("email", "accepted")
    assert not any(w.c.reference in r["json"]["text"] for r in provider.requests)  # not by SMS as well


def test_a_gateway_address_that_is_not_http_is_refused():
    with pytest.raises(ValueError, match="REDRESS_SMS_URL"):
        sms.HttpGateway("ftp://sms.example.com/")


def test_an_administrator_reads_every_try_on_the_outbox_page(org, walk, provider, client):
    from redress.complaints.models import Staff

    walk()
    provider.answers = [(503, b"")]
    with frozen(at(2026, 3, 2, 10, 5)):
        dispatch_outbox()
        dispatch_outbox()
    row = OutboxMessage.objects.filter(attempts_made__outcome="failed").first()
    client.force_login(Staff.objects.create_superuser(username="root", password="x" * 12, email="r@example.com"))
    page = client.get(f"/admin/notify/outboxmessage/{row.pk}/change/").content.decode()
    assert "503" in page and "accepted" in page.lower()
    assert row.to_address not in page  # the customer's phone stays off the page
