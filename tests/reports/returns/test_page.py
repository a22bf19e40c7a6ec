"""/returns/ as the complaints office and compliance use it: each return with its next due
date and whether it was made for the last ended period; producing one records it with its
files' SHA-256 and lists what could not be mapped; bad periods are form errors in the
reader's language, never a 500 and never a file."""

from __future__ import annotations

import hashlib
import io
import re

import pytest
from openpyxl import load_workbook

from redress.complaints.timesource import frozen
from redress.reports.models import ReturnProduction
from tests.conftest import at
from tests.reports.returns.conftest import PRODUCED_AT


def get(client, url, when=PRODUCED_AT):
    with frozen(when):
        return client.get(url)


def post(client, when=PRODUCED_AT, **data):
    with frozen(when):
        return client.post("/returns/produce/", {"return_code": "csrc-quarterly", **data})


def section(response, code="csrc-quarterly") -> str:
    html = response.content.decode()
    return html[html.index(f'data-return="{code}"'):]


def test_the_office_sees_each_return_with_its_next_due_date_and_that_it_is_not_yet_made(org, quarter, signed_in):
    response = get(signed_in("office", "en"), "/returns/")
    assert response.status_code == 200
    part = section(response)
    assert re.search(r'data-key="next-due">2026-04-15 .*for 2026-Q1', part)
    assert re.search(r'data-key="last">2026-Q1', part)
    assert re.search(r'data-key="status">\s*<span class="soon">not yet</span>', part)


def test_a_return_not_made_by_its_due_date_is_shown_overdue(org, quarter, signed_in):
    part = section(get(signed_in("compliance", "en"), "/returns/", when=at(2026, 4, 16)))
    assert "not yet — overdue" in part


@pytest.mark.parametrize("who", ["handler", "intake", "dept_head", "callback"])
def test_roles_that_do_not_make_returns_cannot_open_the_page_or_produce(org, quarter, signed_in, who):
    client = signed_in(who, "en")
    assert get(client, "/returns/").status_code == 403
    assert post(client, period="2026-Q1").status_code == 403
    assert not ReturnProduction.objects.exists()


def test_producing_records_who_and_the_files_hash_and_the_download_is_that_file(org, quarter, signed_in):
    client = signed_in("compliance", "en")
    response = post(client, period="2026-Q1")
    assert response.status_code == 302
    record = ReturnProduction.objects.get()
    assert (record.staff, record.role, record.period, record.at) == (org.compliance, "compliance", "2026-Q1",
                                                                     PRODUCED_AT)
    page = get(client, response["Location"])
    html = page.content.decode()
    assert record.xlsx_sha256 in html and record.csv_sha256 in html
    xlsx = get(client, f"/returns/{record.pk}.xlsx")
    assert hashlib.sha256(xlsx.content).hexdigest() == record.xlsx_sha256
    book = load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert book.sheetnames == ["投诉处理情况汇总", "按投诉类别", "按投诉渠道"]
    csv = get(client, f"/returns/{record.pk}.csv")
    assert hashlib.sha256(csv.content).hexdigest() == record.csv_sha256
    assert 'filename="csrc-quarterly-2026-Q1.csv"' in csv["Content-Disposition"]
    status = section(get(client, "/returns/"))
    assert re.search(r'data-key="status">\s*<span class="ok">yes</span>\s*—\s*by compliance', status)


def test_the_page_lists_the_complaints_that_could_not_be_mapped(org, quarter, signed_in):
    client = signed_in("office", "en")
    page = get(client, post(client, period="2026-Q1")["Location"])
    html = page.content.decode()
    assert "5 complaints could not be placed in the regulator's codes" in html
    for key in ("received", "registered"):
        assert f'href="/complaints/{quarter[key].reference}/"' in html


@pytest.mark.parametrize(("language", "period", "message"), [
    ("en", "2026-Q2", "2026-Q2 has not ended yet (its last day is 2026-06-30)"),
    ("zh-hans", "2026-Q2", "2026-Q2 尚未结束(最后一天为 2026-06-30)"),
    ("en", "2025-Q3", "2025-Q3 is before the institution&#x27;s records: the first complaint was received on "
                      "2025-12-29"),
    ("zh-hans", "2025-Q3", "2025-Q3 早于本机构的投诉记录:第一件投诉受理于 2025-12-29"),
    ("en", "2026-07", "write the period as 2026-Q3"),
    ("zh-hans", "Q1", "期间请写成 2026-Q3 的形式"),
])
def test_a_period_not_ended_before_the_records_or_malformed_is_a_form_error(org, quarter, signed_in, language,
                                                                             period, message):
    response = post(signed_in("office", language), period=period)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ReturnProduction.objects.exists()


@pytest.mark.parametrize(("language", "message"), [("en", "Select a valid choice"), ("zh-hans", "选择一个有效的选项")])
def test_an_unknown_return_is_a_form_error(org, quarter, signed_in, language, message):
    response = post(signed_in("office", language), return_code="finra-4530d", period="2026-Q1")
    assert response.status_code == 400 and message in response.content.decode()
    assert not ReturnProduction.objects.exists()


def test_a_production_cannot_be_altered_or_deleted(org, quarter, signed_in):
    from django.db import DatabaseError, transaction

    post(signed_in("office", "en"), period="2026-Q1")
    record = ReturnProduction.objects.get()
    for change in (lambda: ReturnProduction.objects.filter(pk=record.pk).update(xlsx_sha256="0" * 64),
                   lambda: ReturnProduction.objects.filter(pk=record.pk).delete()):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            change()
    assert ReturnProduction.objects.get().xlsx_sha256 == record.xlsx_sha256
