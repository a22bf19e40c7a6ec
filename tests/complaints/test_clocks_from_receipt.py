"""Clocks run from the receipt, not from data entry (001 第二十二条 自受理投诉之日起;
004 第七条(二) 受理后15分钟内): a complaint typed in or registered late does not gain the
time it sat on a desk, and nothing sits without a clock."""

from __future__ import annotations

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import State
from redress.complaints.models import Complaint, ComplaintClock
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from tests.conftest import SH, at, complaint_input


def clock(c, code):
    return ComplaintClock.objects.get(complaint=c, code=code)


def local(moment):
    return moment.astimezone(SH)


def receive(org, now, received_at, register=True, **data):
    with frozen(now):
        return svc.complaint_receive(actor=org.intake, data=complaint_input(received_at=received_at, **data),
                                     register=register)


@pytest.fixture
def futures(settings):
    settings.REDRESS_POLICY = "cn-futures"


def test_futures_work_order_is_due_fifteen_minutes_after_receipt_not_after_entry(org, futures):
    # Taken down on the phone at 10:00, typed in at 10:30: the work order was due 10:15
    # (004 第七条(二)) and is late, not due 10:45.
    c = receive(org, at(2026, 3, 2, 10, 30), at(2026, 3, 2, 10, 0))
    work_order = clock(c, "work_order")
    assert local(work_order.started_at) == at(2026, 3, 2, 10, 0)
    assert local(work_order.due_at) == at(2026, 3, 2, 10, 15)
    assert work_order.status == ComplaintClock.Status.STOPPED and work_order.breached
    # The office's hour runs from when it has the work order (接到处理单后), not the call.
    forward = clock(c, "office_forward")
    assert local(forward.started_at) == at(2026, 3, 2, 10, 30)
    assert local(forward.due_at) == at(2026, 3, 2, 11, 30)


def test_futures_clocks_of_later_stages_start_when_the_stage_is_reached(org, futures):
    c = receive(org, at(2026, 3, 2, 10, 30), at(2026, 3, 2, 10, 0))
    with frozen(at(2026, 3, 2, 10, 40)):
        svc.complaint_assess(c, actor=org.office, category="other", severity="medium")
        svc.complaint_dispatch(c, actor=org.office, unit=org.branch)
    contact = clock(c, "department_contact")
    assert local(contact.started_at) == at(2026, 3, 2, 10, 40)
    assert local(contact.due_at) == at(2026, 3, 2, 11, 40)
    assert not contact.breached


def test_securities_resolution_counts_twenty_working_days_from_receipt_not_registration(org):
    # Received Monday 2 March, left in the received state, registered Monday 16 March:
    # due Monday 30 March (20 working days after the receipt), not 14 April.
    c = receive(org, at(2026, 3, 2, 10), at(2026, 3, 2, 10), register=False)
    with frozen(at(2026, 3, 16, 9)):
        svc.complaint_register(c, actor=org.intake)
    resolution = clock(c, "resolution")
    assert local(resolution.started_at) == at(2026, 3, 2, 10)
    assert local(resolution.due_at).date().isoformat() == "2026-03-30"
    c.refresh_from_db()
    assert local(c.due_at).date().isoformat() == "2026-03-30"
    # Registration took two weeks: that clock stopped late.
    registration = clock(c, "registration")
    assert registration.status == ComplaintClock.Status.STOPPED and registration.breached


def test_securities_complaint_typed_in_late_is_due_from_the_date_it_was_received(org):
    c = receive(org, at(2026, 3, 16, 9), at(2026, 3, 2, 10))
    assert local(clock(c, "resolution").due_at).date().isoformat() == "2026-03-30"
    # The acknowledgment tells the customer that date, not a later one.
    assert "2026-03-30" in c.communications.get(kind="acknowledgment").body


def test_a_complaint_left_unregistered_turns_late_like_any_other(org):
    # register=false (as through the API): the registration clock runs from the receipt
    # and the sweep reports it once the day is over (001 接收投诉: 第一时间进行登记).
    c = receive(org, at(2026, 3, 2, 10), at(2026, 3, 2, 10), register=False)
    registration = clock(c, "registration")
    assert registration.status == ComplaintClock.Status.RUNNING
    assert local(registration.due_at).date().isoformat() == "2026-03-02"
    c.refresh_from_db()
    assert c.due_at == registration.due_at  # the worklists see it
    with frozen(at(2026, 3, 3, 9)):
        assert svc.mark_breaches() == 1
    assert clock(c, "registration").breached


@pytest.mark.parametrize("pack", ["cn-securities", "cn-futures", "general", "us-broker", "uk-fca"])
def test_no_pack_leaves_a_received_complaint_without_a_clock(org, settings, pack):
    settings.REDRESS_POLICY = pack
    c = receive(org, at(2026, 3, 2, 10), at(2026, 3, 2, 10), register=False)
    assert c.state == State.RECEIVED
    assert ComplaintClock.objects.filter(complaint=c, status="running").exists()
    c.refresh_from_db()
    assert c.due_at is not None


def test_a_letter_received_after_its_limit_is_late_from_the_start(org):
    # A regulator forwards in March a letter the customer wrote in January: taken as
    # given, and the resolution clock is late at once — marked, in the ledger, and the
    # complaints office told — not at the next sweep, and only once.
    c = receive(org, at(2026, 3, 20, 10), at(2026, 1, 5, 10))
    resolution = clock(c, "resolution")
    assert local(resolution.started_at) == at(2026, 1, 5, 10)
    assert resolution.status == ComplaintClock.Status.RUNNING and resolution.breached
    breached = c.events.filter(type=EventType.CLOCK_BREACHED)
    assert breached.count() == 1 and "resolution" in breached.get().payload
    assert OutboxMessage.objects.filter(complaint=c, kind="clock_breached", to_role="complaints_office").exists()
    with frozen(at(2026, 3, 20, 11)):
        assert svc.mark_breaches() == 0


def test_a_received_time_in_the_future_is_refused_and_nothing_is_written(org):
    with pytest.raises(ValidationFailed) as err:
        receive(org, at(2026, 3, 2, 10), at(2026, 3, 2, 11))
    assert err.value.field == "received_at"
    assert not Complaint.objects.exists() and not ComplaintClock.objects.exists()


def test_a_received_time_a_moment_ahead_is_taken_as_now(org):
    # A device's clock two minutes fast is not "the future", but no clock starts later than now.
    c = receive(org, at(2026, 3, 2, 10), at(2026, 3, 2, 10, 2))
    assert local(c.received_at) == at(2026, 3, 2, 10)
    assert local(clock(c, "registration").started_at) == at(2026, 3, 2, 10)


def test_an_inquiry_turned_complaint_counts_from_the_receipt(org):
    c = receive(org, at(2026, 3, 2, 10), at(2026, 3, 2, 10), register=False, kind="inquiry")
    with frozen(at(2026, 3, 3, 10)):
        svc.complaint_register(c, actor=org.intake)
    assert local(clock(c, "resolution").due_at).date().isoformat() == "2026-03-30"
