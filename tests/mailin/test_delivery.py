"""The acknowledgment of an emailed complaint really leaves by SMTP, and a database
that is down makes the mail server retry instead of bouncing the complaint."""

from __future__ import annotations

import email
import email.policy
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from redress.complaints.models import Complaint
from redress.notify.dispatch import dispatch_outbox
from redress.notify.models import OutboxMessage
from tests.mailin.conftest import message

PORTS = range(8125, 8130)  # this suite's share of local ports


class Inbox:
    def __init__(self):
        self.received: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 — aiosmtpd's hook name
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.received.append((list(envelope.rcpt_tos), parsed))
        return "250 OK"


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip("ports 8125-8129 are all in use")


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.mark.django_db
def test_the_acknowledgment_of_an_emailed_complaint_is_delivered(org, pipe, smtp_server):
    # given a complaint that arrived by email
    assert pipe(message(subject="Transfer never arrived", body="I moved money on Wednesday; it never arrived.")).code == 0
    c = Complaint.objects.get()

    # when the outbox is dispatched
    sent, failed = dispatch_outbox()

    # then the acknowledgment reached the sender over SMTP, with the reference number
    assert failed == 0 and sent >= 1
    to_customer = [(rcpt, m) for rcpt, m in smtp_server.received if rcpt == ["alice@example.org"]]
    assert len(to_customer) == 1
    delivered = to_customer[0][1]
    assert c.reference in delivered["Subject"]
    assert f"Reference number: {c.reference}" in delivered.get_body().get_content()
    row = OutboxMessage.objects.get(complaint=c, to_address="alice@example.org")
    assert row.status == OutboxMessage.Status.SENT


def test_a_database_that_is_down_asks_the_mail_server_to_retry(tmp_path):
    # given a deployment whose database cannot be reached (nothing listens on port 1)
    env = {**os.environ, "REDRESS_DATABASE_URL": "postgres://postgres@127.0.0.1:1/redress_h8_down",
           "REDRESS_DATA_DIR": str(tmp_path), "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}

    # when a message is piped in
    done = subprocess.run([sys.executable, "-m", "redress.cli", "mail-in"], input=message().as_bytes(), env=env,
                          capture_output=True, timeout=120)

    # then the exit code is EX_TEMPFAIL and the reason is one line without the message
    assert done.returncode == 75, done.stderr
    err = done.stderr.decode()
    assert err.startswith("redress mail-in: temporary failure") and err.count("\n") == 1
    assert "alice" not in err
