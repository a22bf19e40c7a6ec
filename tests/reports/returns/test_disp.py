"""The DISP 1.10 complaints return (uk-fca), 2026-H1: complaints opened and closed by
product group and cause, the share closed within 3 business days (England & Wales bank
holidays) and within 8 weeks, the share upheld, the redress paid. Every cell against a
count written plainly over the rows with its own list of bank holidays, and the whole
return against a file reviewed by hand (expected/README.md)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from redress.complaints import services as svc
from redress.complaints.models import Complaint, ComplaintClock, ComplaintParty, Remedy
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.reports.returns.produce import return_produce
from tests.conftest import Walk, complaint_input

LDN = ZoneInfo("Europe/London")
EXPECTED = Path(__file__).parent / "expected"
H1 = (date(2026, 1, 1), date(2026, 7, 1))
# England & Wales bank holidays (gov.uk), written out here, not read from the calendar library.
HOLIDAYS = {date(2025, 12, 25), date(2025, 12, 26), date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6),
            date(2026, 5, 4), date(2026, 5, 25), date(2026, 8, 31), date(2026, 12, 25), date(2026, 12, 28)}
# The FCA's product groups and causes for the products and categories used below, written
# out again rather than read from the pack's mapping.
GROUP = {"Current accounts": "banking", "credit_cards": "banking", "Overdrafts": "banking",
         "Packaged bank accounts": "banking", "Mortgages": "home_finance", "Motor and transport": "insurance",
         "Travel": "insurance", "Investment ISAs": "investments", "Annuities": "pensions",
         "Personal pensions": "pensions"}
CAUSE = {"advising_selling_arranging": "advising", "terms_disputed_sums": "terms", "general_admin": "admin",
         "service_delay": "admin", "admin_error": "admin", "arrears_related": "arrears", "other": "other"}
UPHELD = ("institution", "shared")


def london(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LDN)


@pytest.fixture(autouse=True)
def uk_fca(settings):
    settings.REDRESS_POLICY = "uk-fca"


def _customer():
    return svc.CustomerInput(name="Jane Smith", phone="07911 123456", email="jane@example.co.uk", language="en")


def _open(org, received, product, category=None, channel="email") -> Walk:
    parties = [svc.PartyInput(kind="product", product=product)] if product else []
    w = Walk(org, received, customer=_customer(), currency="GBP", channel=channel, parties=parties,
             subject="Complaint", cause="Not as agreed.")
    if category:
        w.assess(category=category, severity="medium").dispatch().accept()
    return w


def _final_response(org, w: Walk, told, responsibility="customer", redress=None) -> Complaint:
    """Proposed, approved and the final response sent at `told` (with a payment, made then)."""
    remedies = [svc.RemedyInput(kind="payment", description="Refund", amount=redress,
                                due_date=told.date())] if redress else None
    with frozen(told - timedelta(hours=2)):
        svc.resolution_propose(w.c, actor=org.handler, summary="Reviewed", facts="As the customer said",
                               responsibility=responsibility, compensation=redress, remedies=remedies)
        svc.resolution_decide(w.c, actor=org.cro if redress else org.office, approve=True)
    w.when = told
    w.communicate()
    if redress:
        with frozen(told + timedelta(minutes=30)):
            svc.remedy_execute(w.c, actor=org.office, remedy_id=Remedy.objects.get(complaint=w.c).pk, note="Paid")
    w.c.refresh_from_db()
    return w.c


@pytest.fixture
def half_year(org) -> dict[str, Complaint]:
    made: dict[str, Complaint] = {}
    # Thu 2 April, before Good Friday and Easter Monday: the third business day after is
    # Thu 9 April (a count of weekdays alone would say Tue 7). Upheld, £50 paid.
    made["easter_in"] = _final_response(org, _open(org, london(2026, 4, 2, 15), "Current accounts", "service_delay"),
                                         london(2026, 4, 9, 16), responsibility="institution", redress="50")
    # The same day, answered on Fri 10 April: a business day late for the 3-day figure.
    made["easter_out"] = _final_response(org, _open(org, london(2026, 4, 2, 15), "credit_cards",
                                                    "terms_disputed_sums"), london(2026, 4, 10, 11))
    # Fri 22 May, over the spring bank holiday (Mon 25): the third business day is Thu 28.
    made["spring"] = _final_response(org, _open(org, london(2026, 5, 22), "Travel", "terms_disputed_sums"),
                                     london(2026, 5, 28, 12), responsibility="institution")
    # Eight weeks: 2 January to 27 February is 56 days (on time); to 28 February, 57 (late).
    made["eight_weeks"] = _final_response(org, _open(org, london(2026, 1, 2), "Mortgages",
                                                     "advising_selling_arranging"),
                                          london(2026, 2, 27, 9), responsibility="shared", redress="1200")
    made["eight_weeks_late"] = _final_response(org, _open(org, london(2026, 1, 2), "Motor and transport",
                                                          "general_admin"), london(2026, 2, 28, 11),
                                               responsibility="none")
    # Received in 2025-H2 (New Year's Eve), answered Mon 5 January: closed in H1, not opened in it.
    made["from_h2"] = _final_response(org, _open(org, london(2025, 12, 31, 16), "Overdrafts", "arrears_related"),
                                      london(2026, 1, 5, 10), responsibility="institution")
    # Received on the half-year's last evening (22:30 UTC), open at its end.
    made["last_evening"] = _open(org, london(2026, 6, 30, 23, 30), "Investment ISAs", "other").c
    # Received half an hour into 1 July in London (still 30 June in UTC): H2.
    made["july"] = _open(org, london(2026, 7, 1, 0, 30), "Personal pensions", "other").c
    # Opened in June, answered on 1 July: opened in H1, closed in H2.
    made["into_h2"] = _final_response(org, _open(org, london(2026, 6, 22), "Annuities", "advising_selling_arranging"),
                                      london(2026, 7, 1, 10))
    # A summary resolution (DISP 1.5) on the third business day, before it was categorised:
    # its cause cannot be mapped and is warned about.
    with frozen(london(2026, 6, 1, 9)):
        c = svc.complaint_receive(actor=org.intake, register=False, data=complaint_input(
            customer=_customer(), currency="GBP", parties=[svc.PartyInput(kind="product",
                                                                          product="Packaged bank accounts")]))
    with frozen(london(2026, 6, 4, 17)):
        svc.resolve_on_spot(c, actor=org.intake, resolution="Refunded the duplicate fee.")
    made["summary"] = c
    # No product named, and a product the pack's tree lacks: both warned about.
    made["no_product"] = _open(org, london(2026, 3, 10), None, "admin_error", channel="phone").c
    made["unknown_product"] = _open(org, london(2026, 3, 11), "Crypto wallet", "other").c
    for complaint in made.values():
        complaint.refresh_from_db()
    return made


def produce(org, period="2026-H1"):
    pack = active_pack()
    now = london(2026, 8, 3, 9)
    with frozen(now):
        return return_produce(staff=org.compliance, pack=pack, code="disp-complaints-return", period=period,
                              now=now, cal=calendar_for(pack), language="en")


# ---- the plain count -------------------------------------------------------------------

def _business_days_after(day: date, n: int) -> date:
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in HOLIDAYS:
            n -= 1
    return day


def _in_h1(moment) -> bool:
    return moment is not None and H1[0] <= moment.astimezone(LDN).date() < H1[1]


def _told(c: Complaint):
    clock = ComplaintClock.objects.filter(complaint=c, code="final_response", status="stopped").first()
    return clock.stopped_at if clock else None


def plain_figures():
    """{(table, product group, column): value}, one complaint at a time."""
    out: dict[tuple[str, str, str], object] = {}

    def add(key, n=1):
        out[key] = out.get(key, 0) + n

    for c in Complaint.objects.filter(kind="complaint"):
        first = ComplaintParty.objects.filter(complaint=c, kind="product").order_by("id").first()
        group = GROUP.get(first.product if first else None)
        if group is None:
            continue
        cause = CAUSE.get(c.category)
        told = _told(c)
        if _in_h1(c.received_at):
            add(("opened", group, "opened"))
            if cause:
                add(("opened", group, cause))
        if _in_h1(told):
            add(("closed", group, "closed"))
            if cause:
                add(("closed", group, cause))
            received, answered = c.received_at.astimezone(LDN).date(), told.astimezone(LDN).date()
            add(("closing", group, "closed"))
            add(("closing", group, "within_3"), int(answered <= _business_days_after(received, 3)))
            add(("closing", group, "within_8w"), int((answered - received).days <= 56))
            add(("closing", group, "upheld"), int(c.responsibility in UPHELD))
    for r in Remedy.objects.filter(kind="payment", executed_at__isnull=False):
        first = ComplaintParty.objects.filter(complaint=r.complaint, kind="product").order_by("id").first()
        if _in_h1(r.executed_at):
            add(("closing", GROUP[first.product], "redress"), Decimal(r.amount))
    return out


def _cell(table, row_code, label_start):
    row = next(r for r in table.rows if r.code == row_code)
    return row.values[next(i for i, lab in enumerate(table.columns) if lab.startswith(label_start))]


COLUMNS = {"opened": {"advising": "advising ", "terms": "terms ", "admin": "admin ", "arrears": "arrears ",
                      "other": "other ", "opened": "All causes"},
           "closed": {"advising": "advising ", "terms": "terms ", "admin": "admin ", "arrears": "arrears ",
                      "other": "other ", "closed": "All causes"},
           "closing": {"closed": "Closed", "within_3": "Closed within 3 business days",
                       "within_8w": "Closed within 8 weeks", "upheld": "Upheld", "redress": "Redress paid"}}


def test_each_cell_equals_the_plain_count_over_the_complaints(org, half_year):
    result = produce(org).result
    figures = plain_figures()
    for table in result.tables:
        for row in table.rows:
            for key, label in COLUMNS[table.code].items():
                want = figures.get((table.code, row.code, key), 0)
                got = _cell(table, row.code, label)
                assert got == want, (table.code, row.code, key)
    assert sum(v for (t, _, k), v in figures.items() if t == "opened" and k == "opened") == 8


def test_the_days_that_bite_land_where_the_rules_put_them(org, half_year):
    closing = next(t for t in produce(org).result.tables if t.code == "closing")
    # Banking: Easter (in), Easter (out), New Year (in); the summary resolution (in).
    assert _cell(closing, "banking", "Closed within 3 business days (") == Decimal("75.0")
    assert _cell(closing, "insurance", "Closed within 3 business days") == 1  # the spring bank holiday: in
    assert _cell(closing, "home_finance", "Closed within 8 weeks") == 1  # 56 days
    assert _cell(closing, "insurance", "Closed within 8 weeks") == 1  # travel in; motor at 57 days out
    assert _cell(closing, "pensions", "Closed") == 0  # answered on 1 July: H2


def test_closed_is_the_final_response_not_the_later_closing_of_the_case(org, half_year):
    """DISP counts a complaint closed when the firm sends its final response; the case itself
    stays open here until its remedy is paid and it is closed without a callback."""
    c = half_year["easter_out"]
    assert c.closed_at is None and _in_h1(_told(c))
    closed = next(t for t in produce(org).result.tables if t.code == "closed")
    assert _cell(closed, "banking", "terms ") == 1


def test_complaints_the_return_cannot_place_are_warned_about(org, half_year):
    done = produce(org)
    warned = {(u.dimension, u.value): u.references for u in done.result.unmapped}
    assert warned == {
        ("Cause", ""): {half_year["summary"].reference},
        ("Product/service grouping", ""): {half_year["no_product"].reference},
        ("Product/service grouping", "Crypto wallet"): {half_year["unknown_product"].reference},
    }


def test_a_warning_counts_complaints_not_the_money_paid_on_them(org, half_year):
    """A complaint about a product the tree lacks, answered and paid £900 in the half-year: the
    warning says one complaint (the redress column sums money; its sum is not a count)."""
    paid = _final_response(org, _open(org, london(2026, 2, 2), "Gold bars", "terms_disputed_sums"),
                           london(2026, 2, 4, 12), responsibility="institution", redress="900")
    warned = {(u.dimension, u.value): u for u in produce(org).result.unmapped}
    gold = warned[("Product/service grouping", "Gold bars")]
    assert gold.references == {paid.reference} and gold.count == 1
    assert {key: u.count for key, u in warned.items()} == {
        ("Cause", ""): 1, ("Product/service grouping", ""): 1, ("Product/service grouping", "Crypto wallet"): 1,
        ("Product/service grouping", "Gold bars"): 1}


def test_the_complete_return_matches_the_file_reviewed_by_hand(org, half_year):
    csv = bytes(produce(org).record.csv).decode("utf-8-sig").replace("\r\n", "\n")
    assert csv == (EXPECTED / "disp-complaints-return-2026-H1.csv").read_text(encoding="utf-8")


def test_the_return_is_due_thirty_business_days_after_the_half_year():
    from redress.policy.loader import load_pack
    from redress.reports.returns.periods import due_date, parse
    from redress.sla.calendar import WorkCalendar

    pack = load_pack("uk-fca")
    ret, cal = pack.regulator_return("disp-complaints-return"), WorkCalendar.from_policy(pack.calendar)
    # July's 23 business days, then 3 to 11 August (no bank holiday in England before the 31st).
    assert due_date(ret, parse(ret.period, "2026-H1"), cal) == date(2026, 8, 11)
    # New Year's Day 2027 (a Friday) is not one: 4 January is the first, 12 February the 30th.
    assert due_date(ret, parse(ret.period, "2026-H2"), cal) == date(2027, 2, 12)
    assert _business_days_after(date(2026, 6, 30), 30) == date(2026, 8, 11)
