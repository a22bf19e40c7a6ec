"""A computed return as files in the regulator's layout: an xlsx workbook with a sheet per
table (openpyxl's write-only workbook), and one CSV with the tables one after another
(UTF-8 with a byte-order mark, so Excel opens Chinese as Chinese). Both open with the
return's name, the institution, the period and when and by whom it was produced, so a
printed page says what it is."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from django.utils.translation import gettext as _

from redress.reports.returns.compute import Result, TableResult

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _heading(result: Result, institution: str, produced_by: str, at: datetime) -> list[list]:
    period = result.period
    return [
        [result.ret.name.get(result.language)],
        [_("Institution"), institution],
        [_("Period"), period.label, f"{period.start:%Y-%m-%d}", f"{period.last_day:%Y-%m-%d}"],
        [_("Produced"), f"{at:%Y-%m-%d %H:%M %Z}", produced_by],
    ]


def _table_lines(table: TableResult) -> list[list]:
    header = [_("Code"), table.row_header or _("Item"), *table.columns]
    lines = [[table.name], header]
    for row in table.rows + ([table.total] if table.total else []):
        lines.append([row.code, row.label, *("" if v is None else v for v in row.values)])
    return lines


def csv_bytes(result: Result, *, institution: str, produced_by: str, at: datetime) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(_heading(result, institution, produced_by, at))
    for table in result.tables:
        writer.writerow([])
        writer.writerows(_table_lines(table))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(result: Result, *, institution: str, produced_by: str, at: datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table in result.tables:
        sheet = workbook.create_sheet(title=_sheet_title(table))
        for line in _heading(result, institution, produced_by, at):
            sheet.append(line)
        sheet.append([])
        title, header, *body = _table_lines(table)
        for line, strong in ((title, True), (header, True)):
            cells = []
            for value in line:
                cell = WriteOnlyCell(sheet, value=value)
                if strong:
                    cell.font = bold
                cells.append(cell)
            sheet.append(cells)
        for line in body:
            sheet.append(line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(table: TableResult) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(ch for ch in table.name if ch not in "[]:*?/\\")[:31] or table.code[:31]
