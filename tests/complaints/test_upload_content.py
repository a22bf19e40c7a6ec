"""Issue 14 item 4: evidence is what it says it is — by its bytes, and by its name.

Good files are made by writers this project did not write (openpyxl for xlsx, the
standard library's wave and email for WAV and a message, zipfile for a Word container);
bad ones are what an attacker sends: a Windows program under another type, a zip that
is no Office document, a name whose extension is another type's."""

from __future__ import annotations

import io
import wave
import zipfile
from email.message import EmailMessage

import pytest
from openpyxl import Workbook

from redress.complaints import filetypes
from redress.complaints import services as svc
from redress.complaints.errors import ValidationFailed
from redress.complaints.models import Evidence
from redress.complaints.services.evidence import check_attachment
from redress.policy.loader import PolicyError, active_pack, load_pack

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"PE\x00\x00" + b"\x00" * 200
MP3_FRAME = bytes([0xFF, 0xFB, 0x90, 0x64]) + b"\x00" * 400  # MPEG-1 layer III, 128 kbit/s
ID3_MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x0f" + b"\x00" * 15 + MP3_FRAME
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom\x00\x00\x00\x00" + b"\x00" * 64
DOCX, XLSX = filetypes.DOCX, filetypes.XLSX


def xlsx() -> bytes:
    book = Workbook()
    book.active["A1"] = "交易记录"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><w:document/>')
    return out.getvalue()


def any_zip(*members: tuple[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return out.getvalue()


def wav() -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(8000)
        w.writeframes(b"\x00\x01" * 800)
    return out.getvalue()


def eml() -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "客户 <kehu@example.com>", "service@example.com", "投诉"
    msg.set_content("我的委托没有成交。")
    return msg.as_bytes()


def refusal(name: str, content_type: str, data: bytes) -> str | None:
    try:
        check_attachment(name, content_type, data, active_pack())
    except ValidationFailed as refused:
        return refused.message  # "field: rule"
    return None


GOOD = [
    ("账单.pdf", "application/pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"),
    ("截图.png", "image/png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20),
    ("photo.JPG", "image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20),
    ("photo.webp", "image/webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20),
    ("IMG_0001.HEIC", "image/heic", HEIC),
    ("说明.txt", "text/plain", "三月一日下单未成交".encode("gb18030")),
    ("说明.txt", "text/plain", "三月一日下单未成交".encode()),
    ("合同.docx", DOCX, docx()),
    ("流水.xlsx", XLSX, xlsx()),
    ("录音.mp3", "audio/mpeg", ID3_MP3),
    ("录音.mp3", "audio/mpeg", MP3_FRAME),
    ("录音.wav", "audio/wav", wav()),
    ("录音.wav", "audio/x-wav", wav()),
    ("录音.amr", "audio/amr", b"#!AMR\n" + b"\x00" * 40),
    ("录音.m4a", "audio/mp4", M4A),
    ("转发.eml", "message/rfc822", eml()),
    ("scan", "application/pdf", b"%PDF-1.4\n"),  # no extension: fits any type, stored as .pdf
]


@pytest.mark.parametrize(("name", "content_type", "data"), GOOD, ids=[f"{g[1]}-{i}" for i, g in enumerate(GOOD)])
def test_a_file_that_is_what_it_says_is_taken(name, content_type, data):
    assert refusal(name, content_type, data) is None


BAD = [
    # The upload: a Windows program named .exe, declared a recording.
    ("invoice.exe", "audio/mpeg", EXE, "file.name: ends in .exe, which is not a audio/mpeg file; it may end in "
                                       ".mp3, .mpga"),
    # Named as a recording too: its bytes give it away.
    ("invoice.mp3", "audio/mpeg", EXE, "file: its content is not a audio/mpeg file"),
    ("合同.docx", DOCX, b"PK\x03\x04" + b"\x00" * 100, "file: its content is not a " + DOCX + " file"),
    ("合同.docx", DOCX, any_zip(("payload.exe", EXE)), "file: its content is not a " + DOCX + " file"),
    ("合同.docx", DOCX, xlsx(), "file: its content is not a " + DOCX + " file"),  # a workbook is no document
    ("流水.xlsx", XLSX, docx(), "file: its content is not a " + XLSX + " file"),
    ("账单.pdf", "application/pdf", EXE, "file: its content is not a application/pdf file"),
    ("截图.pdf", "image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
     "file.name: ends in .pdf, which is not a image/png file; it may end in .png"),
    ("photo.webp", "image/webp", wav(), "file: its content is not a image/webp file"),  # RIFF, but audio
    ("录音.wav", "audio/wav", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20,
     "file: its content is not a audio/wav file"),
    ("IMG.heic", "image/heic", M4A, "file: its content is not a image/heic file"),
    ("录音.m4a", "audio/mp4", HEIC, "file: its content is not a audio/mp4 file"),
    ("说明.txt", "text/plain", EXE, "file: claims to be text but holds binary data"),
    ("说明.txt", "text/plain", b"\xff\xfe\xfa\xfb" * 10, "file: its content is not a text/plain file"),
    ("转发.eml", "message/rfc822", b"<html><script>alert(1)</script>", "file: its content is not a message/rfc822 file"),
]


@pytest.mark.parametrize(("name", "content_type", "data", "why"), BAD, ids=[f"{b[1]}-{i}" for i, b in enumerate(BAD)])
def test_a_file_that_is_not_what_it_says_is_refused_naming_the_rule(name, content_type, data, why):
    assert refusal(name, content_type, data) == why


def test_every_type_a_shipped_pack_allows_has_a_content_check():
    for code in ("cn-securities", "cn-futures", "general", "us-broker", "uk-fca"):
        assert all(filetypes.known(t) for t in load_pack(code).attachment_types), code


def test_a_pack_allowing_a_type_nothing_can_check_is_refused(tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text("extends: general\nattachment_types: [application/pdf, application/x-msdownload]\n")
    with pytest.raises(PolicyError, match=r"no content check for \['application/x-msdownload'\]"):
        load_pack(str(own))


def test_the_file_is_stored_under_its_types_extension_never_the_senders_name(org, walk):
    w = walk()
    item = svc.evidence_add(w.c, actor=org.handler, name="scan", content_type="application/pdf",
                            data=b"%PDF-1.4\n1 0 obj\n")
    assert item.file.name.endswith(".pdf") and "scan" not in item.file.name
    assert item.original_name == "scan"
    with pytest.raises(ValidationFailed):
        svc.evidence_add(w.c, actor=org.handler, name="invoice.exe", content_type="audio/mpeg", data=EXE)
    assert Evidence.objects.filter(complaint=w.c).count() == 1
