"""The worklist page: columns, order, pages, counts on the tabs, the live refresh, and
a number of queries that does not grow with the rows."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from redress.complaints.selectors import worklists as wl
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.web.worklists.test_views import refs


def listed_in_order(response) -> list[str]:
    return re.findall(r'class="ref">([A-Z]+-\d{4}-\d+)<', response.content.decode())


def test_the_list_is_sorted_soonest_due_first_by_default(org, walk, signed_in):
    later = walk(at(2026, 3, 5)).assess()
    sooner = walk(at(2026, 3, 2)).assess()
    with frozen(at(2026, 3, 6)):
        response = signed_in("office").get("/cases/?view=open")
    assert listed_in_order(response) == [sooner.c.reference, later.c.reference]


def test_the_list_sorts_by_received_and_by_reference(org, walk, signed_in):
    first = walk(at(2026, 3, 5))
    second = walk(at(2026, 3, 2))
    client = signed_in("office")
    with frozen(at(2026, 3, 6)):
        assert listed_in_order(client.get("/cases/?view=open&sort=-received")) == [first.c.reference,
                                                                                 second.c.reference]
        assert listed_in_order(client.get("/cases/?view=open&sort=received")) == [second.c.reference,
                                                                                first.c.reference]
        assert listed_in_order(client.get("/cases/?view=open&sort=-reference")) == [second.c.reference,
                                                                                  first.c.reference]


def test_columns_show_what_a_seat_needs(org, walk, signed_in):
    w = walk(at(2026, 3, 2)).assess(category="counter", severity="high").dispatch().accept()
    with frozen(at(2026, 3, 20)):
        html = signed_in("handler", "en").get("/cases/?view=mine").content.decode()
    assert f'href="/complaints/{w.c.reference}/"' in html
    for text in ("2026-03-02 10:00", "张*", "委托未成交", "Counter business", "Investigating", "intake",
                 "handler", "High", "6 working days left"):
        assert text in html, text


def test_the_list_is_in_chinese_by_default(org, walk, signed_in):
    walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 20)):
        html = signed_in("handler").get("/cases/").content.decode()
    for text in ("我的", "本部门", "即将到期", "已超时", "受理时间", "剩余时限", "调查处理中", "剩余", "工作日"):
        assert text in html, text


def test_pages_hold_25_cases_and_link_to_the_next(org, walk, signed_in):
    for day in range(30):
        walk(at(2026, 3, 2, 9, day))
    client = signed_in("office", "en")
    with frozen(at(2026, 3, 3)):
        first = client.get("/cases/?view=open&sort=received")
        second = client.get("/cases/?view=open&sort=received&page=2")
    assert len(listed_in_order(first)) == 25 and len(listed_in_order(second)) == 5
    assert not set(listed_in_order(first)) & set(listed_in_order(second))
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?view=open&amp;sort=received&amp;page=2" rel="next"' in first.content.decode()


def test_tab_counts_stop_at_the_cap(org, walk, signed_in, monkeypatch):
    for day in range(4):
        walk(at(2026, 3, 2, 9, day))
    monkeypatch.setattr(wl, "COUNT_CAP", 3)
    with frozen(at(2026, 3, 3)):
        html = signed_in("office", "en").get("/cases/?view=open").content.decode()
    assert re.search(r'data-view="open">All open <span class="badge">3\+</span>', html)
    assert "3+ cases" in html


def test_table_body_refreshes_itself_every_minute_keeping_the_filters(org, walk, signed_in):
    w = walk(at(2026, 3, 2), cause="我昨天的委托一直未成交")
    client = signed_in("intake")
    with frozen(at(2026, 3, 3)):
        page = client.get("/cases/?view=open&q=委托").content.decode()
        rows = client.get("/cases/?view=open&q=%E5%A7%94%E6%89%98&partial=rows", HTTP_HX_REQUEST="true")
    tbody = re.search(r'<tbody id="wl-rows"[^>]*>', page).group(0)
    assert 'hx-trigger="every 60s"' in tbody and 'hx-swap="outerHTML"' in tbody
    assert "q=%E5%A7%94%E6%89%98" in tbody and "view=open" in tbody and "partial=rows" in tbody
    assert rows.content.decode().lstrip().startswith("<tbody") and "<html" not in rows.content.decode()
    assert refs(rows) == {w.c.reference}


def worklist_queries(client, url) -> list[str]:
    from django.core.cache import cache

    cache.clear()  # count the tab counts too
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_the_number_of_queries_does_not_grow_with_the_rows(org, walk, signed_in):
    walk(at(2026, 3, 2)).assess().dispatch().accept()
    client = signed_in("dept_head")
    with frozen(at(2026, 3, 3)):
        few = worklist_queries(client, "/cases/?view=unit")
    for minute in range(12):
        walk(at(2026, 3, 2, 11, minute)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3)):
        many = worklist_queries(client, "/cases/?view=unit")
    assert len(many) == len(few)  # the calendar, too, is read once a page, not once a row


def test_tab_counts_are_kept_a_minute(org, walk, signed_in):
    walk(at(2026, 3, 2, 9))
    client = signed_in("office", "en")
    with frozen(at(2026, 3, 3)):
        client.get("/cases/?view=open")
        walk(at(2026, 3, 2, 10))
        html = client.get("/cases/?view=open").content.decode()
    assert 'data-view="open">All open <span class="badge">1</span>' in html  # the badge, a minute old
    assert "2 cases" in html  # the list itself is always fresh
