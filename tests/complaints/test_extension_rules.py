"""Every rule of an extension (001 第二十二条, services/timing.py) on its own: who may ask
and decide, what each refusal says and names, the limits at their exact boundary, and
what a request and a decision write. Written for the mutants of timing.py that no test
noticed (docs/mutation.md)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.models import ComplaintClock, Extension
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from tests.conftest import SH, at

CONSENT = "2026-04-13 电话,客户同意延长5个工作日,录音编号R-88"


def resolution(c):
    return c.clocks.get(code="resolution")


def request(c, actor, **kw):
    kw.setdefault("working_days", 10)
    kw.setdefault("reason", "待交易所回函")
    kw.setdefault("plan", "回函后答复")
    return svc.extension_request(c, actor=actor, **kw)


def pack_file(settings, tmp_path, text):
    """An institution file on top of cn-securities, made the active pack."""
    path = tmp_path / "institution.yaml"
    path.write_text("extends: cn-securities\ncode: example-securities\n" + text, encoding="utf-8")
    settings.REDRESS_POLICY = str(path)


@pytest.fixture
def accepted(org, walk):
    """Registered Monday 2 March 2026 at 10:00, resolution due Monday 30 March at close (17:00)."""
    return walk(at(2026, 3, 2)).assess().dispatch().accept()


def extended_once(org, w):
    with frozen(at(2026, 3, 10)):
        ext = request(w.c, org.handler)
        svc.extension_decide(w.c, actor=org.office, extension_id=ext.pk, approve=True)
    return w


def refused(exc_type, fn, *args, **kwargs):
    with pytest.raises(exc_type) as err:
        fn(*args, **kwargs)
    return err.value


# ---- asking ---------------------------------------------------------------------------


def test_only_the_people_working_the_case_may_ask_for_an_extension(org, accepted):
    with frozen(at(2026, 3, 10)):
        err = refused(NotPermitted, request, accepted.c, org.callback)
    assert str(err) == "requesting an extension needs one of the roles handler, dept_head, complaints_office; " \
                       "callback has callback"
    assert not Extension.objects.exists()
    for person in (org.dept_head, org.office):
        with frozen(at(2026, 3, 10)):
            ext = request(accepted.c, person)
        assert ext.requested_by == person
        with frozen(at(2026, 3, 10)):
            svc.extension_decide(accepted.c, actor=org.office2, extension_id=ext.pk, approve=False, note="不需要")


def test_a_pack_without_extensions_refuses_the_request_and_the_decision(org, accepted, settings, tmp_path):
    with frozen(at(2026, 3, 10)):
        ext = request(accepted.c, org.handler)
    pack_file(settings, tmp_path, "extension: null\n")
    with frozen(at(2026, 3, 11)):
        err = refused(NotPermitted, request, accepted.c, org.handler)
        assert str(err) == "the policy example-securities does not allow extensions"
        err = refused(NotPermitted, svc.extension_decide, accepted.c, actor=org.office, extension_id=ext.pk,
                      approve=True)
        assert str(err) == "the policy example-securities does not allow extensions"
    assert Extension.objects.get().status == Extension.Status.REQUESTED


def test_nothing_is_extended_once_the_result_has_been_told(org, walk):
    # The resolution clock stops when the result is told; a remedy still to be carried
    # out keeps the case open (remedy pending), but there is no limit left to extend.
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    w.propose(remedies=[svc.RemedyInput(kind="rectification", description="整改", due_date=date(2026, 3, 20))])
    w.approve()
    with frozen(at(2026, 3, 2)):
        ext = request(w.c, org.handler)
    w.communicate()
    assert resolution(w.c).status == ComplaintClock.Status.STOPPED
    with frozen(at(2026, 3, 3)):
        err = refused(ValidationFailed, request, w.c, org.handler)
        assert err.field == "clock"
        assert err.rule == "the resolution clock is not running, so there is nothing to extend"
        err = refused(ValidationFailed, svc.extension_decide, w.c, actor=org.office, extension_id=ext.pk,
                      approve=True)
        assert err.field == "clock"
    assert Extension.objects.get().status == Extension.Status.REQUESTED


def test_the_refusal_of_a_late_request_names_the_due_time(org, accepted):
    due = resolution(accepted.c).due_at
    assert due.astimezone(SH) == at(2026, 3, 30, 17)
    with frozen(due + timedelta(minutes=1)):
        err = refused(ValidationFailed, request, accepted.c, org.handler)
    assert err.field == "due_at"
    assert err.rule == "an extension must be asked for before the time limit passes; it passed on " \
                          "2026-03-30 17:00 (001 第二十二条)"


def test_an_extension_may_be_granted_up_to_the_due_minute_but_not_after(org, accepted):
    with frozen(at(2026, 3, 20)):
        ext = request(accepted.c, org.handler)
    due = resolution(accepted.c).due_at
    with frozen(due + timedelta(microseconds=1)):
        err = refused(ValidationFailed, svc.extension_decide, accepted.c, actor=org.office, extension_id=ext.pk,
                      approve=True)
    assert err.field == "due_at"
    assert err.rule == "the time limit passed on 2026-03-30 17:00, so the extension can no longer be granted; " \
                          "refuse the request instead (001 第二十二条)"
    with frozen(due):
        svc.extension_decide(accepted.c, actor=org.office, extension_id=ext.pk, approve=True)
    assert resolution(accepted.c).extended


def test_a_clock_paused_before_its_due_time_may_still_be_extended_after_it(org, accepted):
    # Asked for on Friday 20 March; the clock paused on Wednesday 25 March for an outside
    # appraisal, before the limit (Monday 30 March): the office decides on Tuesday 31
    # March, while it is still paused. The clock stood still before its limit, so the
    # limit has not passed and the extension is granted from the due time.
    with frozen(at(2026, 3, 20)):
        ext = request(accepted.c, org.handler)
    with frozen(at(2026, 3, 25)):
        svc.pause_clocks(accepted.c, actor=org.handler, reason_code="external_appraisal")
    assert resolution(accepted.c).status == ComplaintClock.Status.PAUSED
    with frozen(at(2026, 3, 31)):
        svc.extension_decide(accepted.c, actor=org.office, extension_id=ext.pk, approve=True)
    # 10 working days after Monday 30 March: 31 Mar, 1-3 Apr; 4-6 Apr Qingming;
    # 7-10 Apr, 13, 14 Apr -> Tuesday 14 April at close.
    assert resolution(accepted.c).due_at.astimezone(SH) == at(2026, 4, 14, 17)


def test_a_request_while_paused_after_the_due_time_is_refused_for_notice_with_none_left(org, accepted):
    # Paused before the limit, asked after it: not lapsed (the clock stood still), but
    # the three working days' notice were not given — and the message says none were
    # left, not a negative count.
    with frozen(at(2026, 3, 25)):
        svc.pause_clocks(accepted.c, actor=org.handler, reason_code="external_appraisal")
    with frozen(at(2026, 4, 1)):
        err = refused(ValidationFailed, request, accepted.c, org.handler)
    assert err.field == "requested_at"
    assert err.rule == "an extension must be requested at least 3 working days before the time limit " \
                          "(due 2026-03-30 17:00; 0 working days left) — 001 第二十二条"


def test_a_request_says_why_and_what_next(org, accepted):
    with frozen(at(2026, 3, 10)):
        for blank in ("", "  \n"):
            err = refused(ValidationFailed, request, accepted.c, org.handler, reason=blank)
            assert (err.field, err.rule) == ("reason", "say why the case cannot be finished in time (未能办结原因)")
            err = refused(ValidationFailed, request, accepted.c, org.handler, plan=blank)
            assert (err.field, err.rule) == ("plan", "say what will be done next (下一步处理方案)")
    assert not Extension.objects.exists()


def test_only_one_request_waits_for_a_decision_at_a_time(org, accepted):
    with frozen(at(2026, 3, 10)):
        request(accepted.c, org.handler)
        err = refused(ValidationFailed, request, accepted.c, org.dept_head)
    assert (err.field, err.rule) == ("extension", "an extension request is already waiting for a decision")
    assert Extension.objects.count() == 1


@pytest.mark.parametrize("days", [0, -1, 1.5, "5", None])
def test_the_working_days_asked_for_are_a_whole_positive_number(org, accepted, days):
    with frozen(at(2026, 3, 10)):
        err = refused(ValidationFailed, request, accepted.c, org.handler, working_days=days)
    assert (err.field, err.rule) == ("working_days", "must be a whole number of working days, at least 1")
    assert not Extension.objects.exists()


def test_one_working_day_may_be_asked_for(org, accepted):
    with frozen(at(2026, 3, 10)):
        ext = request(accepted.c, org.handler, working_days=1)
        svc.extension_decide(accepted.c, actor=org.office, extension_id=ext.pk, approve=True)
    assert resolution(accepted.c).due_at.astimezone(SH) == at(2026, 3, 31, 17)


def test_the_first_extension_is_at_most_ten_working_days(org, accepted):
    with frozen(at(2026, 3, 10)):
        err = refused(ValidationFailed, request, accepted.c, org.handler, working_days=11)
        assert (err.field, err.rule) == ("working_days", "an extension may be at most 10 working days")
        assert request(accepted.c, org.handler, working_days=10).working_days == 10


def test_the_notice_refusal_names_the_due_time_and_the_days_left(org, accepted):
    with frozen(at(2026, 3, 26, 9)):
        err = refused(ValidationFailed, request, accepted.c, org.handler)
    assert err.field == "requested_at"
    assert err.rule == "an extension must be requested at least 3 working days before the time limit " \
                          "(due 2026-03-30 17:00; 2 working days left) — 001 第二十二条"


# ---- what a request writes -----------------------------------------------------------


def test_a_request_records_what_was_asked_and_tells_the_approvers(org, accepted):
    due = resolution(accepted.c).due_at
    with frozen(at(2026, 3, 10, 11)):
        ext = request(accepted.c, org.handler, working_days=7)
    ext.refresh_from_db()
    assert (ext.clock_code, ext.sequence, ext.working_days, ext.reason, ext.plan) == \
        ("resolution", 1, 7, "待交易所回函", "回函后答复")
    assert (ext.customer_consent, ext.consent_note, ext.requested_by) == (False, "", org.handler)
    assert ext.requested_at == at(2026, 3, 10, 11) and ext.due_before == due
    assert ext.status == Extension.Status.REQUESTED and ext.decided_by is None
    event = accepted.c.events.get(type=EventType.EXTENSION_REQUESTED)
    payload = json.loads(event.payload)
    assert payload == {"extension": ext.pk, "sequence": 1, "working_days": 7, "reason": "待交易所回函",
                             "plan": "回函后答复", "customer_consent": False, "due": payload["due"]}
    assert payload["due"].startswith("2026-03-30T09:00:00")  # 17:00 in Shanghai, kept in UTC
    assert due.astimezone(SH) == at(2026, 3, 30, 17)
    assert (event.actor, event.actor_role) == (org.handler, "handler")
    told = OutboxMessage.objects.get(kind="extension_requested")
    assert told.to_role == "complaints_office"
    assert told.payload == {"reference": accepted.c.reference, "extension": ext.pk}


# ---- deciding -------------------------------------------------------------------------


def test_only_the_packs_approvers_decide_and_never_on_their_own_request(org, accepted):
    with frozen(at(2026, 3, 10)):
        mine = request(accepted.c, org.office)
        err = refused(NotPermitted, svc.extension_decide, accepted.c, actor=org.dept_head, extension_id=mine.pk,
                      approve=True)
        assert str(err) == "deciding an extension needs one of the roles complaints_office; dept_head has dept_head"
        err = refused(NotPermitted, svc.extension_decide, accepted.c, actor=org.office, extension_id=mine.pk,
                      approve=True)
        assert str(err) == "nobody may approve their own extension request (maker–checker)"
    assert Extension.objects.get().status == Extension.Status.REQUESTED


def test_a_decision_is_on_a_request_still_waiting_on_this_case(org, walk, accepted):
    other = walk(at(2026, 3, 2)).assess().dispatch().accept()
    with frozen(at(2026, 3, 10)):
        theirs = request(other.c, org.handler)
        mine = request(accepted.c, org.handler)
        for pk in (theirs.pk, mine.pk + 1000):
            err = refused(ValidationFailed, svc.extension_decide, accepted.c, actor=org.office, extension_id=pk,
                          approve=True)
            assert (err.field, err.rule) == ("extension_id", "no such extension request is waiting for a decision")
        svc.extension_decide(accepted.c, actor=org.office, extension_id=mine.pk, approve=False, note="资料已齐")
        err = refused(ValidationFailed, svc.extension_decide, accepted.c, actor=org.office, extension_id=mine.pk,
                      approve=True)
        assert err.field == "extension_id"
    assert not resolution(accepted.c).extended


def test_a_refusal_says_why_and_is_recorded_and_told_to_the_requester(org, accepted):
    due = resolution(accepted.c).due_at
    with frozen(at(2026, 3, 10)):
        ext = request(accepted.c, org.handler)
    with frozen(at(2026, 3, 11)):
        for blank in ("", "   "):
            err = refused(ValidationFailed, svc.extension_decide, accepted.c, actor=org.office, extension_id=ext.pk,
                          approve=False, note=blank)
            assert (err.field, err.rule) == ("note", "say why the extension is refused")
        svc.extension_decide(accepted.c, actor=org.office, extension_id=ext.pk, approve=False, note="资料已齐,按期办结")
    ext.refresh_from_db()
    assert ext.status == Extension.Status.REFUSED
    assert (ext.decided_by, ext.decided_at, ext.decision_note) == (org.office, at(2026, 3, 11), "资料已齐,按期办结")
    assert ext.due_after is None
    clock = resolution(accepted.c)
    assert clock.due_at == due and not clock.extended
    event = accepted.c.events.get(type=EventType.EXTENSION_REFUSED)
    assert json.loads(event.payload) == {"extension": ext.pk, "note": "资料已齐,按期办结"}
    assert not accepted.c.events.filter(type=EventType.EXTENSION_APPROVED).exists()
    told = OutboxMessage.objects.get(kind="extension_decided")
    assert told.to_staff == org.handler
    assert told.payload == {"reference": accepted.c.reference, "extension": ext.pk, "approved": False}


def test_an_approval_moves_the_due_time_and_is_recorded_and_told_to_the_requester(org, accepted):
    with frozen(at(2026, 3, 10)):
        ext = request(accepted.c, org.handler)
    with frozen(at(2026, 3, 11)):
        svc.extension_decide(accepted.c, actor=org.office, extension_id=ext.pk, approve=True, note="同意")
    ext.refresh_from_db()
    clock = resolution(accepted.c)
    assert clock.due_at.astimezone(SH) == at(2026, 4, 14, 17) and clock.extended
    assert clock.status == ComplaintClock.Status.RUNNING
    accepted.c.refresh_from_db()
    assert accepted.c.due_at == clock.due_at
    assert ext.status == Extension.Status.APPROVED and ext.due_after == clock.due_at
    assert (ext.decided_by, ext.decided_at, ext.decision_note, ext.reported_to) == \
        (org.office, at(2026, 3, 11), "同意", [])
    payload = json.loads(accepted.c.events.get(type=EventType.EXTENSION_APPROVED).payload)
    assert payload == {"extension": ext.pk, "sequence": 1, "due": payload["due"], "note": "同意",
                       "reported_to": [], "consent_note": ""}
    assert payload["due"].startswith("2026-04-14T09:00:00")
    told = OutboxMessage.objects.get(kind="extension_decided")
    assert told.to_staff == org.handler
    assert told.payload == {"reference": accepted.c.reference, "extension": ext.pk, "approved": True}
    assert not OutboxMessage.objects.filter(kind="further_extension_report").exists()


# ---- the further extension ----------------------------------------------------------------


def test_a_further_extension_refusal_names_consent_and_how_it_was_given(org, accepted):
    extended_once(org, accepted)
    with frozen(at(2026, 4, 1)):
        err = refused(ValidationFailed, request, accepted.c, org.handler, working_days=5)
    assert err.field == "customer_consent"
    assert err.rule == "a further extension needs the complainant's consent, recorded with how and when " \
                          "it was given (001 第二十二条)"


def test_a_further_extension_is_reported_with_its_reason_plan_due_time_and_consent(org, accepted):
    extended_once(org, accepted)
    with frozen(at(2026, 4, 1)):
        ext = request(accepted.c, org.handler, working_days=5, customer_consent=True, consent_note=CONSENT)
    assert (ext.sequence, ext.customer_consent, ext.consent_note) == (2, True, CONSENT)
    asked = json.loads(accepted.c.events.filter(type=EventType.EXTENSION_REQUESTED).order_by("seq").last().payload)
    assert asked["sequence"] == 2 and asked["customer_consent"] is True
    with frozen(at(2026, 4, 2)):
        svc.extension_decide(accepted.c, actor=org.office, extension_id=ext.pk, approve=True)
    due = resolution(accepted.c).due_at
    assert due.astimezone(SH) == at(2026, 4, 21, 17)  # five working days after Tuesday 14 April
    granted = json.loads(accepted.c.events.filter(type=EventType.EXTENSION_APPROVED).order_by("seq").last().payload)
    assert granted["reported_to"] == ["complaints_office", "compliance", "audit"]
    assert granted["consent_note"] == CONSENT and granted["sequence"] == 2
    reports = OutboxMessage.objects.filter(kind="further_extension_report").order_by("to_role")
    assert [r.to_role for r in reports] == ["audit", "complaints_office", "compliance"]
    for report in reports:
        assert report.payload == {"reference": accepted.c.reference, "extension": ext.pk, "sequence": 2,
                                  "due": "2026-04-21T17:00:00+08:00", "reason": "待交易所回函", "plan": "回函后答复",
                                  "consent_note": CONSENT}


def test_a_pack_may_cap_the_further_extension_and_the_cap_holds_at_the_decision(org, accepted, settings, tmp_path):
    extended_once(org, accepted)
    with frozen(at(2026, 4, 1)):
        six = request(accepted.c, org.handler, working_days=6, customer_consent=True, consent_note=CONSENT)
    # The institution caps further extensions at five days before the office decides.
    pack_file(settings, tmp_path, "extension:\n  max_further: { amount: 5, unit: working_days }\n")
    with frozen(at(2026, 4, 2)):
        err = refused(ValidationFailed, svc.extension_decide, accepted.c, actor=org.office, extension_id=six.pk,
                      approve=True)
        assert (err.field, err.rule) == ("working_days", "a further extension may be at most 5 days")
        svc.extension_decide(accepted.c, actor=org.office, extension_id=six.pk, approve=False, note="超过上限")
        err = refused(ValidationFailed, request, accepted.c, org.handler, working_days=6, customer_consent=True,
                      consent_note=CONSENT)
        assert (err.field, err.rule) == ("working_days", "a further extension may be at most 5 days")
        five = request(accepted.c, org.handler, working_days=5, customer_consent=True, consent_note=CONSENT)
        svc.extension_decide(accepted.c, actor=org.office, extension_id=five.pk, approve=True)
    assert resolution(accepted.c).due_at.astimezone(SH) == at(2026, 4, 21, 17)


def test_a_pack_may_let_a_further_extension_go_without_consent(org, accepted, settings, tmp_path):
    pack_file(settings, tmp_path, "extension:\n  further_requires_consent: false\n")
    extended_once(org, accepted)
    with frozen(at(2026, 4, 1)):
        ext = request(accepted.c, org.handler, working_days=5)
        svc.extension_decide(accepted.c, actor=org.office, extension_id=ext.pk, approve=True)
    assert ext.sequence == 2 and resolution(accepted.c).due_at.astimezone(SH) == at(2026, 4, 21, 17)


def test_the_refusals_show_the_due_time_on_the_institutions_clock_not_the_servers(org, walk, settings):
    # A New York broker on a server set to Shanghai time: the due time in a refusal is
    # the institution's wall-clock time, as its staff read the limit.
    settings.REDRESS_POLICY = "us-broker"
    w = walk(at(2026, 3, 2)).assess(category="unauthorized_trading").dispatch().accept()
    due = resolution(w.c).due_at
    shown = format(due.astimezone(ZoneInfo("America/New_York")), "%Y-%m-%d %H:%M")
    assert shown != format(due.astimezone(SH), "%Y-%m-%d %H:%M")
    with frozen(due - timedelta(hours=1)):
        err = refused(ValidationFailed, request, w.c, org.handler, working_days=5)
    assert err.field == "requested_at" and f"(due {shown}; 0 working days left)" in err.rule
    with frozen(due + timedelta(minutes=1)):
        err = refused(ValidationFailed, request, w.c, org.handler, working_days=5)
    assert err.field == "due_at" and f"it passed on {shown} " in err.rule


def test_a_notice_in_working_hours_is_counted_to_the_minute(org, walk, settings):
    # The futures pack (004): the two working days of 第七条(三) may be extended if asked
    # at least four working hours before they end, and by five working days at most.
    settings.REDRESS_POLICY = "cn-futures"
    w = walk(at(2026, 3, 2)).assess(category="other").dispatch().accept()
    due = resolution(w.c).due_at
    assert due.astimezone(SH) == at(2026, 3, 4, 17)
    with frozen(at(2026, 3, 4, 13, 1)):
        err = refused(ValidationFailed, request, w.c, org.handler, working_days=5)
    assert (err.field, err.rule) == ("requested_at", "an extension must be requested 4 working_hours before the time limit")
    with frozen(at(2026, 3, 4, 13)):
        err = refused(ValidationFailed, request, w.c, org.handler, working_days=6)
        assert (err.field, err.rule) == ("working_days", "an extension may be at most 5 working days")
        assert request(w.c, org.handler, working_days=5).working_days == 5


def test_a_pack_may_cap_all_extensions_together_counting_only_those_granted(org, accepted, settings, tmp_path):
    # The institution allows fifteen working days in all; ten are granted first.
    pack_file(settings, tmp_path, "extension:\n  max_total: { amount: 15, unit: working_days }\n")
    extended_once(org, accepted)
    with frozen(at(2026, 4, 1)):
        err = refused(ValidationFailed, request, accepted.c, org.handler, working_days=6, customer_consent=True,
                      consent_note=CONSENT)
        assert (err.field, err.rule) == ("working_days",
                                         "extensions may add up to at most 15 days in all; 10 are already granted")
        # A request refused by the office adds nothing to the total.
        five = request(accepted.c, org.handler, working_days=5, customer_consent=True, consent_note=CONSENT)
        svc.extension_decide(accepted.c, actor=org.office, extension_id=five.pk, approve=False, note="先补材料")
        five = request(accepted.c, org.handler, working_days=5, customer_consent=True, consent_note=CONSENT)
        svc.extension_decide(accepted.c, actor=org.office, extension_id=five.pk, approve=True)
    assert resolution(accepted.c).due_at.astimezone(SH) == at(2026, 4, 21, 17)
    with frozen(at(2026, 4, 15)):
        err = refused(ValidationFailed, request, accepted.c, org.handler, working_days=1, customer_consent=True,
                      consent_note=CONSENT)
    assert err.rule == "extensions may add up to at most 15 days in all; 15 are already granted"


def test_a_request_or_decision_made_on_a_stale_page_is_refused_and_writes_nothing(org, accepted):
    from redress.complaints.errors import StaleComplaint

    accepted.c.refresh_from_db()
    seen = accepted.c.version
    with frozen(at(2026, 3, 10)):
        ext = request(accepted.c, org.handler)
        err = refused(StaleComplaint, request, accepted.c, org.dept_head, expected_version=seen)
        assert (err.expected, err.actual) == (seen, seen + 1)
        err = refused(StaleComplaint, svc.extension_decide, accepted.c, actor=org.office, extension_id=ext.pk,
                      approve=True, expected_version=seen)
        assert (err.expected, err.actual) == (seen, seen + 1)
    assert Extension.objects.get().status == Extension.Status.REQUESTED
    assert resolution(accepted.c).due_at.astimezone(SH) == at(2026, 3, 30, 17)
