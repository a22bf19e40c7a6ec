"""The register's export as a reader gets it: read from one cursor in chunks, each chunk's
related rows read once, every value made by the page's own columns, the xlsx sent as it
is written, masked for a role without personal data, and recorded with the rows
written and the file's hash."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from openpyxl import load_workbook

from redress.complaints.lifecycle import State
from redress.complaints.models import Complaint
from redress.complaints.services.timing import calendar_for
from redress.policy.loader import active_pack
from redress.reports import columns, export, xlsx_stream
from redress.reports import register as reg
from redress.reports.models import ExportRecord
from redress.reports.rows import build
from tests.reports.conftest import READ_AT
from tests.reports.test_views import csv_rows, get, xlsx_rows


def page_texts(language: str = "en") -> list[list[str]]:
    """Every complaint's row as the register page makes it: from the Complaint
    instances, newest first, through rows.build and columns.texts."""
    pack = active_pack()
    ctx = columns.Context(pack=pack, language=language, cal=calendar_for(pack), now=READ_AT, personal=False)
    complaints = list(Complaint.objects.select_related("customer", "handler", "responsible_unit")
                      .order_by("-received_at", "-pk"))
    return [columns.texts(row, ctx) for row in build(complaints)]


def test_every_exported_row_equals_the_pages_row_when_a_chunk_ends_on_a_case_with_handling(
        org, book, signed_in, monkeypatch):
    # The closed case has a work order, a proposal, a result, a callback and clocks: it
    # is made the last of the first chunk, and the case after it the first of the next,
    # so a related row read for the wrong chunk (or not at all) shows as a difference.
    order = list(Complaint.objects.order_by("-received_at", "-pk").values_list("pk", flat=True))
    edge = order.index(book[State.CLOSED].pk)
    assert 0 < edge < len(order) - 1
    monkeypatch.setattr(export, "BATCH", edge + 1)
    exported = csv_rows(get(signed_in("office", language="en"), "/register/export/", format="csv"))
    expected = page_texts()
    assert exported[1:] == expected
    closed = exported[1 + edge]
    keys = [c.key for c in columns.COLUMNS]
    assert closed[keys.index("callback_result")] == "satisfied"
    assert closed[keys.index("result_told_at")] != "" and closed[keys.index("callback_at")] != ""


@pytest.mark.parametrize("size", [1, 2, 7])
def test_the_stream_gives_every_case_once_in_the_pages_order_whatever_the_chunk(org, book, size, monkeypatch):
    monkeypatch.setattr(reg, "FIRST_CHUNK", 10_000)  # every chunk of the same size here
    chunks = list(reg.stream(org.office, now=READ_AT, tz=calendar_for(active_pack()).tz, size=size))
    assert all(len(chunk) == size for chunk in chunks[:-1]) and 0 < len(chunks[-1]) <= size
    streamed = [c.reference for chunk in chunks for c in chunk]
    assert streamed == list(Complaint.objects.order_by("-received_at", "-pk").values_list("reference", flat=True))


def test_a_role_without_personal_data_gets_both_forms_masked_and_may_not_ask_for_more(org, book, signed_in):
    client = signed_in("auditor", language="en")
    for fmt in ("csv", "xlsx"):
        assert get(client, "/register/export/", format=fmt, personal="1").status_code == 403
    assert not ExportRecord.objects.exists()
    as_csv = csv_rows(get(client, "/register/export/", format="csv"))
    as_xlsx = xlsx_rows(get(client, "/register/export/", format="xlsx"))
    name, phone = as_csv[0].index("Name"), as_csv[0].index("Phone")
    for rows in (as_csv, as_xlsx):
        names = {r[name] for r in rows[1:]}
        assert "张*" in names and "张三" not in names
        assert "13800138000" not in {r[phone] for r in rows[1:]}
        assert "138****8000" in {r[phone] for r in rows[1:]}
    assert list(ExportRecord.objects.values_list("personal_data", flat=True)) == [False, False]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_record_of_an_export_has_the_rows_written_and_the_hash_of_the_file(org, book, signed_in, fmt):
    response = get(signed_in("office"), "/register/export/", format=fmt, state=State.CLOSED)
    record = ExportRecord.objects.get()
    assert record.sha256 == ""  # recorded before the first byte; the file is not whole yet
    data = b"".join(response.streaming_content)
    record.refresh_from_db()
    closed = Complaint.objects.filter(state=State.CLOSED).count()
    assert (record.staff, record.format, record.rows, record.filters) == (
        org.office, fmt, closed, {"period": "received", "state": State.CLOSED})
    assert record.sha256 == hashlib.sha256(data).hexdigest()


# Committed for real: a reader who goes ends the request, and the end of a request may
# close the database connection, which a test inside one transaction cannot survive.
# PostgreSQL only, as the other committed tests (the SQLite ledger refuses their flush);
# it is there that the stream holds a server-side cursor to give back.
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="committed tests need PostgreSQL")
def test_an_export_the_reader_leaves_half_way_keeps_its_count_and_no_hash(org, book, signed_in, monkeypatch):
    monkeypatch.setattr(export, "LINES", 1)  # a piece of the response per line
    response = get(signed_in("office"), "/register/export/", format="csv")
    pieces = iter(response.streaming_content)
    next(pieces), next(pieces)
    response.close()  # as a server does when the reader goes: the stream's transaction rolls back
    record = ExportRecord.objects.get()
    assert record.rows == len(book) and record.sha256 == ""


# ---- the streamed workbook --------------------------------------------------------------

def read(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def test_the_workbook_reads_back_with_its_types_and_bold_header():
    rows = [["A-1", 3, Decimal("200.00"), datetime(2026, 3, 9, 14, 30), None],
            [" padded ", 0, None, None, "x\x01y"]]
    data = b"".join(xlsx_stream.workbook("台账", ["ref", "n", "amount", "at", "last"], rows))
    sheets = read(data)
    assert list(sheets) == ["台账"]
    assert sheets["台账"] == [["ref", "n", "amount", "at", "last"],
                             ["A-1", 3, 200, datetime(2026, 3, 9, 14, 30), ""],
                             [" padded ", 0, None, None, "xy"]]
    full = load_workbook(io.BytesIO(data))
    assert full.active["A1"].font.b and not full.active["A2"].font.b
    assert full.active["D2"].number_format == "yyyy-mm-dd hh:mm"


def test_the_first_bytes_leave_before_the_last_row_is_read(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "FLUSH", 1024)
    read_so_far = []

    def rows():
        for i in range(5000):
            read_so_far.append(i)
            yield [f"row {i} " + "x" * (i % 50), i]

    pieces = xlsx_stream.workbook("s", ["text", "n"], rows())
    first = next(pieces)
    assert first.startswith(b"PK") and 0 < len(read_so_far) < 5000
    data = first + b"".join(pieces)
    assert len(read_so_far) == 5000 and len(read(data)["s"]) == 5001


def test_rows_past_excels_limit_go_on_in_another_sheet_with_the_header(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "MAX_ROWS", 3)  # the header and two rows a sheet
    data = b"".join(xlsx_stream.workbook("register", ["n"], ([i] for i in range(5))))
    sheets = read(data)
    assert list(sheets.values()) == [[["n"], [0], [1]], [["n"], [2], [3]], [["n"], [4]]]
    assert list(sheets) == ["register", "register (2)", "register (3)"]
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None


def test_an_empty_register_is_a_workbook_with_its_header():
    assert read(b"".join(xlsx_stream.workbook("register", ["a", "b"], []))) == {"register": [["a", "b"]]}


def test_the_first_chunk_is_small_so_the_first_bytes_leave_soon(org, book, monkeypatch):
    monkeypatch.setattr(reg, "FIRST_CHUNK", 2)
    sizes = [len(chunk) for chunk in reg.stream(org.office, now=READ_AT, tz=calendar_for(active_pack()).tz, size=4)]
    assert sizes[:3] == [2, 4, 4] and sum(sizes) == len(book)
