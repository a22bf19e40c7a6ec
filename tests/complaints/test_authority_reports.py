"""Reports owed to the police and regulators are tasks, not emails (001 第三条,
第十六条(三), 第二十一条): open until a named person records when, how and the
authority's receipt; the sweep marks the late ones and escalates them, never closes one."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.models import AuthorityReport, Event
from redress.complaints.sweep import sweep
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from tests.conftest import at, complaint_input

pytestmark = pytest.mark.django_db

STOLEN = dict(subject="账户资金被转走", cause="我的账户里的资金昨晚被人转走了,我没有操作过。")


def stolen_funds(walk, when=None):
    return walk(when or at(2026, 3, 2), **STOLEN).assess(category="stolen_funds", severity="major")


def reports_of(c):
    return {r.authority: r for r in AuthorityReport.objects.filter(complaint=c.c if hasattr(c, "c") else c)}


def events(c, type_):
    return list(Event.objects.filter(complaint=c, type=type_).order_by("id"))


def record(w, report, actor, when=None, **kw):
    kw.setdefault("reported_at", (when or w.when) - timedelta(minutes=10 if when else 0))
    kw.setdefault("how", "in_person")
    kw.setdefault("receipt", "穗公天刑受字〔2026〕0307号")
    with frozen(when or w.when):
        return svc.authority_report_record(w.c, actor=actor, report_id=report.pk, **kw)


def test_a_stolen_funds_complaint_owes_the_police_and_the_csrc_office_a_report(org, walk):
    w = stolen_funds(walk)
    reports = reports_of(w)
    assert set(reports) == {"police", "csrc_local"}
    police, csrc = reports["police"], reports["csrc_local"]
    assert police.status == csrc.status == "open"
    assert police.kind == "report"
    assert police.reasons == [{"source": "category_step", "code": "report_police_and_regulator"}]
    assert police.due_at == at(2026, 3, 2, 12)  # at once: two hours
    assert csrc.due_at == at(2026, 3, 3, 17)  # 及时: close of the next working day
    due = events(w.c, EventType.AUTHORITY_REPORT_DUE)
    assert {json.loads(e.payload)["authority"] for e in due} == {"police", "csrc_local"}
    # Nothing is "sent" to an authority: the office and compliance are told a report is due.
    assert not OutboxMessage.objects.exclude(to_authority="").exists()
    told = OutboxMessage.objects.filter(complaint=w.c, kind="authority_report_due")
    assert sorted(told.values_list("to_role", flat=True)) == sorted(["complaints_office", "compliance"] * 2)


def test_a_report_due_before_a_chinese_holiday_falls_on_the_adjusted_working_saturday(org, walk):
    # Friday 13 February 2026, the eve of the Spring Festival break; Saturday 14th is a 调休 working day.
    w = stolen_funds(walk, at(2026, 2, 13, 16))
    assert reports_of(w)["csrc_local"].due_at == at(2026, 2, 14, 17)
    assert reports_of(w)["police"].due_at == at(2026, 2, 13, 18)


def test_reassessing_or_a_trigger_naming_the_same_authority_opens_no_second_task(org, walk):
    w = stolen_funds(walk)
    w.assess(category="stolen_funds", severity="major")  # assessed again: the same reasons
    assert AuthorityReport.objects.filter(complaint=w.c).count() == 2
    w.assess(category="stolen_funds", severity="major", critical_flags=["threat_of_harm"])
    police = AuthorityReport.objects.get(complaint=w.c, authority="police")
    assert police.reasons == [{"source": "category_step", "code": "report_police_and_regulator"},
                              {"source": "trigger", "code": "threat_of_harm"}]
    assert len(events(w.c, EventType.AUTHORITY_REPORT_DUE)) == 2


def test_a_12386_referral_owes_the_hotline_a_reply(org):
    data = complaint_input(channel="regulator_referral", referral_source="hotline_12386",
                           external_reference="12386-2026-0001")
    with frozen(at(2026, 3, 2)):
        c = svc.complaint_receive(actor=org.intake, data=data, register=True)
    [reply] = AuthorityReport.objects.filter(complaint=c)
    assert (reply.authority, reply.kind, reply.status) == ("hotline_12386", "reply", "open")
    assert reply.reasons == [{"source": "referral", "code": "12386-2026-0001"}]
    assert reply.due_at == at(2026, 3, 16, 17)  # ten working days


def test_the_sweep_marks_an_overdue_report_once_escalates_it_and_never_closes_it(org, walk):
    w = stolen_funds(walk)
    with frozen(at(2026, 3, 2, 12, 30)):  # police report due 12:00
        sweep()
        sweep()
    police = reports_of(w)["police"]
    assert police.status == "open" and police.overdue_at == at(2026, 3, 2, 12, 30)
    assert police.escalated_at is None
    assert len(events(w.c, EventType.AUTHORITY_REPORT_OVERDUE)) == 1
    overdue = OutboxMessage.objects.filter(complaint=w.c, kind="authority_report_overdue")
    assert sorted(overdue.values_list("to_role", flat=True)) == ["complaints_office", "compliance"]
    assert set(overdue.values_list("status", flat=True)) == {"sent"}  # the reminder went; the task did not close
    with frozen(at(2026, 3, 2, 16, 1)):  # four hours late: to senior management and compliance
        sweep()
        sweep()
    police.refresh_from_db()
    assert police.status == "open" and police.escalated_at == at(2026, 3, 2, 16, 1)
    [escalated] = events(w.c, EventType.AUTHORITY_REPORT_ESCALATED)
    assert json.loads(escalated.payload)["authority"] == "police"
    assert set(OutboxMessage.objects.filter(complaint=w.c, kind="authority_report_escalated")
               .values_list("to_role", flat=True)) == {"senior_management", "compliance"}
    assert reports_of(w)["csrc_local"].overdue_at is None  # due tomorrow evening


def test_recording_a_report_needs_the_authoritys_receipt_or_why_there_is_none(org, walk):
    w = stolen_funds(walk)
    police = reports_of(w)["police"]
    with pytest.raises(ValidationFailed) as refused:
        record(w, police, org.office, receipt="  ")
    assert refused.value.field == "receipt"
    police.refresh_from_db()
    assert police.status == "open" and not events(w.c, EventType.AUTHORITY_REPORT_RECORDED)
    done = record(w, police, org.office, receipt="", no_receipt_reason="派出所当场受理,未出具回执,接警民警:王警官")
    assert done.status == "done" and done.recorded_by == org.office


def test_a_report_cannot_be_recorded_as_made_in_the_future(org, walk):
    w = stolen_funds(walk)
    with pytest.raises(ValidationFailed) as refused:
        record(w, reports_of(w)["police"], org.office, reported_at=w.when + timedelta(hours=1))
    assert refused.value.field == "reported_at"


def test_a_handler_cannot_record_a_report_to_an_authority(org, walk):
    w = stolen_funds(walk).dispatch().accept()
    with pytest.raises(NotPermitted):
        record(w, reports_of(w)["police"], org.handler)
    assert reports_of(w)["police"].status == "open"


def test_compliance_records_a_report_and_the_ledger_keeps_who_when_how_and_the_receipt(org, walk):
    w = stolen_funds(walk)
    csrc = reports_of(w)["csrc_local"]
    record(w, csrc, org.compliance, when=at(2026, 3, 3, 9), how="online", receipt="GDZJJ-2026-118",
           note="通过监管报送系统报送")
    csrc.refresh_from_db()
    assert (csrc.status, csrc.how, csrc.receipt, csrc.recorded_by) == ("done", "online", "GDZJJ-2026-118",
                                                                        org.compliance)
    assert csrc.reported_at == at(2026, 3, 3, 8, 50)
    [event] = events(w.c, EventType.AUTHORITY_REPORT_RECORDED)
    p = json.loads(event.payload)
    assert (event.actor, event.actor_role, p["authority"], p["receipt"], p["how"]) == (
        org.compliance, "compliance", "csrc_local", "GDZJJ-2026-118", "online")
    assert p["late"] is False
    with pytest.raises(ValidationFailed):  # made once
        record(w, csrc, org.office, when=at(2026, 3, 3, 10))


def test_a_report_made_after_the_case_closed_is_still_recorded_and_the_sweep_leaves_it_alone(org, walk):
    w = stolen_funds(walk)
    with frozen(w.when):
        svc.complaint_withdraw(w.c, actor=org.office, reason="客户撤回投诉")
    police = reports_of(w)["police"]
    assert police.status == "open"  # withdrawing the complaint does not make the report
    record(w, police, org.office, when=at(2026, 3, 2, 13))
    with frozen(at(2026, 3, 9)):
        sweep()
    police.refresh_from_db()
    assert police.status == "done" and police.overdue_at is None
    assert reports_of(w)["csrc_local"].overdue_at is not None


def test_an_authority_row_queued_before_reports_were_tasks_reminds_the_office(org, walk, mailoutbox):
    w = stolen_funds(walk)
    OutboxMessage.objects.create(complaint=w.c, kind="critical_trigger_authority", to_authority="police",
                                 payload={"reference": w.c.reference}, created_at=w.when)
    mailoutbox.clear()
    with frozen(w.when):
        sweep()
    [reminder] = [m for m in mailoutbox if "report to police" in m.body]
    assert set(reminder.to) == {"office@example.com", "office2@example.com", "compliance@example.com"}
    assert reports_of(w)["police"].status == "open"


def test_reports_queued_as_outbox_rows_before_this_change_become_open_tasks(org, walk):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("redress.complaints.migrations.0016_authority_reports")
    w = walk(at(2026, 3, 2))
    for authority, payload in [("police", {"trigger": "threat_of_harm"}), ("police", {"step": "report_police_and_regulator"}),
                               ("csrc_local", {"step": "report_police_and_regulator"})]:
        OutboxMessage.objects.create(complaint=w.c, kind="critical_trigger_authority", to_authority=authority,
                                     payload={"reference": w.c.reference, **payload}, created_at=w.when,
                                     status="sent")
    migration.backfill(apps, None)
    police, csrc = reports_of(w)["police"], reports_of(w)["csrc_local"]
    assert police.status == csrc.status == "open" and police.due_at == w.when
    assert police.reasons == [{"source": "trigger", "code": "threat_of_harm"},
                              {"source": "category_step", "code": "report_police_and_regulator"}]
    with frozen(at(2026, 3, 2, 11)):
        sweep()
    assert reports_of(w)["police"].overdue_at is not None  # now on the office's list, late
