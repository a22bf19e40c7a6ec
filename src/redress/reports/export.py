"""The register as a file, in the reader's language: the same filter, the same rows in
the same order and the same columns as the page (columns.COLUMNS), read batch by batch
(register.batches) so memory stays flat whatever the number of rows.

Both forms stream out as they are written: CSV (UTF-8 with a byte-order mark, so
Excel opens Chinese as Chinese) and xlsx (xlsx_stream.py: the sheet's XML deflated
straight into a zip that is sent as it grows; no temporary file). The rows come from
one cursor over the register's query in chunks (register.stream), each chunk's
related rows read once (rows.build), each value made by the page's columns.

Every export is recorded (models.ExportRecord: who, when, which filter, how many rows,
whether with personal data) before the data leaves; with complainants' details in full
it needs a role that may see them (selectors.personal.may_reveal), as a reveal does.
"""

from __future__ import annotations

import csv
import gc
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from django.http import StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from redress.complaints.errors import NotPermitted
from redress.complaints.models import Staff
from redress.complaints.selectors.personal import CONTACT_ROLES, may_reveal
from redress.reports import columns, register, xlsx_stream
from redress.reports.models import ExportRecord
from redress.reports.rows import build
from redress.reports.timestamps import c_timestamps
from redress.sla.calendar import WorkCalendar

# Complaints per chunk: the related rows of a chunk are read in one query per table,
# and 2,000 ids keep each query's IN list and the chunk's memory small.
BATCH = 2000
# CSV lines joined into one piece of the response: fewer, larger writes to the socket.
LINES = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Request:
    """One export: by whom, of which filter, in which form."""

    staff: Staff
    filters: register.Filters
    format: str  # ExportRecord.Format
    personal: bool
    language: str
    now: datetime
    cal: WorkCalendar
    pack: object

    @property
    def context(self) -> columns.Context:
        return columns.Context(pack=self.pack, language=self.language, cal=self.cal, now=self.now,
                               personal=self.personal)


def check(req: Request) -> None:
    """Personal data leaves only with a role that may see it (DESIGN rule 6)."""
    if req.personal and not may_reveal(req.staff):
        raise NotPermitted(_("Exporting complainants' details in full needs a role that contacts complainants "
                             "(intake, handler, department head, complaints office, callback); export them "
                             "masked instead (DESIGN rule 6)."))


def _role(req: Request) -> str:
    roles = sorted(req.staff.role_set())
    contact = [r for r in roles if r in CONTACT_ROLES]
    return (contact if req.personal and contact else roles or [""])[0]


def record(req: Request, rows: int, sha256: str = "") -> ExportRecord:
    return ExportRecord.objects.create(
        staff=req.staff, role=_role(req), at=req.now, report="register", format=req.format,
        filters=req.filters.as_json(), language=req.language, rows=rows, personal_data=req.personal, sha256=sha256)


def rows(req: Request) -> Iterator[list[columns.Value]]:
    """Every row of the export as typed values, in the register's order: a chunk of
    complaints from the register's cursor, their related rows read once per chunk
    (rows.build), each row's values by the page's own columns."""
    ctx = req.context
    with c_timestamps():  # psycopg's C loader for the timestamps: a sixth of the CPU was Django's
        chunks = register.stream(req.staff, req.filters, now=req.now, tz=req.cal.tz, size=BATCH)
        while True:
            with gc_paused():  # a chunk read and made whole, then handed out
                chunk = next(chunks, None)
                made = [columns.values(row, ctx) for row in build(chunk)] if chunk is not None else None
            if made is None:
                return
            yield from made


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a chunk is read and made.

    A chunk is some 50,000 new objects (tuples, lists, Rows) that all live until the
    chunk is made: the collector, run every 700 new objects, went over them again and
    again, moved them to its older generations and then walked all the process's
    objects every few thousand rows: a quarter of the export's CPU. None of them is in a
    reference cycle, so they go when the chunk is dropped, and nothing is lost by waiting.

    Held only while the chunk is made, never while the bytes are sent (no yield in it),
    so other threads lose nothing but a fraction of a second; and left off if something
    else had turned it off."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def filename(req: Request) -> str:
    return f"register-{req.now.astimezone(req.cal.tz):%Y%m%d-%H%M}.{req.format}"


class _Echo:
    """A file that hands back what is written to it: csv.writer then makes lines."""

    def write(self, value: str) -> str:
        return value


def _csv_bytes(req: Request, counted: list[int]) -> Iterator[bytes]:
    writer, ctx, text = csv.writer(_Echo()), req.context, columns.text
    yield ("\ufeff" + writer.writerow(columns.headers())).encode()
    lines: list[str] = []
    for values in rows(req):
        # Most values are text already: kept without a call (columns.text gives them back).
        lines.append(writer.writerow([v if type(v) is str else text(v, ctx) for v in values]))
        counted[0] += 1
        if len(lines) == LINES:
            yield "".join(lines).encode()
            lines = []
    yield "".join(lines).encode()


def _xlsx_bytes(req: Request, counted: list[int]) -> Iterator[bytes]:
    ctx = req.context

    def cells() -> Iterator[list]:
        tz = ctx.cal.tz  # Excel has no time zones: the institution's local time (xlsx_stream.serial)
        for values in rows(req):
            counted[0] += 1
            yield [v.astimezone(tz) if type(v) is datetime else v for v in values]

    yield from xlsx_stream.workbook(_("Complaint register")[:31], columns.headers(), cells())


def response(req: Request) -> StreamingHttpResponse:
    """The export as it is written, CSV or xlsx: the first bytes leave once the first
    chunk of rows is read, and memory holds one chunk whatever the total.

    The record is written before (counted by the same filter): once streaming starts,
    nothing can be refused if the reader stops half-way. When the last byte is made,
    the record gets the file's SHA-256 and the rows actually written (a complaint
    received in between may change the count); an export the reader abandoned keeps
    the count it was started with and no hash."""
    check(req)
    entry = record(req, register.register(req.staff, req.filters, now=req.now, tz=req.cal.tz).count())
    make = _csv_bytes if req.format == ExportRecord.Format.CSV else _xlsx_bytes

    def body() -> Iterator[bytes]:
        with translation.override(req.language):  # the response is read after the view returns
            digest, counted, held = hashlib.sha256(), [0], b""
            for data in make(req, counted):
                # One piece is held back, so the record is complete before the last leaves.
                if held:
                    digest.update(held)
                    yield held
                held = data
            digest.update(held)
            ExportRecord.objects.filter(pk=entry.pk).update(sha256=digest.hexdigest(), rows=counted[0])
            yield held

    kind = "text/csv; charset=utf-8" if req.format == ExportRecord.Format.CSV else XLSX_TYPE
    out = StreamingHttpResponse(body(), content_type=kind)
    out["Content-Disposition"] = f'attachment; filename="{filename(req)}"'
    out["Cache-Control"] = "private, no-store"
    return out

