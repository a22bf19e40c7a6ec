"""Mail-in helpers: build real RFC 822 messages and pipe them to `redress mail-in` the
way a mail server does (bytes on standard input; the exit code is the answer)."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from redress import cli
from redress.complaints.timesource import frozen
from tests.conftest import at

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@dataclass
class Piped:
    code: int
    out: str
    err: str


@pytest.fixture
def pipe(monkeypatch, capsys):
    def run(raw: bytes | EmailMessage, when=None, args=()) -> Piped:
        if isinstance(raw, EmailMessage):
            raw = raw.as_bytes(policy=SMTP)
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
        capsys.readouterr()
        with frozen(when or at(2026, 3, 2, 10, 0)):
            code = cli.main(["mail-in", *args])
        captured = capsys.readouterr()
        return Piped(code, captured.out, captured.err)

    return run


def message(*, sender="Alice Walker <alice@example.org>", subject="Order not executed", body="My order of "
            "2 March was never executed although the price was reached.", message_id="<m1@mail.example.org>",
            **headers) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "complaints@broker.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def raw_message(headers: dict[str, str], body: bytes, content_type: str, encoding: str = "8bit") -> bytes:
    """Bytes exactly as a (possibly careless) Chinese mail client writes them."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    head += f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\nContent-Transfer-Encoding: {encoding}\r\n\r\n"
    return head.encode("utf-8") + body  # non-ASCII here is a raw 8-bit header, as some clients send
