"""Remedies on time (002 §二(五), 执行跟踪): a remedy past its due date, neither done nor
waived, is recorded late once by the sweep, shows on the complaints office's worklist
and in the register, and keeps the case from the archive until it is done or waived
with a reason. The dates run across National Day 2026 (10月1日-7日, holidays in China):
a promised date does not move for the holiday, and "today" is Beijing's day."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import InvalidTransition, NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import State
from redress.complaints.models import Event, Remedy
from redress.complaints.selectors import worklists as wl
from redress.complaints.services.outcome import missing_for_archive
from redress.complaints.services.timing import calendar_for
from redress.complaints.sweep import sweep
from redress.complaints.timesource import frozen
from redress.policy.loader import active_pack
from redress.reports import columns
from redress.reports import register as reg
from redress.reports.rows import build
from tests.conftest import SH, at

DUE = date(2026, 9, 30)  # the last working day before National Day
# 00:30 on 1 October in Beijing is still 30 September in UTC: the day that bites.
FIRST_HOLIDAY_JUST_AFTER_MIDNIGHT = datetime(2026, 10, 1, 0, 30, tzinfo=SH)


def payment(due=DUE, description="退还手续费"):
    return svc.RemedyInput(kind="payment", description=description, amount="200", due_date=due)


def owing(walk, *remedies):
    w = walk(at(2026, 9, 25), amount_claimed="200").assess().dispatch().accept()
    w.propose(compensation="200", remedies=list(remedies or [payment()])).approve(by=w.org.cro).communicate()
    assert w.c.state == State.REMEDY_PENDING
    return w


def late_events(c):
    return list(Event.objects.filter(complaint=c, type=EventType.REMEDY_LATE))


def late_remedies_tab(staff, when):
    moment = wl.Moment(now=when, cal=calendar_for(active_pack()))
    return set(wl.in_view(staff, wl.LATE_REMEDIES, moment, active_pack()).values_list("pk", flat=True))


def register_rows(staff, when, value):
    return [c.pk for batch in reg.batches(staff, reg.Filters(late_remedies=value), now=when, tz=SH) for c in batch]


def test_the_national_day_holiday_is_on_the_calendar(org):
    cal = calendar_for(active_pack())  # the premise of the tests below
    assert cal.is_working_day(DUE)
    assert not any(cal.is_working_day(date(2026, 10, d)) for d in range(1, 8))


def test_a_remedy_due_today_is_not_late_and_becomes_late_on_the_holiday_after(org, walk):
    w = owing(walk)
    with frozen(datetime(2026, 9, 30, 23, 59, tzinfo=SH)):
        assert svc.mark_late_remedies() == 0
    assert FIRST_HOLIDAY_JUST_AFTER_MIDNIGHT.astimezone(UTC).date() == DUE  # UTC's day is still the due day
    with frozen(FIRST_HOLIDAY_JUST_AFTER_MIDNIGHT):
        assert svc.mark_late_remedies() == 1
    (event,) = late_events(w.c)
    remedy = w.c.remedies.get()
    assert json.loads(event.payload)["remedy"] == remedy.pk and json.loads(event.payload)["due_date"] == "2026-09-30"
    assert remedy.late_at == FIRST_HOLIDAY_JUST_AFTER_MIDNIGHT


def test_the_sweep_records_a_late_remedy_once_and_tells_the_office(org, walk):
    from redress.notify.models import OutboxMessage
    w = owing(walk)
    version = w.c.version
    with frozen(at(2026, 10, 2)):
        summary = sweep()
        again = sweep()
    assert "1 remedies newly late" in summary and "0 remedies newly late" in again
    assert len(late_events(w.c)) == 1
    (told,) = OutboxMessage.objects.filter(kind="remedy_late")  # one message to the role, both sweeps
    assert told.to_role == "complaints_office" and told.payload["remedies"] == [w.c.remedies.get().pk]
    w.c.refresh_from_db()
    assert w.c.version == version  # recorded, not a change a form could be stale against


def test_a_remedy_done_on_time_or_of_an_unapproved_proposal_is_never_late(org, walk):
    w = owing(walk, payment(), payment(date(2026, 10, 9), "补偿利息"))
    first = w.c.remedies.get(due_date=DUE)
    with frozen(at(2026, 9, 30, 16)):
        svc.remedy_execute(w.c, actor=org.handler, remedy_id=first.pk, note="已转账")
    with frozen(at(2026, 10, 8)):
        assert svc.mark_late_remedies() == 0  # the second is due on the 9th
    with frozen(at(2026, 10, 10)):
        assert svc.mark_late_remedies() == 1
    assert [json.loads(e.payload)["due_date"] for e in late_events(w.c)] == ["2026-10-09"]
    proposed_only = walk(at(2026, 9, 25)).assess().dispatch().accept().propose(remedies=[payment()])
    with frozen(at(2026, 10, 10)):
        assert svc.mark_late_remedies() == 0
    assert late_events(proposed_only.c) == []


def test_late_remedies_are_on_the_offices_worklist_and_in_the_register(org, walk):
    w, on_time = owing(walk), owing(walk, payment(date(2026, 10, 12)))
    assert wl.LATE_REMEDIES in wl.views_for(org.office, active_pack())
    assert wl.LATE_REMEDIES not in wl.views_for(org.handler, active_pack())
    holiday = at(2026, 10, 3)
    assert late_remedies_tab(org.office, at(2026, 9, 30, 18)) == set()
    assert late_remedies_tab(org.office, holiday) == {w.c.pk}  # before any sweep: the date decides
    assert w.c.pk in register_rows(org.office, holiday, reg.YES)
    assert on_time.c.pk not in register_rows(org.office, holiday, reg.YES)
    assert on_time.c.pk in register_rows(org.office, holiday, reg.NO)
    assert w.c.pk not in register_rows(org.office, holiday, reg.NO)
    ctx = columns.Context(pack=active_pack(), language="en", cal=calendar_for(active_pack()), now=holiday,
                          personal=False)
    late_cells = {row.c.pk: dict(zip(columns.headers(), columns.texts(row, ctx), strict=True))["Late remedies"]
                  for row in build([w.c, on_time.c])}
    assert "2026-09-30" in late_cells[w.c.pk] and late_cells[on_time.c.pk] == ""


def test_waiving_needs_the_office_and_a_reason_and_moves_the_case_on(org, walk):
    w = owing(walk)
    remedy = w.c.remedies.get()
    with frozen(at(2026, 10, 8)):
        svc.mark_late_remedies()
        events_before = Event.objects.filter(complaint=w.c).count()
        with pytest.raises(ValidationFailed) as err:
            svc.remedy_waive(w.c, actor=org.office, remedy_id=remedy.pk, reason="  ")
        assert err.value.field == "reason"
        with pytest.raises(NotPermitted):
            svc.remedy_waive(w.c, actor=org.handler, remedy_id=remedy.pk, reason="客户放弃")
        assert Event.objects.filter(complaint=w.c).count() == events_before  # a refusal writes nothing
        svc.remedy_waive(w.c, actor=org.office, remedy_id=remedy.pk, reason="客户书面放弃退款")
    remedy.refresh_from_db()
    assert remedy.waived_by_id == org.office.pk and remedy.waive_reason == "客户书面放弃退款"
    assert w.c.state == State.AWAITING_CALLBACK
    waived = Event.objects.get(complaint=w.c, type=EventType.REMEDY_WAIVED)
    payload = json.loads(waived.payload)
    assert payload["reason"] == "客户书面放弃退款" and payload["remedy"] == remedy.pk
    assert late_remedies_tab(org.office, at(2026, 10, 9)) == set()
    with frozen(at(2026, 10, 9)), pytest.raises(InvalidTransition):  # nothing is owed any more
        svc.remedy_waive(w.c, actor=org.office, remedy_id=remedy.pk, reason="再次")


def test_a_case_closed_with_a_remedy_owed_cannot_be_archived_until_it_is_waived(org, walk):
    w = walk(at(2026, 9, 25), amount_claimed="200").assess().dispatch().accept()
    w.propose(compensation="200", remedies=[payment()]).approve(by=org.cro)
    with frozen(at(2026, 9, 29)):
        svc.complaint_refer(w.c, actor=org.handler, kind="mediation", authority="sac_mediation")
    with frozen(at(2026, 10, 9)):
        svc.referral_outcome(w.c, actor=org.office, outcome="调解达成协议")
    assert w.c.state == State.CLOSED
    w.c.root_cause = "规则解释不清"
    w.c.save(update_fields=["root_cause"])
    assert "remedies" in missing_for_archive(w.c)
    with frozen(at(2026, 10, 9)), pytest.raises(ValidationFailed) as err:
        svc.complaint_archive(w.c, actor=org.office)
    assert "remedies" in str(err.value)
    with frozen(at(2026, 10, 9)):
        svc.remedy_waive(w.c, actor=org.office, remedy_id=w.c.remedies.get().pk, reason="调解协议约定不再退款")
    assert w.c.state == State.CLOSED  # waiving moves only a case waiting on its remedies
    assert "remedies" not in missing_for_archive(w.c)


def test_two_sweeps_claim_a_late_remedy_once(org, walk):
    """The second sweep finds the remedy already claimed (its late_at set by the first,
    committed before it read) and records nothing."""
    w = owing(walk)
    with frozen(at(2026, 10, 2)):
        assert svc.mark_late_remedies() == 1
        Remedy.objects.filter(complaint=w.c).update(late_at=None)  # as the second sweep read it, before the claim
        claimed = Remedy.objects.filter(complaint=w.c, late_at__isnull=True).update(late_at=at(2026, 10, 2))
        assert claimed == 1
        assert svc.mark_late_remedies() == 0
    assert len(late_events(w.c)) == 1


def test_a_remedy_owed_on_another_case_does_not_hold_this_one_back(org, walk):
    owing = walk(at(2026, 9, 25), amount_claimed="200").assess().dispatch().accept()
    owing.propose(compensation="200", remedies=[payment()]).approve(by=org.cro)
    assert "remedies" in missing_for_archive(owing.c)
    done = walk().to_awaiting_callback().callback()
    done.c.root_cause = "规则解释不清"
    done.c.save(update_fields=["root_cause"])
    assert missing_for_archive(done.c) == []
