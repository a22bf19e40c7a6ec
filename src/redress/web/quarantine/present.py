"""A held message as the office reads it: its headers decoded, its text, the names of
its attachments. Everything comes from the stored bytes and is shown as text (the
templates escape it); a message that cannot be parsed is shown as raw text."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field

from redress.mailin.models import QuarantinedMail
from redress.mailin.parse import decode_bytes, decode_header_value, parse

HEADERS = ("From", "To", "Cc", "Reply-To", "Subject", "Date", "Message-ID")
SHOWN = 200_000  # characters of text: a long letter, not a 20 MB paste


@dataclass
class Shown:
    headers: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    attachments: list[dict] = field(default_factory=list)
    nul_stripped: int = 0
    unreadable: bool = False  # parsing failed: text is the raw message


def present(item: QuarantinedMail) -> Shown:
    raw = bytes(item.raw)
    shown = Shown()
    try:
        # The header only: parsing a whole 28 MB message here would hold several times that.
        end = re.search(rb"\r?\n\r?\n", raw)
        msg = email.message_from_bytes(raw[:end.end()] if end else raw, policy=email.policy.compat32)
        for name in HEADERS:
            for value in msg.get_all(name, []):
                shown.headers.append((name, decode_header_value(str(value))))
        mail = parse(raw)
    except Exception:  # noqa: BLE001 — then the bytes themselves, as text
        shown.unreadable = True
        shown.text = decode_bytes(raw).replace("\x00", "")[:SHOWN]
        return shown
    shown.text = mail.body[:SHOWN]
    shown.nul_stripped = mail.nul_stripped
    shown.attachments = [{"name": a.name, "content_type": a.content_type, "size": len(a.data)}
                         for a in mail.attachments]
    return shown
