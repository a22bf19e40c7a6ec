"""/statistics/ as a compliance manager uses it: a period's tables beside the period
before and a year earlier, each number opening the register on a list of exactly that
count, every table in one xlsx, and bad periods named in the reader's language."""

from __future__ import annotations

import html
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.reports.test_statistics import cases  # noqa: F401 (the fixture)
from tests.reports.test_views import get

MARCH = {"period": "month", "on": "2026-03-15"}


def figure_links(response) -> list[tuple[str, str]]:
    """(href, number) of every figure on the page."""
    found = re.findall(r'<a href="([^"]+)" data-figure>([^<]+)</a>', response.content.decode())
    return [(html.unescape(href), number) for href, number in found]


def register_total(client, href: str) -> str:
    text = get(client, href).content.decode()
    return re.search(r"(?:Complaints found|找到投诉): ([\d,+]+)", text).group(1)


def test_every_number_on_the_page_opens_a_register_of_that_count(org, cases, signed_in):  # noqa: F811
    client = signed_in("office", "en")
    response = get(client, "/statistics/", **MARCH)
    assert response.status_code == 200
    links = figure_links(response)
    assert len(links) > 60
    for href, number in links:
        assert href.startswith("/register/?") and "count=all" in href
        assert register_total(client, href) == number, href


def test_the_page_shows_the_three_periods_and_the_charts_data(org, cases, signed_in):  # noqa: F811
    text = get(signed_in("office", "en"), "/statistics/", **MARCH).content.decode()
    assert "2026-03" in text and "2026-02" in text and "2025-03" in text
    for block in ("trend-data", "category-data", "heat-data"):
        assert f'id="{block}"' in text
    assert "echarts-5.6.0.min.js" in text
    assert 'href="/statistics/" aria-current="page"' in text


def test_the_page_is_in_chinese_for_a_chinese_reader(org, cases, signed_in):  # noqa: F811
    text = get(signed_in("office"), "/statistics/", **MARCH).content.decode()
    assert "统计" in text and "按期限办结" in text


def test_every_table_exports_to_one_xlsx_sheet_with_the_pages_numbers(org, cases, signed_in):  # noqa: F811
    client = signed_in("office", "en")
    response = get(client, "/statistics/export/", **MARCH)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    sheets = {name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames}
    assert len(sheets) == 9
    figures = sheets["Figures"]
    assert figures[0][:4] == [None, "2026-03", "2026-02", "2025-03"]
    text = get(client, "/statistics/", **MARCH).content.decode()
    summary = text[text.index('data-table="summary"'):text.index('data-table="category"')]
    shown = re.findall(r'<tr data-key="\w+"><th scope="row">([^<]+)</th>\s*(.*?)</tr>', summary, re.S)
    assert len(shown) == len(figures) - 1
    for (label, cells), row in zip(shown, figures[1:], strict=True):
        row = row + [None] * (4 - len(row))  # a sheet's row ends at its last value
        numbers = re.findall(r"data-(?:figure|over)[^>]*>([^<]+)</a>", cells)
        assert html.unescape(label) == row[0]
        assert [None if n == "–" else Decimal(n.replace(",", "")) for n in numbers] == [
            None if v is None else Decimal(str(v)) for v in row[1:4]], label


@pytest.mark.parametrize(("params", "field", "english", "chinese"), [
    ({"period": "custom", "date_from": "2026-03-10", "date_to": "2026-03-01"}, "date_to",
     "must be on or after", "不得早于"),
    ({"period": "custom", "date_from": "2010-01-01", "date_to": "2026-03-01"}, "date_to",
     "at most 10 years", "最长 10 年"),
    ({"period": "quarter", "unit": "99999"}, "unit", "Select a valid choice", "选择一个有效的选项"),
    ({"period": "quarter", "category": "no_such_category"}, "category", "Select a valid choice",
     "选择一个有效的选项"),
    ({"period": "fortnight"}, "period", "Select a valid choice", "选择一个有效的选项"),
    ({"period": "custom", "date_from": "2026-02-30"}, "date_from", "valid date", "有效的日期"),
])
def test_a_bad_period_or_scope_is_named_in_the_readers_language(org, cases, signed_in, params, field,  # noqa: F811
                                                                english, chinese):
    for language, words in (("en", english), ("zh-hans", chinese)):
        response = get(signed_in("office", language), "/statistics/", **params)
        assert response.status_code == 400
        text = html.unescape(response.content.decode())
        assert words in text and 'data-figure' not in text
        assert f'data-field="{field}"' in text
        assert get(signed_in("office", language), "/statistics/export/", **params).status_code == 400
