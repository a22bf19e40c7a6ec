"""Charsets that lie (issue 13 item 7): Chinese mail clients label UTF-8 text gb2312,
Big5 text gb2312, GBK text big5. Read as labelled, 「账户冻结」 became 「璐︽埛鍐荤粨」
without a single decoding error. The bytes decide: valid UTF-8 is UTF-8, GB18030 and
Big5 are weighed by charset_normalizer, and the label stands when it cannot be told
apart. The message as it came is kept as evidence when its label was overruled."""

from __future__ import annotations

import base64
import email
import email.policy
import quopri
from email.header import Header

import pytest

from redress.complaints.models import Complaint, Evidence
from redress.mailin.parse import decode_bytes, decode_header_value, parse
from tests.mailin.conftest import raw_message
from tests.mailin.test_broken_mime import _corpus

SIMPLIFIED = "我的账户被冻结了,请尽快处理。营业部说系统有问题。"
TRADITIONAL = "我的帳戶被凍結了,請盡快處理。營業部說系統有問題。"


def encoded_word(text: str, codec: str, label: str) -> str:
    return f"=?{label}?B?{base64.b64encode(text.encode(codec)).decode()}?="


@pytest.mark.parametrize(("text", "codec", "label"), [
    ("账户冻结", "utf-8", "gb2312"),  # the reported case: 「璐︽埛鍐荤粨」 as labelled
    (SIMPLIFIED, "utf-8", "gb2312"),
    (SIMPLIFIED, "utf-8", "gbk"),
    (TRADITIONAL, "utf-8", "big5"),
    (TRADITIONAL, "big5", "gb2312"),
    (SIMPLIFIED, "gbk", "big5"),
    (SIMPLIFIED, "gbk", "utf-8"),
    (TRADITIONAL, "big5", "utf-8"),
    ("帳戶凍結", "big5", "gbk"),
    ("账户冻结", "gbk", "big5"),
])
def test_text_in_another_charset_than_its_label_is_read_as_written(text, codec, label):
    assert decode_bytes(text.encode(codec), label) == text


@pytest.mark.parametrize(("text", "codec", "label"), [
    (SIMPLIFIED, "gbk", "gb2312"), (TRADITIONAL, "big5", "big5"), ("理财", "gbk", "gbk"),
    ("账户€冻结", "gb18030", "gb18030"), ("Café crème", "latin-1", "iso-8859-1"), (SIMPLIFIED, "utf-8", "utf-8"),
])
def test_a_label_that_tells_the_truth_is_believed(text, codec, label):
    assert decode_bytes(text.encode(codec), label) == text


def test_two_ideographs_clean_in_both_gbk_and_big5_keep_their_label():
    # 理财 in GBK reads as 燴笙 in Big5, both ordinary characters: only the label can tell
    data = "理财".encode("gbk")
    assert decode_bytes(data, "gbk") == "理财" and decode_bytes(data, "big5") == "燴笙"


@pytest.mark.parametrize(("text", "codec", "label"), [
    ("账户冻结投诉", "utf-8", "gb2312"), (TRADITIONAL, "big5", "gb2312"), (SIMPLIFIED, "gbk", "big5"),
])
def test_an_encoded_word_with_the_wrong_label_is_read_as_written(text, codec, label):
    assert decode_header_value(f"关于 {encoded_word(text, codec, label)}") == f"关于 {text}"


def _mislabelled_mail(key: str = "lie") -> bytes:
    headers = {"From": f"{encoded_word('王小明', 'utf-8', 'gb2312')} <wang@example.cn>",
               "Subject": encoded_word("账户冻结投诉", "utf-8", "gb2312"), "Message-ID": f"<{key}@example.cn>"}
    return raw_message(headers, base64.encodebytes(SIMPLIFIED.encode("utf-8")), "text/plain; charset=gb2312",
                       "base64")


def test_a_mislabelled_message_is_taken_down_as_written_and_kept_as_it_came(org, pipe):
    raw = _mislabelled_mail()

    assert pipe(raw).code == 0

    c = Complaint.objects.get()
    assert (c.subject, c.customer.name) == ("账户冻结投诉", "王小明")
    assert c.cause.startswith(SIMPLIFIED)
    assert "字符集已更正 gb2312 → utf-8" in c.cause and "Charset corrected" in c.cause
    original = Evidence.objects.get(complaint=c)
    assert original.content_type == "message/rfc822"
    with original.file.open("rb") as f:
        assert f.read() == raw  # byte for byte


def test_a_mislabelled_reply_to_a_case_is_added_as_written(org, pipe):
    assert pipe(_mislabelled_mail("first")).code == 0
    c = Complaint.objects.get()
    reply = raw_message({"From": "wang@example.cn", "Subject": f"Re: {c.reference}", "Message-ID": "<r@example.cn>"},
                        quopri.encodestring(TRADITIONAL.encode("big5")), "text/plain; charset=gb2312",
                        "quoted-printable")

    assert pipe(reply).code == 0

    message = c.communications.get(kind="customer_message")
    assert message.body.startswith(TRADITIONAL) and "gb2312 → big5" in message.body
    assert Evidence.objects.filter(complaint=c, content_type="message/rfc822").count() == 2


def test_a_truthful_label_adds_no_note_and_no_copy(org, pipe):
    raw = raw_message({"From": "li@example.cn", "Subject": Header("账户冻结", "gb2312").encode(),
                       "Message-ID": "<true@example.cn>"},
                      quopri.encodestring(SIMPLIFIED.encode("gb2312")), "text/plain; charset=gb2312",
                      "quoted-printable")

    assert pipe(raw).code == 0

    c = Complaint.objects.get()
    assert c.cause == SIMPLIFIED and c.subject == "账户冻结"
    assert not Evidence.objects.exists()


@pytest.mark.skipif(_corpus() is None, reason="CPython's email test corpus is not installed")
def test_no_corpus_message_has_its_label_overruled():
    for path in sorted(_corpus().glob("msg_*.txt")):
        assert parse(path.read_bytes()).recharset == [], path.name


@pytest.mark.skipif(_corpus() is None, reason="CPython's email test corpus is not installed")
def test_corpus_text_reads_as_the_standard_library_reads_it():
    # Single-part plain-text corpus messages: our decoding against the email package's own.
    compared = 0
    for path in sorted(_corpus().glob("msg_*.txt")):
        raw = path.read_bytes()
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        if msg.is_multipart() or msg.get_content_type() != "text/plain":
            continue
        try:
            theirs = msg.get_content()
        except (LookupError, UnicodeError):
            continue
        if "\ufffd" in theirs:
            continue
        assert parse(raw).body == theirs.replace("\r\n", "\n").strip(), path.name
        compared += 1
    assert compared >= 10
