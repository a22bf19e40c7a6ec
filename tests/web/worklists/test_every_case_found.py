"""Every case can be found (issue 12, item 1): closed, archived, deemed-closed, withdrawn
and redirected complaints are listed and searched like open ones, by a piece of the
reference, by a phone number however it is written, by a surname with another
criterion and by the words of the complaint; within the viewer's scope, and never by a
piece of someone's phone number."""

from __future__ import annotations

import pytest

from redress.complaints import services as svc
from redress.complaints.lifecycle import OPEN, TERMINAL, State
from redress.complaints.models import Complaint
from redress.complaints.timesource import frozen
from tests.conftest import at
from tests.reports.conftest import fill_book
from tests.web.worklists.test_views import refs

LATER = at(2026, 9, 10)  # after everything in the book happened


@pytest.fixture
def book(org, walk) -> dict[str, Complaint]:
    return fill_book(org, walk)


def listed(client, query: str) -> set[str]:
    with frozen(LATER):
        response = client.get(f"/cases/?{query}")
    assert response.status_code == 200, response.status_code
    return refs(response)


def test_the_state_filter_lists_closed_cases(book, signed_in):
    """The reproduction: /cases/?view=open&state=closed said 共 0 件."""
    office = signed_in("office")
    for state in TERMINAL:
        in_state = {c.reference for c in Complaint.objects.filter(state=state)}
        assert book[state].reference in in_state
        assert listed(office, f"view=open&state={state}") == in_state, state


def test_all_cases_lists_every_state(book, signed_in):
    everything = {c.reference for c in Complaint.objects.all()}
    assert len(everything) <= 25  # one page
    assert {State(c.state) for c in book.values()} >= TERMINAL
    assert listed(signed_in("office"), "view=all") == everything


def test_mine_with_a_state_filter_lists_my_closed_cases(book, signed_in):
    """Intake owns the cases it took in: its "Mine" in state closed holds the closed one."""
    mine = {c.reference for c in Complaint.objects.filter(state=State.CLOSED, owner__username="intake")}
    assert book[State.CLOSED].reference in mine
    assert listed(signed_in("intake"), "view=mine&state=closed") == mine


def test_a_search_finds_the_words_of_a_closed_case(org, walk, signed_in):
    closed = walk(at(2026, 3, 2), subject="理财产品赎回延迟", cause="理财产品赎回资金三天未到账")
    closed.to_awaiting_callback().callback(satisfied=True)
    walk(at(2026, 3, 3), subject="服务态度", cause="营业部现场排队时间长")
    closed.c.refresh_from_db()
    assert closed.c.state == State.CLOSED
    for who in ("office", "intake", "handler"):  # each from their own default view
        assert listed(signed_in(who), "q=理财产品赎回") == {closed.c.reference}, who
    assert listed(signed_in("office"), "view=overdue&q=理财产品赎回") == {closed.c.reference}


def test_a_partial_reference_finds_the_case_in_any_state(book, signed_in):
    archived = book[State.ARCHIVED]
    number = archived.reference.rsplit("-", 1)[1]  # 000011 of TS-2026-000011
    office = signed_in("office")
    assert listed(office, f"q={number}") == {archived.reference}
    assert listed(office, f"q={archived.reference[-9:]}") == {archived.reference}  # 2026-000011


def test_the_full_reference_of_a_closed_case_opens_it(book, signed_in):
    with frozen(LATER):
        response = signed_in("intake").get(f"/cases/?q={book[State.WITHDRAWN].reference}")
    assert response.status_code == 302


PHONE_SPELLINGS = ["13912345678", "139 1234 5678", "139-1234-5678", "+86 139 1234 5678", "+86-13912345678",
                   "8613912345678", "0086 139 1234 5678", "(+86) 139.1234.5678", "１３９１２３４５６７８"]


@pytest.mark.parametrize("stored", ["13912345678", "+86 139-1234-5678", "139 1234 5678"])
def test_a_phone_number_is_found_however_it_is_written(org, walk, signed_in, stored):
    wanted = walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone=stored))
    wanted.to_awaiting_callback().callback(satisfied=True)
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="李四", phone="13912345679"))
    client = signed_in("intake")
    for typed in PHONE_SPELLINGS:
        assert listed(client, f"q={typed.replace('+', '%2B')}") == {wanted.c.reference}, typed


def test_a_landline_is_found_with_or_without_its_area_codes_zero(org, walk, signed_in):
    wanted = walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone="020-8765 4321"))
    client = signed_in("intake")
    for typed in ("02087654321", "020 87654321", "+86 20 8765 4321"):
        assert listed(client, f"q={typed.replace('+', '%2B')}") == {wanted.c.reference}, typed


def test_a_piece_of_a_phone_number_finds_nothing(org, walk, signed_in):
    """Issue 14: digits typed one at a time must not walk a number out of the search."""
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone="13912345678"))
    client = signed_in("intake")
    for piece in ("139", "1391234", "12345678", "1391234567", "139123456789"):
        assert listed(client, f"q={piece}") == set(), piece


def test_a_surname_with_another_criterion_finds_the_customers_cases(org, walk, signed_in):
    ouyang = walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone="13912345678"))
    ouyang.to_awaiting_callback().callback(satisfied=True)
    ou = walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧文", phone="13912345670"),
              subject="开户问题", cause="开户资料被退回")
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="王欧", phone="13912345671"))
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="王五", phone="13912345672"))
    client = signed_in("intake")
    assert listed(client, "q=欧&state=closed") == {ouyang.c.reference}
    assert listed(client, "view=all&q=欧&received_from=2026-03-01") == {ouyang.c.reference, ou.c.reference}
    assert listed(client, "q=欧 开户") == {ou.c.reference}  # the surname and a word of the complaint


def test_a_surname_alone_is_not_enough_and_the_page_says_so(org, walk, signed_in):
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧文", phone="13912345670"))
    with frozen(LATER):
        response = signed_in("intake", "en").get("/cases/?q=欧")
    assert refs(response) == set()
    assert "add another criterion" in response.content.decode()


def test_who_sees_masked_data_finds_no_case_by_phone_or_surname(org, walk, signed_in):
    walk(at(2026, 3, 2), customer=svc.CustomerInput(name="欧阳娜娜", phone="13912345678"))
    auditor = signed_in("auditor")
    assert listed(auditor, "q=13912345678") == set()
    assert listed(auditor, "q=欧&received_from=2026-03-01") == set()
    assert len(listed(auditor, "view=all")) == 1


def test_a_search_never_reaches_another_units_closed_case(book, signed_in):
    """The Yuexiu case is invisible to Tianhe's handler whatever is typed."""
    other = book["other_branch"]
    handler = signed_in("handler")
    for q in ("Order not filled", "13900139000", other.reference.rsplit("-", 1)[1], "John"):
        assert other.reference not in listed(handler, f"view=all&q={q}"), q
    assert other.reference in listed(signed_in("office"), "view=all&q=Order not filled")


def test_critical_and_economic_dispute_filters(book, signed_in):
    office = signed_in("office")
    critical = {c.reference for c in Complaint.objects.exclude(critical_flags=[])}
    disputes = {c.reference for c in Complaint.objects.filter(is_economic_dispute=True)}
    assert critical and disputes  # the book has both
    assert listed(office, "view=all&critical=yes") == critical
    assert listed(office, "view=all&economic_dispute=yes") == disputes
    everything = {c.reference for c in Complaint.objects.all()}
    assert listed(office, "view=all&critical=no") == everything - critical
    open_critical = {c.reference for c in Complaint.objects.exclude(critical_flags=[])
                     .filter(state__in=[s.value for s in OPEN])}
    assert listed(office, "view=open&critical=yes") == open_critical


def test_all_cases_is_a_tab_for_everyone(org, signed_in):
    for who in ("intake", "handler", "dept_head", "office", "callback", "auditor"):
        with frozen(LATER):
            html = signed_in(who).get("/cases/").content.decode()
        assert 'data-view="all"' in html, who
