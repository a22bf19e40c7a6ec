"""No customer words lost when the MIME structure is broken (issue 13 item 5): a
boundary that never appears, a boundary the parts do not use, a nested part reusing
its parent's boundary, text parts on either side of an image. The messages below are
written the way the mail clients in CPython's email test corpus wrote them (the
corpus itself is checked at the end when the standard library's tests are installed)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from redress.complaints.models import Complaint, Evidence
from redress.mailin.models import InboundMail
from redress.mailin.parse import parse

HEAD = (b"From: Barry <barry@example.org>\r\nTo: complaints@broker.example\r\nSubject: Account frozen\r\n"
        b"Message-ID: <%s@example.org>\r\nMIME-Version: 1.0\r\n")


def mail(key: str, content_type: bytes, body: bytes) -> bytes:
    return HEAD % key.encode() + b"Content-Type: " + content_type + b"\r\n\r\n" + body


def text_of_case() -> str:
    return Complaint.objects.get().cause


@pytest.mark.django_db
def test_a_multipart_whose_boundary_never_appears_keeps_its_text_as_the_complaint(org, pipe):
    # as msg_17: the boundary is declared, the body is plain text
    raw = mail("b17", b'multipart/mixed; boundary="BOUNDARY"',
               b"Hi there,\r\n\r\nMy account was frozen on 3 March without notice.\r\n")

    assert pipe(raw).code == 0

    assert "My account was frozen on 3 March without notice." in text_of_case()
    assert "see attachments" not in text_of_case()
    assert not Evidence.objects.exists() and InboundMail.objects.get().refused_attachments == []


@pytest.mark.django_db
def test_a_multipart_without_a_boundary_keeps_its_text(org, pipe):
    # as msg_41: `multipart/alternative;` and nothing after it
    assert pipe(mail("b41", b"multipart/alternative;", b"The transfer of 5,000 yuan never arrived.\r\n")).code == 0

    assert text_of_case() == "The transfer of 5,000 yuan never arrived."


@pytest.mark.django_db
def test_parts_that_use_another_boundary_than_declared_are_each_read(org, pipe):
    # as msg_31: declared BOUNDARY_, the parts are separated by --BOUNDARY
    raw = mail("b31", b"multipart/mixed; boundary=BOUNDARY_",
               b"--BOUNDARY\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\xe6\x88\x91\xe7\x9a\x84\xe8\xb4\xa6"
               b"\xe6\x88\xb7\xe8\xa2\xab\xe5\x86\xbb\xe7\xbb\x93\r\n\r\n--BOUNDARY\r\nContent-Type: text/plain\r\n\r\n"
               b"second part: the branch would not say why\r\n\r\n--BOUNDARY--\r\n")

    assert pipe(raw).code == 0

    text = text_of_case()
    assert "我的账户被冻结" in text and "second part: the branch would not say why" in text
    assert "--BOUNDARY" not in text and "Content-Type" not in text


def test_a_nested_part_reusing_its_parents_boundary_loses_no_text_and_makes_no_empty_attachment():
    # as msg_15 (Outlook Express for Mac): the alternative part reuses the outer boundary
    b = b"MS_Mac_OE_3071477847_720252_MIME_Part"
    raw = mail("b15", b'multipart/mixed;\r\n   boundary="' + b + b'"',
               b"> This message is in MIME format.\r\n\r\n--" + b + b"\r\nContent-type: multipart/alternative;\r\n"
               b'   boundary="' + b + b'"\r\n\r\n\r\n--' + b + b"\r\nContent-type: text/plain; charset=\"ISO-8859-1\""
               b"\r\nContent-transfer-encoding: quoted-printable\r\n\r\nThe fee was charged tw=\r\nice.\r\n\r\n--" + b +
               b"\r\nContent-type: text/html; charset=\"ISO-8859-1\"\r\n\r\n<p>The fee was charged twice.</p>\r\n\r\n"
               b"--" + b + b"--\r\n")

    parsed = parse(raw)

    assert "The fee was charged twice." in parsed.body
    assert parsed.attachments == []


def test_text_on_both_sides_of_an_inline_image_is_all_kept():
    # Apple Mail writes text, image, text as three parts of multipart/mixed
    raw = mail("apple", b'multipart/mixed; boundary="AM"',
               b"--AM\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nHere is the screen:\r\n"
               b"--AM\r\nContent-Type: image/png; name=screen.png\r\nContent-Disposition: inline; filename=screen.png\r\n"
               b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n"
               b"--AM\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nIt shows the order was rejected.\r\n--AM--\r\n")

    parsed = parse(raw)

    assert "Here is the screen:" in parsed.body and "It shows the order was rejected." in parsed.body
    assert [a.name for a in parsed.attachments] == ["screen.png"]


def test_the_other_rendering_of_an_alternative_is_not_added_twice():
    raw = mail("alt", b'multipart/alternative; boundary="X"',
               b"--X\r\nContent-Type: text/plain\r\n\r\nPlain words.\r\n--X\r\nContent-Type: text/html\r\n\r\n"
               b"<p>HTML words.</p>\r\n--X--\r\n")

    assert parse(raw).body == "Plain words."


def test_an_html_part_that_carries_its_own_boundary_lines_is_read_as_parts():
    # as msg_40: text/html with a boundary parameter and the parts inside it
    raw = mail("b40", b'text/html; boundary="--961284236552522269"',
               b"----961284236552522269\r\nContent-Type: text/html;\r\nContent-Transfer-Encoding: 7Bit\r\n\r\n"
               b"<html><body>Nobody called me back.</body></html>\r\n\r\n----961284236552522269--\r\n")

    body = parse(raw).body

    assert body == "Nobody called me back."


def test_a_signature_dash_line_is_not_taken_for_a_boundary():
    raw = mail("sig", b"text/plain; charset=utf-8", b"Please refund the fee.\r\n--\r\nBarry\r\n--Barry\r\nPhone: 123\r\n")

    assert parse(raw).body == "Please refund the fee.\n--\nBarry\n--Barry\nPhone: 123"


def _corpus() -> Path | None:
    spec = importlib.util.find_spec("test.test_email")
    if spec is None or not spec.submodule_search_locations:
        return None
    data = Path(next(iter(spec.submodule_search_locations))) / "data"
    return data if (data / "msg_17.txt").exists() else None


@pytest.mark.skipif(_corpus() is None, reason="CPython's email test corpus is not installed")
@pytest.mark.parametrize("name, words", [
    ("msg_17.txt", "This is the dingus fish."),
    ("msg_31.txt", "message 2"),
    ("msg_41.txt", "Blah blah blah"),
    ("msg_15.txt", "Some removed test."),
])
def test_the_corpus_messages_with_broken_boundaries_keep_their_text(name, words):
    parsed = parse((_corpus() / name).read_bytes())

    assert words in parsed.body
    assert not [a for a in parsed.attachments if a.content_type.startswith("multipart/")]


@pytest.mark.skipif(_corpus() is None, reason="CPython's email test corpus is not installed")
def test_no_corpus_message_becomes_a_multipart_attachment():
    for path in sorted(_corpus().glob("msg_*.txt")):
        parsed = parse(path.read_bytes())
        assert not [a.content_type for a in parsed.attachments if a.content_type.startswith("multipart/")], path.name


def test_parts_after_a_closing_line_that_came_too_early_are_still_read():
    # as msg_15: the nested part's closing line closes the outer one, so what follows was
    # left as the epilogue, where the email package keeps it and nobody reads it
    b = b"OE_Part"
    raw = mail("b15b", b'multipart/mixed; boundary="' + b + b'"',
               b"--" + b + b'\r\nContent-type: multipart/alternative; boundary="' + b + b'"\r\n\r\n\r\n--' + b +
               b"\r\nContent-type: text/plain\r\n\r\nThe fee was charged twice.\r\n--" + b + b"--\r\n\r\n--" + b +
               b"\r\nContent-type: text/plain\r\n\r\nP.S. the branch manager refused to help.\r\n\r\n--" + b +
               b"\r\nContent-type: application/pdf; name=fee.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
               b"JVBERi0xLjQK\r\n--" + b + b"--\r\n")

    parsed = parse(raw)

    assert "The fee was charged twice." in parsed.body
    assert "P.S. the branch manager refused to help." in parsed.body
    assert [(a.name, a.data) for a in parsed.attachments] == [("fee.pdf", b"%PDF-1.4\n")]


def test_an_ordinary_epilogue_is_not_taken_for_words():
    raw = mail("epi", b'multipart/mixed; boundary="X"',
               b"--X\r\nContent-Type: text/plain\r\n\r\nMy words.\r\n--X--\r\nThis is the end of the MIME message.\r\n")

    assert parse(raw).body == "My words."


def test_text_a_client_names_is_still_words_and_a_named_csv_is_a_file():
    # as msg_04 (inline with a file name) and msg_44 (a name on the Content-Type)
    raw = mail("named", b'multipart/mixed; boundary="N"',
               b'--N\r\nContent-Type: text/plain\r\nContent-Disposition: inline; filename="msg.txt"\r\n\r\n'
               b"First: the card was swallowed.\r\n"
               b'--N\r\nContent-Type: text/plain; name="msg2.txt"\r\n\r\nSecond: nobody answered the phone.\r\n'
               b'--N\r\nContent-Type: text/csv; name="trades.csv"\r\n\r\ndate,amount\r\n2026-03-02,5000\r\n'
               b'--N\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="notes.txt"\r\n\r\n'
               b"attached notes\r\n--N--\r\n")

    parsed = parse(raw)

    assert "First: the card was swallowed." in parsed.body and "Second: nobody answered the phone." in parsed.body
    assert [a.name for a in parsed.attachments] == ["trades.csv", "notes.txt"]
