"""An import takes the complainant as every channel does (issues 12.3 and 13.8): a phone
that is no number refuses its row by row number and field (and, the file being all or
nothing, writes nothing); a good one is kept the one way; a repeat complainant of the
file is offered, not merged, since a file proves no contact."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from redress.complaints.models import Complaint, Customer, CustomerMatch
from redress.complaints.timesource import frozen
from redress.imports.runner import run_import
from tests.conftest import at
from tests.imports.files import MAPPING, ROWS, write_csv

TAGS = 15  # the column this test's mapping reads the phone from


def mapping_with_phone(tmp_path: Path) -> Path:
    text = MAPPING.read_text(encoding="utf-8").replace(
        'customer:\n  name: "CFPB consumer {complaint_id}"\n',
        'customer:\n  name: "CFPB consumer"\n  phone: "{tags}"\n')
    assert 'phone: "{tags}"' in text
    path = tmp_path / "with-phone.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rows_with(*phones: str) -> list[list[str]]:
    out = []
    for n, phone in enumerate(phones):
        row = list(ROWS[n % len(ROWS)])
        row[0], row[TAGS] = str(7100000 + n), phone
        out.append(row)
    return out


def run(path, mapping, actor):
    with frozen(at(2026, 3, 2)), translation.override("en"):
        return run_import(path, mapping, actor=actor)


@pytest.mark.django_db
def test_a_row_whose_phone_is_no_number_is_refused_by_row_and_field_and_nothing_is_written(importer, tmp_path):
    path = write_csv(tmp_path / "phones.csv", rows_with("+1 212 555 0100", "abc-123", "+852 9123 4567"))

    report = run(path, mapping_with_phone(tmp_path), importer)

    assert [(r.row, r.field) for r in report.rejected] == [(3, "customer.phone")]
    assert "not a phone number" in report.rejected[0].reason
    assert not Complaint.objects.exists() and not Customer.objects.exists()


@pytest.mark.django_db
def test_phones_are_kept_the_one_way_and_a_repeat_is_offered_not_merged(importer, tmp_path):
    path = write_csv(tmp_path / "phones.csv", rows_with("+1 212 555 0100", "+1 (212) 555-0100", "+852 9123 4567"))

    report = run(path, mapping_with_phone(tmp_path), importer)

    assert (report.imported, report.rejected) == (3, [])
    first, second, third = Complaint.objects.order_by("external_reference")
    assert first.customer.phone == second.customer.phone == "+1 212-555-0100"
    assert third.customer.phone == "+852 9123 4567"
    offer = CustomerMatch.objects.get()
    assert (offer.complaint, offer.candidate, offer.shared) == (second, first.customer, ["phone"])
