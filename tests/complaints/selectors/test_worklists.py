"""selectors.worklists: the views as querysets, search, capped counts, pages, and the
denormalised due time the services keep on the complaint row."""

from __future__ import annotations

from datetime import date

import pytest

from redress.complaints import services as svc
from redress.complaints.models import Complaint, ComplaintClock
from redress.complaints.selectors import worklists as wl
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from tests.conftest import at


def moment(when):
    return wl.Moment(now=when, cal=calendar_for(active_pack()))


def refs(qs) -> set[str]:
    return set(qs.values_list("reference", flat=True))


# ---- the due time kept on the row ----------------------------------------------------


def test_registering_puts_the_resolution_due_time_on_the_complaint(org, walk):
    w = walk(at(2026, 3, 2))
    w.c.refresh_from_db()
    assert w.c.due_at == w.c.clocks.get(code="resolution").due_at == at(2026, 3, 30, 17)


def test_pausing_clears_the_due_time_and_resuming_gives_it_back_later(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3)):
        svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="等待交割单鉴定")
    assert Complaint.objects.get(pk=w.c.pk).due_at is None
    with frozen(at(2026, 3, 5)):
        svc.resume_clocks(w.c, actor=org.handler)
    w.c.refresh_from_db()
    assert w.c.due_at == w.c.clocks.get(code="resolution").due_at > at(2026, 3, 30, 17)


def test_an_approved_extension_moves_the_due_time(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 20)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=5, reason="需调取交易所记录", plan="调取后答复")
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    w.c.refresh_from_db()
    assert w.c.due_at == at(2026, 4, 7, 17)  # five working days on, past the Qingming holiday


def test_communicating_the_result_moves_the_due_time_to_the_callback_clock(org, walk):
    w = walk(at(2026, 3, 2)).to_awaiting_callback()
    w.c.refresh_from_db()
    assert w.c.due_at == w.c.clocks.get(code="callback").due_at


def test_a_closed_complaint_has_no_due_time(org, walk):
    w = walk(at(2026, 3, 2)).to_awaiting_callback().callback()
    w.c.refresh_from_db()
    assert w.c.state == "closed" and w.c.due_at is None


# ---- views, search, counting ----------------------------------------------------------


def test_overdue_includes_a_clock_marked_breached_even_if_its_due_time_moved_on(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 31, 9)):
        assert svc.mark_breaches() == 1
    # No service moves a breached clock's due time into the future today (a pause gives
    # back only the paused time); a correction or an import could, and the case must
    # stay on the overdue list because the breach is on record.
    ComplaintClock.objects.filter(complaint=w.c, code="resolution").update(due_at=at(2026, 4, 30, 17))
    Complaint.objects.filter(pk=w.c.pk).update(due_at=at(2026, 4, 30, 17))
    when = at(2026, 4, 1, 10)
    assert w.c.reference in refs(wl.in_view(org.office, wl.OVERDUE, moment(when), active_pack()))
    assert w.c.reference not in refs(wl.in_view(org.office, wl.DUE_TODAY, moment(when), active_pack()))


def test_search_condition_short_and_long_chinese_queries(org, walk):
    wanted = walk(at(2026, 3, 2), cause="我昨天的委托一直未成交")
    walk(at(2026, 3, 2), subject="服务", cause="排队时间长")
    for q in ("委", "委托", "委托一直"):
        assert refs(Complaint.objects.filter(wl.search_condition(q, staff=org.office))) == {wanted.c.reference}


def test_a_two_character_word_is_found_in_subject_or_cause_in_either_case(org, walk):
    in_cause = walk(at(2026, 3, 2), cause="理财经理销售误导")
    in_subject = walk(at(2026, 3, 2), subject="理财产品亏损", cause="要求赔偿")
    latin = walk(at(2026, 3, 2), subject="ETF order", cause="my etf order failed")
    walk(at(2026, 3, 2), subject="服务", cause="排队时间长")
    assert refs(Complaint.objects.filter(wl.search_condition("理财", staff=org.office))) == {
        in_cause.c.reference, in_subject.c.reference}
    assert refs(Complaint.objects.filter(wl.search_condition("Tf", staff=org.office))) == {latin.c.reference}
    assert not refs(Complaint.objects.filter(wl.search_condition("财理", staff=org.office)))


def test_on_postgresql_two_characters_are_looked_up_in_the_bigram_index(org, walk):
    """Migration 0011's function makes the pieces the index holds; the search asks for
    the same expression, or PostgreSQL could not use the index."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the bigram index is PostgreSQL's (SQLite reads the list with LIKE)")
    with connection.cursor() as cur:
        cur.execute("SELECT redress_bigrams(%s, %s)", ["理财a", "B"])
        assert sorted(cur.fetchone()[0]) == ["理财", "财A"]  # one-character texts have no pair
        cur.execute("SELECT redress_bigrams(%s, %s)", ["ETF 基金", "an English cause"])
        assert sorted(cur.fetchone()[0]) == [" 基", "基金"]  # pairs of two ASCII characters are left out
    sql = str(Complaint.objects.filter(wl.search_condition("理财", staff=org.office)).query)
    assert 'redress_bigrams("complaints_complaint"."subject", "complaints_complaint"."cause") @>' in sql
    assert not wl.short_search(wl.Filters(q="理财")) and wl.short_search(wl.Filters(q="理"))
    assert wl.short_search(wl.Filters(q="TF"))  # two ASCII letters: not in the index, sifted


def test_a_short_query_matches_a_name_only_exactly(org, walk):
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="王五", phone="13700000000"))
    assert refs(Complaint.objects.filter(wl.search_condition("王五", staff=org.intake)))
    assert not refs(Complaint.objects.filter(wl.search_condition("王", staff=org.intake)))


def test_capped_count_stops_at_the_cap(org, walk):
    for minute in range(5):
        walk(at(2026, 3, 2, 9, minute))
    assert wl.capped_count(Complaint.objects.all(), cap=3) == 4
    assert wl.capped_count(Complaint.objects.all(), cap=10) == 5


def test_page_of_knows_the_next_page_without_counting_everything(org, walk):
    for minute in range(7):
        walk(at(2026, 3, 2, 9, minute))
    qs = wl.ordered(Complaint.objects.all(), "received")
    first = wl.page_of(qs, "received", per_page=3)
    second = wl.page_of(qs, "received", after=wl.parse_cursor(first.next_cursor, "received"), number=2, per_page=3)
    last = wl.page_of(qs, "received", after=wl.parse_cursor(second.next_cursor, "received"), number=3, per_page=3)
    assert first.has_next and not first.has_previous and first.last == 3
    assert second.has_previous and second.has_next and second.number == 2
    assert not last.has_next and len(last.rows) == 1


@pytest.fixture
def ties_and_gaps(org, walk):
    """Seven complaints: three received in the same minute (the same due time: ties the
    id must break), two paused (no due time: they sort last either way)."""
    for minute in (0, 0, 0, 5, 9):
        walk(at(2026, 3, 2, 9, minute))
    for day in (3, 4):
        w = walk(at(2026, 3, day)).assess().dispatch().accept()
        with frozen(at(2026, 3, day, 11)):
            svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="等待交割单鉴定")
    assert Complaint.objects.filter(due_at__isnull=True).count() == 2
    return Complaint.objects.all()


def pages_forward(qs, sort, per_page):
    page, pages = wl.page_of(qs, sort, per_page=per_page), []
    while True:
        pages.append([c.pk for c in page.rows])
        if not page.has_next:
            return pages, page
        page = wl.page_of(qs, sort, after=wl.parse_cursor(page.next_cursor, sort), number=page.number + 1,
                          per_page=per_page)


@pytest.mark.parametrize("sort", list(wl.SORTS))
def test_following_the_page_links_lists_every_case_once_in_order_both_ways(ties_and_gaps, sort):
    qs = ties_and_gaps
    expected = [c.pk for c in wl.ordered(qs, sort)]
    pages, last = pages_forward(qs, sort, per_page=2)
    assert [pk for p in pages for pk in p] == expected
    assert [len(p) for p in pages] == [2, 2, 2, 1] and last.number == 4

    back, page = [pages[-1]], last
    while page.has_previous:
        page = wl.page_of(qs, sort, before=wl.parse_cursor(page.previous_cursor, sort), number=page.number - 1,
                          per_page=2)
        back.insert(0, [c.pk for c in page.rows])
    assert back == pages and page.number == 1


@pytest.mark.parametrize("once", [False, True], ids=["found-then-sifted", "walked-once"])
@pytest.mark.parametrize("sort", list(wl.SORTS))
def test_a_condition_sifted_window_by_window_keeps_the_order_both_ways(ties_and_gaps, sort, once, monkeypatch):
    from django.db.models import Q

    from redress.complaints.selectors import keyset

    monkeypatch.setattr(keyset, "FIRST_WINDOW", 2)  # windows of 2, then 8 rows
    qs = ties_and_gaps
    every = [c.pk for c in wl.ordered(qs, sort)]
    sift = Q(pk__in=every[1::2] + every[-1:])  # every other row, and the last (an empty due time)
    expected = [pk for pk in every if pk in set(every[1::2] + every[-1:])]
    page, pages = wl.page_of(qs, sort, per_page=2, sift=sift, sift_once=once), []
    while True:
        pages.append([c.pk for c in page.rows])
        assert page.total is None  # a sifted list is not counted
        if not page.has_next:
            break
        page = wl.page_of(qs, sort, after=wl.parse_cursor(page.next_cursor, sort), number=page.number + 1,
                          per_page=2, sift=sift, sift_once=once)
    assert [pk for p in pages for pk in p] == expected
    back = wl.page_of(qs, sort, before=wl.parse_cursor(page.previous_cursor, sort), number=page.number - 1,
                      per_page=2, sift=sift, sift_once=once)
    assert [c.pk for c in back.rows] == pages[-2]


def test_a_sifted_window_of_a_scoped_list_is_walked_once_not_found_then_sifted(ties_and_gaps, monkeypatch):
    """Where each row's scope test costs, each window is one statement that tests the
    condition on the rows as it walks them, not a walk to find where the window ends
    and a second walk up to there."""
    from django.db import connection
    from django.db.models import Q
    from django.test.utils import CaptureQueriesContext

    from redress.complaints.selectors import keyset

    monkeypatch.setattr(keyset, "FIRST_WINDOW", 2)  # windows of 2, then 8 rows
    qs = ties_and_gaps
    every = [c.pk for c in wl.ordered(qs, "-received")]
    with CaptureQueriesContext(connection) as queries:
        page = wl.page_of(qs, "-received", per_page=2, sift=Q(pk__in=every[-3:]), sift_once=True)
    assert [c.pk for c in page.rows] == every[-3:-1] and page.has_next
    walks = [q["sql"] for q in queries.captured_queries if "complaints_complaint" in q["sql"] and "ROW_NUMBER" in q["sql"]]
    assert len(walks) == 2  # the window of 2 rows, then the one of 8 that holds the three
    assert not any("OFFSET" in q["sql"] for q in queries.captured_queries)


def test_a_walk_stopped_at_the_page_goes_on_when_a_row_is_gone_before_it_is_read(ties_and_gaps, monkeypatch):
    """The one-walk window stops at the last match the page needs; a match whose row is
    gone by the time the rows are read (left out by `rows_in_order`) leaves the page
    short, and the walk goes on after it for the next match."""
    from django.db.models import Q

    from redress.complaints.selectors import keyset

    monkeypatch.setattr(keyset, "FIRST_WINDOW", 10)  # the whole list in the first window
    qs = ties_and_gaps
    every = [c.pk for c in wl.ordered(qs, "-received")]
    gone = every[1]

    def fetch(ids):
        return Complaint.objects.filter(pk__in=ids).exclude(pk=gone)

    rows = keyset.seek(qs, wl.SORTS["-received"], None, 3, Q(pk__in=every), fetch, once=True)
    assert [c.pk for c in rows] == [every[0], every[2], every[3]]


def test_the_triage_queue_is_the_states_its_index_holds():
    """PostgreSQL walks a partial index only for a condition that implies the index's
    own: the office's triage queue reads complaint_triage_due only while its states are
    the index's."""
    from redress.complaints.models.complaint import TRIAGE_STATES
    from redress.complaints.selectors import needs_me

    assert TRIAGE_STATES == needs_me.waiting_states(*needs_me.TRIAGE_STEPS)
    index = next(i for i in Complaint._meta.indexes if i.name == "complaint_triage_due")
    assert index.condition.children == [("state__in", TRIAGE_STATES)]


def test_a_page_back_that_comes_short_shows_the_first_page(ties_and_gaps):
    qs = ties_and_gaps
    first = wl.page_of(qs, "due", per_page=3)
    second_row = wl.parse_cursor(wl.page_of(qs, "due", per_page=1).next_cursor, "due")
    back = wl.page_of(qs, "due", before=second_row, number=5, per_page=3)  # only one row before it
    assert [c.pk for c in back.rows] == [c.pk for c in first.rows] and back.number == 1 and not back.has_previous


@pytest.mark.parametrize("token,sort", [("nonsense", "due"), ("2026-13-40T00:00:00~3", "received"),
                                        ("~3", "received"), ("x~y", "reference")])
def test_a_position_that_is_not_one_of_the_sort_is_refused(token, sort):
    with pytest.raises(ValueError, match="not a list position"):
        wl.parse_cursor(token, sort)


def test_free_text_counts_stop_at_a_hundred(org):
    assert wl.count_cap(wl.Filters(q="理财")) == wl.SEARCH_COUNT_CAP == 100
    assert wl.count_cap(wl.Filters(state="investigating")) == wl.COUNT_CAP


def test_date_filters_use_the_institutions_day(org, walk):
    evening = walk(at(2026, 3, 2, 23, 30))  # 15:30 UTC: still 2 March in Shanghai
    walk(at(2026, 3, 3, 0, 30))
    qs = wl.apply_filters(Complaint.objects.all(), wl.Filters(received_from=date(2026, 3, 2),
                                                              received_to=date(2026, 3, 2)),
                          staff=org.office, tz=calendar_for(active_pack()).tz)
    assert refs(qs) == {evening.c.reference}


def test_unknown_view_or_sort_is_a_programming_error(org):
    with pytest.raises(ValueError, match="unknown worklist view"):
        wl.in_view(org.office, "late", moment(at(2026, 3, 2)), active_pack())
    with pytest.raises(ValueError, match="unknown sort"):
        wl.ordered(Complaint.objects.all(), "severity")


def test_default_views_by_role(org):
    pack = active_pack()
    assert [wl.default_view(getattr(org, who), pack) for who in
            ("intake", "handler", "dept_head", "office", "cro", "callback", "auditor")] == [
        "needs_me", "needs_me", "needs_me", "needs_me", "needs_me", "needs_me", "open"]


@pytest.mark.parametrize("sifted", [True, False])
def test_a_surname_is_probed_on_the_customers_row_when_sifted_and_joined_otherwise(org, walk, sifted):
    """Sifted, a join cost 10-20 ms of planning a window; in a whole query, the join
    lets PostgreSQL guess how many names match (a probe is guessed at half the rows)."""
    wanted = walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧文", phone="13912345670"))
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="王欧", phone="13912345671"))
    found = Complaint.objects.filter(wl.search_condition("欧", staff=org.intake, narrowed=True, sifted=sifted))
    assert refs(found) == {wanted.c.reference}
    assert ("JOIN" in str(found.query)) is not sifted


@pytest.mark.parametrize("cap", [3, 100])
def test_a_surname_beside_a_word_is_paged_and_counted_from_one_walk(org, walk, cap, monkeypatch):
    """Few complaints hold both, so the page and its count read the same matches: read
    once, in order, up to the cap (each apart re-read every complaint with the word)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(wl, "SEARCH_COUNT_CAP", cap)
    wanted = [walk(at(2026, 3, day), customer=svc.CustomerInput(name=f"欧{name}", phone=f"1391234567{day}"),
                   subject="开户问题", cause="开户资料被退回").c.pk for day, name in ((2, "文"), (3, "娜"), (4, "强"), (5, "丽"))]
    walk(at(2026, 3, 6), customer=svc.CustomerInput(name="王欧", phone="13912345660"), subject="开户问题",
         cause="开户资料被退回")
    filters = wl.Filters(q="欧 开户资料")  # four characters: searched by index on both databases
    assert wl.surname_beside_words(filters) and not wl.surname_beside_words(wl.Filters(q="开户资料"))
    with CaptureQueriesContext(connection) as queries:
        page = wl.worklist_page(org.office, wl.ALL, at=moment(at(2026, 3, 9)), pack=active_pack(), filters=filters,
                                sort="-received", per_page=2)
    assert [c.pk for c in page.rows] == wanted[::-1][:2] and page.has_next
    assert page.total == min(len(wanted), cap + 1)
    assert not any("COUNT(" in q["sql"] for q in queries.captured_queries)


@pytest.mark.parametrize("few", [0, 4, 5])  # walked, walked (one more than few), read first
def test_a_search_reads_the_same_pages_whether_its_matches_are_read_first_or_walked(org, walk, few, monkeypatch):
    """A search reads up to FEW_MATCHES matches before its page (a phrase in few
    complaints, all of them old, is then sorted from those, not found by walking the
    newest complaints); more, and it walks its list in order as before. The pages, their
    order, their cursors and the count are the same either way."""
    monkeypatch.setattr(wl, "FEW_MATCHES", few)
    monkeypatch.setattr(wl, "SEARCH_COUNT_CAP", 2)
    matching = [walk(at(2026, 3, day), subject="失联问题", cause="我没有失联,请核实").c.pk for day in (2, 2, 3, 4, 5)]
    walk(at(2026, 3, 6), subject="开户问题", cause="开户资料被退回")  # newer, and not found
    filters, shown = wl.Filters(q="我没有失联"), []
    page = wl.worklist_page(org.office, wl.ALL, at=moment(at(2026, 3, 9)), pack=active_pack(), filters=filters,
                            sort="-received", per_page=2)
    while True:
        shown += [c.pk for c in page.rows]
        assert page.total == 3  # the cap (2) + 1: "more than 2"
        if not page.has_next:
            break
        page = wl.worklist_page(org.office, wl.ALL, at=moment(at(2026, 3, 9)), pack=active_pack(), filters=filters,
                                sort="-received", per_page=2, after=wl.parse_cursor(page.next_cursor, "-received"),
                                number=page.number + 1)
    newest_first = sorted(matching, key=lambda pk: (Complaint.objects.get(pk=pk).received_at, pk), reverse=True)
    assert shown == newest_first
    monkeypatch.setattr(wl, "SEARCH_COUNT_CAP", 100)
    assert wl.worklist_page(org.office, wl.ALL, at=moment(at(2026, 3, 9)), pack=active_pack(),
                            filters=filters).total == len(matching)


def test_on_postgresql_the_words_searched_for_are_sampled_at_300_values(db):
    """Migration 0042: at the default 100, PostgreSQL's guess of a common word's matches
    fell to a few hundred on some ANALYZEs, and it sorted 30,000 rows for a page."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no planner statistics to set")
    with connection.cursor() as cur:
        cur.execute("SELECT attrelid::regclass::text, attstattarget FROM pg_attribute "
                    "WHERE attrelid IN ('complaint_subject_trgm'::regclass, 'complaint_cause_trgm'::regclass)")
        assert dict(cur.fetchall()) == {"complaint_subject_trgm": 300, "complaint_cause_trgm": 300}


def test_on_postgresql_a_surnames_customers_are_read_from_the_name_prefix_index(db):
    """Migration 0043: a sifted surname search tests each complaint's customer against
    the surname's customers, read once from this index (not probed row by row)."""
    from django.db import connection

    from redress.complaints.models import Customer

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no varchar_pattern_ops")
    surname = Customer.objects.filter(name__startswith="崔").values("pk")
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")  # a test database is too small for the index to pay
        sql, params = surname.query.sql_with_params()
        cur.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cur.fetchall())
    assert "Index Only Scan using customer_name_prefix" in plan


def test_a_short_search_walks_each_window_once_only_for_someone_with_a_scope(org, walk, monkeypatch):
    """A handler's list tests the unit's work orders on every row; the office's and the
    callback desk's closed cases carry no scope, and there the second walk stops at the page."""
    from redress.complaints.selectors import keyset

    seen = []
    real = keyset.seek
    monkeypatch.setattr(wl, "seek", lambda *a, once=False, **kw: seen.append(once) or real(*a, once=once, **kw))
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧文", phone="13912345670")).to_awaiting_callback().callback()
    for who in ("handler", "office", "callback"):
        wl.worklist_page(getattr(org, who), wl.ALL, at=moment(at(2026, 3, 9)), pack=active_pack(),
                         filters=wl.Filters(q="欧", state="closed"), sort="-received")
    assert seen == [True, False, False]
