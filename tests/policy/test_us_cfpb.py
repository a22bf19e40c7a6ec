"""The us-cfpb pack: a US consumer finance company answering complaints the CFPB's way.

A response within 15 calendar days of receipt, and, when that response says the work is
"In progress", a final response within 60 calendar days of receipt (modelled as the one
45-day extension of the 15-day clock, the in-progress response being its request). Both
count calendar days and are not moved off weekends or holidays. The outcome recorded when
the result is told is one of the CFPB's company response categories, chosen by what the
approved proposal gives.

The institution's own steps (acknowledgment, dispatch) count business days on the US
federal holidays, which this file works out from 5 U.S.C. 6103 rather than read from the
calendar package the code uses: fixed dates and nth weekdays, a Saturday holiday observed
the Friday before, a Sunday one the Monday after (so New Year's Day 2028, a Saturday, is
observed on Friday 31 December 2027).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml

import redress
from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.models import Communication, Complaint, ComplaintClock
from redress.complaints.timesource import frozen
from redress.policy.loader import load_pack
from redress.sla.calendar import WorkCalendar
from tests.conftest import Walk

NY = ZoneInfo("America/New_York")
PACK = load_pack("us-cfpb")


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th `weekday` (0 = Monday) of the month; n = -1 for the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def observed(d: date) -> date:
    return d - timedelta(days=1) if d.weekday() == 5 else d + timedelta(days=1) if d.weekday() == 6 else d


def federal_holidays(year: int) -> set[date]:
    fixed = [date(year, 1, 1), date(year, 6, 19), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    by_rule = [
        nth_weekday(year, 1, 0, 3),  # Martin Luther King Jr. Day
        nth_weekday(year, 2, 0, 3),  # Washington's Birthday
        nth_weekday(year, 5, 0, -1),  # Memorial Day
        nth_weekday(year, 9, 0, 1),  # Labor Day
        nth_weekday(year, 10, 0, 2),  # Columbus Day
        nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
    ]
    return {observed(d) for d in fixed} | set(by_rule)


# Next year's New Year's Day may be observed on this year's 31 December.
HOLIDAYS = federal_holidays(2026) | federal_holidays(2027) | federal_holidays(2028)


def business_day(d: date) -> bool:
    return d.weekday() < 5 and d not in HOLIDAYS


def next_business_day(d: date) -> datetime:
    d += timedelta(days=1)
    while not business_day(d):
        d += timedelta(days=1)
    return datetime(d.year, d.month, d.day, 17, 0, tzinfo=NY)


def ny(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=NY)


@pytest.fixture(autouse=True)
def us_cfpb(settings):
    settings.REDRESS_POLICY = "us-cfpb"


def clock(c, code) -> ComplaintClock:
    return ComplaintClock.objects.get(complaint=c, code=code)


def customer(language="en"):
    return svc.CustomerInput(name="Maria Lopez", phone="2025550143", email="maria@example.com", language=language)


def received(org, when: datetime, *, register=True):
    with frozen(when):
        return svc.complaint_receive(actor=org.intake, register=register, data=svc.ComplaintInput(
            customer=customer(), channel="regulator_referral", subject="Late fee on my credit card",
            cause="A late fee was charged although I paid on the due date.", request="Reverse the fee"))


def walk_in(org, when: datetime) -> Walk:
    return Walk(org, when, customer=customer(), currency="USD")


def test_the_rule_computed_holidays_agree_with_the_calendar_the_code_uses():
    cal = WorkCalendar.from_policy(PACK.calendar)
    d = date(2026, 1, 1)
    while d <= date(2028, 1, 10):
        assert cal.is_working_day(d) == business_day(d), d
        d += timedelta(days=1)


@pytest.mark.parametrize(("day", "due", "why"), [
    (date(2026, 11, 25), date(2026, 11, 27), "Thanksgiving on Thursday; the Friday after is a federal business day"),
    (date(2026, 7, 2), date(2026, 7, 6), "Independence Day on a Saturday is observed on Friday 3 July"),
    (date(2026, 6, 18), date(2026, 6, 22), "Juneteenth on a Friday"),
    (date(2026, 10, 9), date(2026, 10, 13), "Columbus Day is a federal holiday (the NYSE trades)"),
    (date(2026, 12, 31), date(2027, 1, 4), "New Year's Day 2027 on a Friday"),
    (date(2027, 12, 23), date(2027, 12, 27), "Christmas 2027 on a Saturday is observed on Friday 24 December"),
    (date(2027, 12, 30), date(2028, 1, 3), "New Year's Day 2028 on a Saturday is observed on Friday 31 December 2027"),
    (date(2027, 1, 15), date(2027, 1, 19), "Martin Luther King Jr. Day, the long weekend after the holidays"),
])
def test_the_acknowledgment_is_due_the_next_business_day(org, day, due, why):
    c = received(org, datetime(day.year, day.month, day.day, 15, 0, tzinfo=NY), register=False)
    assert clock(c, "acknowledgement").due_at == next_business_day(day) == datetime(
        due.year, due.month, due.day, 17, tzinfo=NY), why


@pytest.mark.parametrize(("when", "due", "why"), [
    (ny(2026, 12, 10, 10), ny(2026, 12, 25, 10), "the 15th day is Christmas Day: not moved"),
    (ny(2026, 12, 18, 16, 30), ny(2027, 1, 2, 16, 30), "over the year end, ending on a Saturday: not moved"),
    (ny(2026, 2, 20, 9), ny(2026, 3, 7, 9), "February has 28 days in 2026"),
    (ny(2026, 10, 25, 9), ny(2026, 11, 9, 9), "over the end of daylight saving time (1 November), New York time"),
])
def test_the_response_is_due_fifteen_calendar_days_after_receipt(org, when, due, why):
    c = received(org, when)
    assert clock(c, "response").due_at == when + timedelta(days=15) == due, why


def in_progress(walk: Walk, when: datetime, *, days=45, by=None):
    """The handler records the "In progress" response; the complaints office approves it."""
    with frozen(when):
        ext = svc.extension_request(walk.c, actor=walk.org.handler, working_days=days,
                                    reason="In progress: we are reviewing the account history with the card processor",
                                    plan="Final response once the processor's records arrive")
        return svc.extension_decide(walk.c, actor=by or walk.org.office, extension_id=ext.pk, approve=True)


def test_an_in_progress_response_gives_sixty_days_from_receipt(org):
    w = walk_in(org, ny(2026, 12, 18, 11)).assess(category="fees").dispatch().accept()
    in_progress(w, ny(2026, 12, 30, 9))
    response = clock(w.c, "response")
    # 60 calendar days after 18 December 2026: Tuesday 16 February 2027 (the day after
    # Washington's Birthday; not that it matters for calendar days).
    assert response.due_at == ny(2026, 12, 18, 11) + timedelta(days=60) == ny(2027, 2, 16, 11)
    assert response.extended


def test_the_in_progress_response_is_approved_by_the_complaints_office(org):
    w = walk_in(org, ny(2026, 3, 2)).assess(category="fees").dispatch().accept()
    with frozen(ny(2026, 3, 10)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=45, reason="In progress", plan="Final response")
        with pytest.raises(NotPermitted, match="complaints_office"):
            svc.extension_decide(w.c, actor=org.dept_head, extension_id=ext.pk, approve=True)


def test_no_more_than_sixty_days_in_all(org):
    w = walk_in(org, ny(2026, 3, 2)).assess(category="fees").dispatch().accept()
    with frozen(ny(2026, 3, 10)), pytest.raises(ValidationFailed, match="45"):
        svc.extension_request(w.c, actor=org.handler, working_days=46, reason="In progress", plan="Final response")
    in_progress(w, ny(2026, 3, 10), days=30)
    with frozen(ny(2026, 3, 20)), pytest.raises(ValidationFailed) as err:
        svc.extension_request(w.c, actor=org.handler, working_days=16, reason="Still in progress", plan="Later",
                              customer_consent=True, consent_note="Agreed by phone on 20 March")
    assert err.value.field == "working_days" and "45" in str(err.value)


def test_an_in_progress_response_after_the_fifteen_days_is_too_late(org):
    w = walk_in(org, ny(2026, 3, 2, 10)).assess(category="fees").dispatch().accept()
    with frozen(ny(2026, 3, 17, 10, 1)), pytest.raises(ValidationFailed) as err:
        svc.extension_request(w.c, actor=org.handler, working_days=45, reason="In progress", plan="Final response")
    assert err.value.field == "due_at"
    with frozen(ny(2026, 3, 17, 10, 1)):
        assert svc.mark_breaches() == 1
    assert clock(w.c, "response").breached  # what the CFPB publishes as an untimely response


def test_a_response_with_money_back_is_closed_with_monetary_relief(org):
    w = walk_in(org, ny(2026, 3, 2)).assess(category="fees").dispatch().accept()
    w.propose(compensation="39").approve(by=org.cro).communicate()
    assert Complaint.objects.get(pk=w.c.pk).outcome == "monetary_relief"
    assert not clock(w.c, "response").breached


def test_a_single_dollar_back_is_monetary_relief(org):
    w = walk_in(org, ny(2026, 3, 2)).assess(category="fees").dispatch().accept()
    w.propose(compensation="1").approve(by=org.cro).communicate()
    assert Complaint.objects.get(pk=w.c.pk).outcome == "monetary_relief"


def test_a_refund_promised_as_a_remedy_is_monetary_relief_without_a_compensation_figure(org):
    w = walk_in(org, ny(2026, 3, 2)).assess(category="fees").dispatch().accept()
    w.propose(remedies=[svc.RemedyInput(kind="payment", description="Refund the wire fee", amount="25",
                                        due_date=date(2026, 3, 20))]).approve(by=org.cro).communicate()
    assert Complaint.objects.get(pk=w.c.pk).outcome == "monetary_relief"


def test_a_response_with_a_correction_is_closed_with_non_monetary_relief(org):
    w = walk_in(org, ny(2026, 3, 2)).assess(category="fees").dispatch().accept()
    w.propose(remedies=[svc.RemedyInput(kind="rectification", description="Correct the credit report",
                                        due_date=date(2026, 3, 20))]).approve().communicate()
    assert Complaint.objects.get(pk=w.c.pk).outcome == "non_monetary_relief"


def test_a_response_that_explains_is_closed_with_explanation_and_names_the_cfpb(org):
    w = walk_in(org, ny(2026, 12, 10)).assess(category="fees").dispatch().accept().propose().approve()
    w.when = ny(2026, 12, 25, 9, 59)  # the last minute of the 15 days, on Christmas Day
    w.communicate()
    c = Complaint.objects.get(pk=w.c.pk)
    assert c.outcome == "explained"
    response = clock(c, "response")
    assert response.status == ComplaintClock.Status.STOPPED and not response.breached
    assert c.communications.get(kind=Communication.Kind.RESULT).body.endswith(PACK.referral_notice.en)


def test_the_outcome_codes_are_the_ones_the_cfpb_import_gives(org):
    path = Path(redress.__file__).parent / "imports" / "mappings" / "cfpb.yaml"
    imported = yaml.safe_load(path.read_text(encoding="utf-8"))["outcome"]["values"]
    names = PACK.result_outcomes
    assert imported["Closed with monetary relief"] == names.monetary
    assert imported["Closed with non-monetary relief"] == names.non_monetary
    assert imported["Closed with explanation"] == names.explanation


def test_the_english_acknowledgment_promises_the_fifteen_day_date(org):
    c = received(org, ny(2026, 12, 18, 11))
    ack = c.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    assert "2027-01-02" in ack.body and PACK.referral_notice.en in ack.body


def test_other_packs_still_record_resolved(org, settings):
    settings.REDRESS_POLICY = "general"
    w = Walk(org, ny(2026, 3, 2)).assess(category="fees").dispatch().accept().propose(compensation="39")
    w.approve(by=org.cro).communicate()
    assert Complaint.objects.get(pk=w.c.pk).outcome == "resolved"
