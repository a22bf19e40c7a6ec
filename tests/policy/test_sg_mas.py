"""The sg-mas pack: a Singapore financial institution's complaints, counted in business days.

Acknowledged within 2 business days and answered finally within 20 (institution choices,
see the pack), a business day being a weekday that is not a Singapore public holiday,
ending at 18:00 Singapore time. Records kept five years; amounts in SGD; the final reply
and the acknowledgment name FIDReC.

The holidays are written out here from the Ministry of Manpower's list for 2026 (announced
16 June 2025) rather than read from the calendar package the code uses. Three of them fall
on a Sunday and are observed on the Monday after (Vesak Day 31 May, National Day 9 August,
Deepavali 8 November); Hari Raya Puasa falls on Saturday 21 March and is not moved. New
Year's Day 2027 is fixed by the Holidays Act.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from redress.complaints import services as svc
from redress.complaints.models import Communication, ComplaintClock
from redress.complaints.timesource import frozen
from redress.policy.loader import load_pack
from redress.sla.calendar import WorkCalendar
from tests.conftest import Walk

SG = ZoneInfo("Asia/Singapore")
PACK = load_pack("sg-mas")
MOM_2026 = {
    date(2026, 1, 1),  # New Year's Day, Thursday
    date(2026, 2, 17), date(2026, 2, 18),  # Chinese New Year, Tuesday and Wednesday
    date(2026, 3, 21),  # Hari Raya Puasa, Saturday (no day in lieu)
    date(2026, 4, 3),  # Good Friday
    date(2026, 5, 1),  # Labour Day, Friday
    date(2026, 5, 27),  # Hari Raya Haji, Wednesday
    date(2026, 5, 31), date(2026, 6, 1),  # Vesak Day, Sunday, and Monday in lieu
    date(2026, 8, 9), date(2026, 8, 10),  # National Day, Sunday, and Monday in lieu
    date(2026, 11, 8), date(2026, 11, 9),  # Deepavali, Sunday, and Monday in lieu
    date(2026, 12, 25),  # Christmas Day, Friday
}
HOLIDAYS = MOM_2026 | {date(2027, 1, 1)}  # New Year's Day 2027, Friday


def business_day(d: date) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS


def expected_due(received: date, days: int) -> datetime:
    """Close of business (18:00) on the `days`-th business day after the day of receipt."""
    d, left = received, days
    while left:
        d += timedelta(days=1)
        left -= business_day(d)
    return datetime(d.year, d.month, d.day, 18, 0, tzinfo=SG)


def sg(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SG)


@pytest.fixture(autouse=True)
def sg_mas(settings):
    settings.REDRESS_POLICY = "sg-mas"


def clock(c, code) -> ComplaintClock:
    return ComplaintClock.objects.get(complaint=c, code=code)


def customer(language="en"):
    return svc.CustomerInput(name="Tan Mei Ling", phone="+6591234567", email="meiling@example.sg", language=language)


def received(org, when: datetime, *, register=True, language="en"):
    with frozen(when):
        return svc.complaint_receive(actor=org.intake, register=register, data=svc.ComplaintInput(
            customer=customer(language), channel="email", subject="Card annual fee",
            cause="The annual fee was charged although the waiver was promised.", request="Refund the fee"))


def test_the_independent_calendar_agrees_with_the_one_the_code_uses_all_year():
    cal = WorkCalendar.from_policy(PACK.calendar)
    d = date(2026, 1, 1)
    while d <= date(2027, 1, 15):
        assert cal.is_working_day(d) == business_day(d), d
        d += timedelta(days=1)


@pytest.mark.parametrize(("day", "due", "why"), [
    (date(2026, 8, 7), date(2026, 8, 12), "National Day on Sunday 9 August is observed on Monday 10 August"),
    (date(2026, 11, 6), date(2026, 11, 11), "Deepavali on Sunday 8 November is observed on Monday 9 November"),
    (date(2026, 5, 29), date(2026, 6, 3), "Vesak Day on Sunday 31 May is observed on Monday 1 June"),
    (date(2026, 3, 20), date(2026, 3, 24), "Hari Raya Puasa on Saturday 21 March is not moved to Monday"),
    (date(2026, 2, 13), date(2026, 2, 19), "Chinese New Year: Thursday 19 February is the first business day after"),
    (date(2026, 4, 2), date(2026, 4, 7), "Good Friday, then the weekend"),
    (date(2026, 12, 24), date(2026, 12, 29), "Christmas Day on a Friday, then the weekend"),
    (date(2026, 12, 31), date(2027, 1, 5), "New Year's Day 2027 on a Friday: the year changes on the way"),
])
def test_the_acknowledgment_is_due_two_business_days_after_receipt(org, day, due, why):
    c = received(org, datetime(day.year, day.month, day.day, 15, 0, tzinfo=SG), register=False)
    assert clock(c, "acknowledgement").due_at == expected_due(day, 2) == datetime(
        due.year, due.month, due.day, 18, tzinfo=SG), why


@pytest.mark.parametrize(("day", "due", "why"), [
    (date(2026, 12, 24), date(2027, 1, 25), "over Christmas, the year end and New Year's Day"),
    (date(2026, 5, 15), date(2026, 6, 16), "over Hari Raya Haji and the Monday in lieu of Vesak Day"),
    (date(2026, 2, 9), date(2026, 3, 11), "over the two days of Chinese New Year"),
    (date(2026, 7, 27), date(2026, 8, 25), "over the Monday in lieu of National Day"),
])
def test_the_final_reply_is_due_twenty_business_days_after_receipt(org, day, due, why):
    c = received(org, datetime(day.year, day.month, day.day, 11, 0, tzinfo=SG))
    assert clock(c, "resolution").due_at == expected_due(day, 20) == datetime(
        due.year, due.month, due.day, 18, tzinfo=SG), why


def test_a_complaint_received_on_a_sunday_in_lieu_weekend_counts_from_the_tuesday(org):
    # Received on Sunday 9 August (National Day): Monday 10 is a holiday too, so the first
    # business day counted is Tuesday 11 August and the second Wednesday 12 August.
    c = received(org, sg(2026, 8, 9, 20), register=False)
    assert clock(c, "acknowledgement").due_at == sg(2026, 8, 12, 18)


def test_an_acknowledgment_a_minute_after_close_of_business_on_the_second_day_is_late(org):
    c = received(org, sg(2026, 8, 7, 15), register=False)
    with frozen(sg(2026, 8, 12, 18, 1)):
        assert svc.mark_breaches() == 1
    assert clock(c, "acknowledgement").breached


def test_the_english_acknowledgment_promises_the_final_reply_date_and_names_fidrec(org):
    c = received(org, sg(2026, 12, 24, 11))
    ack = c.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    assert ack.body.startswith("We have registered your complaint.")
    assert "2027-01-25" in ack.body  # 20 business days over the year end
    assert PACK.referral_notice.en in ack.body and "FIDReC" in ack.body
    assert not clock(c, "acknowledgement").breached


def test_a_customer_who_asks_for_chinese_gets_the_acknowledgment_in_chinese(org):
    c = received(org, sg(2026, 8, 7, 11), language="zh-hans")
    ack = c.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    assert ack.body.startswith("您的投诉已登记受理") and PACK.referral_notice.zh_hans in ack.body


def test_a_complaint_handled_under_the_pack_gets_its_due_dates_and_the_final_reply_names_fidrec(org):
    walk = Walk(org, sg(2026, 5, 15, 11), customer=customer(), currency="SGD")
    assert clock(walk.c, "resolution").due_at == sg(2026, 6, 16, 18)
    walk.assess(category="fees").dispatch()
    # Dispatched Friday 29 May: one business day later, over Vesak Day and its Monday in lieu.
    walk.when = sg(2026, 5, 29, 10)
    walk.accept().propose().approve()
    walk.when = sg(2026, 6, 16, 17, 59)
    handler = walk.c.handler
    with frozen(walk.when):
        svc.result_communicate(walk.c, actor=handler, channel="email", body="We have refunded the annual fee of S$192.60.")
    final = clock(walk.c, "resolution")
    assert final.status == ComplaintClock.Status.STOPPED and not final.breached
    result = walk.c.communications.get(kind=Communication.Kind.RESULT)
    assert result.body.endswith(PACK.referral_notice.en)
    assert clock(walk.c, "callback").due_at == expected_due(date(2026, 6, 16), 5) == sg(2026, 6, 23, 18)


def test_the_dispatch_day_after_the_vesak_weekend_is_tuesday(org):
    walk = Walk(org, sg(2026, 5, 29, 9), customer=customer(), currency="SGD")
    walk.when = sg(2026, 5, 29, 10)
    walk.assess(category="fees")
    assert clock(walk.c, "dispatch").due_at == sg(2026, 6, 2, 18)


def test_the_pack_keeps_records_five_years_in_singapore_dollars(org):
    assert (PACK.retention_years, PACK.currency, PACK.calendar.country) == (5, "SGD", "SG")
    with frozen(sg(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, register=True, data=svc.ComplaintInput(
            customer=customer(), channel="phone", subject="Fee", cause="Charged twice.", amount_claimed="25"))
    assert (c.amount_claimed, c.currency) == (25, "SGD")
