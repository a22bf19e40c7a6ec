"""Open clocks follow the calendar (services/recompute.py): an administrator's closure or
working day, or chinesecalendar learning 2027, recomputes every open clock, the case's
ledger says so, and the date the acknowledgment told the customer is never brought
forward. The dates bite: complaints registered in December 2026 are due in January
2027, a year chinesecalendar 1.11 has no data for (no 调休 known)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import chinese_calendar
import holidays
import pytest
from chinese_calendar import constants

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import CalendarDay, CalendarState, ComplaintClock, Event, Staff
from redress.complaints.services import recompute, timing
from redress.complaints.sweep import sweep
from redress.complaints.timesource import frozen
from redress.policy.loader import load_pack
from tests.conftest import SH, at

REGISTERED = at(2026, 12, 10, 10)  # Thursday


def due(w, code="resolution"):
    return ComplaintClock.objects.get(complaint=w.c, code=code).due_at.astimezone(SH)


def recomputed(w) -> list[dict]:
    return [json.loads(e.payload) for e in Event.objects.filter(complaint=w.c, type=EventType.CLOCKS_RECOMPUTED)
            .order_by("seq")]


def acknowledged(w) -> str:
    event = Event.objects.get(complaint=w.c, type=EventType.REGISTERED)
    return json.loads(event.payload)["due"]


def is_workday(d: date) -> bool:
    """Independent of WorkCalendar: chinesecalendar where it has data, else Mon–Fri less
    the statutory holidays (the documented fallback), then the administrator's days."""
    extra = dict(CalendarDay.objects.values_list("date", "working"))
    if d in extra:
        return extra[d]
    try:
        return chinese_calendar.is_workday(d)
    except NotImplementedError:
        return d.weekday() < 5 and d not in holidays.country_holidays("CN", years=d.year)


def nth_working_day_after(d: date, n: int) -> date:
    while n:
        d += timedelta(days=1)
        n -= is_workday(d)
    return d


@pytest.fixture(autouse=True)
def _fresh_calendar():
    """The calendar is cached per set of calendar days; a test that changes the official
    data must not hand a stale (or fake) 2027 to the next."""
    timing._calendar.cache_clear()
    yield
    timing._calendar.cache_clear()


@pytest.fixture
def admin_user(db):
    return Staff.objects.create_superuser(username="root", password="x" * 12, email="root@example.com")


@pytest.fixture
def official_2027(monkeypatch):
    """Simulate a chinesecalendar release with 2027: New Year 1–3 January, and (made up
    for the test) Monday 4 and Tuesday 5 January off, worked back on Saturday 9 January."""

    def publish():
        for day in (1, 2, 3, 4, 5):
            monkeypatch.setitem(constants.holidays, date(2027, 1, day), "New Year's Day")
        monkeypatch.setitem(constants.workdays, date(2027, 1, 9), "New Year's Day")
        timing._calendar.cache_clear()

    return publish


def test_a_december_complaint_is_due_on_a_date_counted_without_2027s_data(org, walk):
    # 20 working days after Thu 10 Dec 2026: 11 Dec (1), 14-18 (6), 21-25 (11), 28-31 (15);
    # Fri 1 Jan 2027 is New Year's Day; 4-8 Jan (20): Friday 8 January 2027.
    assert not chinese_calendar_covers(2027)
    w = walk(REGISTERED)
    assert due(w).date() == date(2027, 1, 8) == nth_working_day_after(date(2026, 12, 10), 20)


def chinese_calendar_covers(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def test_an_administrators_closure_moves_an_open_case_later_and_says_why(org, walk, admin_user, client):
    w = walk(REGISTERED).assess().dispatch().accept()
    client.force_login(admin_user)
    with frozen(at(2026, 12, 14, 9)):
        response = client.post("/admin/complaints/calendarday/add/",
                               {"date": "2027-01-04", "reason": "元旦调休", "working": ""}, follow=True)
    assert response.status_code == 200
    assert "1" in str(list(response.context["messages"])[0])  # one open case moved
    # 4 Jan closed: the 20th working day is Monday 11 January.
    assert due(w).date() == date(2027, 1, 11) == nth_working_day_after(date(2026, 12, 10), 20)
    assert due(w).hour == 17
    w.c.refresh_from_db()
    assert w.c.due_at == due(w)  # the worklists sort on the complaint's copy
    [event] = recomputed(w)
    assert event["clocks"] == ["resolution"]
    [change] = event["changes"]
    assert change["from"].startswith("2027-01-08T09:00") and change["to"].startswith("2027-01-11T09:00")  # UTC
    assert "computed" not in change
    assert event["why"] == [{"day": "2027-01-04", "working": False, "change": "added", "by": "root",
                             "note": "元旦调休"}]
    # The case page tells it, in words.
    client.force_login(org.office)
    page = client.get(f"/complaints/{w.c.reference}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the due times were recomputed" in page and "calendar day 2027-01-04 (closed) added by root" in page
    assert "2027-01-08 17:00 to 2027-01-11 17:00" in page
    page = client.get(f"/complaints/{w.c.reference}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "日历有变,到期时间已重新计算" in page and "root添加了日历日 2027-01-04(停业)" in page


def test_a_working_day_moves_it_earlier_but_never_before_the_acknowledged_date(org, walk, admin_user):
    w = walk(REGISTERED)
    assert acknowledged(w).startswith("2027-01-08")
    with frozen(at(2026, 12, 14, 9)):
        closure = CalendarDay(date=date(2027, 1, 4), working=False, reason="元旦调休")
        svc.calendar_day_save(closure, actor=admin_user)
    assert due(w).date() == date(2027, 1, 11)
    # The administrator turns the entry into a working Saturday 2 January instead: on
    # the calendar alone the 20th working day is Thursday 7 January (11-31 Dec: 15,
    # Sat 2 Jan: 16, 4-7 Jan: 20) — earlier than the 8th the customer was told.
    with frozen(at(2026, 12, 15, 9)):
        closure.date, closure.working, closure.reason = date(2027, 1, 2), True, "补班"
        svc.calendar_day_save(closure, actor=admin_user)
    assert nth_working_day_after(date(2026, 12, 10), 20) == date(2027, 1, 7)
    assert due(w).date() == date(2027, 1, 8)  # the acknowledgment's date stands
    first, second = recomputed(w)
    assert second["changes"][0]["computed"].startswith("2027-01-07")
    assert second["changes"][0]["to"] == acknowledged(w)
    assert second["why"][-1] == {"day": "2027-01-02", "working": True, "change": "changed", "by": "root",
                                 "note": "补班", "was": "2027-01-04"}


def test_a_working_day_brings_a_case_delayed_by_a_closure_back_earlier(org, walk, admin_user):
    w = walk(REGISTERED)
    with frozen(at(2026, 12, 14, 9)):
        svc.calendar_day_save(CalendarDay(date=date(2026, 12, 28), working=False, reason="台风"), actor=admin_user)
        svc.calendar_day_save(CalendarDay(date=date(2026, 12, 29), working=False, reason="台风"), actor=admin_user)
    assert due(w).date() == date(2027, 1, 12)
    with frozen(at(2026, 12, 15, 9)):
        svc.calendar_day_save(CalendarDay(date=date(2027, 1, 9), working=True, reason="补班"), actor=admin_user)
    assert due(w).date() == date(2027, 1, 11) == nth_working_day_after(date(2026, 12, 10), 20)
    assert [e["changes"][0]["to"][:10] for e in recomputed(w)] == ["2027-01-11", "2027-01-12", "2027-01-11"]


def test_stopped_clocks_do_not_move_but_the_running_callback_clock_does(org, walk, admin_user):
    # Told on Mon 14 Dec: the resolution clock stopped; the callback clock (5 working
    # days) runs to Mon 21 Dec.
    w = walk(REGISTERED)
    w.when = at(2026, 12, 14, 10)
    w.assess().dispatch().accept().propose().approve().communicate()
    stopped_due = due(w)
    assert due(w, "callback").date() == date(2026, 12, 21)
    with frozen(at(2026, 12, 15, 9)):
        svc.calendar_day_save(CalendarDay(date=date(2026, 12, 16), working=False, reason="台风"), actor=admin_user)
        svc.calendar_day_save(CalendarDay(date=date(2027, 1, 4), working=False, reason="元旦调休"),
                              actor=admin_user)
    assert due(w) == stopped_due
    assert due(w, "callback").date() == date(2026, 12, 22)
    [event] = recomputed(w)  # the second day touched no open clock of this case
    assert event["clocks"] == ["callback"]


def test_pauses_and_extensions_are_replayed_as_they_were_given(org, walk, admin_user):
    w = walk(REGISTERED).assess().dispatch().accept()
    with frozen(at(2026, 12, 15, 10)):  # waiting for the customer from Tuesday ...
        svc.message_send(w.c, actor=org.handler, kind="question", body="请提供委托截图", channel="phone",
                         wait_for_reply=True)
    with frozen(at(2026, 12, 17, 15)):  # ... to Thursday: two working days given back
        svc.customer_message_receive(w.c, body="截图已上传", channel="portal")
    assert due(w).date() == date(2027, 1, 12)
    with frozen(at(2027, 1, 4, 10)):
        ext = svc.extension_request(w.c, actor=org.handler, working_days=5, reason="待交易所回函", plan="回函后答复")
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    with frozen(at(2027, 1, 5, 10)):
        svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="送交鉴定")
    with frozen(at(2027, 1, 7, 10)):
        svc.resume_clocks(w.c, actor=org.handler)
    # 20 + 2 + 5 + 2 working days after 10 December.
    assert due(w).date() == date(2027, 1, 21) == nth_working_day_after(date(2026, 12, 10), 29)
    # On the calendar the clock was computed on, the replay gives the same: nothing moves.
    assert recompute.recompute_complaint(w.c.pk, why=[]) is False
    # A closure inside the first pause changes what that pause gave back as well as the
    # count: Wed 16 Dec closed gives back one day fewer, and counts one day fewer —
    # no move. A closure in the window after the pauses moves it one day.
    with frozen(at(2027, 1, 8, 10)):
        svc.calendar_day_save(CalendarDay(date=date(2026, 12, 16), working=False, reason="停电"), actor=admin_user)
    assert due(w).date() == date(2027, 1, 21) and not recomputed(w)
    with frozen(at(2027, 1, 8, 11)):
        svc.calendar_day_save(CalendarDay(date=date(2027, 1, 15), working=False, reason="台风"), actor=admin_user)
    assert due(w).date() == date(2027, 1, 22)
    assert len(recomputed(w)) == 1


def test_a_paused_clock_moves_and_its_pause_is_still_given_back_on_resume(org, walk, admin_user):
    w = walk(REGISTERED).assess().dispatch().accept()
    with frozen(at(2026, 12, 15, 10)):
        svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="送交鉴定")
    with frozen(at(2026, 12, 16, 10)):
        svc.calendar_day_save(CalendarDay(date=date(2027, 1, 4), working=False, reason="元旦调休"),
                              actor=admin_user)
    clock = ComplaintClock.objects.get(complaint=w.c, code="resolution")
    assert clock.status == "paused" and clock.due_at.astimezone(SH).date() == date(2027, 1, 11)
    with frozen(at(2026, 12, 18, 10)):  # Tue to Fri: three working days back
        svc.resume_clocks(w.c, actor=org.handler)
    assert due(w).date() == date(2027, 1, 14) == nth_working_day_after(date(2026, 12, 10), 23)


def test_the_sweep_recomputes_once_when_chinesecalendar_learns_2027(org, walk, official_2027):
    first, second = walk(REGISTERED), walk(at(2026, 12, 11, 10))
    closed = walk(at(2026, 12, 1, 10))
    closed.when = at(2026, 12, 2, 10)
    closed.to_awaiting_callback().callback()
    assert due(first).date() == date(2027, 1, 8) and due(second).date() == date(2027, 1, 11)
    with frozen(at(2026, 12, 20, 2)):
        assert "calendar changed" not in sweep()  # the first sweep notes the calendar in force
    assert CalendarState.objects.get().official["years"] == [2004, 2026]
    official_2027()  # pip install -U chinesecalendar
    # The new data: 1-5 Jan off, Sat 9 Jan worked. 20 working days after 10 Dec: 15 to 31
    # Dec, then 6, 7, 8, Sat 9, Mon 11 Jan.
    assert nth_working_day_after(date(2026, 12, 10), 20) == date(2027, 1, 11)
    with frozen(at(2026, 12, 21, 2)):
        assert recompute.recompute_round(limit=1) == (1, False)  # a batch at a time
        assert CalendarState.objects.get().pending
        assert recompute.recompute_round(limit=1) == (1, False)
        assert recompute.recompute_round(limit=1) == (0, True)  # nothing left after the second
        assert "calendar changed" not in sweep()  # and the sweep has nothing more to do
        assert recompute.recompute_round() == (0, True)
    assert due(first).date() == date(2027, 1, 11)
    assert due(second).date() == date(2027, 1, 12) == nth_working_day_after(date(2026, 12, 11), 20)
    assert due(first) > due(first).replace(hour=16)  # close of business
    [event] = recomputed(first)
    assert event["why"] == [{"official": [2004, 2027], "version": chinese_calendar.__version__}]
    assert len(recomputed(second)) == 1 and not recomputed(closed)
    state = CalendarState.objects.get()
    assert state.official["years"] == [2004, 2027] and not state.pending and state.reasons == []


def test_the_sweep_tells_what_it_recomputed(org, walk, official_2027):
    walk(REGISTERED)
    with frozen(at(2026, 12, 20, 2)):
        sweep()
    official_2027()
    with frozen(at(2026, 12, 21, 2)):
        assert "calendar changed: 1 cases' due times moved" in sweep()


def test_a_complaint_with_no_open_clock_is_not_touched(org, walk, admin_user):
    w = walk(REGISTERED).to_awaiting_callback().callback()
    version = w.c.version
    with frozen(at(2026, 12, 15, 9)):
        svc.calendar_day_save(CalendarDay(date=date(2026, 12, 11), working=False, reason="台风"), actor=admin_user)
    w.c.refresh_from_db()
    assert w.c.version == version and not recomputed(w)


def test_deleting_a_closure_moves_the_case_back(org, walk, admin_user, client):
    w = walk(REGISTERED)
    with frozen(at(2026, 12, 14, 9)):
        day = CalendarDay(date=date(2027, 1, 4), working=False, reason="元旦调休")
        svc.calendar_day_save(day, actor=admin_user)
    assert due(w).date() == date(2027, 1, 11)
    client.force_login(admin_user)
    with frozen(at(2026, 12, 14, 10)):
        response = client.post(f"/admin/complaints/calendarday/{day.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert due(w).date() == date(2027, 1, 8)
    assert recomputed(w)[-1]["why"][-1]["change"] == "deleted"


def test_a_lapsed_pause_is_replayed_up_to_its_threshold_only(org, walk, admin_user):
    # Never approved, a pause gives back time only up to its threshold (services/pausing):
    # the replay must give back the same, not the whole stretch until it was settled.
    w = walk(REGISTERED).assess().dispatch().accept()
    with frozen(at(2026, 12, 15, 10)):
        svc.pause_clocks(w.c, actor=org.handler, reason_code="external_appraisal", note="送交鉴定")
    with frozen(at(2027, 1, 6, 10)):  # long past the 5-working-day threshold
        svc.settle_pauses()
        svc.settle_pauses()
    clock = ComplaintClock.objects.get(complaint=w.c, code="resolution")
    assert clock.status == "running"
    before = due(w)
    with frozen(at(2027, 1, 6, 11)):
        assert recompute.recompute_complaint(w.c.pk, why=[]) is False
    assert due(w) == before


def test_a_holidays_release_that_moves_an_exchange_holiday_is_a_calendar_change(db, monkeypatch):
    """A broker on the NYSE calendar takes its days off from the `holidays` package, not
    from chinesecalendar: a release that adds a closure (say a national day of mourning,
    as for President Carter on 9 January 2025) must start a round like any other change."""
    pack = load_pack("us-broker")
    with frozen(at(2027, 1, 4, 15)):
        before, official = recompute.fingerprint(pack)
        assert official == {}  # chinesecalendar plays no part for this pack
        real = holidays.financial_holidays

        def with_mourning(market, **kwargs):
            days = real(market, **kwargs)
            if 2027 in days.years:
                days[date(2027, 1, 8)] = "National Day of Mourning"
            return days

        monkeypatch.setattr(holidays, "financial_holidays", with_mourning)
        after, _ = recompute.fingerprint(pack)
    assert after != before and after.split(":")[:4] == before.split(":")[:4]
    state = CalendarState(applied=before)
    assert recompute._reasons_between(state, after, {}) == [{"holidays": holidays.__version__}]


def test_the_first_look_after_an_upgrade_gives_no_reason_of_its_own(db):
    """A database whose fingerprint predates the holidays part sees a longer fingerprint
    once: a round checks every open clock, and only moved clocks would say why."""
    pack = load_pack("cn-securities")
    with frozen(at(2026, 12, 20, 2)):
        now, official = recompute.fingerprint(pack)
    old = ":".join(now.split(":")[:4])
    assert recompute._reasons_between(CalendarState(applied=old), now, official) == []
