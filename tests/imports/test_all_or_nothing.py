"""An import writes every row of the file or none (the whole file is checked before the
first write), or, with --resume, writes in batches that a later run continues exactly."""

from __future__ import annotations

import csv

import pytest
from django.utils import translation

from redress import cli
from redress.complaints import ledger
from redress.complaints.models import Complaint, Customer, Event
from redress.complaints.timesource import frozen
from redress.imports.mapping import MappingError
from redress.imports.models import ImportedRecord
from redress.imports.runner import run_import
from tests.conftest import at
from tests.imports.files import (
    COLUMNS,
    MAPPING,
    NARRATIVE,
    REAL_CFPB,
    ROWS,
    many_rows,
    write_csv,
    write_xlsx,
)

needs_cfpb = pytest.mark.skipif(not REAL_CFPB.is_file(), reason=f"the CFPB sample is not at {REAL_CFPB}")


def run(path, actor, mapping=MAPPING, **kw):
    with frozen(at(2026, 3, 2)), translation.override("en"):
        return run_import(path, mapping, actor=actor, **kw)


def command(capsys, *args) -> tuple[int, str, str]:
    with frozen(at(2026, 3, 2)):
        code = cli.main(["import", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def nothing_written() -> bool:
    return not (Complaint.objects.exists() or Customer.objects.exists() or Event.objects.exists()
                or ImportedRecord.objects.exists())


# --- the whole file is checked before the first write ----------------------------------

@needs_cfpb
@pytest.mark.django_db
def test_a_gbk_byte_at_row_1101_of_a_utf8_file_writes_nothing_and_names_row_column_and_byte(
        importer, tmp_path, capsys):
    # given the first 1,200 real CFPB complaints, saved as UTF-8, except that the
    # narrative of the 1,100th (spreadsheet row 1,101) was pasted in from a GBK file
    with REAL_CFPB.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [next(reader) for _ in range(1200)]
    gbk = "投诉".encode("gbk")
    path = tmp_path / "complaints.csv"
    with path.open("wb") as fh:
        text = csv.writer(_Lines(fh))
        text.writerow(header)
        for i, row in enumerate(rows):
            if i == 1099:
                row[NARRATIVE] = "\x00GBK\x00" + row[NARRATIVE]
            text.writerow(row)
    data = path.read_bytes().replace(b"\x00GBK\x00", gbk, 1)
    path.write_bytes(data)
    begins = data.index(gbk)
    try:  # counted plainly: the first byte UTF-8 refuses, decoding the whole file at once
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = exc.start
    # 投诉 in GBK is CD B6 CB DF; CD B6 happens to be a UTF-8 character, so CB is the first refused
    assert offset == begins + 2

    # when it is imported
    code, out, err = command(capsys, path, "--mapping", MAPPING)

    # then nothing is written and the message says where the bad byte is, exactly
    assert code == 2
    assert nothing_written()
    assert f"row 1101, column 'narrative': the byte at offset {offset} (0xCB) is not utf-8-sig text" in err
    assert f"the bytes from offset {begins} read as gb18030: '投诉'" in err
    assert "nothing written" in err


class _Lines:
    """csv.writer over a binary file, writing UTF-8."""

    def __init__(self, fh):
        self.fh = fh

    def write(self, s):
        self.fh.write(s.encode("utf-8"))


@pytest.mark.django_db
def test_a_bad_byte_inside_a_quoted_multiline_field_names_the_row_it_belongs_to(importer, tmp_path):
    rows = many_rows(40)
    rows[30][NARRATIVE] = "First line.\nSecond line.\n\nFourth line with BAD here."
    for row in rows[:30]:
        row[NARRATIVE] = "Line one.\nLine two."  # every row before spans two lines of the file
    path = write_csv(tmp_path / "multi.csv", rows)
    data = path.read_bytes().replace(b"BAD", b"\xb0\xa1", 1)  # GB2312 for 啊
    path.write_bytes(data)
    offset = data.index(b"\xb0\xa1")  # B0 is no UTF-8 lead byte: refused at once

    with pytest.raises(MappingError) as refused:
        run(path, importer)

    # row 32 of the sheet, though 30 rows of two lines each came before it
    assert f"row 32, column 'narrative': the byte at offset {offset} (0xB0)" in str(refused.value)
    assert nothing_written()


@pytest.mark.django_db
def test_a_nul_at_row_1500_is_refused_in_the_check_and_nothing_is_written(importer, tmp_path, capsys):
    rows = many_rows(1600)
    rows[1498][NARRATIVE] = "My card was charged\x00 twice."  # spreadsheet row 1,500
    path = write_csv(tmp_path / "nul.csv", rows)

    code, out, err = command(capsys, path, "--mapping", MAPPING)

    assert code == 1
    assert nothing_written()
    assert "row 1500: narrative: column 'narrative' contains a NUL character" in out
    assert "nothing written: 1 row of 1,600 cannot be imported" in out


@pytest.mark.django_db
def test_a_row_failing_validation_late_in_the_file_stops_the_whole_file(importer, tmp_path):
    rows = many_rows(1800)
    rows[1787][1] = "2023-05-09"  # row 1,789: received after it was closed (date_sent_to_company)
    rows[1787][11] = "2023-05-02"
    rows[1787][12] = "Closed with explanation"
    path = write_csv(tmp_path / "late.csv", rows)

    report = run(path, importer)

    assert [(r.row, r.field, r.reason) for r in report.rejected] == [(1789, "closed_at", "is before the received date")]
    assert (report.rows, report.ready, report.imported) == (1800, 1799, 0)
    assert report.lines()[1] == "  nothing written: 1 row of 1,800 cannot be imported (1,799 could); fix it and run again"
    assert nothing_written()


class _PowerCut(Exception):
    """The process dies mid-write (as kill -9 or a power cut would)."""


def _failing_at(monkeypatch, row: int, effect):
    # The import writes through the bulk path, which runs complaint_import for each row.
    from redress.complaints.services import bulk_intake as runner

    real = runner.complaint_import

    def import_until(**kw):
        if kw["data"].row == row:
            effect()
        return real(**kw)

    monkeypatch.setattr(runner, "complaint_import", import_until)


def _database_gone():
    from django.db import OperationalError

    raise OperationalError("server closed the connection unexpectedly\nThis probably means ...")


@pytest.mark.django_db
def test_a_file_that_passes_the_check_goes_in_whole_in_one_transaction(importer, tmp_path, monkeypatch):
    # given a clean file, and a process that dies as row 26 is written
    in_before_the_cut = []

    def power_cut():
        in_before_the_cut.append(Complaint.objects.count())
        raise _PowerCut

    _failing_at(monkeypatch, 26, power_cut)

    # when it is imported (looked up in batches of 10 rows)
    with pytest.raises(_PowerCut):
        run(write_csv(tmp_path / "clean.csv", many_rows(40)), importer, batch=10)

    # then the 20 rows of the two batches written before the cut (the third, rows 22-31,
    # is still held in memory as it is built) are gone with it
    assert in_before_the_cut == [20] and nothing_written()


@pytest.mark.django_db
def test_a_file_over_the_kept_rows_is_read_again_for_the_write_and_goes_in_the_same(importer, tmp_path,
                                                                                     monkeypatch):
    # given a clean file of 12 rows, and room to keep the converted rows of 5 of them
    from redress.imports import runner

    monkeypatch.setattr(runner, "KEEP_ROWS", 5)
    converted = []
    convert = runner.convert
    monkeypatch.setattr(runner, "convert", lambda number, *a, **kw: converted.append(number) or convert(number, *a, **kw))

    # when it is imported whole
    report = run(write_csv(tmp_path / "c.csv", many_rows(12)), importer, batch=4)

    # then every row was converted twice (the check, then the write), and all 12 are in,
    # each once, with the ledger intact
    assert sorted(converted) == sorted(list(range(2, 14)) * 2)
    assert report.imported == 12 and not report.failure
    assert Complaint.objects.count() == ImportedRecord.objects.count() == 12
    assert ledger.verify().ok


@pytest.mark.django_db
def test_a_file_within_the_kept_rows_is_converted_once(importer, tmp_path, monkeypatch):
    from redress.imports import runner

    converted = []
    convert = runner.convert
    monkeypatch.setattr(runner, "convert", lambda number, *a, **kw: converted.append(number) or convert(number, *a, **kw))

    report = run(write_csv(tmp_path / "c.csv", many_rows(12)), importer, batch=4)

    assert sorted(converted) == list(range(2, 14))
    assert report.imported == 12 and Complaint.objects.count() == 12 and ledger.verify().ok


@pytest.mark.django_db
def test_the_command_says_how_many_rows_were_written(importer, tmp_path, capsys):
    code, out, _ = command(capsys, write_csv(tmp_path / "c.csv", ROWS), "--mapping", MAPPING)

    assert code == 0
    assert "  all 3 rows are in: 3 written now, 0 already there" in out


def test_the_help_documents_the_exit_codes(capsys):
    with pytest.raises(SystemExit):
        cli.main(["import", "--help"])
    text = capsys.readouterr().out

    codes = text[text.index("exit codes:"):].splitlines()
    assert [line.split()[0] for line in codes[1:] if line.startswith("  ") and line.split()[0].isdigit()] == \
        ["0", "1", "2", "3"]
    assert "--resume" in text and "--header-row N" in text and "--restart" in text


# --- xlsx with a title above the header --------------------------------------------------

@pytest.mark.django_db
def test_an_xlsx_with_a_title_above_the_header_gets_a_hint_then_imports_with_header_row(importer, tmp_path):
    path = write_xlsx(tmp_path / "台账.xlsx", ROWS, above=[["示例银行 2023 年投诉台账 Complaints register"], []])

    with pytest.raises(MappingError) as refused:
        run(path, importer)
    assert "the column names are on row 3: run with --header-row 3" in str(refused.value)
    assert nothing_written()

    report = run(path, importer, header_row=3)

    assert (report.rows, report.imported, report.rejected) == (3, 3, [])
    # rows keep the numbers the spreadsheet shows
    assert sorted(ImportedRecord.objects.values_list("row", flat=True)) == [4, 5, 6]


@pytest.mark.django_db
def test_a_csv_whose_header_is_missing_says_so_without_a_hint(importer, tmp_path):
    columns = [c for c in COLUMNS if c != "narrative"]
    rows = [[v for c, v in zip(COLUMNS, row, strict=True) if c != "narrative"] for row in ROWS]

    with pytest.raises(MappingError) as refused:
        run(write_csv(tmp_path / "c.csv", rows, columns), importer)

    assert "columns the file does not have (row 1 names the columns): narrative" in str(refused.value)
    assert "--header-row" not in str(refused.value)


# --- --resume: batches, continued exactly ------------------------------------------------

def _mapping_with(tmp_path, extra: str):
    text = MAPPING.read_text(encoding="utf-8").replace("    Fax: other\n", f"    Fax: other\n{extra}")
    path = tmp_path / "cfpb-fixed.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.django_db
def test_resume_stops_before_a_bad_batch_then_continues_at_the_next_row(importer, tmp_path, capsys):
    # given 30 rows where row 25 names a channel the mapping does not know
    rows = many_rows(30)
    rows[23][10] = "Carrier pigeon"
    path = write_csv(tmp_path / "big.csv", rows)

    # when it is imported in batches of 10, resumably
    code, out, _ = command(capsys, path, "--mapping", MAPPING, "--resume", "--batch", 10)

    # then the two good batches are in (rows 2-21), the third is not touched, and it says so
    assert code == 1
    assert ImportedRecord.objects.count() == 20 and Complaint.objects.count() == 20
    assert max(ImportedRecord.objects.values_list("row", flat=True)) == 21
    assert "row 25: channel: no mapping for 'Carrier pigeon' (submitted_via)" in out
    assert "stopped before row 22: 20 rows are in (rows 2 to 21)" in out

    # when the mapping learns the channel and the same command runs again
    fixed = _mapping_with(tmp_path, "    Carrier pigeon: letter\n")
    code, out, _ = command(capsys, path, "--mapping", fixed, "--resume", "--batch", 10)

    # then it starts at row 22 (rows 2-21 are not read again) and the file is in, once
    assert code == 0, out
    assert "resumed at row 22" in out
    assert "all 30 rows are in: 10 written now, 0 already there, 20 by earlier runs" in out
    assert ImportedRecord.objects.count() == 30 == Complaint.objects.count()
    assert sorted(ImportedRecord.objects.values_list("row", flat=True)) == list(range(2, 32))
    assert Complaint.objects.get(external_reference=rows[23][0]).channel == "letter"
    assert ledger.verify().ok


@pytest.mark.django_db
def test_resume_after_a_crash_continues_after_the_last_committed_batch(importer, tmp_path, monkeypatch):
    from redress.complaints.services import bulk_intake as runner

    path = write_csv(tmp_path / "big.csv", many_rows(30))
    real = runner.complaint_import

    def power_cut():
        raise _PowerCut

    _failing_at(monkeypatch, 15, power_cut)
    with pytest.raises(_PowerCut):
        run(path, importer, resume=True, batch=10)
    # the first batch (rows 2-11) is in; rows 12-14 were built and rolled back with their batch
    assert sorted(ImportedRecord.objects.values_list("row", flat=True)) == list(range(2, 12))

    monkeypatch.setattr(runner, "complaint_import", real)
    report = run(path, importer, resume=True, batch=10)

    assert (report.resumed_at, report.imported, report.skipped, report.rows_in) == (12, 20, 0, 30)
    assert sorted(ImportedRecord.objects.values_list("row", flat=True)) == list(range(2, 32))
    assert Complaint.objects.count() == 30


@pytest.mark.django_db
def test_resume_refuses_a_file_that_changed_and_restart_starts_over_without_duplicates(importer, tmp_path, capsys):
    rows = many_rows(30)
    rows[23][10] = "Carrier pigeon"
    path = write_csv(tmp_path / "big.csv", rows)
    command(capsys, path, "--mapping", MAPPING, "--resume", "--batch", 10)
    assert ImportedRecord.objects.count() == 20

    # the file is corrected by hand instead of the mapping
    rows[23][10] = "Postal mail"
    write_csv(path, rows)
    code, out, err = command(capsys, path, "--mapping", MAPPING, "--resume", "--batch", 10)

    assert code == 2
    assert "big.csv has changed since import" in err and "stopped before row 22" in err
    assert "--restart" in err
    assert ImportedRecord.objects.count() == 20

    code, out, err = command(capsys, path, "--mapping", MAPPING, "--resume", "--restart", "--batch", 10)

    assert code == 0, err
    assert "all 30 rows are in: 10 written now, 20 already there" in out
    assert ImportedRecord.objects.count() == 30 == Complaint.objects.count()


@pytest.mark.django_db
def test_resume_on_a_file_already_in_writes_nothing_more(importer, tmp_path):
    path = write_csv(tmp_path / "c.csv", many_rows(12))
    first = run(path, importer, resume=True, batch=5)
    again = run(path, importer, resume=True, batch=5)

    assert (first.imported, first.rows_in) == (12, 12)
    assert (again.imported, again.skipped) == (0, 12)
    assert Complaint.objects.count() == 12


# --- writing stops: the database, the file, another process --------------------------------

@pytest.mark.django_db
def test_a_database_error_while_writing_the_whole_file_exits_3_with_nothing_written(importer, tmp_path, monkeypatch,
                                                                                   capsys):
    _failing_at(monkeypatch, 7, _database_gone)

    code, out, _ = command(capsys, write_csv(tmp_path / "c.csv", many_rows(12)), "--mapping", MAPPING)

    assert code == 3
    assert ("  nothing written: the database refused row 7 (OperationalError: server closed the connection "
            "unexpectedly)") in out
    assert nothing_written()


@pytest.mark.django_db
def test_a_database_error_in_a_batch_exits_3_saying_which_rows_are_in(importer, tmp_path, monkeypatch, capsys):
    _failing_at(monkeypatch, 14, _database_gone)

    code, out, _ = command(capsys, write_csv(tmp_path / "c.csv", many_rows(30)), "--mapping", MAPPING,
                           "--resume", "--batch", 10)

    assert code == 3
    assert ("  stopped before row 12: the database refused row 14 (OperationalError: server closed the connection "
            "unexpectedly). 10 rows are in (rows 2 to 11); run the same command again to continue") in out
    assert sorted(ImportedRecord.objects.values_list("row", flat=True)) == list(range(2, 12))


@pytest.mark.django_db
def test_a_file_changed_while_it_is_written_leaves_nothing(importer, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "c.csv", many_rows(12))

    def someone_saves_the_file():
        with path.open("a", encoding="utf-8") as fh:
            fh.write("9999999,2023-01-01,Mortgage,,x,,Added later.,X,CA,1,Web,2023-01-02,In progress,Yes,,\r\n")

    _failing_at(monkeypatch, 5, someone_saves_the_file)

    report = run(path, importer)

    assert report.failure == "c.csv changed while it was being imported" and report.imported == 0
    assert nothing_written()


@pytest.mark.django_db
def test_two_processes_resuming_one_file_cannot_both_write_a_batch(importer, tmp_path, monkeypatch):
    # given another process that moves the run on just before this one writes its second batch
    from django.db.models import F

    from redress.imports import runner
    from redress.imports.models import ImportRun

    real = runner._Import.advance

    def another_process_first(self, run, **kw):
        if run.last_row > 1:
            ImportRun.objects.filter(pk=run.pk).update(last_row=F("last_row") + 10)
        return real(self, run, **kw)

    monkeypatch.setattr(runner._Import, "advance", another_process_first)

    report = run(write_csv(tmp_path / "c.csv", many_rows(30)), importer, resume=True, batch=10)

    # then this one stops before the batch, writing none of it
    assert report.failure == f"another process is importing c.csv (import #{report.run_id} moved on)"
    assert (report.stopped_before, report.imported) == (12, 10)
    assert ImportedRecord.objects.count() == 10 == Complaint.objects.count()
    assert ImportRun.objects.get().last_row == 11


@pytest.mark.django_db
def test_an_email_longer_than_its_column_is_refused_in_the_check(importer, tmp_path):
    # an address the intake rules accept (up to 320 characters) but the column cannot hold
    text = MAPPING.read_text(encoding="utf-8").replace('  name: "CFPB consumer {complaint_id}"\n',
                                                       '  name: "CFPB consumer {complaint_id}"\n'
                                                       '  email: "{tags}@example.com"\n')
    mapping = tmp_path / "with-email.yaml"
    mapping.write_text(text, encoding="utf-8")
    row = list(ROWS[0])
    row[-1] = "a" * 250

    report = run(write_csv(tmp_path / "c.csv", [row]), importer, mapping=mapping)

    assert [(r.row, r.field) for r in report.rejected] == [(2, "customer.email")]
    assert "is longer than 254 characters" in report.rejected[0].reason
    assert nothing_written()


@pytest.mark.django_db
def test_a_database_error_while_checking_exits_3_without_a_traceback(importer, tmp_path, monkeypatch, capsys):
    from redress.imports import runner

    def unreachable(*args, **kwargs):
        _database_gone()

    monkeypatch.setattr(runner.ImportedRecord.objects, "filter", unreachable)

    code, out, err = command(capsys, write_csv(tmp_path / "c.csv", ROWS), "--mapping", MAPPING)

    assert code == 3 and out == ""
    assert err == ("redress import: the database failed (OperationalError: server closed the connection "
                   "unexpectedly); run the same command again: a row already in is never written twice\n")
    assert nothing_written()


@pytest.mark.django_db
def test_a_file_spoilt_during_a_resumable_import_stops_it_saying_which_rows_are_in(importer, tmp_path, monkeypatch,
                                                                                    capsys):
    # given rows long enough that the end of the file is read only when its batch comes
    rows = many_rows(30)
    for row in rows:
        row[NARRATIVE] = "My account was frozen without notice. " * 40
    path = write_csv(tmp_path / "big.csv", rows)

    def the_end_is_overwritten():
        with path.open("r+b") as fh:
            fh.seek(-200, 2)
            fh.write(b"\xff")

    _failing_at(monkeypatch, 13, the_end_is_overwritten)

    code, out, _ = command(capsys, path, "--mapping", MAPPING, "--resume", "--batch", 10)

    assert code == 3
    assert "  stopped before row 22: " in out
    assert "row 31, column 'narrative': the byte at offset" in out
    assert ". 20 rows are in (rows 2 to 21); run the same command again to continue" in out
    assert ImportedRecord.objects.count() == 20


@needs_cfpb
@pytest.mark.django_db
def test_the_whole_real_cfpb_sample_passes_the_check(importer):
    # counted plainly: the records of the file, and their distinct complaint ids
    with REAL_CFPB.open(newline="", encoding="utf-8") as fh:
        records = list(csv.reader(fh))[1:]
    ids = {r[0] for r in records}

    report = run(REAL_CFPB, importer, dry_run=True)

    assert (report.rows, report.ready, report.rejected, dict(report.unmapped)) == (len(records), len(ids), [], {})
    assert sum(report.by_state.values()) == len(ids)
    assert nothing_written()
