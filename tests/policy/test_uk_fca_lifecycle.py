"""A complaint handled under the uk-fca pack: the acknowledgment promises the eight-week
date and names the ombudsman, the final response carries the referral notice, the eight
weeks end to the minute, and the summary resolution route (DISP 1.5) is open until
close of business on the third business day after receipt, London time, and no later."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, StaleComplaint, ValidationFailed
from redress.complaints.lifecycle import State
from redress.complaints.models import Communication, ComplaintClock
from redress.complaints.timesource import frozen
from redress.policy.loader import load_pack
from redress.sla.calendar import WorkCalendar
from tests.conftest import Walk, complaint_input

LDN = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
PACK = load_pack("uk-fca")


def london(y, m, d, hh=10, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=LDN)


@pytest.fixture(autouse=True)
def uk_fca(settings):
    settings.REDRESS_POLICY = "uk-fca"


def clock(c, code) -> ComplaintClock:
    return ComplaintClock.objects.get(complaint=c, code=code)


def customer(language="en"):
    return svc.CustomerInput(name="Jane Smith", phone="07911123456", email="jane@example.co.uk", language=language)


def receive(org, when, *, register):
    with frozen(when):
        return svc.complaint_receive(actor=org.intake, register=register, data=complaint_input(
            customer=customer(), subject="Overdraft charges", cause="Charged twice in May.", currency="GBP"))


def walk_in(org, received, language="en"):
    return Walk(org, received, customer=customer(language), currency="GBP")


def handle_to_final_response(org, received, told):
    """The full procedure, with the final response told at `told`."""
    walk = walk_in(org, received)
    walk.assess(category="terms_disputed_sums").dispatch().accept().propose().approve()
    walk.when = told
    walk.communicate()
    return walk.c


def test_the_acknowledgment_promises_the_eight_week_date_and_names_the_ombudsman(org):
    c = receive(org, london(2026, 3, 2, 10), register=True)
    ack = c.communications.get(kind=Communication.Kind.ACKNOWLEDGMENT)
    assert "2026-04-27" in ack.body  # eight weeks after Monday 2 March
    assert PACK.referral_notice.en in ack.body
    assert clock(c, "acknowledgement").status == ComplaintClock.Status.STOPPED
    assert not clock(c, "acknowledgement").breached


def test_a_final_response_at_exactly_eight_weeks_is_on_time_and_carries_the_referral_notice(org):
    c = handle_to_final_response(org, london(2026, 3, 2, 10), london(2026, 4, 27, 10))
    final = clock(c, "final_response")
    assert final.due_at == london(2026, 4, 27, 10)
    assert final.status == ComplaintClock.Status.STOPPED and not final.breached
    result = c.communications.get(kind=Communication.Kind.RESULT)
    assert result.body.endswith(PACK.referral_notice.en)
    with frozen(london(2026, 4, 28)), pytest.raises(StaleComplaint):  # closed from a page read before the result
        svc.close_without_callback(c, actor=org.office, reason="Final response sent; DISP asks for no callback",
                                   expected_version=c.version - 1)
    with frozen(london(2026, 4, 28)):
        svc.close_without_callback(c, actor=org.office, reason="Final response sent; DISP asks for no callback",
                                   expected_version=c.version)
    c.refresh_from_db()
    assert c.state == State.CLOSED


def test_closing_without_a_callback_needs_the_complaints_office_and_a_reason(org):
    c = handle_to_final_response(org, london(2026, 3, 2, 10), london(2026, 4, 27, 10))
    events = c.events.count()
    with frozen(london(2026, 4, 28)), pytest.raises(NotPermitted) as err:
        svc.close_without_callback(c, actor=org.handler, reason="Final response sent")
    assert str(err.value) == (f"closing without a callback needs one of the roles complaints_office; "
                              f"{org.handler.username} has handler")
    with frozen(london(2026, 4, 28)), pytest.raises(ValidationFailed) as err:
        svc.close_without_callback(c, actor=org.office, reason="  ")
    assert (err.value.field, err.value.rule) == ("reason", "say why no callback is needed")
    c.refresh_from_db()
    assert c.state != State.CLOSED and c.events.count() == events


def test_a_final_response_a_minute_after_eight_weeks_is_late(org):
    c = handle_to_final_response(org, london(2026, 3, 2, 10), london(2026, 4, 27, 10, 1))
    assert clock(c, "final_response").breached


def test_a_final_response_is_never_extended_under_disp(org):
    walk = walk_in(org, london(2026, 3, 2, 10))
    walk.assess(category="general_admin").dispatch().accept()
    with frozen(london(2026, 3, 3)), pytest.raises(NotPermitted) as err:
        svc.extension_request(walk.c, actor=org.handler, working_days=5, reason="busy", plan="later")
    assert "does not allow extensions" in str(err.value)


def test_the_referral_notice_is_not_added_twice_when_the_writer_quoted_it(org):
    walk = walk_in(org, london(2026, 3, 2, 10))
    walk.assess(category="general_admin").dispatch().accept().propose().approve()
    handler = walk.c.handler
    body = "We have refunded the second charge.\n\n" + PACK.referral_notice.en
    with frozen(london(2026, 3, 10)):
        svc.result_communicate(walk.c, actor=handler, channel="email", body=body)
    assert walk.c.communications.get(kind=Communication.Kind.RESULT).body == body


def test_a_chinese_speaking_customer_gets_the_notice_in_chinese(org):
    walk = walk_in(org, london(2026, 3, 2, 10), language="zh-hans")
    walk.assess(category="general_admin").dispatch().accept().propose().approve().communicate()
    assert walk.c.communications.get(kind=Communication.Kind.RESULT).body.endswith(PACK.referral_notice.zh_hans)


# ---- the summary resolution route (DISP 1.5) -----------------------------------------


def test_resolved_by_close_of_the_third_business_day_is_closed_with_a_written_summary_resolution(org):
    # Received Monday 1 June 2026 09:00 BST; the window closes Thursday 4 June 17:30 BST.
    c = receive(org, london(2026, 6, 1, 9), register=False)
    with frozen(london(2026, 6, 4, 17, 29)):
        svc.resolve_on_spot(c, actor=org.intake, resolution="We refunded the duplicate charge of £25.",
                            customer_opinion="Happy with that")
    c.refresh_from_db()
    assert c.state == State.RESOLVED_ON_SPOT and c.outcome == "resolved_on_spot"
    message = c.communications.get(kind=Communication.Kind.RESULT)
    assert message.body.startswith("We refunded") and message.body.endswith(PACK.referral_notice.en)
    # What the return counts: closed (the final-response clock stopped) within 3 business days.
    final = clock(c, "final_response")
    window = WorkCalendar.from_policy(PACK.calendar).due(c.received_at, PACK.summary_resolution.within)
    assert final.status == ComplaintClock.Status.STOPPED and final.stopped_at <= window
    assert not clock(c, "acknowledgement").breached  # no acknowledgement needed (DISP 1.5.1R)


def test_the_summary_route_closes_at_close_of_business_london_time(org):
    c = receive(org, london(2026, 6, 1, 9), register=False)
    # 17:31 BST is 16:31 UTC: past close of business in London.
    with frozen(datetime(2026, 6, 4, 16, 31, tzinfo=UTC)), pytest.raises(ValidationFailed) as err:
        svc.resolve_on_spot(c, actor=org.intake, resolution="Refunded.")
    assert (err.value.field, err.value.rule) == (
        "resolution", "Summary resolution communication was possible until 2026-06-04 17:30; the complaint needs "
                      "the full procedure and a final response now")
    c.refresh_from_db()
    assert c.state == State.RECEIVED and not c.communications.exists()
    # The acknowledgement was owed by then too: the sweep reports it late.
    with frozen(london(2026, 6, 4, 17, 31)):
        assert svc.mark_breaches() == 1
    assert clock(c, "acknowledgement").breached and not clock(c, "final_response").breached


@pytest.mark.parametrize("received, resolved", [
    # Monday 1 June 2026: open until Thursday 4 June 17:30, to that very minute.
    (london(2026, 6, 1, 9), london(2026, 6, 4, 17, 30)),
    # Thursday 2 April 2026 (before Good Friday): open until Thursday 9 April 17:30.
    (london(2026, 4, 2, 15), london(2026, 4, 9, 17, 0)),
], ids=["to-the-minute-it-closes", "over-a-bank-holiday-weekend"])
def test_the_summary_route_is_open_until_close_of_the_third_business_day(org, received, resolved):
    c = receive(org, received, register=False)
    with frozen(resolved):
        svc.resolve_on_spot(c, actor=org.intake, resolution="Explained the fee and waived it.")
    c.refresh_from_db()
    assert c.state == State.RESOLVED_ON_SPOT


def test_other_packs_keep_resolving_on_the_spot_without_a_window(org, settings):
    settings.REDRESS_POLICY = "cn-securities"
    with frozen(london(2026, 6, 1, 9)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(), register=False)
    with frozen(london(2026, 6, 12, 9)):
        svc.resolve_on_spot(c, actor=org.intake, resolution="当场解释规则,客户认可")
    c.refresh_from_db()
    assert c.state == State.RESOLVED_ON_SPOT and not c.communications.exists()


def test_a_claim_taken_down_without_a_currency_is_in_pounds(org):
    with frozen(london(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, data=complaint_input(amount_claimed="25"), register=True)
    assert (c.amount_claimed, c.currency) == (25, "GBP")
