"""`redress import`: historical complaints from CSV or xlsx, through complaint_import."""

from __future__ import annotations

import gc
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import translation

from redress import cli
from redress.complaints import ledger, references
from redress.complaints.ledger import EventType
from redress.complaints.models import Complaint, ComplaintClock, Customer, Event
from redress.complaints.timesource import frozen
from redress.imports import runner
from redress.imports.mapping import MappingError
from redress.imports.models import ImportedRecord
from redress.imports.runner import run_import
from redress.imports.system import system_account
from redress.notify.models import OutboxMessage
from tests.conftest import at
from tests.imports.files import (
    COLUMNS,
    MAPPING,
    REAL_CFPB,
    ROWS,
    real_cfpb_rows,
    write_csv,
    write_xlsx,
)

SH, NY = ZoneInfo("Asia/Shanghai"), ZoneInfo("America/New_York")


def run(path, actor, **kw):
    with frozen(at(2026, 3, 2)), translation.override("en"):
        return run_import(path, MAPPING, actor=actor, **kw)


def imported_event(complaint) -> dict:
    return json.loads(Event.objects.get(complaint=complaint, type=EventType.IMPORTED).payload)


@pytest.mark.django_db
def test_csv_rows_become_complaints_as_they_stood(importer, tmp_path):
    # given three CFPB rows: two closed, one still in progress
    path = write_csv(tmp_path / "cfpb.csv", ROWS)

    # when they are imported
    report = run(path, importer)

    # then each is a complaint with its original dates, channel, category and outcome
    assert (report.rows, report.imported, report.rejected) == (3, 3, [])
    paid = Complaint.objects.get(external_reference="7000001")
    assert paid.reference == "CP-2023-000001"  # numbered in the year it was received
    assert (paid.state, paid.outcome, paid.category, paid.channel) == ("closed", "monetary_relief",
                                                                       "service_quality", "web")
    assert paid.referral_source == "regulator" and paid.currency == "USD" and paid.language == "en"
    # 12 March 2023, the day New York moved its clocks: still the 12th in New York and in Shanghai
    assert paid.received_at.astimezone(NY).date().isoformat() == "2023-03-12"
    assert paid.received_at.astimezone(SH).date().isoformat() == "2023-03-12"
    assert paid.closed_at.astimezone(SH).date().isoformat() == "2023-03-13"
    assert paid.customer.name == "CFPB consumer 7000001" and paid.customer.address == "TX 75001"
    assert list(paid.parties.values_list("product", flat=True)) == ["Checking or savings account"]
    collector = Complaint.objects.get(external_reference="7000002")
    assert (collector.channel, collector.category, collector.satisfied) == ("phone", "operation_error", True)

    # and the ledger says where each came from: one IMPORTED event, file, row and source id
    assert list(Event.objects.filter(complaint=paid).values_list("type", flat=True)) == [EventType.IMPORTED]
    event = imported_event(paid)
    assert (event["source"], event["source_id"], event["file"], event["row"]) == ("cfpb", "7000001", "cfpb.csv", 2)
    assert event["closed_at_estimated"] is True
    assert event["original"]["company_response"] == "Closed with monetary relief"
    assert "zip_code" not in event["original"]  # personal data stays out of the ledger
    assert Event.objects.filter(type=EventType.IMPORTED).first().channel == "import"
    assert ledger.verify().ok


@pytest.mark.django_db
def test_an_open_case_comes_in_registered_with_its_clocks_from_the_received_date(importer, tmp_path):
    run(write_csv(tmp_path / "cfpb.csv", ROWS), importer)

    open_case = Complaint.objects.get(external_reference="7000003")
    assert (open_case.state, open_case.closed_at, open_case.outcome) == ("registered", None, "")
    resolution = ComplaintClock.objects.get(complaint=open_case, code="resolution")
    assert resolution.status == "running"
    assert resolution.started_at == open_case.received_at
    assert resolution.due_at < at(2023, 8, 31)  # 5 working days from 1 August 2023: long overdue now
    # the soonest running clock is on the row, so the case is on the overdue worklist at once
    assert open_case.due_at == min(c.due_at for c in open_case.clocks.filter(status="running"))
    assert open_case.customer.address == "US (state and ZIP code not published)"
    # nobody is written to about a case from 2023
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_xlsx_with_date_and_number_cells_imports_the_same(importer, tmp_path):
    report = run(write_xlsx(tmp_path / "cfpb.xlsx", ROWS), importer)

    assert (report.imported, report.rejected) == (3, [])
    paid = Complaint.objects.get(external_reference="7000001")
    assert paid.received_at.astimezone(NY) == datetime(2023, 3, 12, 9, 0, tzinfo=NY)
    assert imported_event(paid)["file"] == "cfpb.xlsx"


@pytest.mark.django_db
def test_a_dry_run_reports_everything_and_writes_nothing(importer, tmp_path):
    rows = ROWS + [["7000004", "2023-02-30", "Mortgage", "", "Closing on a mortgage", "", "Closing was late.",
                    "X", "CA", "90001", "Web", "2023-03-01", "Closed with explanation", "Yes", "", ""]]
    report = run(write_csv(tmp_path / "cfpb.csv", rows), importer, dry_run=True)

    assert report.dry_run and (report.rows, report.ready, report.imported) == (4, 3, 0)
    assert report.by_state == {"closed": 2, "registered": 1}
    assert [(r.row, r.field) for r in report.rejected] == [(5, "received_at")]
    assert "DRY RUN, nothing written" in report.lines()[0]
    assert (Complaint.objects.count(), Customer.objects.count(), Event.objects.count(),
            ImportedRecord.objects.count()) == (0, 0, 0, 0)


@pytest.mark.django_db
def test_running_the_same_file_again_imports_nothing_twice(importer, tmp_path):
    path = write_csv(tmp_path / "cfpb.csv", ROWS)
    run(path, importer)

    again = run(path, importer)

    assert (again.imported, again.skipped, again.rejected) == (0, 3, [])
    assert Complaint.objects.count() == 3 and Event.objects.filter(type=EventType.IMPORTED).count() == 3
    # and the same rows in an xlsx export are the same records
    assert run(write_xlsx(tmp_path / "cfpb.xlsx", ROWS), importer).skipped == 3


@pytest.mark.django_db
@pytest.mark.parametrize("resume", [False, True])
def test_what_an_import_holds_is_kept_out_of_the_collectors_walks_until_it_ends(importer, tmp_path, monkeypatch,
                                                                                 resume):
    # given a file, and a look at the collector each time a batch is written
    path = write_csv(tmp_path / "cfpb.csv", ROWS)
    frozen_at_write = []
    write = runner.import_many

    def import_many(**kw):
        frozen_at_write.append(gc.get_freeze_count())
        return write(**kw)

    monkeypatch.setattr(runner, "import_many", import_many)
    assert gc.get_freeze_count() == 0

    # when it is imported in batches of one row
    report = run(path, importer, batch=1, resume=resume)

    # then every batch was written with what was alive before it out of the walks (Django,
    # the kept rows, the earlier batches' tally sums: frozen objects still die as usual, so
    # the count is not a running total), and all of it is back after
    assert report.imported == 3 and len(frozen_at_write) == 3
    assert all(count > 0 for count in frozen_at_write)
    assert gc.get_freeze_count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("resume", [False, True])
def test_the_years_reference_sequences_are_made_before_the_transaction_that_numbers_them(importer, tmp_path,
                                                                                          monkeypatch, resume):
    # Made inside an import's transaction, a year's sequence makes another import of the
    # same years wait for that transaction's end, or deadlock with it (references.ensure_years).
    made = []
    ensure_years = references.ensure_years

    def recorded(prefix, years):  # with how many transactions deep it is asked (the test's own: 0)
        made.append((set(years), len(connection.savepoint_ids)))
        ensure_years(prefix, years)

    monkeypatch.setattr(references, "ensure_years", recorded)
    path = write_csv(tmp_path / "cfpb.csv", ROWS)  # received in 2023, 2019, 2023

    report = run(path, importer, batch=1, resume=resume)

    assert report.imported == 3
    if resume:  # each batch's new years, before its transaction
        assert made == [({2023}, 0), ({2019}, 0), (set(), 0)]
    else:  # the whole file's years, before its one transaction
        assert made == [({2019, 2023}, 0)]
    assert sorted(Complaint.objects.values_list("reference", flat=True)) == [
        "CP-2019-000001", "CP-2023-000001", "CP-2023-000002"]


@pytest.mark.django_db
def test_every_rejected_row_is_named_with_its_field_and_reason(importer, tmp_path):
    bad = [
        ["8000001", "2023-13-01", "Mortgage", "", "Closing on a mortgage", "", "Late.", "X", "CA", "1", "Web",
         "2023-12-01", "Closed with explanation", "Yes", "", ""],
        ["8000002", "2023-05-01", "Mortgage", "", "Closing on a mortgage", "", "", "X", "CA", "1", "Web",
         "2023-05-02", "Closed with explanation", "Yes", "", ""],
        ["8000003", "2023-05-01", "Crypto lending", "", "Lost my coins", "", "Gone.", "X", "CA", "1", "Web",
         "2023-05-02", "Closed with explanation", "Yes", "", ""],
        ["8000004", "2023-05-01", "Crypto lending", "", "Lost my coins", "", "Gone again.", "X", "CA", "1", "Web",
         "2023-05-02", "Closed with explanation", "Yes", "", ""],
        ["8000005", "2023-05-01", "Mortgage", "", "Closing on a mortgage", "", "Late.", "X", "CA", "1", "Carrier pigeon",
         "2023-05-02", "Closed with explanation", "Yes", "", ""],
        ["8000006", "2023-05-01", "Mortgage", "", "Closing on a mortgage", "", "Late.", "X", "CA", "1", "Web",
         "2023-05-02", "Referred to mediation", "Yes", "", ""],
        ["8000007", "2023-05-09", "Mortgage", "", "Closing on a mortgage", "", "Late.", "X", "CA", "1", "Web",
         "2023-05-02", "Closed with explanation", "Yes", "", ""],
        ["8000008", "2031-01-01", "Mortgage", "", "Closing on a mortgage", "", "Late.", "X", "CA", "1", "Web",
         "2031-01-02", "Closed with explanation", "Yes", "", ""],
        ROWS[0],
        ROWS[0],
    ]
    report = run(write_csv(tmp_path / "bad.csv", bad), importer)

    rejected = sorted((r.row, r.field) for r in report.rejected)
    assert rejected == [(2, "received_at"), (3, "cause"), (4, "category"), (5, "category"), (6, "channel"),
                        (7, "state"), (8, "closed_at"), (9, "received_at"), (11, "source_id")]
    reasons = {r.row: r.reason for r in report.rejected}
    assert reasons[2] == "'2023-13-01' in column 'date_received' is not a date (expected %Y-%m-%d or %m/%d/%Y)"
    assert reasons[3] == "no narrative: column 'narrative' is empty"
    assert reasons[4] == "no mapping for 'Lost my coins' (issue) nor 'Crypto lending' (product)"
    assert reasons[8] == "is before the received date"
    assert reasons[9] == "may not be in the future"
    assert reasons[11] == "'7000001' already on row 10"
    assert report.unmapped[("category", "issue", "Lost my coins")] == 2
    assert report.unmapped[("category", "product", "Crypto lending")] == 2
    assert report.unmapped[("channel", "submitted_via", "Carrier pigeon")] == 1
    assert report.unmapped[("state", "company_response", "Referred to mediation")] == 1
    text = "\n".join(report.lines())
    assert "  category ← issue 'Lost my coins': 2 rows" in text
    assert "  row 4: category: no mapping for 'Lost my coins' (issue) nor 'Crypto lending' (product)" in text
    # the one good row waits for the others: a file goes in whole or not at all
    assert (report.ready, report.imported) == (1, 0)
    assert "  nothing written: 9 rows of 10 cannot be imported (1 could); fix them and run again" in text
    assert Complaint.objects.count() == 0 and Customer.objects.count() == 0


@pytest.mark.django_db
def test_the_import_refuses_a_pack_it_was_not_written_for(org, settings, tmp_path):
    settings.REDRESS_POLICY = "cn-securities"
    actor = system_account("import", "Import")

    with pytest.raises(MappingError) as refused:
        run(write_csv(tmp_path / "cfpb.csv", ROWS), actor)

    assert "written for the policy pack 'general', but the active pack is 'cn-securities'" in str(refused.value)
    assert not Complaint.objects.exists()


@pytest.mark.django_db
def test_a_file_missing_a_mapped_column_is_refused_before_any_row(importer, tmp_path):
    columns = [c for c in COLUMNS if c != "narrative"]
    rows = [[v for c, v in zip(COLUMNS, row, strict=True) if c != "narrative"] for row in ROWS]

    with pytest.raises(MappingError, match=r"columns the file does not have \(row 1 names the columns\): narrative"):
        run(write_csv(tmp_path / "cfpb.csv", rows, columns), importer)


@pytest.mark.django_db
def test_the_command_prints_the_report_and_rows_per_second(importer, tmp_path, capsys):
    path = write_csv(tmp_path / "cfpb.csv", ROWS)

    with frozen(at(2026, 3, 2)):
        code = cli.main(["import", str(path), "--mapping", str(MAPPING)])

    out = capsys.readouterr().out
    assert code == 0
    assert "all 3 rows are in: 3 written now, 0 already there" in out
    assert out.strip().splitlines()[-1].endswith(" rows/s")
    assert Complaint.objects.get(external_reference="7000002").owner.username == "import"


@pytest.mark.django_db
def test_the_command_exits_2_with_the_reason_when_the_pack_differs(org, tmp_path, capsys):
    code = cli.main(["import", str(write_csv(tmp_path / "c.csv", ROWS)), "--mapping", str(MAPPING)])
    assert code == 2
    assert "active pack is 'cn-securities'" in capsys.readouterr().err


@pytest.mark.django_db
@pytest.mark.skipif(not REAL_CFPB.is_file(), reason=f"the CFPB sample is not at {REAL_CFPB} (CI has it)")
def test_the_first_200_real_cfpb_complaints_import(importer, tmp_path):
    header, rows = real_cfpb_rows(first=200)
    path = write_csv(tmp_path / "complaints_sample.csv", rows, header)

    report = run(path, importer)

    assert (report.rows, report.imported, report.rejected, dict(report.unmapped)) == (200, 200, [], {})
    assert Complaint.objects.count() == 200
    assert set(Complaint.objects.values_list("policy_code", flat=True)) == {"general"}
    assert not Complaint.objects.filter(category="").exists()
    first = Complaint.objects.get(external_reference=rows[0][0])
    assert first.received_at.astimezone(NY).date().isoformat() == rows[0][1]
    assert ledger.verify().ok


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "real run"])
def test_a_nul_at_row_3_is_rejected_by_row_number_in_the_dry_run_as_in_the_real_run(tmp_path, importer, dry_run):
    # given a file whose second record (spreadsheet row 3) has a NUL in its narrative
    rows = [list(r) for r in ROWS]
    rows[1][6] = "A collector keeps calling\x00 about a debt that is not mine."
    path = write_csv(tmp_path / "nul.csv", rows)

    # when it is imported (or tried)
    with frozen(at(2026, 3, 2)):
        report = run_import(path, MAPPING, actor=importer, dry_run=dry_run, batch=2)

    # then row 3 is rejected, naming the column, the others pass the check, and nothing is written
    assert [(r.row, r.field) for r in report.rejected] == [(3, "narrative")]
    assert "contains a NUL character" in report.rejected[0].reason
    assert (report.ready, report.imported) == (2, 0)
    assert Complaint.objects.count() == 0
