"""/register/ as staff use it: the page in their scope with names masked, the export of
the same rows (CSV and xlsx), recorded, with personal data only for roles that may see
it, and the printable record sheet of one complaint in either language."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from redress.complaints.lifecycle import State
from redress.complaints.timesource import frozen
from redress.reports.models import ExportRecord
from tests.conftest import at
from tests.reports.conftest import READ_AT


def get(client, url, **params):
    with frozen(READ_AT):
        return client.get(url, params)


def page_references(response) -> list[str]:
    return re.findall(r'<tr class="row-\w+" data-reference="([^"]+)"', response.content.decode())


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.reader(io.StringIO(body[1:])))


def xlsx_rows(response) -> list[list]:
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def same_cell(text: str, value) -> bool:
    """A CSV cell and the xlsx cell of the same column: times and numbers are typed in
    the workbook (local times, amounts), text the same as in the CSV."""
    if value is None:
        return text == ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M") == text
    if isinstance(value, (int, float)):
        return float(text) == value
    return value == text


def test_the_register_page_lists_every_state_for_the_office(org, book, signed_in):
    response = get(signed_in("office"), "/register/")
    assert response.status_code == 200
    assert set(page_references(response)) == {c.reference for c in book.values()}
    html = response.content.decode()
    assert "投诉台账" in html and 'href="/register/" aria-current="page"' in html


def test_a_branch_handler_sees_only_the_cases_of_their_scope(org, book, signed_in):
    refs = page_references(get(signed_in("handler"), "/register/"))
    assert book[State.INVESTIGATING].reference in refs
    assert book["other_branch"].reference not in refs


def test_names_on_the_page_are_masked(org, book, signed_in):
    html = get(signed_in("office"), "/register/").content.decode()
    assert "张*" in html and "138****8000" in html
    assert "张三" not in html and "13800138000" not in html


def test_a_bad_filter_is_named_and_left_out(org, book, signed_in):
    response = get(signed_in("office"), "/register/", state="nonsense", date_from="2026-13-01")
    assert response.status_code == 400
    assert len(page_references(response)) == len(book)


def test_a_period_longer_than_ten_years_or_beyond_2199_is_refused_in_the_readers_language(org, book, signed_in):
    response = get(signed_in("office"), "/register/", date_from="2016-03-01", date_to="2026-03-01")
    assert response.status_code == 400 and "期间最长 10 年" in response.content.decode()
    response = get(signed_in("office", "en"), "/register/", date_to="9999-12-31")
    assert response.status_code == 400 and "must be between 1990-01-01 and 2199-12-31" in response.content.decode()
    assert get(signed_in("office"), "/register/", date_from="2016-03-02", date_to="2026-03-01").status_code == 200


def test_filters_on_the_page_narrow_the_list(org, book, signed_in):
    refs = page_references(get(signed_in("office"), "/register/", state=State.REDIRECTED))
    assert refs == [book[State.REDIRECTED].reference]


def test_next_page_link_continues_the_list(org, book, signed_in, monkeypatch):
    from redress.reports import views

    monkeypatch.setattr(views, "PER_PAGE", 7)
    client, seen, url = signed_in("office"), [], "/register/"
    while url:
        response = get(client, url)
        seen += page_references(response)
        found = re.search(r'href="(\?[^"]+)" rel="next"', response.content.decode())
        url = "/register/" + found.group(1).replace("&amp;", "&") if found else ""
    assert len(seen) == len(set(seen)) == len(book)


def test_csv_and_xlsx_exports_have_the_pages_rows_in_the_users_language(org, book, signed_in):
    client = signed_in("office", language="en")
    filters = {"period": "received", "date_from": "2026-03-02", "date_to": "2026-03-06"}
    page = page_references(get(client, "/register/", **filters))
    assert 3 < len(page) < len(book)
    as_csv = csv_rows(get(client, "/register/export/", format="csv", **filters))
    as_xlsx = xlsx_rows(get(client, "/register/export/", format="xlsx", **filters))
    assert as_csv[0][0] == "Reference" and "Callback result" in as_csv[0]
    assert [r[0] for r in as_csv[1:]] == page
    assert len(as_xlsx) == len(as_csv)
    for line, (text_row, typed_row) in enumerate(zip(as_csv, as_xlsx, strict=True)):
        assert len(typed_row) == len(text_row)
        for column, (text, value) in enumerate(zip(text_row, typed_row, strict=True)):
            assert same_cell(text, value), f"row {line}, {as_csv[0][column]}: {text!r} in CSV, {value!r} in xlsx"
    assert ExportRecord.objects.count() == 2
    assert set(ExportRecord.objects.values_list("rows", flat=True)) == {len(page)}


def test_the_export_is_in_chinese_for_a_chinese_reader(org, book, signed_in):
    rows = csv_rows(get(signed_in("office"), "/register/export/", format="csv", state=State.CLOSED))
    assert rows[0][0] == "投诉编号"
    assert {r[0] for r in rows[1:]} == {c.reference for c in book.values() if c.state == State.CLOSED}


def test_exporting_personal_data_needs_a_role_that_may_see_it(org, book, signed_in):
    response = get(signed_in("auditor"), "/register/export/", format="csv", personal="1")
    assert response.status_code == 403
    assert not ExportRecord.objects.exists()
    masked = csv_rows(get(signed_in("auditor"), "/register/export/", format="csv"))
    assert "张*" in {r[masked[0].index("姓名")] for r in masked[1:]}
    record = ExportRecord.objects.get()
    assert (record.staff, record.personal_data, record.rows) == (org.auditor, False, len(book))


def test_an_export_with_personal_data_is_recorded_with_its_filter(org, book, signed_in):
    rows = csv_rows(get(signed_in("office"), "/register/export/", format="xlsx" if False else "csv",
                        personal="1", channel="walk_in"))
    name = rows[0].index("姓名")
    assert [r[name] for r in rows[1:]] == ["张三"]
    record = ExportRecord.objects.get()
    assert record.staff == org.office and record.role == "complaints_office"
    assert record.personal_data is True and record.rows == 1
    assert record.filters == {"period": "received", "channel": "walk_in"}
    assert record.format == "csv" and record.language == "zh-hans"


def test_the_xlsx_export_is_recorded_with_the_files_hash(org, book, signed_in):
    import hashlib

    response = get(signed_in("office"), "/register/export/", format="xlsx", state=State.ARCHIVED)
    data = b"".join(response.streaming_content)
    assert ExportRecord.objects.get().sha256 == hashlib.sha256(data).hexdigest()


def test_the_record_sheet_prints_every_section_and_the_timeline(org, book, signed_in):
    c = book[State.ARCHIVED]
    html = get(signed_in("office"), f"/register/{c.reference}/sheet/").content.decode()
    for heading in ("投诉记录表", "投诉人基本信息", "投诉事项", "处理过程", "处理结果", "责任追究", "回访情况", "处理经过"):
        assert heading in html, heading
    assert "张*" in html and "training" not in html and "培训" in html
    assert "@page" not in html and "reports/sheet.css" in html
    assert c.events.count() == html.count('<tr class="ev-')


def test_the_record_sheet_in_the_customers_and_the_institutions_language(org, book, signed_in):
    c = book["other_branch"]  # an English-speaking complainant
    client = signed_in("office")
    customer = get(client, f"/register/{c.reference}/sheet/", lang="customer").content.decode()
    institution = get(client, f"/register/{c.reference}/sheet/", lang="institution").content.decode()
    assert '<html lang="en">' in customer and "Complaint record sheet" in customer and "Timeline" in customer
    assert '<html lang="zh-hans">' in institution and "投诉记录表" in institution


def test_a_record_sheet_outside_ones_scope_is_not_found(org, book, signed_in):
    response = get(signed_in("handler"), f"/register/{book['other_branch'].reference}/sheet/")
    assert response.status_code == 404


def test_an_export_read_in_many_batches_has_every_row_once_in_order(org, book, signed_in, monkeypatch):
    from redress.reports import export

    monkeypatch.setattr(export, "BATCH", 4)  # 23 complaints: six batches, each read after the last one's cursor
    client = signed_in("office", language="en")
    page = page_references(get(client, "/register/"))
    rows = csv_rows(get(client, "/register/export/", format="csv"))
    assert [r[0] for r in rows[1:]] == page and len(page) == len(book)


def test_the_complaint_page_links_to_its_record_sheet(org, book, signed_in):
    c = book[State.CLOSED]
    html = get(signed_in("office"), f"/complaints/{c.reference}/").content.decode()
    assert f'href="/register/{c.reference}/sheet/"' in html


def test_what_a_customer_wrote_is_shown_as_text_never_as_markup(org, walk, signed_in):
    """The register's cells are built outside the template (reports/views._with_html):
    they must escape exactly as the template's autoescape would."""
    typed = "<script>alert('x')</script> & \"q\""
    c = walk(at(2026, 3, 2, 9), subject=typed, request="<b>退款</b>").c
    html = get(signed_in("office"), "/register/").content.decode()
    assert f'data-reference="{c.reference}"' in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;q&quot;" in html
    assert "&lt;b&gt;退款&lt;/b&gt;" in html
    assert "<script>alert" not in html and "<b>退款" not in html
