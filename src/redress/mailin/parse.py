"""Reading one RFC 822 message as a complainant's email client wrote it.

Chinese mail is labelled carelessly: a body marked GB2312 often holds GBK or GB18030
characters, a header may be raw 8-bit, a part may claim a charset Python does not know.
So every piece of text is decoded here, not by the email package: GB2312/GBK are read
as GB18030 (their superset), a label that lies is overruled by what the bytes are
(`decode_bytes`: valid UTF-8 is UTF-8, GB18030 and Big5 weighed by charset_normalizer),
and the last resort replaces what cannot be read. Nothing here raises on bad input.
"""

from __future__ import annotations

import binascii
import codecs
import email
import email.feedparser
import email.header
import email.policy
import email.utils
import hashlib
import mimetypes
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser

import charset_normalizer

from redress.complaints import filetypes

# Labels seen in Chinese mail, read as the superset that decodes all of them.
CHARSET_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
    "gb_2312-80": "gb18030", "csgb2312": "gb18030", "chinese": "gb18030", "hz-gb-2312": "hz",
    "unknown-8bit": "utf-8", "x-unknown": "utf-8", "us-ascii": "utf-8", "ascii": "utf-8", "default": "utf-8",
}
# The encodings Chinese mail is really in, whatever its label says; weighed against each
# other (charset_normalizer) when more than one of them reads the bytes without error.
CHINESE = ("utf-8", "gb18030", "big5")
# Where `decode_bytes` read text in another charset than its label: (label, charset).
# Set by `parse` for the message it reads, so the complaint can say so.
corrections: ContextVar[list[tuple[str, str]] | None] = ContextVar("corrections", default=None)


def _codec(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip('"').lower()
    try:
        return codecs.lookup(CHARSET_ALIASES.get(name, name)).name
    except LookupError:
        return None


def _weighed(data: bytes, readable: list[str], declared: str | None) -> str:
    """Of the charsets that read `data` without error, the one whose text is least
    chaotic (charset_normalizer's measure: private-use and unprintable characters, rare
    ideographs side by side, scripts mixed mid-word). The label stands unless another
    reads cleaner: two ideographs are often clean in both GB18030 and Big5, and then
    only the label can tell."""
    chaos = {}
    for match in charset_normalizer.from_bytes(data, cp_isolation=readable):
        chaos.setdefault(codecs.lookup(match.encoding).name, match.chaos)
    chaos = {name: value for name, value in chaos.items() if name in readable}
    if not chaos:
        return declared if declared in readable else readable[0]
    cleanest = min(chaos, key=lambda name: (chaos[name], name != declared))
    if declared in chaos and chaos[declared] <= chaos[cleanest]:
        return declared
    return cleanest


def decode_bytes(data: bytes, charset: str | None = None) -> str:
    """Text as its writer meant it, whatever the label says. Chinese mail is labelled
    carelessly: UTF-8 text marked gb2312 reads as 「璐︽埛鍐荤粨」 in GB18030 without a
    single error, Big5 marked gb2312 as private-use characters, GBK marked big5 as rare
    ideographs. So: bytes that are valid UTF-8 (and not plain ASCII) are UTF-8, whatever
    the label (random GBK or Big5 text almost never is); under a Chinese label or none,
    when both GB18030 and Big5 read the bytes, the cleaner text wins; a label that reads
    them is otherwise believed. A correction is noted in `corrections`. The last resort
    replaces what cannot be read; nothing here raises."""
    declared = _codec(charset)
    if data.isascii():
        return data.decode("ascii")
    chinese = declared is None or declared in CHINESE
    readable = []
    for name in dict.fromkeys([declared, *CHINESE] if chinese else [declared, "utf-8"]):
        if name is None:
            continue
        try:
            data.decode(name)
        except UnicodeDecodeError:
            continue
        readable.append(name)
    if not readable:
        return data.decode(declared or "utf-8", errors="replace")
    if "utf-8" in readable:
        chosen = "utf-8"
    elif len(readable) == 1 or not chinese:
        chosen = readable[0]
    else:
        chosen = _weighed(data, readable, declared)
    noted = corrections.get()
    if noted is not None and declared is not None and chosen != declared:
        noted.append((charset.strip().strip('"').lower()[:40], chosen))
    return data.decode(chosen)


def decode_header_value(raw: str) -> str:
    """RFC 2047 encoded words (=?GB2312?B?...?=), raw 8-bit bytes or plain ASCII."""
    if not raw:
        return ""
    unfolded = re.sub(r"\r?\n[ \t]+", " ", raw)
    if any("\udc80" <= ch <= "\udcff" for ch in unfolded):  # raw 8-bit bytes, as surrogate escapes
        unfolded = decode_bytes(unfolded.encode("utf-8", "surrogateescape"))
    try:
        parts = email.header.decode_header(unfolded)
    except Exception:  # noqa: BLE001 — a broken encoded word is shown as written
        parts = [(unfolded, None)]
    out = []
    for value, charset in parts:
        if isinstance(value, str):
            out.append(value)
        elif charset is None:  # the text between encoded words, as decode_header hands it back
            out.append(value.decode("raw-unicode-escape", errors="replace"))
        else:
            out.append(decode_bytes(value, charset))
    text = "".join(out)
    return "".join(ch for ch in text if ch.isprintable() or ch == " ").strip()


class _TextOfHtml(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # noqa: BLE001 — HTMLParser is lenient; this is belt and braces
        return re.sub(r"<[^>]+>", " ", html)
    text = "".join(parser.parts).replace("\xa0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


@dataclass
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass
class ParsedMail:
    key: str  # sha256 of the Message-ID, or of the raw bytes when there is none
    message_id: str
    sender_name: str
    sender_address: str
    subject: str
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    automatic: str = ""  # why this looks like an auto-reply or a bounce ("" when it does not)
    size: int = 0
    nul_stripped: int = 0  # NUL characters removed from the body (headers drop them when decoded)
    # Text read in another charset than its label said: [(label, charset read in)].
    recharset: list[tuple[str, str]] = field(default_factory=list)


def _raw_header(msg: EmailMessage, name: str) -> str:
    for key, value in msg.raw_items():
        if key.lower() == name.lower():
            return str(value)
    return ""


def _payload_bytes(part) -> bytes:
    """A part's content as bytes, its transfer encoding undone (and the text of a
    multipart that did not split, since is_multipart() is false for it). Base64 is
    decoded here in one pass: the email package splits the payload into lines first,
    several times the attachment's size in memory. A broken transfer encoding keeps
    what is there."""
    payload = part.get_payload()
    if isinstance(payload, str) and part.get("Content-Transfer-Encoding", "").strip().lower() == "base64":
        try:
            return binascii.a2b_base64(payload)
        except (binascii.Error, ValueError):  # bad padding, non-ASCII: the email package is lenient
            pass
    try:
        return part.get_payload(decode=True) or b""
    except Exception:  # noqa: BLE001
        return str(payload).encode("utf-8", "surrogateescape")


def _text_of(part) -> str:
    text = decode_bytes(_payload_bytes(part), part.get_param("charset"))
    return html_to_text(text) if part.get_content_subtype() == "html" else text.strip()


# A delimiter line as broken mail writes it: "--" and a boundary of up to 70 characters
# (RFC 2046), alone on its line, followed by a part's header.
DELIMITER = re.compile(r"^--([^\s]{1,70}?)(?:--)?[ \t]*\r?\n[A-Za-z][A-Za-z0-9-]*:", re.MULTILINE)
MAX_DEPTH = 8  # nested multiparts followed; deeper is not a person writing


def _reparsed(part, boundary: str | None = None):
    """A part whose text holds delimiter lines the declared structure does not account
    for (a boundary never declared, declared but not used, or on a text/html part), read
    again as multipart/mixed with the boundary its lines actually use; None when its
    lines hold no delimiter followed by a header."""
    data = _payload_bytes(part)
    text = data.decode("ascii", "replace")
    if boundary and f"--{boundary}" in text:
        found = boundary
    else:
        match = DELIMITER.search(text)
        found = match.group(1) if match else None
    if not found or '"' in found or "\\" in found:
        return None
    head = f'Content-Type: multipart/mixed; boundary="{found}"\r\n\r\n'.encode("ascii", "replace")
    again = message_from_bytes(head + data)
    return again if again.is_multipart() else None


def _epilogue_parts(part):
    """The epilogue of a multipart read as more parts, when it holds delimiter lines of
    the multipart's own boundary followed by a header; else None (an epilogue is
    otherwise free text no client shows, like the preamble)."""
    epilogue, boundary = part.epilogue or "", part.get_param("boundary")
    if not boundary or '"' in boundary or f"--{boundary}" not in epilogue:
        return None
    match = DELIMITER.search(epilogue)
    if match is None or match.group(1) != boundary:
        return None
    head = f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode("ascii", "replace")
    again = message_from_bytes(head + epilogue[match.start():].encode("utf-8", "surrogateescape"))
    return again if again.is_multipart() else None


def _is_text(part) -> bool:
    """Words of the message itself, not a file attached to it: text not marked as an
    attachment. Plain text and HTML are words even with a name (some clients name the
    text itself, inline or on its Content-Type); other text (csv, calendar) only
    without one."""
    if part.get_content_maintype() != "text" or part.get_content_disposition() == "attachment":
        return False
    return part.get_content_subtype() in ("plain", "html") or not part.get_filename()


def _preferred(alternatives: list):
    """Of the renderings of one text (multipart/alternative), the one a reader takes:
    plain text with words in it, else HTML, else a nested multipart, else the first."""
    def has_words(p):
        return _is_text(p) and bool(_text_of(p).strip())
    for wanted in ("plain", "html"):
        for p in alternatives:
            if p.get_content_type() == f"text/{wanted}" and has_words(p):
                return p
    return next((p for p in alternatives if p.get_content_maintype() == "multipart"), alternatives[0])


def _collect(part, texts: list[str], files: list, depth: int = 0) -> None:
    """The message's words in order (every text part, whatever the structure says) and
    its files. Attached messages are files (evidence), not descended into. A multipart
    whose boundary does not hold is read again by the boundary its lines use, or else
    its whole text is kept as text: broken structure never turns words into a file."""
    if part.get_content_maintype() == "multipart":
        subparts = part.get_payload() if part.is_multipart() else None
        if subparts is None:
            again = _reparsed(part, part.get_param("boundary")) if depth < MAX_DEPTH else None
            if again is not None:
                _collect(again, texts, files, depth + 1)
            else:
                texts.append(decode_bytes(_payload_bytes(part), part.get_param("charset")).strip())
        elif part.get_content_subtype() == "alternative" and subparts:
            _collect(_preferred(subparts), texts, files, depth + 1)
        else:
            for sub in subparts:
                _collect(sub, texts, files, depth + 1)
        if subparts is not None and depth < MAX_DEPTH:
            # Parts after a closing line that came too early (a nested part reusing this
            # boundary closed it) are left in the epilogue, where nobody would read them.
            rest = _epilogue_parts(part)
            if rest is not None:
                _collect(rest, texts, files, depth + 1)
    elif _is_text(part):
        boundary = part.get_param("boundary")
        again = _reparsed(part, boundary) if boundary and depth < MAX_DEPTH else None
        if again is not None:
            _collect(again, texts, files, depth + 1)
        else:
            texts.append(_text_of(part))
    else:
        files.append(part)


def _safe_name(name: str, index: int, content_type: str) -> str:
    name = decode_header_value(name) if "=?" in name else name
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".").strip()
    if not name:
        # The type's own extension (evidence refuses a name whose extension is not the type's).
        known = filetypes.EXTENSIONS.get(content_type)
        name = f"attachment-{index}{'.' + known[0] if known else mimetypes.guess_extension(content_type) or ''}"
    return name  # kept whole: evidence_add shortens a name past 255 characters, keeping its extension


def _attachment(part, index: int) -> Attachment:
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        inner = part.get_payload()
        data = inner[0].as_bytes() if isinstance(inner, list) and inner else b""
        raw_name = part.get_filename() or "forwarded.eml"
    else:
        data = _payload_bytes(part)
        raw_name = part.get_filename() or ""
    name = _safe_name(raw_name, index, content_type)
    if content_type == "application/octet-stream":  # clients often do not say; the name does
        content_type = mimetypes.guess_type(name)[0] or content_type
    return Attachment(name=name, content_type=content_type, data=data)


DELIVERY_REPORT = "退信 delivery report"
AUTO_REPLY = "自动回复 auto-reply"
AUTOMATIC = "自动邮件 automatic message"
BULK = "群发邮件 bulk mail"
# Out-of-office subjects as Outlook, Exchange, QQ Mail, NetEase, Gmail and Alibaba Mail
# write them, in Chinese (simplified and traditional) and English: the phrase is a
# prefix followed by a colon, or the whole subject — so "Out of office all week and my
# card was blocked" stays a complaint.
OUT_OF_OFFICE = re.compile(
    r"^\s*(automatic reply|auto[- ]?reply|auto[- ]?response|autoreply|out of (the )?office( auto[- ]?reply)?"
    r"|自动答复|自动回复|自動回覆|自動回復|自动应答|自動應答|休假自动回复|外出自动回复)\s*([:：]|$)",
    re.IGNORECASE)
REPORT_TYPES = ("message/delivery-status", "message/disposition-notification", "message/global-delivery-status")


def is_null_sender(envelope_sender: str | None) -> bool:
    """The envelope sender of a delivery report (RFC 5321 4.5.5): empty, <>, or the name
    some mail servers give it."""
    if envelope_sender is None:
        return False
    bare = envelope_sender.strip().strip("<>").strip()
    return not bare or bare.split("@")[0].lower() == "mailer-daemon"


def _delivery_report(msg: EmailMessage, address: str, envelope_sender: str | None) -> str:
    if is_null_sender(envelope_sender):
        return "null sender"
    if _raw_header(msg, "Return-Path") and is_null_sender(_raw_header(msg, "Return-Path")):
        return "null sender, Return-Path: <>"
    if msg.get_content_type() == "multipart/report":
        return "multipart/report"
    if any(part.get_content_type() in REPORT_TYPES for part in msg.walk()):
        return "a delivery status part"
    if _raw_header(msg, "X-Failed-Recipients"):
        return "X-Failed-Recipients"
    local = address.split("@")[0].lower()
    if local in ("mailer-daemon", "postmaster") or local.startswith("microsoftexchange"):
        return f"From: {local[:40]}"
    return ""


def _auto_reply(msg: EmailMessage, subject: str) -> str:
    auto = _raw_header(msg, "Auto-Submitted").strip().lower()
    if auto.startswith("auto-replied"):
        return f"{AUTO_REPLY} (Auto-Submitted: {auto[:40]})"
    if auto and auto != "no":
        return f"{AUTOMATIC} (Auto-Submitted: {auto[:40]})"
    # Exchange and Outlook put it on what they send automatically; a sender asking for
    # no automatic answer is told nothing automatically either. (The office can release
    # a message a person wrote: quarantine.release.)
    suppress = _raw_header(msg, "X-Auto-Response-Suppress").strip()
    if suppress and suppress.lower() != "none":
        return f"{AUTO_REPLY} (X-Auto-Response-Suppress: {suppress[:40]})"
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if _raw_header(msg, name).strip():
            return f"{AUTO_REPLY} ({name})"
    precedence = _raw_header(msg, "Precedence").strip().lower()
    if precedence == "auto_reply":
        return f"{AUTO_REPLY} (Precedence: auto_reply)"
    if precedence in ("bulk", "junk", "list"):
        return f"{BULK} (Precedence: {precedence})"
    found = OUT_OF_OFFICE.search(subject)
    if found:  # the phrase, not the subject: the reason is kept and printed without personal data
        return f"{AUTO_REPLY} (subject: {found.group(1)})"
    return ""


def _automatic(msg: EmailMessage, address: str, subject: str, envelope_sender: str | None) -> str:
    """Why this message was sent by a machine and must not be answered ("" when a person
    wrote it): a delivery report, an auto-reply, bulk mail. Answering one is how mail
    loops start (our acknowledgment, their out-of-office reply, our acknowledgment ...)."""
    report = _delivery_report(msg, address, envelope_sender)
    return f"{DELIVERY_REPORT} ({report})" if report else _auto_reply(msg, subject)


FEED = 64 * 1024


def message_from_bytes(raw: bytes) -> EmailMessage:
    """email.message_from_bytes, fed in chunks: given the whole message at once the
    parser decodes it and splits it into lines all together, about eight times its size
    in memory (158 MB for a 20 MB message); fed in chunks it consumes the lines as they
    come (56 MB). The message parsed is the same."""
    parser = email.feedparser.BytesFeedParser(policy=email.policy.default)
    view = memoryview(raw)
    for start in range(0, len(raw), FEED):
        parser.feed(bytes(view[start:start + FEED]))
    return parser.close()


def parse(raw: bytes, envelope_sender: str | None = None) -> ParsedMail:
    """`envelope_sender`: the envelope sender as the mail server passed it (None when it
    did not say; "" for the null sender of a delivery report)."""
    noted: list[tuple[str, str]] = []
    token = corrections.set(noted)
    try:
        return _parse(raw, envelope_sender, noted)
    finally:
        corrections.reset(token)


def _parse(raw: bytes, envelope_sender: str | None, noted: list[tuple[str, str]]) -> ParsedMail:
    msg = message_from_bytes(raw)
    message_id = _raw_header(msg, "Message-ID").strip()
    found = re.search(r"<[^<>]+>", message_id)
    message_id = (found.group(0) if found else message_id).replace("\x00", "")[:255]
    key = hashlib.sha256(message_id.encode("utf-8", "surrogateescape") if message_id else raw).hexdigest()
    raw_name, address = email.utils.parseaddr(_raw_header(msg, "From").replace("\n", " "))
    address = decode_header_value(address).strip()
    texts: list[str] = []
    files: list = []
    _collect(msg, texts, files)
    body = "\n\n".join(t for t in texts if t.strip())
    attachments = [_attachment(part, index) for index, part in enumerate(files, start=1)]
    # A NUL in the text means nothing to a reader and cannot be stored in PostgreSQL
    # text: it is removed, and the count is kept so the record says the text was changed.
    nuls = body.count("\x00")
    subject = decode_header_value(_raw_header(msg, "Subject"))
    return ParsedMail(
        key=key, message_id=message_id, sender_name=decode_header_value(raw_name), sender_address=address,
        subject=subject, body=body.replace("\x00", "").replace("\r\n", "\n"), attachments=attachments,
        automatic=_automatic(msg, address, subject, envelope_sender), size=len(raw), nul_stripped=nuls,
        recharset=list(dict.fromkeys(noted)),
    )


CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
LANGUAGE_SAMPLE = 20_000


def guess_language(*texts: str) -> str:
    """zh-hans when Chinese characters make up a fair share of the letters, else en.
    (Redress speaks those two; a Chinese sentence rarely has fewer than one CJK
    character for every four Latin letters, even with product names and numbers.)"""
    # The first few thousand characters tell; counted without a list of matches (for a
    # 15 MB Chinese letter that list alone was some 380 MB of one-character strings).
    text = " ".join(t[:LANGUAGE_SAMPLE] for t in texts)
    cjk, latin = sum(1 for _ in CJK.finditer(text)), sum(1 for _ in LATIN.finditer(text))
    return "zh-hans" if cjk and cjk * 4 >= latin else "en"
