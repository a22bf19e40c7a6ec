"""The worklist page: columns, order, pages, counts on the tabs, the live refresh, and
a number of queries that does not grow with the rows."""

from __future__ import annotations

import html
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from redress.complaints.models import Complaint
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


def link(response, rel: str) -> str | None:
    """The pager's link with this rel, as the browser would follow it."""
    found = re.search(rf'href="([^"]*)" rel="{rel}"', response.content.decode())
    return "/cases/" + html.unescape(found.group(1)) if found else None


def test_pages_hold_25_cases_and_link_to_the_next(org, walk, signed_in):
    for day in range(30):
        walk(at(2026, 3, 2, 9, day))
    client = signed_in("office", "en")
    with frozen(at(2026, 3, 3)):
        first = client.get("/cases/?view=open&sort=received")
        second = client.get(link(first, "next"))
    assert len(listed_in_order(first)) == 25 and len(listed_in_order(second)) == 5
    assert listed_in_order(first) + listed_in_order(second) == [f"TS-2026-{n:06d}" for n in range(1, 31)]
    assert "Page 1 of 2" in first.content.decode() and "Page 2 of 2" in second.content.decode()
    # The link carries where the page ends (the last row's time and id), not an offset.
    last = Complaint.objects.get(reference="TS-2026-000025")
    assert (f'href="?view=open&amp;sort=received&amp;after=2026-03-02T01%3A24%3A00%2B00%3A00~{last.pk}'
            '&amp;page=2" rel="next"') in first.content.decode()
    assert link(second, "next") is None and link(first, "prev") is None


def test_previous_goes_back_a_page_and_first_goes_to_the_start(org, walk, signed_in):
    for minute in range(60):
        walk(at(2026, 3, 2, 9, minute))
    client = signed_in("office", "en")
    with frozen(at(2026, 3, 3)):
        pages = [client.get("/cases/?view=open")]
        while link(pages[-1], "next"):
            pages.append(client.get(link(pages[-1], "next")))
        assert [len(listed_in_order(p)) for p in pages] == [25, 25, 10]
        assert "Page 3 of 3" in pages[2].content.decode()
        back = client.get(link(pages[2], "prev"))
        assert listed_in_order(back) == listed_in_order(pages[1]) and "Page 2 of 3" in back.content.decode()
        assert listed_in_order(client.get(link(back, "prev"))) == listed_in_order(pages[0])
        assert link(pages[1], "first") is None  # "previous" already is the first page
        assert listed_in_order(client.get(link(pages[2], "first"))) == listed_in_order(pages[0])


def test_changing_the_sort_or_the_view_starts_from_the_first_page(org, walk, signed_in):
    for minute in range(30):
        walk(at(2026, 3, 2, 9, minute))
    client = signed_in("office", "en")
    with frozen(at(2026, 3, 3)):
        second = client.get(link(client.get("/cases/?view=open"), "next")).content.decode()
    for url in re.findall(r'href="(\?[^"]*)"', second):
        if "rel=" not in url and ("sort=" in url or "view=" in url) and "partial" not in url:
            assert "after=" not in url and "before=" not in url and "page=" not in url, url


def test_a_tampered_position_is_named_and_the_list_starts_again(org, walk, signed_in):
    w = walk(at(2026, 3, 2, 9))
    with frozen(at(2026, 3, 3)):
        response = signed_in("office", "en").get("/cases/?view=open&sort=received&after=yesterday~1")
    assert response.status_code == 400
    assert "Position: not a place in this list" in response.content.decode()
    assert listed_in_order(response) == [w.c.reference]


def test_a_free_text_search_counts_to_a_hundred_only(org, walk, signed_in, monkeypatch):
    for minute in range(4):
        walk(at(2026, 3, 2, 9, minute), cause="我昨天的委托一直未成交")
    monkeypatch.setattr(wl, "SEARCH_COUNT_CAP", 2)
    client = signed_in("office", "en")
    with frozen(at(2026, 3, 3)):
        searched = client.get("/cases/?view=open&q=一直未").content.decode()
        listed = client.get("/cases/?view=open").content.decode()
    assert "2+ cases" in searched and "Page 1</span>" in searched  # no "of N": the total is not known
    assert "4 cases" in listed and "Page 1 of 1" in listed


def test_a_one_character_search_is_not_counted_and_pages_through_the_matches(org, walk, signed_in, monkeypatch):
    """No index serves a single character (nor two on SQLite): the list is read in order
    a window at a time (here 2 rows, then 8) until a page of matches is found, and
    nothing counts it."""
    from redress.complaints.selectors import keyset
    from redress.web.worklists import views

    matching = []
    for minute in range(40):
        w = walk(at(2026, 3, 2, 9, minute), **({"cause": "理财经理销售误导"} if minute % 3 == 0 else {}))
        if minute % 3 == 0:
            matching.append(w.c.reference)
    monkeypatch.setattr(keyset, "FIRST_WINDOW", 2)
    monkeypatch.setattr(views, "PER_PAGE", 10)
    client = signed_in("office", "en")
    with frozen(at(2026, 3, 3)):
        pages = [client.get("/cases/?view=open&sort=received&q=误")]
        while link(pages[-1], "next"):
            pages.append(client.get(link(pages[-1], "next")))
        back = client.get(link(pages[-1], "prev"))
    assert [listed_in_order(p) for p in pages] == [matching[:10], matching[10:]]  # 14 of the 40
    assert listed_in_order(back) == matching[:10]
    first, last = (p.content.decode() for p in pages)
    assert "10+ cases" in first and "Page 1</span>" in first
    assert "14 cases" in last


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


def test_the_calendar_is_read_once_for_the_lists_and_the_rows_time_left(org, walk, signed_in):
    walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3)):
        queries = worklist_queries(signed_in("dept_head"), "/cases/?view=unit")
    assert sum('"complaints_calendarday"' in sql for sql in queries) == 1


def test_tab_counts_are_kept_a_minute(org, walk, signed_in):
    walk(at(2026, 3, 2, 9))
    client = signed_in("office", "en")
    with frozen(at(2026, 3, 3)):
        client.get("/cases/?view=open")
        walk(at(2026, 3, 2, 10))
        html = client.get("/cases/?view=open").content.decode()
    assert 'data-view="open">All open <span class="badge">1</span>' in html  # the badge, a minute old
    assert "2 cases" in html  # the list itself is always fresh
