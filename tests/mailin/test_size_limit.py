"""A message too large is refused while it is read (issue 13 item 5): exit 65 with a
clear reason for the bounce, before anything is parsed or stored, and reading it never
holds more than the limit in memory. (A 30 MB message used 472 MB to be refused.)"""

from __future__ import annotations

import io
import tracemalloc

import pytest

from redress.complaints.models import Complaint
from redress.mailin import intake
from redress.mailin.intake import Refused, read_message
from redress.mailin.models import InboundMail, QuarantinedMail
from tests.mailin.conftest import message

MB = 1024 * 1024


class Zeros(io.RawIOBase):
    """A stream of `size` bytes made as they are read (no buffer of its own)."""

    def __init__(self, size: int):
        self.left = size

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.left)
        buffer[:n] = b"\0" * n
        self.left -= n
        return n


@pytest.mark.django_db
def test_a_message_over_the_limit_is_refused_with_65_before_it_is_parsed(org, pipe, settings, monkeypatch):
    settings.REDRESS_MAIL_MAX_BYTES = 50_000
    monkeypatch.setattr(intake, "parse", lambda *a, **k: pytest.fail("a message over the limit was parsed"))
    big = message(body="My statement, line by line.\n" * 3_000)  # about 84 kB

    result = pipe(big)

    assert result.code == 65
    assert "message too large" in result.err and "limit 50,000 bytes" in result.err and "邮件过大" in result.err
    assert not Complaint.objects.exists() and not InboundMail.objects.exists() and not QuarantinedMail.objects.exists()


@pytest.mark.django_db
def test_a_message_within_the_limit_goes_in(org, pipe, settings):
    settings.REDRESS_MAIL_MAX_BYTES = 100_000
    assert pipe(message(body="My statement, line by line.\n" * 3_000)).code == 0
    assert Complaint.objects.count() == 1


def test_the_default_limit_lets_the_largest_attachment_allowed_through_encoded(settings):
    from redress import settings as defaults

    encoded = defaults.REDRESS_MAX_ATTACHMENT_BYTES * 4 / 3 * 78 / 76  # base64, 76 characters and CRLF a line
    assert encoded < defaults.REDRESS_MAIL_MAX_BYTES < encoded + 2 * MB


def test_reading_a_message_over_the_limit_holds_no_more_than_the_limit():
    tracemalloc.start()
    try:
        with pytest.raises(Refused) as refused:
            read_message(io.BufferedReader(Zeros(40 * MB)), limit=2 * MB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert refused.value.code == 65 and f"{40 * MB:,} bytes received" in refused.value.reason
    assert peak < 3 * MB, f"peak {peak:,} bytes"


def test_a_message_within_the_limit_is_read_whole():
    data = b"Subject: x\r\n\r\n" + b"y" * 100_000
    assert read_message(io.BytesIO(data), limit=len(data)) == data


@pytest.mark.parametrize("shift", [0, 1, 2])
def test_a_message_parsed_in_chunks_is_the_message_parsed_whole(shift):
    import email
    import email.policy

    from redress.mailin.parse import FEED, message_from_bytes

    # a CRLF and a boundary line falling across the edge of a chunk
    filler = b"Subject: s\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\n\r\n"
    text = b"a" * (FEED - len(filler) - 1 - shift)
    raw = filler + text + b"\r\n--B\r\nContent-Type: text/plain\r\n\r\nsecond\r\n--B--\r\n"

    chunked, whole = message_from_bytes(raw), email.message_from_bytes(raw, policy=email.policy.default)

    assert chunked.as_bytes() == whole.as_bytes()
    assert [p.get_content() for p in chunked.iter_parts()] == [p.get_content() for p in whole.iter_parts()]


def test_the_language_of_a_long_chinese_letter_is_told_without_a_list_of_its_characters():
    from redress.mailin.parse import guess_language

    letter = "我的账户被冻结了，银行不解释原因。" * 200_000  # 3.4 million characters
    tracemalloc.start()
    try:
        language = guess_language("账户冻结", letter)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert language == "zh-hans"
    assert peak < 2 * MB, f"peak {peak:,} bytes"
