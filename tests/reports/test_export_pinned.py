"""The register's export, byte for byte: the CSV and the workbook's sheet of the book's
cases (every state, handling, remedies, a callback, accountability, a re-complaint, a
product, a critical flag, another branch's English customer) and one case received at
half past midnight in Shanghai (16:30 the day before in UTC, the database's time),
compared with files written by the export before its speed-up (expected/README.md).

What they pin: times in the institution's time zone (Asia/Shanghai, no daylight saving)
to the minute, the local date past midnight; empty cells for what has not happened;
names, phones and accounts masked, or in full for a role that may see them; the
headers and the words in the reader's language (zh-hans, en); amounts with two
decimals; the workbook's typed cells (serial times, amounts, numbers). The references
differ between databases (PostgreSQL's sequences are not rolled back): each is written
as the book's name for its case.

Regenerate only on purpose: REDRESS_PIN_WRITE=1 writes the files instead of comparing.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest

from tests.conftest import at
from tests.reports.conftest import _receive
from tests.reports.test_views import get

EXPECTED = Path(__file__).parent / "expected"


@pytest.fixture
def cases(org, book) -> dict:
    return {**book, "midnight": _receive(org, at(2026, 3, 17, 0, 30))}


def _export(client, fmt: str, personal: str) -> bytes:
    response = get(client, "/register/export/", format=fmt, personal=personal)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _named(text: str, cases: dict) -> str:
    for key, c in cases.items():
        text = text.replace(c.reference, f"<{key}>")
    return text


def _same_as_file(text: str, name: str) -> None:
    path = EXPECTED / name
    if os.environ.get("REDRESS_PIN_WRITE"):
        path.write_bytes(text.encode("utf-8"))
    assert text == path.read_bytes().decode("utf-8"), f"{name}: the export's bytes changed"


LANGUAGES = [("zh-hans", "", "register-zh-hans-masked"), ("en", "1", "register-en-personal")]


@pytest.mark.parametrize(("language", "personal", "name"), LANGUAGES)
def test_the_csv_is_the_same_bytes_as_the_reviewed_file(
    org, cases, signed_in, language, personal, name
):
    body = _export(signed_in("office", language=language), "csv", personal)
    text = _named(body.decode("utf-8"), cases)
    midnight = next(line for line in text.splitlines() if line.startswith("<midnight>,"))
    assert ",2026-03-17 00:30," in midnight  # the local day, not UTC's 16 March
    _same_as_file(text, f"{name}.csv")


@pytest.mark.parametrize(("language", "personal", "name"), LANGUAGES)
def test_the_workbook_is_the_same_sheet_as_the_reviewed_file_and_the_same_bytes_each_time(
    org, cases, signed_in, language, personal, name
):
    client = signed_in("office", language=language)
    first, again = _export(client, "xlsx", personal), _export(client, "xlsx", personal)
    assert first == again  # no time of writing in the zip: the same rows, the same file (and hash)
    book = zipfile.ZipFile(io.BytesIO(first))
    assert [m.filename for m in book.infolist()] == [
        "xl/worksheets/sheet1.xml",
        "[Content_Types].xml",
        "_rels/.rels",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "xl/styles.xml",
    ]
    assert {m.date_time for m in book.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    _same_as_file(
        _named(book.read("xl/worksheets/sheet1.xml").decode("utf-8"), cases), f"{name}.sheet1.xml"
    )


def test_the_c_timestamp_loader_reads_the_same_times_as_djangos(org, cases):
    # On PostgreSQL the export reads timestamps with psycopg's C loader (reports/
    # timestamps.py); the same instants, in UTC with the same tzinfo as Django's loader.
    from redress.complaints.models import Complaint
    from redress.reports.timestamps import c_timestamps

    fields = ("received_at", "registered_at", "closed_at")
    django_read = list(Complaint.objects.order_by("pk").values_list(*fields))
    with c_timestamps():
        c_read = list(Complaint.objects.order_by("pk").values_list(*fields))
    assert c_read == django_read
    assert [[t.tzinfo for t in row if t] for row in c_read] == [
        [t.tzinfo for t in row if t] for row in django_read
    ]
