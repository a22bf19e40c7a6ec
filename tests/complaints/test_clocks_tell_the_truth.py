"""Clocks tell the truth: a callback made on time is not late because the customer was
not satisfied (001 第二十三条), and extensions follow the text of 001 第二十二条 — asked
for and granted before the limit passes, a further one only with the customer's
recorded consent and reported to 经纪业务主管部门、合规与法律事务部及审计总部."""

from __future__ import annotations

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import State
from redress.complaints.models import ComplaintClock, Extension
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from redress.web.complaint.timeline import timeline
from tests.conftest import SH, at

CONSENT = "2026-04-13 电话,客户同意延长5个工作日,录音编号R-88"


def resolution(c):
    return c.clocks.get(code="resolution")


def request(c, actor, **kw):
    kw.setdefault("working_days", 10)
    return svc.extension_request(c, actor=actor, reason="待交易所回函", plan="回函后答复", **kw)


def extended_once(org, walk):
    """Registered Monday 2 March (due 30 March), extended on 10 March to 14 April."""
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 10)):
        ext = request(w.c, org.handler)
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    assert resolution(w.c).due_at.astimezone(SH).date().isoformat() == "2026-04-14"
    return w


# ---- the callback ------------------------------------------------------------------


def test_a_dissatisfied_callback_stops_the_callback_clock_on_time(org, walk):
    w = walk(at(2026, 3, 2)).to_awaiting_callback().callback(satisfied=False)
    w.c.refresh_from_db()
    assert w.c.state == State.FOLLOW_UP
    callback = w.c.clocks.get(code="callback")
    assert callback.status == ComplaintClock.Status.STOPPED and not callback.breached
    # Five working days on, while the case is followed up, nothing turns late.
    with frozen(at(2026, 3, 16)):
        assert svc.mark_breaches() == 0
    assert not w.c.clocks.get(code="callback").breached
    assert w.c.due_at is None


def test_a_late_callback_is_still_late_whatever_the_answer(org, walk):
    w = walk(at(2026, 3, 2)).to_awaiting_callback()
    w.when = at(2026, 3, 16)  # more than 5 working days after the result was told
    w.callback(satisfied=False)
    assert w.c.clocks.get(code="callback").breached


# ---- extensions after the limit -------------------------------------------------------


def test_no_first_extension_is_asked_for_after_the_limit_passed(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 31, 9)), pytest.raises(ValidationFailed) as err:
        request(w.c, org.handler)
    assert err.value.field == "due_at" and "001 第二十二条" in str(err.value) and "2026-03-30" in str(err.value)
    assert not Extension.objects.exists()


def test_an_extension_asked_for_in_time_cannot_be_granted_after_the_limit(org, walk):
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 25, 16)):
        ext = request(w.c, org.handler)
    version = w.c.version
    with frozen(at(2026, 3, 31, 9)), pytest.raises(ValidationFailed) as err:
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    assert err.value.field == "due_at" and "001 第二十二条" in str(err.value)
    w.c.refresh_from_db()
    assert w.c.version == version  # nothing half-written
    assert resolution(w.c).due_at.astimezone(SH).date().isoformat() == "2026-03-30"
    assert Extension.objects.get().status == Extension.Status.REQUESTED
    # The office can still say no, so the request does not hang.
    with frozen(at(2026, 3, 31, 9)):
        refused = svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=False,
                                       note="期限已过,不能延长")
    assert refused.status == Extension.Status.REFUSED


def test_no_further_extension_after_the_extended_limit_lapsed(org, walk):
    w = extended_once(org, walk)
    with frozen(at(2026, 4, 15, 9)), pytest.raises(ValidationFailed) as err:
        request(w.c, org.handler, working_days=5, customer_consent=True, consent_note=CONSENT)
    assert err.value.field == "due_at" and "2026-04-14" in str(err.value)
    assert Extension.objects.count() == 1


# ---- the further extension ----------------------------------------------------------


def test_a_further_extension_with_consent_but_no_note_of_it_is_refused(org, walk):
    w = extended_once(org, walk)
    with frozen(at(2026, 4, 13)):
        for note in ("", "   "):
            with pytest.raises(ValidationFailed) as err:
                request(w.c, org.handler, working_days=5, customer_consent=True, consent_note=note)
            assert err.value.field == "customer_consent" and "001 第二十二条" in str(err.value)
        with pytest.raises(ValidationFailed):
            request(w.c, org.handler, working_days=5, customer_consent=False, consent_note=CONSENT)
    assert Extension.objects.count() == 1


def test_a_further_extension_is_reported_to_the_three_departments_and_the_case_says_so(org, walk):
    w = extended_once(org, walk)
    with frozen(at(2026, 4, 13)):
        ext = request(w.c, org.handler, working_days=5, customer_consent=True, consent_note=CONSENT)
        ext = svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    assert ext.sequence == 2 and ext.status == Extension.Status.APPROVED
    # 经纪业务主管部门、合规与法律事务部及审计总部
    assert ext.reported_to == ["complaints_office", "compliance", "audit"]
    reports = OutboxMessage.objects.filter(kind="further_extension_report", complaint=w.c)
    assert sorted(reports.values_list("to_role", flat=True)) == ["audit", "complaints_office", "compliance"]
    assert all(r.payload["consent_note"] == CONSENT for r in reports)
    first = Extension.objects.get(sequence=1)
    assert first.reported_to == []  # the first extension is approved by the office, not reported
    approved = w.c.events.filter(type=EventType.EXTENSION_APPROVED).order_by("seq")
    entries = timeline(list(approved.select_related("actor")))
    assert "reported to" not in entries[0].sentence
    assert "reported to Complaints office, Compliance, Audit" in entries[1].sentence
    assert CONSENT in entries[1].detail


def test_the_case_page_shows_whom_a_further_extension_was_reported_to(org, walk, client):
    w = extended_once(org, walk)
    with frozen(at(2026, 4, 13)):
        ext = request(w.c, org.handler, working_days=5, customer_consent=True, consent_note=CONSENT)
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    client.force_login(org.office)
    with frozen(at(2026, 4, 13, 11)):
        html = client.get(f"/complaints/{w.c.reference}/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "已报告" in html and "合规" in html and "审计" in html
    assert CONSENT in html


# ---- the first extension's notice on an adjusted working weekend (调休) ------------------


def test_first_extension_notice_counts_the_adjusted_working_saturday(org, walk):
    # Registered Wednesday 2026-01-28: 20 working days across the Spring Festival (with
    # the 调休 Saturdays 14 and 28 February) end on Tuesday 3 March. Asked on Friday
    # 27 February, three working days are left — Saturday 28 (调休), Monday 2, Tuesday 3 —
    # so it is in time; asked on that working Saturday, two are left: refused.
    w = walk(at(2026, 1, 28)).assess().dispatch().accept()
    assert resolution(w.c).due_at.astimezone(SH).date().isoformat() == "2026-03-03"
    with frozen(at(2026, 2, 28, 10)), pytest.raises(ValidationFailed) as err:
        request(w.c, org.handler)
    assert err.value.field == "requested_at" and "2 working days left" in str(err.value)
    assert "001 第二十二条" in str(err.value)
    with frozen(at(2026, 2, 27, 16)):
        ext = request(w.c, org.handler)
    assert ext.sequence == 1
