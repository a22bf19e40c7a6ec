"""`redress import FILE --mapping MAPPING.yaml [--dry-run | --resume]`: the whole run.

An import writes every row of the file or none. Before the first write the file is
read to the end: every byte must decode, the header must name the mapping's columns,
and every row must convert and pass the same checks `complaint_import` applies (a dry
run is exactly this check). Only a file with no problem is written, and it is written
in one transaction, so a database that fails half-way leaves nothing behind either.
The rows the check converted are written as they are when the file has at most
KEEP_ROWS rows (kept in memory: each row is converted once); a larger file is read and
converted again for the write. Either way, what is written passes the checks again in
the writing transaction (the rows already imported, the handler and unit named), and
the file's SHA-256 must be the same after the write as before the check.

A file too large for one transaction is imported with `--resume`: batches of `batch`
rows, each checked and then written in its own transaction together with the run's
progress (`ImportRun.last_row`). A problem in a batch stops the run before the batch;
the next `--resume` of the same file (same SHA-256) continues at the row after the last
one in, without reading the rows before it again; a changed file is refused. Rows are
also keyed by (source, source id), so no row is ever imported twice, whatever the run.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

from redress.complaints import references, rows
from redress.complaints.errors import DomainError, NotPermitted
from redress.complaints.held_rows import Tallies
from redress.complaints.models import Staff
from redress.complaints.services.bulk_intake import import_many, import_years
from redress.complaints.services.imports import (
    ImportInput,
    import_check,
    import_role,
    import_triggers,
)
from redress.complaints.timesource import now
from redress.imports.mapping import Mapping, MappingError, check_against, load_mapping
from redress.imports.models import ImportedRecord, ImportRun
from redress.imports.readers import FileProblem, Fingerprint, Rows, find_header, fingerprint
from redress.imports.report import ForReview, Rejection, Report
from redress.imports.rows import RowProblem, convert, text
from redress.policy.loader import active_pack

BATCH = 500
KEEP_ROWS = 50_000  # a file of up to this many rows is converted once, its rows kept between check and write


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Keep what the import holds for its whole length out of the cyclic collector's walks.

    Python walks every object of its oldest generation each time that generation has
    grown by a quarter. While an import's rows pile up (the check keeps up to KEEP_ROWS
    converted rows for the write; the whole file's tally sums grow with each batch) it
    walked Django's ~160,000 objects and those rows over and over: 11 full collections,
    2.3 s of the 12.8 s of CPU an import of 20,000 rows took (2.8 s with the younger
    generations'). `gc.freeze()` moves every object alive to a generation the collector
    never walks (`_out_of_collections`): Django's, the policy's and the mapping's at the
    start, the kept rows after the check, what each batch of the write left alive after
    it. Frozen objects are still freed when nothing refers to them; only a reference cycle
    among them would wait, so the first two freezes come after a full collection (the
    write's batches leave no garbage in the oldest generation: its collections during a
    write found none). What each batch makes and drops is collected as before.

    At the end everything frozen here goes back to the collector (unless something had
    frozen objects before, a server: web/long_lived.py, whose freeze is not undone)."""
    ours = gc.get_freeze_count() == 0
    _out_of_collections()  # Django, the policy pack, the mapping: loaded once for the import
    try:
        yield
    finally:
        if ours:
            gc.unfreeze()


def _out_of_collections(*, collect: bool = True) -> None:
    if collect:
        gc.collect()
    gc.freeze()


class Stopped(Exception):
    """Writing cannot go on; the transaction it is raised in is rolled back."""


def run_import(path: str | Path, mapping: Mapping | str | Path, *, actor: Staff, dry_run: bool = False,
               batch: int = BATCH, resume: bool = False, restart: bool = False, header_row: int = 1) -> Report:
    path = Path(path)
    pack = active_pack()
    if not isinstance(mapping, Mapping):
        mapping_path, mapping = mapping, load_mapping(mapping)
        check_against(mapping, pack, path=mapping_path)
    if dry_run and resume:
        raise MappingError("--dry-run checks the whole file and writes nothing; it cannot be --resume'd")
    if header_row < 1 or batch < 1:
        raise MappingError("--header-row and --batch count from 1")
    try:
        import_role(actor)  # before the file is read: the wrong --as stops here
    except NotPermitted as err:
        raise MappingError(f"{actor.username}: {err.message}") from None
    started = time.perf_counter()
    with _collector_spared():
        seen = fingerprint(path, encoding=mapping.encoding, header_row=header_row)
        run = _Import(path, mapping, actor, header_row, batch,
                      Report(file=path.name, source=mapping.source, pack=pack.code, dry_run=dry_run,
                             resume=resume, first_row=header_row + 1))
        if resume:
            run.in_batches(seen, restart=restart)
        else:
            run.check()
            if not (dry_run or run.report.rejected):
                _out_of_collections()  # the rows the check converted, kept for the write
                run.whole(seen)
    run.report.seconds = time.perf_counter() - started
    return run.report


class _Import:
    def __init__(self, path: Path, mapping: Mapping, actor: Staff, header_row: int, batch: int,
                 report: Report):
        self.path, self.mapping, self.actor = path, mapping, actor
        self.header_row, self.batch, self.report = header_row, batch, report
        self.tz = ZoneInfo(active_pack().calendar.timezone)
        self.first_row: dict[str, int] = {}  # source id → the first row it is on in this file
        self.at_row = 0  # the row being written
        self.checked: list = []  # import_check's results for the rows check_converted last passed
        self.tallies: Tallies | None = None  # the whole file's tally changes, written once (whole)
        self.kept: list | None = None  # check(): the converted rows, (rows, last row, inputs) a chunk
        self.years: set[int] = set()  # check(): the years of the rows' reference numbers
        self.made: set[int] = set()  # the years whose reference sequence years_made has made

    def rows(self) -> Rows:
        rows = Rows(self.path, encoding=self.mapping.encoding, header_row=self.header_row)
        missing = sorted(self.mapping.columns() - set(rows.header))
        if missing:
            rows.close()
            where = find_header(self.path, self.mapping.columns(), encoding=self.mapping.encoding)
            hint = (f"; the column names are on row {where}: run with --header-row {where}"
                    if where and where != self.header_row else "")
            raise FileProblem(f"{self.path}: the mapping reads columns the file does not have "
                              f"(row {self.header_row} names the columns): {', '.join(missing)}{hint}")
        return rows

    def chunks(self, records: Iterator) -> Iterator[list[tuple[int, dict]]]:
        while chunk := list(islice(records, self.batch)):
            yield chunk

    # --- the check: every rule, no write -------------------------------------------

    def converted(self, chunk: list[tuple[int, dict]]) -> list[ImportInput]:
        """The rows of `chunk` converted, each on the first row of its source id; the others
        are rejections."""
        report = self.report
        report.rows += len(chunk)
        ready = []
        for number, row in chunk:
            try:
                data = convert(number, row, self.mapping, file_name=self.path.name, folder=self.path.parent)
            except RowProblem as problem:
                report.rejected.append(Rejection(number, problem.field, problem.reason))
                report.unmapped.update((u.field, u.column, u.value) for u in problem.unmapped)
                continue
            earlier = self.first_row.setdefault(data.source_id, number)
            if earlier != number:
                report.rejected.append(Rejection(number, "source_id", f"{data.source_id!r} already on row {earlier}"))
                continue
            ready.append(data)
        return ready

    def check_converted(self, ready: list[ImportInput]) -> list[ImportInput]:
        """Those of `ready` not imported before and passing every check (import_check, in
        the caller's transaction when it writes them)."""
        report = self.report
        known = set(ImportedRecord.objects.filter(source=self.mapping.source,
                                                  source_id__in=[d.source_id for d in ready])
                    .values_list("source_id", flat=True))
        report.skipped += len(ready) - len(todo := [d for d in ready if d.source_id not in known])
        at = now()
        passed, self.checked = [], []
        for data in todo:
            try:
                found = import_check(data, now=at)
            except DomainError as err:
                report.rejected.append(Rejection(data.row, err.field or "row", getattr(err, "rule", err.message)))
                continue
            passed.append(data)
            self.checked.append(found)  # handed to the write in the same transaction: not checked twice
        report.ready += len(passed)
        return passed

    def check(self) -> None:
        # The converted rows are kept for the write (whole) while the file is small
        # enough: converting is a tenth of an import's time, and what was checked is
        # then what is written. A larger file is read and converted again there.
        self.kept = None if self.report.dry_run else []
        with self.rows() as rows:
            for chunk in self.chunks(iter(rows)):
                ready = self.converted(chunk)
                if self.kept is not None:
                    self.kept.append((len(chunk), chunk[-1][0], ready))
                    if self.report.rows > KEEP_ROWS:
                        self.kept = None
                passed = self.check_converted(ready)
                self.years.update(import_years(passed, self.tz))
                if self.report.dry_run:
                    for data in passed:
                        _count(self.report, data)

    def again(self) -> Iterator[tuple[int, int, list[ImportInput]]]:
        """For the write: each chunk's (rows, last row, converted rows), as the check
        converted them, or read and converted again."""
        if self.kept is not None:
            self.report.rows += sum(n for n, _last, _ready in self.kept)
            yield from self.kept
            return
        with self.rows() as rows:
            for chunk in self.chunks(iter(rows)):
                yield len(chunk), chunk[-1][0], self.converted(chunk)

    # --- writing ---------------------------------------------------------------------

    def write(self, todo: list[ImportInput], run: ImportRun) -> None:
        """The batch's complaints and their ImportedRecord keys, written in sets
        (services.import_many: the rows complaint_import writes, with fewer statements)."""
        def keys(complaints):
            rows.insert(*[rows.build(ImportedRecord, source=data.source, source_id=data.source_id,
                                     file_name=data.file_name[:255], row=data.row, imported_at=complaint.created_at,
                                     related={"complaint": complaint, "run": run})
                          for data, complaint in zip(todo, complaints, strict=True)])

        self.at_row = todo[0].row if todo else self.at_row
        try:
            import_many(actor=self.actor, items=todo, then=keys, checked=self.checked, tallies=self.tallies)
        except Exception as err:  # the row it stopped at, for the message (why)
            if (item := getattr(err, "item", None)) is not None:
                self.at_row = item.row
            raise

    def new_run(self, seen: Fingerprint, *, resumable: bool, replacing: ImportRun | None = None) -> ImportRun:
        at = now()
        if replacing is not None:  # --restart: the stopped run of the file is given up, in the same transaction
            ImportRun.objects.filter(pk=replacing.pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.ABANDONED, updated_at=at)
        return ImportRun.objects.create(
            source=self.mapping.source, file_name=self.path.name[:255], file_sha256=seen.sha256, file_size=seen.size,
            header_row=self.header_row, resumable=resumable,
            status=ImportRun.Status.RUNNING if resumable else ImportRun.Status.COMPLETE,
            last_row=self.header_row, actor=self.actor, started_at=at, updated_at=at)

    def whole(self, seen: Fingerprint) -> None:
        """The checked file, read again and written in one transaction."""
        report = self.report
        checked, rows_read = report.counts(), report.rows
        report.rows = report.ready = report.skipped = 0
        self.first_row = {}
        try:
            self.years_made(self.years)
            with transaction.atomic():
                run = self.new_run(seen, resumable=False)
                self.tallies = Tallies()  # the day and period tallies: one row a key for the whole file
                for _n, last_row, ready in self.again():
                    todo = self.check_converted(ready)
                    if report.rejected:  # the file, or the time, changed since the check
                        raise Stopped(f"row {report.rejected[0].row} no longer passes the check")
                    self.write(todo, run)
                    _out_of_collections(collect=False)  # the tally sums so far (_collector_spared)
                    for data in todo:
                        _count(report, data)
                    run.last_row = last_row
                if fingerprint(self.path, encoding=self.mapping.encoding).sha256 != seen.sha256:
                    raise Stopped(f"{self.path.name} changed while it was being imported")
                self.tallies.write()
                run.rows_written, run.rows_found, run.updated_at = report.ready, report.skipped, now()
                run.save(update_fields=["last_row", "rows_written", "rows_found", "updated_at"])
        except (Stopped, DomainError, DatabaseError, FileProblem) as exc:
            report.restore(checked, keep_rejected=True)
            report.rows, report.failure = rows_read, self.why(exc)
            return
        report.run_id, report.imported = run.pk, report.ready

    def in_batches(self, seen: Fingerprint, *, restart: bool) -> None:
        """Batch by batch, each with the run's progress; continued where the last run of
        this file stopped."""
        report = self.report
        run = ImportRun.objects.filter(source=self.mapping.source, file_name=self.path.name[:255],
                                       status=ImportRun.Status.RUNNING).first()
        replaced = None
        if run is not None and restart:
            replaced, run = run, None
        elif run is not None:
            self.same_file(run, seen)
            report.run_id, report.resumed_at = run.pk, run.last_row + 1
            report.earlier, report.last_row = run.rows_in, run.last_row
        report.last_row = report.last_row or self.header_row
        with self.rows() as rows:
            records = iter(rows) if run is None else self._after(iter(rows), run.last_row)
            try:
                self.batches(self.chunks(records), run, seen, replaced)
            except FileProblem as problem:  # met part-way (a field over the CSV limit, the file changed)
                if report.run_id is None:
                    raise
                report.stopped_before, report.failure = report.last_row + 1, str(problem)

    def batches(self, chunks, run: ImportRun | None, seen: Fingerprint, replaced: ImportRun | None) -> None:
        report = self.report
        for chunk in chunks:
            before = report.counts()
            try:
                ready = self.converted(chunk)
                self.years_made(import_years(ready, self.tz))
                with transaction.atomic():
                    todo = self.check_converted(ready)
                    if report.rejected:
                        raise Stopped("")
                    run = run or self.new_run(seen, resumable=True, replacing=replaced)
                    self.advance(run, last_row=chunk[-1][0], written=len(todo),
                                 found=report.skipped - before.skipped)
                    self.write(todo, run)
            except (Stopped, DomainError, DatabaseError) as exc:  # the batch is rolled back, progress too
                report.restore(before, keep_rejected=True)
                report.stopped_before = chunk[0][0]
                report.failure = "" if report.rejected else self.why(exc)
                return
            for data in todo:
                _count(report, data)
            report.imported += len(todo)
            report.run_id, report.last_row = run.pk, run.last_row
        if run is not None:
            ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.COMPLETE, updated_at=now())

    def years_made(self, years) -> None:
        """Each year's reference sequence made before the transaction that takes its first
        numbers, committed (references.ensure_years). Made inside it, the sequence would
        make another import of the same years wait for that transaction's end (the whole
        file: all of it), and two imports' batches making years in different orders would
        deadlock (`--resume`: two processes on two halves of a file did)."""
        new = set(years) - self.made
        references.ensure_years(active_pack().reference_prefix, new)
        self.made |= new

    def same_file(self, run: ImportRun, seen: Fingerprint) -> None:
        if run.file_sha256 != seen.sha256:
            raise FileProblem(
                f"{self.path}: {self.path.name} has changed since import #{run.pk} stopped before row "
                f"{run.last_row + 1} with {run.rows_in:,} rows in (it read {run.file_size:,} bytes, SHA-256 "
                f"{run.file_sha256[:12]}…; the file now has {seen.size:,} bytes, {seen.sha256[:12]}…). "
                "If you corrected it on purpose, run with --resume --restart: the import starts again "
                "at the first row and passes over the rows already in (by their source id)")
        if run.header_row != self.header_row:
            raise FileProblem(f"{self.path}: import #{run.pk} read the column names on row {run.header_row}; "
                              f"run with --header-row {run.header_row} to continue it")

    def advance(self, run: ImportRun, *, last_row: int, written: int, found: int) -> None:
        """Move the run past this batch, in the batch's transaction; compare-and-set, so
        two processes resuming the same file cannot both write it."""
        moved = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING, last_row=run.last_row).update(
            last_row=last_row, rows_written=F("rows_written") + written, rows_found=F("rows_found") + found,
            updated_at=now())
        if moved != 1:
            raise Stopped(f"another process is importing {self.path.name} (import #{run.pk} moved on)")
        run.last_row = last_row

    def why(self, exc: Exception) -> str:
        if isinstance(exc, DomainError):
            return f"row {self.at_row}: {exc.message}"
        if isinstance(exc, IntegrityError):
            return (f"another import wrote row {self.at_row} or its run at the same moment "
                    f"({str(exc).strip().splitlines()[0][:200]}); run the same command again")
        if isinstance(exc, DatabaseError):
            first = (str(exc).strip().splitlines() or [""])[0][:200]
            return f"the database refused row {self.at_row} ({type(exc).__name__}: {first})"
        return str(exc)

    def _after(self, records: Iterator, last_row: int) -> Iterator[tuple[int, dict]]:
        """The rows after `last_row`; the source ids of those before are remembered, so a
        row repeating one of them is refused as in a run that never stopped."""
        for number, row in records:
            if number <= last_row:
                self.first_row.setdefault(text(row.get(self.mapping.id)), number)
                continue
            yield number, row


def _count(report: Report, data: ImportInput) -> None:
    report.by_state[data.state] += 1
    report.by_category[data.category] += 1
    flags = import_triggers(data, active_pack())
    if flags:
        report.for_review.append(ForReview(data.row, data.source_id, tuple(flags)))
