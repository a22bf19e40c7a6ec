"""What a file is, by its bytes, for every type a policy pack may allow as evidence.

A sender says what a file is twice — its name and its declared type — and either can
lie: `invoice.exe` holding a Windows program, declared `audio/mpeg`, was accepted and
later offered to staff under that name. A file is taken only when its bytes are the type
it claims (`matches`) and its name, if it has an extension, is one of that type's
(`EXTENSIONS`). Office documents are zip containers: the container is opened and must
hold the parts a Word or Excel document has, so any zip with a `PK` start is not enough.
A type no check here knows is refused: a pack cannot allow what cannot be checked.
"""

from __future__ import annotations

import io
import re
import zipfile

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The extensions a name may end in for each type; the first is the one a file is stored
# under on disk (never the sender's).
EXTENSIONS = {
    "application/pdf": ("pdf",),
    "image/jpeg": ("jpg", "jpeg", "jpe", "jfif"),
    "image/png": ("png",),
    "image/gif": ("gif",),
    "image/webp": ("webp",),
    "image/heic": ("heic", "heif"),
    "text/plain": ("txt", "text", "log"),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    "application/zip": ("zip",),
    "audio/mpeg": ("mp3", "mpga"),
    "audio/wav": ("wav",),
    "audio/x-wav": ("wav",),
    "audio/amr": ("amr",),
    "audio/mp4": ("m4a", "mp4"),
    "message/rfc822": ("eml",),
}

# ISO base media files (HEIC photos, M4A recordings) start with an `ftyp` box naming a
# brand; these brands say which.
HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
MP4_AUDIO_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"3gp4", b"3gp5", b"3g2a", b"dash"}
HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]")  # RFC 5322 field name, then a colon


def _riff(data: bytes, form: bytes) -> bool:
    return data[:4] == b"RIFF" and data[8:12] == form


def _ftyp(data: bytes, brands: set[bytes]) -> bool:
    if data[4:8] != b"ftyp":
        return False
    size = int.from_bytes(data[:4], "big")
    compatible = data[16:min(max(size, 16), 256)]
    named = {data[8:12]} | {compatible[i:i + 4] for i in range(0, len(compatible) - 3, 4)}
    return bool(named & brands)


def _mpeg_audio(data: bytes) -> bool:
    if data[:3] == b"ID3":  # a tag first, then the frames
        return len(data) > 10
    # A frame header: 11 sync bits, a valid version, layer and bitrate.
    if len(data) < 4 or data[0] != 0xFF or data[1] & 0xE0 != 0xE0:
        return False
    version, layer, bitrate = (data[1] >> 3) & 3, (data[1] >> 1) & 3, data[2] >> 4
    return version != 1 and layer != 0 and bitrate != 15


def _zip_with(data: bytes, *parts: str) -> bool:
    """A zip archive whose directory names these parts (only the directory is read, never
    a member inflated, so a zip bomb costs nothing here)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return all(part in names for part in parts)


def _text(data: bytes) -> bool:
    """Text in any of the encodings customers send (UTF-8, GB18030 which covers GBK and
    GB2312): no NUL, and decodable."""
    if b"\x00" in data:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _email(data: bytes) -> bool:
    first = data.lstrip(b"\r\n").split(b"\n", 1)[0]
    return b"\x00" not in data and (bool(HEADER_LINE.match(first)) or first.startswith(b"From "))


CHECKS = {
    "application/pdf": lambda d: d.startswith(b"%PDF-"),
    "image/jpeg": lambda d: d.startswith(b"\xff\xd8\xff"),
    "image/png": lambda d: d.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/gif": lambda d: d.startswith((b"GIF87a", b"GIF89a")),
    "image/webp": lambda d: _riff(d, b"WEBP"),
    "image/heic": lambda d: _ftyp(d, HEIC_BRANDS),
    "text/plain": _text,
    DOCX: lambda d: _zip_with(d, "[Content_Types].xml", "word/document.xml"),
    XLSX: lambda d: _zip_with(d, "[Content_Types].xml", "xl/workbook.xml"),
    "application/zip": lambda d: _zip_with(d),
    "audio/mpeg": _mpeg_audio,
    "audio/wav": lambda d: _riff(d, b"WAVE"),
    "audio/x-wav": lambda d: _riff(d, b"WAVE"),
    "audio/amr": lambda d: d.startswith(b"#!AMR"),
    "audio/mp4": lambda d: _ftyp(d, MP4_AUDIO_BRANDS),
    "message/rfc822": _email,
}
assert set(CHECKS) == set(EXTENSIONS)


def known(content_type: str) -> bool:
    return content_type in CHECKS


def matches(content_type: str, data: bytes) -> bool:
    """Whether the bytes are a file of this type; False for a type no check knows."""
    check = CHECKS.get(content_type)
    return bool(check and check(data))


def extension(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem and re.fullmatch(r"[A-Za-z0-9]{1,10}", ext) else ""


def name_fits(content_type: str, name: str) -> bool:
    """A name without an extension fits any type (it is stored under the type's own);
    one with an extension must have one of the type's."""
    ext = extension(name)
    return not ext or ext in EXTENSIONS.get(content_type, ())


def stored_extension(content_type: str) -> str:
    return EXTENSIONS[content_type][0]
