"""`redress import FILE --mapping MAPPING.yaml [--dry-run]`: the whole run.

Rows are read as a stream and written in transactions of `batch` rows, each row in its
own savepoint, so one bad row is rejected without losing its neighbours and a crash
loses at most the batch in flight (re-running picks up where it stopped: rows already
imported are skipped by their (source, source id) key).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from django.db import IntegrityError, transaction

from redress.complaints.errors import DomainError
from redress.complaints.models import Staff
from redress.complaints.services.imports import ImportInput, complaint_import, import_check
from redress.complaints.timesource import now
from redress.imports.mapping import Mapping, MappingError, check_against, load_mapping
from redress.imports.models import ImportedRecord
from redress.imports.readers import read_rows
from redress.imports.rows import RowProblem, convert
from redress.policy.loader import active_pack

BATCH = 500


@dataclass(frozen=True)
class Rejection:
    row: int
    field: str
    reason: str


@dataclass
class Report:
    file: str
    source: str
    pack: str
    dry_run: bool
    rows: int = 0
    imported: int = 0  # or, in a dry run, that would be imported
    skipped: int = 0  # already imported earlier
    rejected: list[Rejection] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)
    by_state: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        verb = "would import" if self.dry_run else "imported"
        out = [f"{self.file}: {self.rows:,} rows read (source {self.source}, policy {self.pack})"
               + (" — DRY RUN, nothing written" if self.dry_run else "")]
        out.append(f"  {verb} {self.imported:,}; already imported {self.skipped:,}; rejected {len(self.rejected):,}")
        if self.by_state:
            out.append("  by state: " + ", ".join(f"{k} {v:,}" for k, v in self.by_state.most_common()))
        if self.by_category:
            out.append("  by category: " + ", ".join(f"{k} {v:,}" for k, v in self.by_category.most_common()))
        if self.unmapped:
            out.append("unmapped values (add them to the mapping):")
            for (fld, column, value), count in self.unmapped.most_common():
                out.append(f"  {fld} ← {column} {value!r}: {count:,} row{'s' if count != 1 else ''}")
        if self.rejected:
            out.append("rejected rows:")
            out.extend(f"  row {r.row}: {r.field}: {r.reason}" for r in sorted(self.rejected, key=lambda r: r.row))
        out.append(f"{self.rows:,} rows in {self.seconds:.1f} s: {self.rows_per_second:,.0f} rows/s")
        return out


def run_import(path: str | Path, mapping: Mapping | str | Path, *, actor: Staff, dry_run: bool = False,
               batch: int = BATCH) -> Report:
    path = Path(path)
    if not isinstance(mapping, Mapping):
        mapping_path = mapping
        mapping = load_mapping(mapping)
    else:
        mapping_path = "(mapping)"
    pack = active_pack()
    check_against(mapping, pack, path=mapping_path)
    report = Report(file=path.name, source=mapping.source, pack=pack.code, dry_run=dry_run)
    started = time.perf_counter()
    rows = read_rows(path, encoding=mapping.encoding)
    first_row: dict[str, int] = {}  # source id → first row it appeared on in this file
    checked_columns = False
    while chunk := list(islice(rows, batch)):
        if not checked_columns:
            _check_columns(mapping, chunk[0][1], path)
            checked_columns = True
        report.rows += len(chunk)
        ready = _convert(chunk, mapping, path.name, report, first_row)
        known = set(ImportedRecord.objects.filter(source=mapping.source, source_id__in=[d.source_id for d in ready])
                    .values_list("source_id", flat=True))
        todo = [d for d in ready if d.source_id not in known]
        report.skipped += len(ready) - len(todo)
        if dry_run:
            _check(todo, report)
        else:
            _write(todo, actor, report)
    report.seconds = time.perf_counter() - started
    return report


def _check_columns(mapping: Mapping, row: dict, path: Path) -> None:
    missing = sorted(mapping.columns() - set(row))
    if missing:
        raise MappingError(f"{path}: the mapping reads columns the file does not have: {', '.join(missing)}")


def _convert(chunk, mapping: Mapping, file_name: str, report: Report, first_row: dict) -> list[ImportInput]:
    ready = []
    for number, row in chunk:
        try:
            data = convert(number, row, mapping, file_name=file_name)
        except RowProblem as problem:
            report.rejected.append(Rejection(number, problem.field, problem.reason))
            report.unmapped.update((u.field, u.column, u.value) for u in problem.unmapped)
            continue
        earlier = first_row.setdefault(data.source_id, number)
        if earlier != number:
            report.rejected.append(Rejection(number, "source_id", f"{data.source_id!r} already on row {earlier}"))
            continue
        ready.append(data)
    return ready


def _count(data: ImportInput, report: Report) -> None:
    report.imported += 1
    report.by_state[data.state] += 1
    report.by_category[data.category] += 1


def _check(todo: list[ImportInput], report: Report) -> None:
    at = now()
    for data in todo:
        try:
            import_check(data, now=at)
        except DomainError as err:
            report.rejected.append(Rejection(data.row, err.field or "row", getattr(err, "rule", err.message)))
            continue
        _count(data, report)


def _write(todo: list[ImportInput], actor: Staff, report: Report) -> None:
    with transaction.atomic():
        for data in todo:
            try:
                with transaction.atomic():
                    complaint = complaint_import(actor=actor, data=data)
                    ImportedRecord.objects.create(source=data.source, source_id=data.source_id, complaint=complaint,
                                                  file_name=data.file_name[:255], row=data.row,
                                                  imported_at=complaint.created_at)
            except DomainError as err:
                report.rejected.append(Rejection(data.row, err.field or "row", getattr(err, "rule", err.message)))
                continue
            except IntegrityError:  # another import of the same source got there first
                report.skipped += 1
                continue
            _count(data, report)

