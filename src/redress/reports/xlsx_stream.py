"""An xlsx workbook written as a stream: its bytes can be sent while the rows are still
being read, and memory holds one chunk of rows whatever their number.

openpyxl's write-only workbook and XlsxWriter's constant_memory mode both keep the
rows out of memory, but both write the sheet to a temporary file and make the zip only
when the workbook is closed: the first byte leaves after the last row is read (a
million rows: minutes). An xlsx is a zip of a few XML parts, and Python's zipfile
writes to a stream that cannot seek (each member followed by its sizes), so the sheet
is written here as XML straight into the zip, and every chunk of compressed bytes is
handed out as it is made. Strings are inline (no shared-strings table to hold until
the end); times are Excel serial numbers with a date format; the header row is bold.
Excel takes 1,048,576 rows a sheet: a longer export goes on in another sheet, each
with the header.

Used by export.response; read back in the tests with openpyxl.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

MAX_ROWS = 1_048_576  # Excel's rows a sheet, the header included
EPOCH = datetime(1899, 12, 30)  # Excel's day 0 (for every date after 1 March 1900)
FLUSH = 1 << 16  # hand out compressed bytes once this many are waiting
ROWS_A_WRITE = 100  # rows of XML handed to the compressor at a time
# Styles (cellXfs below): 0 plain, 1 a date and time, 2 bold (the header), 3 an amount.
DATE, BOLD, AMOUNT = 1, 2, 3
# XML 1.0 has no place for most control characters: a cell drops them rather than
# making a file Excel refuses to open.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_SPACE = " \t\n\r"  # a text starting or ending with these must say so, or readers trim it

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
STYLES = (_XML + f"<styleSheet {_NS}>"
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
          '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
          '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
          '<fills count="2"><fill><patternFill patternType="none"/></fill>'
          '<fill><patternFill patternType="gray125"/></fill></fills>'
          '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
          '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
          '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
          '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
          '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
          '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
          '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
          "</styleSheet>")


def column_letters(n: int) -> list[str]:
    """A, B, ..., Z, AA, ...: the first n column names."""
    out = []
    for i in range(1, n + 1):
        name = ""
        while i:
            i, rest = divmod(i - 1, 26)
            name = chr(65 + rest) + name
        out.append(name)
    return out


_EPOCH_DAY = EPOCH.toordinal()


def serial(moment: datetime | date) -> float:
    """Excel's number for a (naive, local) time: days since 30 December 1899."""
    if not isinstance(moment, datetime):
        return float(moment.toordinal() - _EPOCH_DAY)
    seconds = moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6
    return moment.toordinal() - _EPOCH_DAY + seconds / 86400


def cell(ref: str, value, style: int = 0) -> str:
    """One <c> element; "" for an empty cell (left out). Text as XML may hold it:
    control characters dropped, &, < and > escaped (each looked for first: most cells
    have none, and this runs some 20 million times at a million rows)."""
    kind = type(value)
    if kind is str:
        if not value:
            return ""
        text = value
        if not text.isprintable():
            text = _ILLEGAL.sub("", text)
            if not text:
                return ""
        if "&" in text or "<" in text or ">" in text:
            text = escape(text)
        s = f' s="{style}"' if style else ""
        t = "<t>" if text[0] not in _SPACE and text[-1] not in _SPACE else '<t xml:space="preserve">'
        return f'<c r="{ref}"{s} t="inlineStr"><is>{t}{text}</t></is></c>'
    if value is None:
        return ""
    if kind is datetime or kind is date:
        return f'<c r="{ref}" s="{DATE}"><v>{serial(value)!r}</v></c>'
    if kind is Decimal:
        return f'<c r="{ref}" s="{AMOUNT}"><v>{value}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int or kind is float:
        return f'<c r="{ref}"><v>{value!r}</v></c>'
    return cell(ref, str(value), style)  # a lazy text, a subclass of str or int


class _Pipe:
    """What zipfile writes to: the bytes wait here until taken. It cannot seek, so
    zipfile puts each member's sizes after its data (a data descriptor)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.waiting = 0

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        self.waiting += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts, self.waiting = b"".join(self.parts), [], 0
        return data


def workbook(title: str, header: list[str], rows: Iterable[list], *, level: int = 1) -> Iterator[bytes]:
    """The bytes of an xlsx with one sheet (more past MAX_ROWS) named `title`, as they
    are made. `rows`: lists of str, int, Decimal, naive datetime or None. `level`: the
    deflate level (1: the fastest; the XML is repetitive and still shrinks ~8 times)."""
    pipe = _Pipe()
    book = zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level)
    letters = column_letters(len(header))
    head = "".join(cell(f"{col}1", text, BOLD) for col, text in zip(letters, header, strict=True))
    # The sheet cannot say its size at the top (the rows are not counted yet), and a
    # reader without it (openpyxl's read-only mode) makes each row as long as its last
    # cell: an empty last column is written as an empty text, so every row is whole.
    last_ref = letters[-1]
    sheets, member, pending = 0, None, []
    number = MAX_ROWS  # the row number in the current sheet: start a sheet at the first row
    for values in rows:
        if number >= MAX_ROWS:
            if member is not None:
                pending.append("</sheetData></worksheet>")
                member.write("".join(pending).encode())
                member.close()
            sheets += 1
            # zip64 from the start: a million rows is some 3 GB of XML before deflating.
            member = book.open(f"xl/worksheets/sheet{sheets}.xml", "w", force_zip64=True)
            pending = [f'{_XML}<worksheet {_NS}><sheetData><row r="1">{head}</row>']
            number = 1
            if sheets == 1:  # the zip's first header: the download starts now, not 64 KiB later
                yield pipe.take()
        number += 1
        n = str(number)
        # An empty cell is left out (cell() gives ""): "" and None skipped here, without
        # the call; a zero (0, Decimal 0, False) is a value and is written.
        line = "".join([cell(c + n, v) for c, v in zip(letters, values, strict=True) if v or v == 0])
        if values[-1] is None or values[-1] == "":
            line += f'<c r="{last_ref}{n}" t="inlineStr"><is><t></t></is></c>'  # the row's width (see above)
        pending.append(f'<row r="{n}">{line}</row>')
        if len(pending) >= ROWS_A_WRITE:
            member.write("".join(pending).encode())
            pending = []
            if pipe.waiting >= FLUSH:
                yield pipe.take()
    if member is None:  # no rows: the header alone
        sheets = 1
        member = book.open("xl/worksheets/sheet1.xml", "w")
        pending = [f'{_XML}<worksheet {_NS}><sheetData><row r="1">{head}</row>']
    pending.append("</sheetData></worksheet>")
    member.write("".join(pending).encode())
    member.close()
    names = [title if i == 1 else f"{title[:27]} ({i})" for i in range(1, sheets + 1)]
    _write_parts(book, names)
    book.close()
    yield pipe.take()


def _put(book: zipfile.ZipFile, name: str, text: str) -> None:
    """A member dated as the sheets are (zipfile's default, 1 January 1980), not with the
    time of writing as writestr would: the same rows then make the same file, byte for
    byte, and the same SHA-256 in the export's record."""
    member = zipfile.ZipInfo(name)
    member.external_attr = 0o600 << 16  # as writestr gives a member named by a text
    book.writestr(member, text, compress_type=book.compression, compresslevel=book.compresslevel)


def _write_parts(book: zipfile.ZipFile, names: list[str]) -> None:
    """The parts that say what the package holds: written last, once the number of
    sheets is known (a zip's members may come in any order)."""
    sheets = range(1, len(names) + 1)
    _put(book, "[Content_Types].xml", _XML + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                  'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                  for i in sheets)
        + "</Types>"))
    _put(book, "_rels/.rels", _XML + (
        f'<Relationships xmlns="{_PKG_REL}">'
        f'<Relationship Id="rId1" Type="{_DOC_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"))
    _put(book, "xl/workbook.xml", _XML + (
        f"<workbook {_NS} {_REL_NS}><sheets>"
        + "".join(f'<sheet name={quoteattr(name[:31])} sheetId="{i}" r:id="rId{i}"/>'
                  for i, name in zip(sheets, names, strict=True))
        + "</sheets></workbook>"))
    _put(book, "xl/_rels/workbook.xml.rels", _XML + (
        f'<Relationships xmlns="{_PKG_REL}">'
        + "".join(f'<Relationship Id="rId{i}" Type="{_DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                  for i in sheets)
        + f'<Relationship Id="rId{len(names) + 1}" Type="{_DOC_REL}/styles" Target="styles.xml"/>'
        "</Relationships>"))
    _put(book, "xl/styles.xml", STYLES)
