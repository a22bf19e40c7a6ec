"""Every field a clock's condition may name, judged again when it can change (issue 15
item 4): urgency, severity, category and triggers at each assessment; severity also
when an escalation raises it, at any point of the handling; channel and referral source
are the intake's and never change, so a re-assessment leaves their clocks alone.

The pack is the general one with one extra clock per field (names below), received on
Monday 2 March 2026 at 10:00 (an ordinary working day: these tests are about the
conditions, the dates that bite are in test_investigation_clock.py).
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import ComplaintClock, Staff
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from tests.conftest import SH, at, complaint_input

RECEIVED = at(2026, 3, 2, 10)

EXTRA = """
  - code: sev_major
    name: { zh-hans: 重大投诉两个工作日内告知结果, en: Major case told within 2 working days }
    starts_on: received
    stops_on: communicated
    limit: { amount: 2, unit: working_days }
    when: { severity: [major] }
  - code: major_contact
    name: { zh-hans: 重大投诉受理后两小时内联系客户, en: Major case contacted within 2 hours of acceptance }
    starts_on: assigned
    stops_on: contacted
    limit: { amount: 2, unit: hours }
    when: { severity: [major] }
  - code: cat_fraud
    name: { zh-hans: 盗刷类四小时内派单, en: Fraud dispatched within 4 hours }
    starts_on: received
    stops_on: dispatched
    limit: { amount: 4, unit: hours }
    when: { category: [fraud_security] }
  - code: trig_assets
    name: { zh-hans: 资产受威胁一小时内派单, en: Assets at risk dispatched within 1 hour }
    starts_on: received
    stops_on: dispatched
    limit: { amount: 1, unit: hours }
    when: { trigger: [client_assets] }
  - code: chan_web
    name: { zh-hans: 网站投诉四小时内派单, en: Web complaint dispatched within 4 hours }
    starts_on: received
    stops_on: dispatched
    limit: { amount: 4, unit: hours }
    when: { channel: [web] }
  - code: ref_hotline
    name: { zh-hans: 12378转办十个工作日内答复, en: 12378 referral answered within 10 working days }
    starts_on: registered
    stops_on: communicated
    limit: { amount: 10, unit: working_days }
    when: { referral_source: [hotline_12378] }
"""


def general_with(settings, tmp_path, extra: str) -> None:
    from redress.policy import loader

    shipped = (Path(loader.__file__).parent / "packs" / "general.yaml").read_text(encoding="utf-8")
    anchor = "\n# Escalation ladder of every clock"
    assert shipped.count(anchor) == 1
    path = tmp_path / "conditions.yaml"
    path.write_text(shipped.replace(anchor, extra + anchor), encoding="utf-8")
    settings.REDRESS_POLICY = str(path)


@pytest.fixture
def pack(settings, tmp_path):
    general_with(settings, tmp_path, EXTRA)


def receive(org, **data):
    with frozen(RECEIVED):
        return svc.complaint_receive(actor=org.intake, data=complaint_input(**data), register=True)


def assess(org, c, minutes, **kw):
    kw.setdefault("category", "service_quality")
    kw.setdefault("severity", "medium")
    with frozen(RECEIVED + timedelta(minutes=minutes)):
        svc.complaint_assess(c, actor=org.office, **kw)
    c.refresh_from_db()


def accepted_by_the_branch(org, c):
    """Assessed at 10 minutes, dispatched to the branch at 20, accepted at 30."""
    assess(org, c, 10)
    with frozen(RECEIVED + timedelta(minutes=20)):
        svc.complaint_dispatch(c, actor=org.office, unit=org.branch)
    with frozen(RECEIVED + timedelta(minutes=30)):
        svc.assignment_accept(c, actor=org.handler)


def status(c, code) -> str | None:
    clock = c.clocks.filter(code=code).first()
    return None if clock is None else clock.status


def events(c, type_) -> list[dict]:
    return [json.loads(e.payload) for e in c.events.filter(type=type_).order_by("seq")]


RUNNING, VOID = ComplaintClock.Status.RUNNING, ComplaintClock.Status.VOID


def test_severity_raised_and_lowered_at_reassessment_starts_and_stops_its_clock(pack, org):
    c = receive(org)
    assess(org, c, 10)
    assert status(c, "sev_major") is None
    assess(org, c, 20, severity="major")
    clock = c.clocks.get(code="sev_major")
    assert clock.status == RUNNING and clock.started_at == RECEIVED  # as if it had held all along
    assert clock.due_at.astimezone(SH) == at(2026, 3, 4, 17)  # Tuesday 3 (1), Wednesday 4 (2)
    assert status(c, "major_contact") is None  # its stage (accepted by the unit) is ahead
    assess(org, c, 30, severity="high")
    assert status(c, "sev_major") == VOID
    [gone] = events(c, EventType.CLOCK_NOT_APPLICABLE)
    assert gone["clock"] == "sev_major" and gone["because"] == {"severity": "high"}


def test_severity_raised_by_an_escalation_mid_investigation_starts_the_clocks_whose_stage_is_behind(
    pack, org
):
    c = receive(org)
    accepted_by_the_branch(org, c)
    assert status(c, "sev_major") is None and status(c, "major_contact") is None
    escalated_at = RECEIVED + timedelta(hours=3)
    with frozen(escalated_at):
        svc.complaint_escalate(c, actor=org.office, reason="客户称将向媒体投诉", severity="major")
    c.refresh_from_db()
    major = c.clocks.get(code="sev_major")
    assert major.status == RUNNING and major.started_at == RECEIVED
    contact = c.clocks.get(code="major_contact")
    # Counted from when the unit accepted the case (its stage), so two hours had gone by
    # the escalation: late from the start, and the office told once.
    assert contact.started_at == RECEIVED + timedelta(minutes=30)
    assert contact.due_at == RECEIVED + timedelta(minutes=150)
    assert contact.status == RUNNING and contact.breached
    applied = [e["clock"] for e in events(c, EventType.CLOCK_APPLIES)]
    assert applied == ["sev_major", "major_contact"]
    assert [e["clocks"] for e in events(c, EventType.CLOCK_BREACHED)] == [["major_contact"]]
    # An escalation that leaves the severity as it is judges nothing again.
    with frozen(escalated_at + timedelta(minutes=5)):
        svc.complaint_escalate(c, actor=org.office, reason="再次催办")
    assert len(events(c, EventType.CLOCK_APPLIES)) == 2
    assert c.clocks.filter(code="major_contact").count() == 1


def test_an_escalation_after_the_clock_s_stop_stage_starts_nothing(pack, org):
    c = receive(org)
    accepted_by_the_branch(org, c)
    handler = Staff.objects.get(pk=c.handler_id)
    with frozen(RECEIVED + timedelta(minutes=40)):
        svc.contact_record(c, actor=handler, channel="phone", note="已电话联系客户")
    with frozen(RECEIVED + timedelta(hours=3)):
        svc.complaint_escalate(c, actor=org.office, reason="金额较大", severity="major")
    assert status(c, "major_contact") is None  # the customer was contacted already: it is over
    assert status(c, "sev_major") == RUNNING


def test_category_changed_at_reassessment_starts_and_stops_its_clock(pack, org):
    c = receive(org)
    assess(org, c, 10, category="fraud_security")
    fraud = c.clocks.get(code="cat_fraud")
    assert fraud.status == RUNNING and fraud.due_at == RECEIVED + timedelta(hours=4)
    assess(org, c, 20, category="service_quality")
    assert status(c, "cat_fraud") == VOID
    assert events(c, EventType.CLOCK_NOT_APPLICABLE)[-1]["because"] == {
        "category": "service_quality"
    }
    assess(org, c, 30, category="fraud_security")
    assert status(c, "cat_fraud") == RUNNING
    assert c.clocks.filter(code="cat_fraud").count() == 1  # the same clock, running again


def test_a_trigger_added_at_reassessment_starts_its_clock_late_if_its_hour_has_gone(pack, org):
    c = receive(org)
    assess(org, c, 10)
    assert status(c, "trig_assets") is None
    assess(org, c, 90, critical_flags=["client_assets"])
    trig = c.clocks.get(code="trig_assets")
    assert trig.status == RUNNING and trig.breached  # due at 11:00, judged at 11:30
    assert trig.breached_at == RECEIVED + timedelta(hours=1)
    # The trigger's floor raised the severity to major: that clock starts too.
    assert c.severity == "major" and status(c, "sev_major") == RUNNING
    [applied] = [e for e in events(c, EventType.CLOCK_APPLIES) if e["clock"] == "trig_assets"]
    assert applied == {"clock": "trig_assets", "condition": {"trigger": ["client_assets"]}, "late": True,
                       "started": "2026-03-02T02:00:00.000000+00:00", "due": "2026-03-02T03:00:00.000000+00:00"}
    told = OutboxMessage.objects.get(complaint=c, kind="clock_breached", to_role="complaints_office")
    assert told.payload["clocks"] == ["trig_assets"]


def test_a_trigger_added_at_the_very_minute_its_clock_falls_due_is_not_late(pack, org):
    c = receive(org)
    assess(org, c, 10)
    assess(org, c, 60, critical_flags=["client_assets"])  # due at 11:00, judged at 11:00
    trig = c.clocks.get(code="trig_assets")
    assert trig.status == RUNNING and not trig.breached and trig.due_at == RECEIVED + timedelta(hours=1)
    assert trig.alert_at == trig.due_at  # its next point: the escalation ladder's first step, at the due time
    assert not OutboxMessage.objects.filter(complaint=c, kind="clock_breached").exists()


def test_the_channel_s_clock_is_judged_at_receipt_and_a_reassessment_leaves_it(pack, org):
    web = receive(org, channel="web")
    phone = receive(org, channel="phone")
    assert status(web, "chan_web") == RUNNING and status(phone, "chan_web") is None
    for c in (web, phone):
        assess(org, c, 10, urgency="urgent", severity="high", category="fraud_security")
        assess(org, c, 20)
    assert status(web, "chan_web") == RUNNING and status(phone, "chan_web") is None
    assert not [e for e in events(web, EventType.CLOCK_NOT_APPLICABLE) if e["clock"] == "chan_web"]


def test_the_referral_source_s_clock_is_judged_at_registration_and_a_reassessment_leaves_it(
    pack, org
):
    referred = receive(org, referral_source="hotline_12378", external_reference="12378-2026-0001")
    walk_in = receive(org)
    assert status(referred, "ref_hotline") == RUNNING and status(walk_in, "ref_hotline") is None
    assess(org, referred, 10, severity="major")
    assess(org, referred, 20)
    assert status(referred, "ref_hotline") == RUNNING
    assert referred.clocks.get(code="ref_hotline").due_at.astimezone(SH) == at(2026, 3, 16, 17)


def test_a_clock_from_registration_that_comes_to_apply_starts_from_the_registration_reached(org, settings, tmp_path):
    """Its stage is behind the case (registered with the receipt), so it starts at the
    re-assessment, as if it had held all along: the registration's own date says the
    stage was reached (an imported case has no REGISTERED event)."""
    general_with(settings, tmp_path, """
  - code: sev_review
    name: { zh-hans: 重大投诉三个工作日内复核, en: Major case reviewed within 3 working days }
    starts_on: registered
    stops_on: proposed
    limit: { amount: 3, unit: working_days }
    when: { severity: [major] }
""")
    c = receive(org)
    assess(org, c, 10)
    assert status(c, "sev_review") is None
    assess(org, c, 20, severity="major")
    clock = c.clocks.get(code="sev_review")
    assert clock.status == RUNNING and clock.started_at == RECEIVED
    # Registered an hour after its receipt: still counted from the receipt (自受理之日起).
    with frozen(RECEIVED):
        later = svc.complaint_receive(actor=org.intake, data=complaint_input(), register=False)
    with frozen(RECEIVED + timedelta(hours=1)):
        svc.complaint_register(later, actor=org.intake)
    assess(org, later, 70, severity="major")
    assert later.clocks.get(code="sev_review").started_at == RECEIVED
    assert clock.due_at.astimezone(SH) == at(2026, 3, 5, 17)  # Tuesday 3, Wednesday 4, Thursday 5
