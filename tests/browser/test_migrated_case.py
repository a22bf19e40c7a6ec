"""A case migrated from another system in a real browser, in both languages: its
handler, unit, resolution, letters and files on the case page, the closing date marked
estimated, and the register's "Estimated dates" column (screenshots in
test-artifacts/browser/ for a person to look at)."""

from __future__ import annotations

from django.utils import translation

from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from redress.imports.runner import run_import
from redress.imports.system import system_account
from tests.conftest import at
from tests.imports.files import MAPPING, ROWS, write_csv
from tests.imports.test_migration import write_bank_files

ESTIMATED = {"zh-hans": "估计", "en": "estimated"}
CLOSING = {"zh-hans": "结案日期", "en": "closing date"}
LETTERS = {"zh-hans": "往来函件日期", "en": "dates of letters"}


def test_a_migrated_case_shows_its_history_and_its_estimated_dates(desk, org, lang, tmp_path, settings):
    settings.REDRESS_POLICY = "general"
    importer = system_account("import", "批量导入 Import")
    path, mapping = write_bank_files(tmp_path)
    with frozen(at(2026, 3, 2)), translation.override("en"):
        assert not run_import(path, mapping, actor=importer).rejected
        assert not run_import(write_csv(tmp_path / "cfpb.csv", ROWS[:1]), MAPPING, actor=importer).rejected
    office = desk("office")
    page = office.page

    sms = Complaint.objects.get(external_reference="OB-003")  # its reply letter had no date
    office.open_complaint(sms.reference)
    office.expect(page.locator("#estimated-dates")).to_contain_text(LETTERS[lang])
    office.expect(page.locator("#complaint")).to_contain_text("解释收费依据。")  # the resolution text
    office.expect(page.locator("#complaint")).to_contain_text("开户申请书.pdf")  # its file
    undated = {"zh-hans": "(原系统记录,未注明日期:按 2015-03-10 09:00 计)",
               "en": "(from the old system, undated: taken as 2015-03-10 09:00)"}
    office.expect(page.locator("#timeline")).to_contain_text(undated[lang])  # the closing date stands in
    office.shot("01-migrated-case")

    cfpb = Complaint.objects.get(external_reference="7000001")  # the bureau publishes no closing date
    office.open_complaint(cfpb.reference)
    office.expect(page.locator(".chip.estimated")).to_have_text(ESTIMATED[lang])
    office.expect(page.locator("#estimated-dates")).to_contain_text(CLOSING[lang])
    office.shot("02-estimated-closing-date")

    page.goto("/register/?period=received&date_from=2023-03-01&date_to=2023-03-31")
    rows = page.locator("table.rg-table tbody tr[data-reference]")
    office.expect(rows).to_have_count(1)
    office.expect(rows.first).to_contain_text(CLOSING[lang])
    office.shot("03-register")
