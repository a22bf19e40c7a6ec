"""Rows of a CSV or xlsx file as {column: value}, streamed (constant memory).

Row numbers are the ones a spreadsheet shows: the file's first row is row 1, the header
(row 1 unless the caller says otherwise) names the columns, the records follow. A CSV
record with line breaks inside a quoted field is still one row.

`fingerprint` reads the bytes once before any row is used: their SHA-256 (how
`--resume` knows the file again) and, for a CSV, whether every byte decodes in the
mapping's encoding. A byte that does not is reported by its offset in the file and the
row and column it falls in, found by reading the file again up to that byte; the
decoder's own offset counts from the start of whatever block it was given, not from
the start of the file.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from redress.imports.mapping import MappingError

csv.field_size_limit(16 * 1024 * 1024)  # narratives are long; the default 128 KiB is not enough for all

CHUNK = 1 << 20
HEADER_SEARCH = 20  # rows looked at for the column names when they are not where expected
CSV_SUFFIXES = (".csv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")


class FileProblem(MappingError):
    """The file cannot be read as the mapping describes it."""


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    size: int


def checked_path(path: str | Path) -> Path:
    path = Path(path)
    if not path.is_file():
        raise FileProblem(f"{path}: no such file")
    if path.suffix.lower() not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise FileProblem(f"{path}: expected a .csv or .xlsx file")
    return path


def fingerprint(path: str | Path, *, encoding: str, header_row: int = 1) -> Fingerprint:
    """The file's SHA-256 and size; for a CSV, refused at the first byte that is not
    `encoding` text (naming the row, the column and the byte's offset)."""
    path = checked_path(path)
    digest = hashlib.sha256()
    size = 0
    decoding = _Decoding(encoding) if path.suffix.lower() in CSV_SUFFIXES else None
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if decoding and (bad := decoding.feed(chunk, size)) is not None:
                raise bad_byte(path, encoding, bad, header_row)
            size += len(chunk)
    if decoding and (bad := decoding.feed(b"", size, final=True)) is not None:
        raise bad_byte(path, encoding, bad, header_row)
    return Fingerprint(digest.hexdigest(), size)


class _Decoding:
    """An incremental decoder that knows the file offset of the first byte it refuses."""

    def __init__(self, encoding: str):
        name = codecs.lookup(encoding).name
        # utf-8-sig reports offsets after the BOM it strips; decode as utf-8 past the BOM instead.
        self.bom = codecs.BOM_UTF8 if name == "utf-8-sig" else b""
        self.decoder = codecs.getincrementaldecoder("utf-8" if self.bom else encoding)()
        self.started = False

    def feed(self, chunk: bytes, at: int, *, final: bool = False) -> int | None:
        if not self.started and self.bom:
            if chunk.startswith(self.bom):
                chunk, at = chunk[len(self.bom):], at + len(self.bom)
        self.started = True
        pending = len(self.decoder.getstate()[0])  # bytes of an unfinished character from the last chunk
        try:
            self.decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            return at - pending + exc.start
        except UnicodeError:  # e.g. utf-16 without a byte order mark: the file's very start
            return at - pending
        return None


def bad_byte(path: Path, encoding: str, offset: int, header_row: int) -> FileProblem:
    start = max(0, offset - 16)
    with path.open("rb") as fh:
        fh.seek(start)
        near = fh.read(offset - start + 16)
    row, column = _row_and_column(path, encoding, offset, header_row)
    where = f"row {row}" + (f", column {column!r}" if column else " (the header)" if row == header_row else "")
    first = near[offset - start] if len(near) > offset - start else 0
    return FileProblem(
        f"{path}: {where}: the byte at offset {offset} (0x{first:02X}) is not {encoding} text"
        f"{_reads_as(near, offset - start, start, encoding)}. Save the file again as UTF-8, or if "
        "all of it is in another encoding, name that encoding in the mapping (encoding: gb18030 for files saved by "
        "Chinese Excel)")


def _reads_as(near: bytes, at: int, start: int, encoding: str) -> str:
    """What the non-ASCII bytes around the refused one say in the other encodings
    Chinese files come in, so the reader sees at once that part of the file was saved
    differently. The run starts before the refused byte: 投诉 in GBK is CD B6 CB DF, and
    CD B6 happens to be a UTF-8 character, so UTF-8 refuses only the CB."""
    begin = at
    while begin > 0 and near[begin - 1] >= 0x80:
        begin -= 1
    end = at
    while end < len(near) and near[end] >= 0x80:
        end += 1
    current = codecs.lookup(encoding).name.removesuffix("-sig")
    for other in ("gb18030", "utf-8", "big5"):
        if codecs.lookup(other).name == current:
            continue
        for cut in range(end, at, -1):  # the window may end inside a character
            try:
                text = near[begin:cut].decode(other)
            except UnicodeDecodeError:
                continue
            if text.isprintable():
                return f" (the bytes from offset {start + begin} read as {other}: {text!r})"
            break
    return ""


def _row_and_column(path: Path, encoding: str, offset: int, header_row: int) -> tuple[int, str]:
    """The row and the column the byte at `offset` falls in: the CSV records of the
    bytes before it, with one more character where the bad byte was, end in the record
    and the field it starts or continues."""
    with path.open("rb") as fh:
        text = io.TextIOWrapper(io.BufferedReader(_Head(fh, offset)), encoding=encoding, errors="replace", newline="")
        number, record, header = 0, [], []
        for number, record in enumerate(csv.reader(_ending_in_a_mark(text)), start=1):
            if number == header_row:
                header = record
    column = header[len(record) - 1].strip() if number > header_row and len(record) <= len(header) else ""
    return max(number, 1), column


def _ending_in_a_mark(lines: Iterator[str]) -> Iterator[str]:
    last = None
    for line in lines:
        if last is not None:
            yield last
        last = line
    if last is None or last.endswith(("\n", "\r")):
        if last is not None:
            yield last
        yield "?"
    else:
        yield last + "?"


class _Head(io.RawIOBase):
    """The first `limit` bytes of an open file."""

    def __init__(self, fh, limit: int):
        self.fh, self.left = fh, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.fh.read(min(len(buffer), self.left))
        buffer[:len(data)] = data
        self.left -= len(data)
        return len(data)


class Rows:
    """The records after the header row, as (row number, {column: value}); blank rows are
    passed over (their numbers are not reused). Use as a context manager."""

    def __init__(self, path: str | Path, *, encoding: str = "utf-8-sig", header_row: int = 1):
        self.path = checked_path(path)
        self.encoding, self.header_row = encoding, header_row
        self._records = self._open()
        self.header = self._read_header()

    def _open(self) -> Iterator[tuple[int, list]]:
        if self.path.suffix.lower() in XLSX_SUFFIXES:
            return _xlsx_records(self.path)
        return _csv_records(self.path, self.encoding, self.header_row)

    def _read_header(self) -> list[str]:
        for number, record in self._records:
            if number == self.header_row:
                header = [str(n).strip() if n is not None else "" for n in record]
                if not any(header):
                    raise FileProblem(f"{self.path}: row {number} must name the columns, and it is empty")
                return header
        raise FileProblem(f"{self.path}: the file has fewer than {self.header_row} rows, so no header")

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        header = self.header
        for number, record in self._records:
            if any(cell not in (None, "") and (not isinstance(cell, str) or cell.strip()) for cell in record):
                yield number, dict(zip(header, record, strict=False))

    def close(self) -> None:
        self._records.close()

    def __enter__(self) -> Rows:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def find_header(path: str | Path, columns: set[str], *, encoding: str) -> int | None:
    """The first of the top rows naming every column in `columns`, if one does: a
    spreadsheet often has a title, a date or a blank line above the column names."""
    path = checked_path(path)
    records = _xlsx_records(path) if path.suffix.lower() in XLSX_SUFFIXES else _csv_records(path, encoding, 1)
    try:
        for number, record in records:
            if number > HEADER_SEARCH:
                break
            if columns <= {str(c).strip() for c in record if c is not None}:
                return number
    except FileProblem:
        return None
    finally:
        records.close()
    return None


def _csv_records(path: Path, encoding: str, header_row: int) -> Iterator[tuple[int, list]]:
    try:
        with path.open(newline="", encoding=encoding) as fh:
            yield from enumerate(csv.reader(fh), start=1)
    except UnicodeError:  # fingerprint() found none; the file changed since, or was never fingerprinted
        raise _locate(path, encoding, header_row) from None
    except csv.Error as exc:
        raise FileProblem(f"{path}: not a CSV file the import can read ({exc})") from None


def _locate(path: Path, encoding: str, header_row: int) -> FileProblem:
    try:
        fingerprint(path, encoding=encoding, header_row=header_row)
    except FileProblem as problem:
        return problem
    return FileProblem(f"{path}: changed while it was being read")


def _xlsx_records(path: Path) -> Iterator[tuple[int, tuple]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds for a bad file
        raise FileProblem(f"{path}: not a readable xlsx workbook ({type(exc).__name__})") from None
    try:
        yield from enumerate(book.worksheets[0].iter_rows(values_only=True), start=1)
    finally:
        book.close()
