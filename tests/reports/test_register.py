"""The complaint register (投诉台账, 001 第七、二十四、二十五条): every complaint in any
state, in the viewer's scope, with the handling, result, accountability and callback,
filtered, paged by cursor."""

from __future__ import annotations

import pytest

from redress.complaints.lifecycle import State
from redress.complaints.models import Accountability, Complaint, ComplaintLink
from redress.complaints.selectors import worklists
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.reports import columns
from redress.reports import register as reg
from redress.reports.rows import build
from tests.conftest import SH, at
from tests.reports.conftest import READ_AT

TZ = SH  # the pack's time zone


def listed(staff, filters: reg.Filters | None = None) -> list[str]:
    filters = filters or reg.Filters()
    return [c.reference for batch in reg.batches(staff, filters, now=READ_AT, tz=TZ) for c in batch]


def context(personal=False) -> columns.Context:
    pack = active_pack()
    return columns.Context(pack=pack, language="en", cal=calendar_for(pack), now=READ_AT, personal=personal)


def test_the_register_lists_every_state_to_the_complaints_office(org, book):
    refs = listed(org.office)
    assert set(refs) == {c.reference for c in book.values()}
    states = set(Complaint.objects.filter(reference__in=refs).values_list("state", flat=True))
    assert states == {s.value for s in State}


def test_the_register_is_newest_first(org, book):
    received = [c.received_at for c in Complaint.objects.order_by("-received_at", "-pk")]
    assert [c.received_at for batch in reg.batches(org.office, now=READ_AT, tz=TZ) for c in batch] == received


def test_a_branch_handler_does_not_see_another_branchs_cases(org, book):
    mine = listed(org.handler)
    assert book[State.INVESTIGATING].reference in mine
    assert book["other_branch"].reference not in mine
    assert book["other_branch"].reference in listed(org.office)
    assert book["other_branch"].reference not in listed(org.dept_head)


def test_pages_follow_each_other_without_gap_or_repeat(org, book):
    seen, after, number = [], None, 1
    while True:
        page = reg.page(org.office, now=READ_AT, tz=TZ, after=after, number=number, per_page=4)
        seen += [c.reference for c in page.rows]
        if not page.has_next:
            break
        after, number = reg.parse_cursor(page.next_cursor, reg.Filters()), number + 1
    assert seen == listed(org.office)
    assert page.total == len(seen)


def test_milestones_come_from_the_handling_rows(org, book):
    row = build([book[State.CLOSED]])[0]
    m, c = row.milestones, book[State.CLOSED]
    assert m.registered == c.registered_at
    assert m.dispatched == c.assignments.get().assigned_at
    assert m.accepted == c.assignments.get().accepted_at
    assert m.approved == c.proposals.get().decided_at
    assert m.result_told == c.communications.get(kind="result").at
    assert m.callback == c.callbacks.get().at
    values = dict(zip([col.key for col in columns.COLUMNS], columns.texts(row, context()), strict=True))
    assert values["callback_result"] == "satisfied"
    assert values["timeliness"] == "on time"
    assert values["result"] == "解释委托规则并致歉"


def test_remedies_accountability_and_recomplaints_are_in_their_columns(org, book):
    rows = {r.c.pk: r for r in build(list(Complaint.objects.select_related("customer", "handler", "responsible_unit")))}
    ctx = context()
    keys = [col.key for col in columns.COLUMNS]

    def of(name):
        return dict(zip(keys, columns.texts(rows[book[name].pk], ctx), strict=True))

    pending = of(State.REMEDY_PENDING)
    assert pending["compensation"] == "200.00"
    assert pending["remedies"] == "payment 200.00 (not yet done)"
    assert pending["remedies_executed_at"] == ""
    archived = of(State.ARCHIVED)
    assert archived["accountability"] == "training: handler2"
    assert of("recomplaint")["recomplaint_of"] == book["recomplained"].reference
    assert of("recomplained")["recomplained_in"] == book["recomplaint"].reference
    assert of(State.FOLLOW_UP)["callback_result"] == "not satisfied"
    assert of(State.INVESTIGATING)["products"] == "融资融券"
    assert of(State.INVESTIGATING)["timeliness"] == "late"  # still open in September
    assert of(State.REDIRECTED)["result"].startswith("Redirected to")


def test_working_days_count_on_the_institutions_calendar(org, book):
    row = build([book[State.WITHDRAWN]])[0]
    # Received Wednesday 11 March, withdrawn Thursday 12 March: one working day.
    assert columns._working_days(row, context()) == 1


def test_complainants_are_masked_unless_the_export_may_show_them(org, book):
    row = build([Complaint.objects.select_related("customer").get(pk=book[State.CLOSED].pk)])[0]
    masked = dict(zip([c.key for c in columns.COLUMNS], columns.texts(row, context()), strict=True))
    full = dict(zip([c.key for c in columns.COLUMNS], columns.texts(row, context(personal=True)), strict=True))
    assert masked["complainant"] == "张*" and masked["phone"] == "138****8000"
    assert full["complainant"] == "张三" and full["phone"] == "13800138000"


# ---- each filter narrows to what it names -------------------------------------------------

def _all_rows():
    return build(list(Complaint.objects.select_related("customer", "handler", "responsible_unit")))


FILTERS = {
    "state": (reg.Filters(state=State.FOLLOW_UP), lambda r: r.c.state == State.FOLLOW_UP),
    "category": (reg.Filters(category="trading_assets"), lambda r: r.c.category == "trading_assets"),
    "channel": (reg.Filters(channel="walk_in"), lambda r: r.c.channel == "walk_in"),
    "severity": (reg.Filters(severity="high"), lambda r: r.c.severity == "high"),
    "critical": (reg.Filters(critical=reg.YES), lambda r: bool(r.c.critical_flags)),
    "not critical": (reg.Filters(critical=reg.NO), lambda r: not r.c.critical_flags),
    "economic dispute": (reg.Filters(economic_dispute=reg.YES), lambda r: r.c.is_economic_dispute),
    "late": (reg.Filters(late=reg.YES), lambda r: r.late(READ_AT)),
    "not late": (reg.Filters(late=reg.NO), lambda r: not r.late(READ_AT)),
    "re-complaint": (reg.Filters(recomplaint=reg.YES), lambda r: bool(r.recomplaint_of or r.recomplained_in)),
    "product": (reg.Filters(product="融资"), lambda r: any("融资" in p for p in r.products)),
    "received in a period": (reg.Filters(date_from=__import__("datetime").date(2026, 3, 4),
                                         date_to=__import__("datetime").date(2026, 3, 9)),
                             lambda r: "2026-03-04" <= r.c.received_at.astimezone(TZ).date().isoformat() <= "2026-03-09"),
    "closed in a period": (reg.Filters(period=reg.CLOSED, date_from=__import__("datetime").date(2026, 3, 1),
                                       date_to=__import__("datetime").date(2026, 3, 31)),
                           lambda r: r.c.closed_at is not None
                           and r.c.closed_at.astimezone(TZ).strftime("%Y-%m") == "2026-03"),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_narrows_to_the_rows_it_names(org, book, name):
    filters, wanted = FILTERS[name]
    expected = {r.c.reference for r in _all_rows() if wanted(r)}
    got = listed(org.office, filters)
    assert expected, f"the book has no case for the filter {name}: the test would prove nothing"
    assert expected != {c.reference for c in book.values()}, f"{name} keeps every case"
    assert set(got) == expected and len(got) == len(expected)


@pytest.mark.parametrize("up_to", [0, 1, reg.IDS_LISTED_UP_TO])
def test_a_product_filter_lists_the_same_rows_for_a_rare_product_and_a_common_one(org, book, monkeypatch, up_to):
    """Few matching products become an id list, many a probe per row: the same rows."""
    monkeypatch.setattr(reg, "IDS_LISTED_UP_TO", up_to)
    for text in ("融资", "融资融券", "没有这个产品"):
        expected = [r.c.reference for r in sorted(_all_rows(), key=lambda r: (r.c.received_at, r.c.pk), reverse=True)
                    if any(text in p for p in r.products)]
        assert listed(org.office, reg.Filters(product=text)) == expected, text
    assert listed(org.office, reg.Filters(product="融资")), "the book has no product case: the test proves nothing"


@pytest.mark.parametrize("up_to", [0, 2, reg.IDS_LISTED_UP_TO])  # (two ids a link)
def test_the_recomplaint_filter_lists_the_same_rows_whether_the_links_are_few_or_many(org, book, monkeypatch, up_to):
    """Few re-complaint links become an id list, many two hashed subqueries: the same
    rows, both ways round (the re-complaint and the case complained about again)."""
    monkeypatch.setattr(reg, "IDS_LISTED_UP_TO", up_to)
    newest_first = sorted(_all_rows(), key=lambda r: (r.c.received_at, r.c.pk), reverse=True)
    linked = [r.c.reference for r in newest_first if r.recomplaint_of or r.recomplained_in]
    assert listed(org.office, reg.Filters(recomplaint=reg.YES)) == linked
    assert set(listed(org.office, reg.Filters(recomplaint=reg.NO))) == {
        r.c.reference for r in newest_first} - set(linked)
    assert {book["recomplaint"].reference, book["recomplained"].reference} <= set(linked)


@pytest.mark.parametrize("up_to", [0, 1, reg.IDS_LISTED_UP_TO])
def test_accountability_and_payment_filters_list_the_same_rows_whether_few_or_many(org, book, monkeypatch, up_to):
    """Up to IDS_LISTED_UP_TO complaints the filter is their ids as one array; beyond, an
    IN hashed down the receipt order: the same rows either way, newest first."""
    monkeypatch.setattr(reg, "IDS_LISTED_UP_TO", up_to)
    newest_first = [r.c for r in sorted(_all_rows(), key=lambda r: (r.c.received_at, r.c.pk), reverse=True)]
    held = set(Accountability.objects.values_list("complaint_id", flat=True))
    trained = set(Accountability.objects.filter(action="training").values_list("complaint_id", flat=True))
    paid = set(reg.paid_remedies().values_list("complaint_id", flat=True))
    assert trained, "the book has no accountability: the test would prove nothing"
    for filters, ids in ((reg.Filters(accountability=reg.ANY), held), (reg.Filters(accountability="training"), trained),
                         (reg.Filters(compensated=reg.YES), paid)):
        assert listed(org.office, filters) == [c.reference for c in newest_first if c.pk in ids], filters
    assert listed(org.office, reg.Filters(compensated=reg.NO)) == [c.reference for c in newest_first if c.pk not in paid]


def test_with_no_recomplaint_at_all_the_filter_lists_nothing_and_its_opposite_everything(org, walk):
    """No re-complaint link: the condition is an empty list of ids (at a million complaints
    the subqueries made PostgreSQL walk every case to find none)."""
    refs = {walk(at(2026, 3, 2, 9)).c.reference, walk(at(2026, 3, 3, 9)).c.reference}
    assert not ComplaintLink.objects.exists()
    assert listed(org.office, reg.Filters(recomplaint=reg.YES)) == []
    assert set(listed(org.office, reg.Filters(recomplaint=reg.NO))) == refs


def test_the_unit_filter_takes_the_units_under_it(org, book):
    everything = _all_rows()
    assert set(listed(org.office, reg.Filters(unit=org.branch.pk))) == {
        r.c.reference for r in everything if r.c.responsible_unit_id == org.branch.pk}
    under_hq = {r.c.reference for r in everything if r.c.responsible_unit_id in (org.branch.pk, org.branch2.pk)}
    assert set(listed(org.office, reg.Filters(unit=org.hq.pk))) == under_hq
    assert book["other_branch"].reference in under_hq


# ---- the first page and its count are one walk ----------------------------------------

PAGED = {"everything": reg.Filters(), "late": reg.Filters(late=reg.YES),
         "accountability": reg.Filters(accountability=reg.ANY), "re-complaint": reg.Filters(recomplaint=reg.YES),
         "closed in a period": reg.Filters(period=reg.CLOSED)}


def _first_page(staff, filters):
    page = reg.page(staff, filters, now=READ_AT, tz=TZ, per_page=2)
    return [c.reference for c in page.rows], page.total, page.has_next, page.next_cursor


@pytest.mark.parametrize("cap", [3, 200])
@pytest.mark.parametrize("name", PAGED)
def test_the_first_page_is_the_start_of_the_list_and_its_count_stops_at_the_cap(org, book, monkeypatch, name, cap):
    """The first page and its count read the first cap + 1 ids in one walk: the page is
    the list's first rows, the count the list's length up to one past the cap, the next
    page follows on, and all of it as when the count was a second query."""
    monkeypatch.setattr(reg, "COUNT_CAP", cap)
    filters = PAGED[name]
    for staff in (org.office, org.handler):
        everything = listed(staff, filters)
        refs, total, has_next, cursor = one_walk = _first_page(staff, filters)
        assert refs == everything[:2]
        assert total == min(len(everything), cap + 1)
        assert has_next == (len(everything) > 2)
        if has_next:
            after = reg.parse_cursor(cursor, filters)
            following = reg.page(staff, filters, now=READ_AT, tz=TZ, after=after, number=2, per_page=2)
            assert [c.reference for c in following.rows] == everything[2:4]
        with monkeypatch.context() as m:
            m.setattr(worklists, "COUNT_READ_UP_TO", 0)  # the count as its own query
            assert _first_page(staff, filters) == one_walk
    assert listed(org.office, filters), f"{name}: the book has no such case, the test would prove nothing"


def test_a_closing_period_lists_newest_closed_first(org, book):
    refs = listed(org.office, reg.Filters(period=reg.CLOSED))
    closed = list(Complaint.objects.filter(closed_at__isnull=False).order_by("-closed_at", "-pk")
                  .values_list("reference", flat=True))
    assert refs == closed


def test_a_page_reads_a_fixed_number_of_queries_however_many_rows(org, book, django_assert_max_num_queries):
    with frozen(READ_AT):
        complaints = list(Complaint.objects.select_related("customer", "handler", "owner", "responsible_unit", "branch"))
    ctx = context()
    assert len(complaints) > 20
    for some in (complaints, complaints[:2]):
        with django_assert_max_num_queries(13):  # one per table the columns read
            for row in build(some):
                columns.texts(row, ctx)


def test_paused_time_and_reports_to_authorities_are_in_the_register(org, walk):
    # 001 第二十五条 asks for the handling process: a pause stands in the register with
    # its length, and a report owed to the police with when it was made and its receipt.
    from redress.complaints import services as svc
    from tests.conftest import at

    paused = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 3)):
        svc.pause_clocks(paused.c, actor=org.handler, reason_code="external_appraisal", note="送交鉴定")
    with frozen(at(2026, 3, 5)):
        svc.resume_clocks(paused.c, actor=org.handler)
    stolen = walk(at(2026, 3, 2)).assess(category="stolen_funds", severity="major")
    police = stolen.c.authority_reports.get(authority="police")
    with frozen(at(2026, 3, 2, 11)):
        svc.authority_report_record(stolen.c, actor=org.office, report_id=police.pk, reported_at=at(2026, 3, 2, 10, 30),
                                    how="phone", receipt="110-0042")
    rows = {r.c.reference: columns.values(r, context()) for r in build(
        list(Complaint.objects.filter(pk__in=[paused.c.pk, stolen.c.pk])))}
    keys = [column.key for column in columns.COLUMNS]
    assert rows[paused.c.reference][keys.index("paused")] == "2 working days"
    assert rows[stolen.c.reference][keys.index("paused")] == ""
    reports = rows[stolen.c.reference][keys.index("authority_reports")]
    assert "Police (public security bureau): made 2026-03-02 10:30, receipt 110-0042" in reports
    assert "Local CSRC office (securities regulatory bureau): open, overdue since 2026-03-03 17:00" in reports
