"""Rows of a CSV or xlsx file as {column: value}, streamed (constant memory).

Row numbers are the ones a spreadsheet shows: the header is row 1, the first record
row 2. A CSV record with line breaks inside a quoted field is still one row.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from redress.imports.mapping import MappingError

csv.field_size_limit(16 * 1024 * 1024)  # narratives are long; the default 128 KiB is not enough for all


def _header(names, path: Path) -> list[str]:
    header = [str(n).strip() if n is not None else "" for n in names]
    if not any(header):
        raise MappingError(f"{path}: the first row must name the columns")
    return header


def read_rows(path: str | Path, *, encoding: str = "utf-8-sig") -> Iterator[tuple[int, dict]]:
    path = Path(path)
    if not path.is_file():
        raise MappingError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        yield from _xlsx(path)
    elif suffix in (".csv", ".txt"):
        yield from _csv(path, encoding)
    else:
        raise MappingError(f"{path}: expected a .csv or .xlsx file")


def _csv(path: Path, encoding: str) -> Iterator[tuple[int, dict]]:
    try:
        with path.open(newline="", encoding=encoding) as fh:
            reader = csv.reader(fh)
            header = _header(next(reader, []), path)
            for number, record in enumerate(reader, start=2):
                if not any(cell.strip() for cell in record):
                    continue
                yield number, dict(zip(header, record, strict=False))
    except UnicodeDecodeError as exc:
        raise MappingError(f"{path}: not {encoding} text (byte {exc.start}); set encoding: in the mapping "
                           "(gb18030 for files saved by Chinese Excel)") from None


def _xlsx(path: Path) -> Iterator[tuple[int, dict]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many kinds for a bad file
        raise MappingError(f"{path}: not a readable xlsx workbook ({type(exc).__name__})") from None
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = _header(next(rows, ()), path)
        for number, record in enumerate(rows, start=2):
            if not any(cell not in (None, "") for cell in record):
                continue
            yield number, dict(zip(header, record, strict=False))
    finally:
        book.close()
