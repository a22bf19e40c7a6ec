"""Clocks that apply only when a condition holds (issue 15 item 4), in the general pack:
seed 003 §5(2) — an urgent complaint answered within 1 hour, an ordinary one within 24
hours — both from receipt (issue 10), judged when the case comes in and again each
time it is assessed.

Dates that bite: received Friday 13 February 2026 at 16:00, the last working day before
the Spring Festival (15–23 February off). The 24 hours are clock hours, so the ordinary
answer is due on Saturday 14 February at 16:00 however the calendar falls; the urgent
one at 17:00 on the Friday, the end of the day. Worked out by hand, not by the code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from redress.complaints import services as svc
from redress.complaints.ledger import EventType
from redress.complaints.models import ComplaintClock
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from redress.policy.loader import PolicyError, load_pack
from tests.conftest import SH, at, complaint_input

RECEIVED = at(2026, 2, 13, 16)
ORDINARY_DUE = at(2026, 2, 14, 16)
URGENT_DUE = at(2026, 2, 13, 17)


@pytest.fixture
def general(settings):
    settings.REDRESS_POLICY = "general"


def receive(org, **data):
    with frozen(RECEIVED):
        return svc.complaint_receive(actor=org.intake, data=complaint_input(**data), register=True)


def assess(org, c, when, urgency):
    with frozen(when):
        svc.complaint_assess(c, actor=org.office, category="service_quality", severity="medium", urgency=urgency)
    c.refresh_from_db()


def clock(c, code) -> ComplaintClock | None:
    return c.clocks.filter(code=code).first()


def events(c, type_) -> list[dict]:
    return [json.loads(e.payload) for e in c.events.filter(type=type_).order_by("seq")]


def test_a_case_comes_in_ordinary_so_only_the_24_hour_answer_runs(general, org):
    c = receive(org)
    answer = clock(c, "answer")
    assert answer.status == ComplaintClock.Status.RUNNING
    assert answer.started_at == RECEIVED and answer.due_at.astimezone(SH) == ORDINARY_DUE
    assert clock(c, "answer_urgent") is None


def test_assessed_urgent_the_24_hour_clock_stops_as_not_applicable_and_the_hour_runs_from_receipt(general, org):
    c = receive(org)
    assess(org, c, at(2026, 2, 13, 16, 30), "urgent")
    ordinary, urgent = clock(c, "answer"), clock(c, "answer_urgent")
    assert ordinary.status == ComplaintClock.Status.VOID and not ordinary.breached
    assert urgent.status == ComplaintClock.Status.RUNNING and not urgent.breached
    assert urgent.started_at == RECEIVED  # from receipt, not from the assessment
    assert urgent.due_at.astimezone(SH) == URGENT_DUE
    assert c.due_at.astimezone(SH) == URGENT_DUE  # the worklists sort by the hour now
    [stopped] = events(c, EventType.CLOCK_NOT_APPLICABLE)
    assert stopped["clock"] == "answer"
    assert stopped["because"] == {"urgency": "urgent"} and stopped["condition"] == {"urgency": ["normal"]}
    [started] = events(c, EventType.CLOCK_APPLIES)
    assert started["clock"] == "answer_urgent" and started["late"] is False
    # Dispatched within the hour: on time; the void clock is in no on-time figure.
    with frozen(at(2026, 2, 13, 16, 55)):
        svc.complaint_dispatch(c, actor=org.office, unit=org.branch)
    urgent = clock(c, "answer_urgent")
    assert urgent.status == ComplaintClock.Status.STOPPED and not urgent.breached
    assert clock(c, "answer").status == ComplaintClock.Status.VOID


def test_assessed_urgent_after_the_hour_has_gone_the_clock_is_late_from_the_start(general, org):
    c = receive(org)
    assess(org, c, at(2026, 2, 13, 17, 1), "urgent")
    urgent = clock(c, "answer_urgent")
    assert urgent.breached and urgent.breached_at.astimezone(SH) == URGENT_DUE
    assert events(c, EventType.CLOCK_APPLIES)[0]["late"] is True
    assert [e["clocks"] for e in events(c, EventType.CLOCK_BREACHED)] == [["answer_urgent"]]
    assert OutboxMessage.objects.filter(complaint=c, kind="clock_breached", to_role="complaints_office").count() == 1


def test_reassessed_ordinary_the_hour_stops_and_the_24_hours_run_again_from_receipt(general, org):
    c = receive(org)
    assess(org, c, at(2026, 2, 13, 16, 10), "urgent")
    assess(org, c, at(2026, 2, 13, 16, 20), "normal")
    ordinary, urgent = clock(c, "answer"), clock(c, "answer_urgent")
    assert urgent.status == ComplaintClock.Status.VOID
    assert ordinary.status == ComplaintClock.Status.RUNNING
    assert ordinary.started_at == RECEIVED and ordinary.due_at.astimezone(SH) == ORDINARY_DUE
    assert [e["clock"] for e in events(c, EventType.CLOCK_NOT_APPLICABLE)] == ["answer", "answer_urgent"]
    assert [e["clock"] for e in events(c, EventType.CLOCK_APPLIES)] == ["answer_urgent", "answer"]
    # Assessed again with nothing changed: nothing starts or stops.
    assess(org, c, at(2026, 2, 13, 16, 30), "normal")
    assert len(events(c, EventType.CLOCK_APPLIES)) == 2 and len(events(c, EventType.CLOCK_NOT_APPLICABLE)) == 2


def test_the_sweep_leaves_a_void_clock_alone_even_past_its_due_time(general, org):
    c = receive(org)
    assess(org, c, at(2026, 2, 13, 16, 30), "urgent")
    with frozen(at(2026, 2, 16, 10)):  # past both due times; the urgent hour was not kept
        assert svc.mark_breaches() == 1
    assert clock(c, "answer_urgent").breached
    assert not clock(c, "answer").breached


# ---- the pack refuses what it cannot judge ----------------------------------------------


def write_pack(tmp_path, when: str):
    """The general pack as shipped, its 24-hour answer's condition replaced by `when`."""
    from redress.policy import loader

    shipped = (Path(loader.__file__).parent / "packs" / "general.yaml").read_text(encoding="utf-8")
    assert shipped.count("when: { urgency: [normal] }") == 1
    path = tmp_path / "bank.yaml"
    path.write_text(shipped.replace("when: { urgency: [normal] }", f"when: {when}"), encoding="utf-8")
    return path


def test_a_condition_on_a_field_the_system_does_not_know_is_refused_with_file_field_and_reason(tmp_path):
    path = write_pack(tmp_path, "{ colour: [red] }")
    with pytest.raises(PolicyError) as err:
        load_pack(str(path))
    text = str(err.value)
    assert "bank.yaml" in text and "clocks[2].when" in text
    assert "unknown condition field(s) 'colour'" in text
    assert "urgency, severity, channel, category, trigger, referral_source" in text


@pytest.mark.parametrize(("when", "said"), [
    ("{ urgency: [very] }", "urgency 'very' is not one of normal, urgent"),
    ("{ channel: [pigeon] }", "clocks[2].when.channel: 'pigeon' is not one of the pack's channel codes"),
    ("{ trigger: [moon] }", "clocks[2].when.trigger: 'moon' is not one of the pack's trigger codes"),
    ("{ severity: [] }", "condition field(s) 'severity' list no value"),
])
def test_a_condition_with_a_value_the_pack_does_not_know_is_refused(tmp_path, when, said):
    with pytest.raises(PolicyError) as err:
        load_pack(str(write_pack(tmp_path, when)))
    assert said in str(err.value) and "bank.yaml" in str(err.value)


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Complaint answered within 24 hours no longer applies to this case (urgency: urgent)", "not applicable",
            "Urgent complaint answered within 1 hour now applies to this case: counted from 2026-02-13 16:00"]),
    ("zh-hans", ["“一般投诉24小时内回复”不再适用于本案(urgency: urgent)", "不适用",
                 "“紧急投诉1小时内回复”现适用于本案:自 2026-02-13 16:00 起算"]),
])
def test_the_case_history_says_which_clock_stopped_applying_and_why(general, org, language, words):
    from django.test import Client

    c = receive(org)
    assess(org, c, at(2026, 2, 13, 16, 30), "urgent")
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(org.office)
    html = client.get(f"/complaints/{c.reference}/").content.decode()
    for word in words:
        assert word in html, word
