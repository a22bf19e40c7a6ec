"""The register as a file, in the reader's language: the same filter, the same rows in
the same order and the same columns as the page (columns.COLUMNS), read batch by batch
(register.batches) so memory stays flat whatever the number of rows.

CSV streams out as it is read (UTF-8 with a byte-order mark, so Excel opens Chinese
as Chinese). xlsx is written by openpyxl's write-only workbook, which keeps no rows in
memory, to a temporary file that is then sent and deleted.

Every export is recorded (models.ExportRecord: who, when, which filter, how many rows,
whether with personal data) before the data leaves; with complainants' details in full
it needs a role that may see them (selectors.personal.may_reveal), as a reveal does.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from redress.complaints.errors import NotPermitted
from redress.complaints.models import Staff
from redress.complaints.selectors.personal import CONTACT_ROLES, may_reveal
from redress.reports import columns, register
from redress.reports.models import ExportRecord
from redress.reports.rows import build
from redress.sla.calendar import WorkCalendar

# Complaints per chunk: the related rows of a chunk are read in one query per table,
# and 2,000 ids keep each query's IN list and the chunk's memory small.
BATCH = 2000
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
    for chunk in register.stream(req.staff, req.filters, now=req.now, tz=req.cal.tz, size=BATCH):
        for row in build(chunk):
            yield columns.values(row, ctx)


def filename(req: Request) -> str:
    return f"register-{req.now.astimezone(req.cal.tz):%Y%m%d-%H%M}.{req.format}"


class _Echo:
    """A file that hands back what is written to it: csv.writer then makes lines."""

    def write(self, value: str) -> str:
        return value


def csv_response(req: Request) -> StreamingHttpResponse:
    check(req)
    # The record comes first, with the rows counted by the same query: once streaming
    # starts nothing can be written if the reader stops half-way.
    record(req, register.register(req.staff, req.filters, now=req.now, tz=req.cal.tz).count())

    def lines() -> Iterator[str]:
        with translation.override(req.language):  # the response is read after the view returns
            writer, ctx = csv.writer(_Echo()), req.context
            yield "\ufeff" + writer.writerow(columns.headers())
            for values in rows(req):
                yield writer.writerow([columns.text(v, ctx) for v in values])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(req)}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _cell(value: columns.Value, ctx: columns.Context):
    if isinstance(value, datetime):  # Excel has no time zones: the institution's local time
        return value.astimezone(ctx.cal.tz).replace(tzinfo=None)
    return "" if value is None else value


def xlsx_response(req: Request) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    check(req)
    ctx = req.context
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Complaint register")[:31])
    bold = Font(bold=True)
    header = []
    for title in columns.headers():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    count = 0
    for values in rows(req):
        sheet.append([_cell(v, ctx) for v in values])
        count += 1
    file = tempfile.TemporaryFile(suffix=".xlsx")  # gone once the response closes it
    workbook.save(file)
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    file.seek(0)
    record(req, count, digest.hexdigest())
    response = FileResponse(file, as_attachment=True, filename=filename(req), content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
