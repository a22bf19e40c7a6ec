"""Files to import, written by the tests: CFPB-shaped rows (text written for these
tests), CSV and xlsx writers, and where the shared real data lives."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "src/redress/imports/mappings/cfpb.yaml"


def shared_data(relative: str) -> Path:
    """The project's shared real data sits beside the checkout (CI) or beside the
    worktrees' folder (a helper's worktree)."""
    for base in (ROOT.parent, ROOT.parent.parent):
        candidate = base / "shared" / "data" / relative
        if candidate.is_file():
            return candidate
    return ROOT.parent / "shared" / "data" / relative


REAL_CFPB = shared_data("cfpb/complaints_sample.csv")


def real_cfpb_rows(keep=lambda row: True, *, first: int | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and the rows of the shared CFPB sample that `keep` takes (the first
    `first` of them)."""
    with REAL_CFPB.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = []
        for row in reader:
            if keep(row):
                rows.append(row)
                if first is not None and len(rows) == first:
                    break
    return header, rows
COLUMNS = ["complaint_id", "date_received", "product", "sub_product", "issue", "sub_issue", "narrative", "company",
           "state", "zip_code", "submitted_via", "date_sent_to_company", "company_response", "timely_response",
           "consumer_disputed", "tags"]
NARRATIVE = COLUMNS.index("narrative")

ROWS = [
    ["7000001", "2023-03-12", "Checking or savings account", "Checking account", "Managing an account",
     "Deposits and withdrawals", "The bank held my paycheck deposit for ten days without telling me why.",
     "Example Bank", "TX", "75001", "Web", "2023-03-13", "Closed with monetary relief", "Yes", "", ""],
    ["7000002", "2019-11-04", "Debt collection", "I do not know", "Attempts to collect debt not owed",
     "Debt is not yours", "A collector keeps calling about a debt that is not mine.", "Example Collections",
     "FL", "33424", "Phone", "2019-11-05", "Closed with explanation", "Yes", "No", "Older American"],
    ["7000003", "2023-08-01", "Mortgage", "Conventional home mortgage", "Struggling to pay mortgage", "",
     "My servicer lost my hardship application twice.", "Example Servicing", "", "", "Web", "2023-08-02",
     "In progress", "Yes", "", "Servicemember"],
]


def many_rows(count: int, first_id: int = 9_000_000) -> list[list[str]]:
    """`count` valid rows cycling through ROWS, each with its own complaint id; row i
    of the list lands on spreadsheet row i + 2."""
    out = []
    for i in range(count):
        row = list(ROWS[i % len(ROWS)])
        row[0] = str(first_id + i)
        out.append(row)
    return out


def write_csv(path: Path, rows, columns=COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows, *, above: list[list] = ()) -> Path:
    """An xlsx sheet; `above` are rows before the header (a title, a date line)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("complaints")
    for line in above:
        sheet.append(line)
    sheet.append(COLUMNS)
    for row in rows:
        # Excel users type dates as dates and ids as numbers
        cells = list(row)
        cells[0] = int(cells[0])
        cells[1] = datetime.strptime(cells[1], "%Y-%m-%d")
        sheet.append(cells)
    book.save(path)
    return path
