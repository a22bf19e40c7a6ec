"""Pausing cannot replace an extension (issue 10, item 2; the pack's `pausing`).

The way around it first: a case refused an extension (too little notice, 001 第二十二条)
paused by anyone, for any reason, and resumed two months later ended up due two months
later, never extended, never late. Each test names the rule that now stops it.
"""

from __future__ import annotations

import pytest

from redress.complaints import services as svc
from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.models import (
    ClockPause,
    Communication,
    ComplaintClock,
    Event,
    OrgUnit,
    Staff,
    StaffRole,
)
from redress.complaints.selectors import pausing as paused
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import frozen
from redress.notify.models import OutboxMessage
from redress.policy.loader import active_pack
from redress.policy.schema import Duration, Unit
from tests.conftest import SH, at

APPRAISAL = "external_appraisal"
DOCUMENTS = "customer_documents"


def resolution(c) -> ComplaintClock:
    return c.clocks.get(code="resolution")


def working_days_after(when, n):
    return calendar_for(active_pack()).due(when, Duration(amount=n, unit=Unit.WORKING_DAYS))


def person(username, unit: OrgUnit, role: str) -> Staff:
    staff = Staff.objects.create_user(username=username, password="x" * 12, unit=unit, display_name=username)
    StaffRole.objects.create(staff=staff, role=role)
    return staff


def ask(w, org, when, body="请提供委托截图及银行流水"):
    with frozen(when):
        return svc.message_send(w.c, actor=org.handler, kind="question", body=body, channel="phone")


@pytest.fixture
def case(org, walk):
    """Registered Monday 2 March 2026, sent to 天河营业部, accepted by its handler:
    the resolution clock is due Monday 30 March (20 working days, 001 第二十二条)."""
    w = walk(at(2026, 3, 2)).assess().dispatch().accept()
    assert resolution(w.c).due_at.astimezone(SH) == at(2026, 3, 30, 17)
    return w


# ---- who may pause ---------------------------------------------------------------------


def test_a_handler_of_another_branch_cannot_pause(org, case):
    outsider = person("yuexiu_handler", org.branch2, "handler")
    with frozen(at(2026, 3, 4)), pytest.raises(NotPermitted) as err:
        svc.pause_clocks(case.c, actor=outsider, reason_code=APPRAISAL, note="等待鉴定")
    assert "working the case" in str(err.value) or "those working" in str(err.value)
    assert resolution(case.c).status == "running" and not ClockPause.objects.exists()


def test_the_head_of_another_unit_and_intake_of_the_branch_cannot_pause(org, case):
    for actor in (person("yuexiu_head", org.branch2, "dept_head"), org.intake2, org.handler2, org.office):
        with frozen(at(2026, 3, 4)), pytest.raises(NotPermitted):
            svc.pause_clocks(case.c, actor=actor, reason_code=APPRAISAL, note="等待鉴定")
    assert not ClockPause.objects.exists()


def test_the_handler_and_the_head_of_the_responsible_unit_may_pause(org, case):
    with frozen(at(2026, 3, 4)):
        pause = svc.pause_clocks(case.c, actor=org.dept_head, reason_code=APPRAISAL, note="送交第三方鉴定")
    assert pause.paused_by == org.dept_head and resolution(case.c).status == "paused"
    with frozen(at(2026, 3, 5)):
        svc.resume_clocks(case.c, actor=org.handler)
    assert resolution(case.c).status == "running"


def test_the_complaints_office_may_pause_a_case_no_unit_holds_yet(org, walk):
    w = walk(at(2026, 3, 2)).assess()
    with frozen(at(2026, 3, 3)):
        svc.pause_clocks(w.c, actor=org.office, reason_code=APPRAISAL, note="先行鉴定")
    assert w.c.clocks.filter(status="paused").exists()


# ---- why ---------------------------------------------------------------------------------


def test_a_free_text_reason_not_in_the_pack_is_refused(org, case):
    before = Event.objects.count()
    with frozen(at(2026, 3, 4)), pytest.raises(ValidationFailed) as err:
        svc.pause_clocks(case.c, actor=org.handler, reason_code="等待客户材料")
    assert err.value.field == "reason_code" and APPRAISAL in str(err.value)
    assert Event.objects.count() == before and resolution(case.c).status == "running"


def test_waiting_for_documents_needs_the_question_that_asked_for_them(org, case):
    with frozen(at(2026, 3, 4)), pytest.raises(ValidationFailed) as err:
        svc.pause_clocks(case.c, actor=org.handler, reason_code=DOCUMENTS)
    assert err.value.field == "message_id"
    progress = None
    with frozen(at(2026, 3, 4)):
        progress = svc.message_send(case.c, actor=org.handler, kind="progress", body="正在核实", channel="phone")
    with frozen(at(2026, 3, 4)), pytest.raises(ValidationFailed):
        svc.pause_clocks(case.c, actor=org.handler, reason_code=DOCUMENTS, message_id=progress.pk)
    question = ask(case, org, at(2026, 3, 4))
    with frozen(at(2026, 3, 4, 11)):
        pause = svc.pause_clocks(case.c, actor=org.handler, reason_code=DOCUMENTS, message_id=question.pk)
    assert pause.message == question


def test_a_question_already_answered_cannot_pause_again(org, case):
    question = ask(case, org, at(2026, 3, 4))
    with frozen(at(2026, 3, 5)):
        svc.customer_message_receive(case.c, body="已发送", channel="web")
    with frozen(at(2026, 3, 6)), pytest.raises(ValidationFailed) as err:
        svc.pause_clocks(case.c, actor=org.handler, reason_code=DOCUMENTS, message_id=question.pk)
    assert "answered" in str(err.value)


def securities_pack_with(tmp_path, settings, pausing: str) -> str:
    """The securities pack with `pausing` in its place (YAML after "pausing:"), made the
    active pack; returns its code."""
    pack = tmp_path / "pausing.yaml"
    pack.write_text(f"extends: cn-securities\ncode: pausing-test\npausing:{pausing}", encoding="utf-8")
    settings.REDRESS_POLICY = str(pack)
    return "pausing-test"


def refused_waiting_question(case, actor, refusal):
    """A question sent to wait for the reply is refused with `refusal`, and neither the
    question nor a pause is written."""
    with frozen(at(2026, 3, 4)), pytest.raises(refusal) as err:
        svc.message_send(case.c, actor=actor, kind="question", body="请提供截图", channel="phone",
                         wait_for_reply=True)
    assert not Communication.objects.filter(kind="question").exists() and not ClockPause.objects.exists()
    return err.value


def test_a_pack_without_pausing_cannot_pause(org, case, settings, tmp_path):
    securities_pack_with(tmp_path, settings, " null\n")
    with frozen(at(2026, 3, 4)), pytest.raises(NotPermitted) as err:
        svc.pause_clocks(case.c, actor=org.handler, reason_code=APPRAISAL)
    assert "extension" in str(err.value)
    assert refused_waiting_question(case, org.handler, ValidationFailed).field == "wait_for_reply"


def test_a_question_cannot_wait_for_a_reply_when_no_pause_ends_on_the_answer(org, case, settings, tmp_path):
    """The pause for the answer is the reason that both names the question and ends on the
    reply; a reason that only names a question (it ends by hand) is not it."""
    code = securities_pack_with(tmp_path, settings, (
        "\n  reasons:\n"
        "    - {code: asked_elsewhere, name: {zh-hans: 另行询问, en: Asked elsewhere}, needs_request: true}\n"
        "    - {code: external_appraisal, name: {zh-hans: 外部鉴定, en: External appraisal}}\n"
        "  roles: [handler, dept_head, complaints_office]\n"))
    refused = refused_waiting_question(case, org.handler, ValidationFailed)
    assert (refused.field, refused.rule) == (
        "wait_for_reply", f"the policy {code} lists no pause for the customer's answer; send the question without waiting")


def test_waiting_for_a_reply_pauses_only_in_a_role_the_pack_lets_pause(org, case, settings, tmp_path):
    code = securities_pack_with(tmp_path, settings, (
        "\n  reasons:\n"
        "    - {code: customer_documents, name: {zh-hans: 等待客户补充材料, en: Waiting for documents},"
        " needs_request: true, ends_on_answer: true}\n"
        "  roles: [complaints_office]\n"))
    assert str(refused_waiting_question(case, org.handler, NotPermitted)) == (
        f"the policy {code} lets only complaints_office pause the clocks; {org.handler.username} works this case as handler")


def test_only_those_working_the_case_may_send_a_question_that_waits(org, case):
    assert str(refused_waiting_question(case, org.office, NotPermitted)) == (
        "pausing the clocks is for those working the case: its handler, the head of the responsible unit, or the "
        f"complaints office while no unit holds it; {org.office.username} is not")


# ---- the customer's answer ends it ---------------------------------------------------------


def test_the_customers_portal_reply_resumes_the_clock(org, case):
    from redress.portal.services import portal_add_information

    with frozen(at(2026, 3, 4, 10)):
        question = svc.message_send(case.c, actor=org.handler, kind="question", body="请提供委托截图",
                                    channel="web", wait_for_reply=True)
    pause = ClockPause.objects.get()
    assert pause.reason == DOCUMENTS and pause.message == question and resolution(case.c).status == "paused"
    with frozen(at(2026, 3, 9, 10)):  # Wed 4 .. Mon 9: three working days given back
        portal_add_information(case.c, body="截图已上传", files=[], in_reply_to=question.pk)
    pause.refresh_from_db()
    assert (pause.end, pause.amount, pause.ended_by) == ("customer", 3, None)
    assert resolution(case.c).status == "running"
    assert resolution(case.c).due_at == working_days_after(at(2026, 3, 30, 17), 3)
    resumed = case.c.events.get(type=EventType.CLOCK_RESUMED)
    assert resumed.actor is None and '"customer"' in resumed.payload


def test_an_email_from_the_customer_and_a_recorded_call_end_a_pause_for_documents(org, case):
    question = ask(case, org, at(2026, 3, 4))
    with frozen(at(2026, 3, 4, 11)):
        svc.pause_clocks(case.c, actor=org.handler, reason_code=DOCUMENTS, message_id=question.pk)
    with frozen(at(2026, 3, 5)):
        svc.customer_message_receive(case.c, body="附件为流水", channel="email", via="email")
    assert ClockPause.objects.get().end == "customer"
    question = ask(case, org, at(2026, 3, 6))
    with frozen(at(2026, 3, 6, 11)):
        svc.pause_clocks(case.c, actor=org.handler, reason_code=DOCUMENTS, message_id=question.pk)
    with frozen(at(2026, 3, 9)):
        svc.contact_record(case.c, actor=org.handler, channel="phone", note="客户来电,口述了委托时间")
    assert list(ClockPause.objects.values_list("end", flat=True).order_by("id")) == ["customer", "customer"]
    assert resolution(case.c).status == "running"


def test_the_customers_answer_does_not_end_a_pause_for_an_appraisal(org, case):
    with frozen(at(2026, 3, 4)):
        svc.pause_clocks(case.c, actor=org.handler, reason_code=APPRAISAL, note="司法鉴定中")
    with frozen(at(2026, 3, 5)):
        svc.customer_message_receive(case.c, body="请问进展?", channel="web")
    assert resolution(case.c).status == "paused" and ClockPause.objects.get().ended_at is None


# ---- a long pause needs approval -------------------------------------------------------------


def test_a_long_pause_not_approved_ends_at_the_threshold(org, case):
    # cn-securities: approval after 5 working days. Paused Wednesday 4 March: the
    # threshold is close of business Wednesday 11 March; the approvers are asked halfway.
    with frozen(at(2026, 3, 4)):
        pause = svc.pause_clocks(case.c, actor=org.handler, reason_code=APPRAISAL, note="送交鉴定")
    assert pause.approval_due_at.astimezone(SH) == at(2026, 3, 11, 17)
    with frozen(at(2026, 3, 6)):
        assert svc.settle_pauses() == 0  # nothing yet, and the case's version stays put
    with frozen(at(2026, 3, 9)):
        assert svc.settle_pauses() == 1
    pause.refresh_from_db()
    assert pause.approval == "asked"
    assert OutboxMessage.objects.filter(kind="pause_approval_needed", to_role="complaints_office").count() == 1
    with frozen(at(2026, 3, 25)):  # the sweep notices late: the pause still counts to the threshold only
        svc.settle_pauses()
        assert svc.settle_pauses() == 0
    pause.refresh_from_db()
    assert (pause.end, pause.ended_at.astimezone(SH), pause.amount) == ("lapsed", at(2026, 3, 11, 17), 5)
    assert resolution(case.c).status == "running"
    assert resolution(case.c).due_at == working_days_after(at(2026, 3, 30, 17), 5)
    assert OutboxMessage.objects.filter(kind="pause_lapsed", to_staff=org.handler).exists()


def test_a_refused_extension_then_a_pause_cannot_push_the_due_date_past_the_threshold(org, case):
    # The way around: two working days' notice is too late to extend (001 第二十二条: three).
    with frozen(at(2026, 3, 26)), pytest.raises(ValidationFailed):
        svc.extension_request(case.c, actor=org.handler, working_days=10, reason="材料未齐", plan="补齐后答复")
    with frozen(at(2026, 3, 26, 11)):
        svc.pause_clocks(case.c, actor=org.handler, reason_code=APPRAISAL, note="等待鉴定")
    with frozen(at(2026, 5, 26)):  # two months on, no sweep ran in between
        svc.resume_clocks(case.c, actor=org.handler)
    pause = ClockPause.objects.get()
    assert pause.end == "lapsed" and pause.amount == 5
    clock = resolution(case.c)
    assert clock.due_at == working_days_after(at(2026, 3, 30, 17), 5) < at(2026, 4, 30)
    assert not clock.extended
    with frozen(at(2026, 5, 26, 12)):
        assert svc.mark_breaches() == 1  # late, as it is


def test_an_approved_pause_runs_on_and_is_flagged_past_the_total(org, case):
    with frozen(at(2026, 3, 4)):
        pause = svc.pause_clocks(case.c, actor=org.handler, reason_code=APPRAISAL, note="司法鉴定",
                                 ask_approval=True)
    assert OutboxMessage.objects.filter(kind="pause_approval_needed").exists()
    with frozen(at(2026, 3, 5)):
        svc.pause_decide(case.c, actor=org.office, pause_id=pause.pk, approve=True, note="鉴定所需,同意")
    with frozen(at(2026, 3, 18, 10)):  # 10 working days paused: at the limit, not past it
        svc.settle_pauses()
    assert not paused.flagged().exists()
    with frozen(at(2026, 3, 19, 10)):  # 11: past cn-securities' max_total of 10 working days
        assert svc.settle_pauses() == 1
    assert list(paused.flagged().values_list("pk", flat=True)) == [case.c.pk]
    assert case.c.events.filter(type=EventType.PAUSED_TOO_LONG).count() == 1
    assert OutboxMessage.objects.filter(kind="paused_too_long", to_role="complaints_office").exists()
    with frozen(at(2026, 4, 1)):
        svc.resume_clocks(case.c, actor=org.handler)
    time = paused.paused_time(case.c)
    assert (time.total, time.unit, time.limit, time.over_limit, time.current) == (20, "working_days", 10, True, None)
    assert case.c.events.filter(type=EventType.PAUSED_TOO_LONG).count() == 1


def test_short_pauses_adding_up_past_the_total_flag_the_case(org, case):
    for start, end in [((3, 4), (3, 9)), ((3, 10), (3, 13)), ((3, 16), (3, 23))]:  # 3 + 3 + 5 working days
        with frozen(at(2026, *start)):
            svc.pause_clocks(case.c, actor=org.handler, reason_code=APPRAISAL, note="分批鉴定")
        with frozen(at(2026, *end)):
            svc.resume_clocks(case.c, actor=org.handler)
    assert paused.paused_time(case.c).total == 11
    assert ClockPause.objects.filter(over_limit=True).count() == 1
    assert paused.flagged().get() == case.c


def test_nobody_approves_their_own_pause(org, walk):
    w = walk(at(2026, 3, 2)).assess()
    with frozen(at(2026, 3, 3)):
        pause = svc.pause_clocks(w.c, actor=org.office, reason_code=APPRAISAL, note="先行鉴定")
    with frozen(at(2026, 3, 4)), pytest.raises(NotPermitted):
        svc.pause_decide(w.c, actor=org.office, pause_id=pause.pk, approve=True)
    with frozen(at(2026, 3, 4)), pytest.raises(NotPermitted):
        svc.pause_decide(w.c, actor=org.handler, pause_id=pause.pk, approve=True)  # not an approver role
    with frozen(at(2026, 3, 4)), pytest.raises(ValidationFailed):
        svc.pause_decide(w.c, actor=org.office2, pause_id=pause.pk, approve=False)  # a refusal says why
    with frozen(at(2026, 3, 4)):
        svc.pause_decide(w.c, actor=org.office2, pause_id=pause.pk, approve=False, note="无需鉴定,请继续处理")
    pause.refresh_from_db()
    assert (pause.approval, pause.end, pause.ended_by) == ("refused", "refused", org.office2)
    assert not w.c.clocks.filter(status="paused").exists()


def test_a_pause_the_case_left_behind_is_closed_by_the_sweep(org, case):
    with frozen(at(2026, 3, 4)):
        svc.pause_clocks(case.c, actor=org.handler, reason_code=APPRAISAL, note="鉴定")
    case.when = at(2026, 3, 4, 12)
    case.propose().approve()
    with frozen(at(2026, 3, 5)):
        svc.result_communicate(case.c, actor=org.handler, channel="phone", body="经核实,委托已被交易所废单,依据交易规则。")
        svc.settle_pauses()
    pause = ClockPause.objects.get()
    assert pause.end == "stopped" and pause.ended_at is not None
    assert paused.paused_time(case.c).current is None


def test_the_sweep_settles_pauses_before_it_marks_late_clocks(org, case):
    from redress.complaints.sweep import sweep

    with frozen(at(2026, 3, 26, 11)):
        svc.pause_clocks(case.c, actor=org.handler, reason_code=APPRAISAL, note="鉴定")
    with frozen(at(2026, 5, 6)):
        report = sweep()
    assert report.startswith("1 paused cases settled; 1 clocks newly late")
    assert ClockPause.objects.get().end == "lapsed" and resolution(case.c).breached


def test_the_approval_threshold_counts_the_adjusted_working_saturday_and_skips_spring_festival(org, walk):
    # Paused Friday 13 February 2026. Working days after it: Saturday 14 February (调休, 1);
    # 15-23 February is the Spring Festival holiday; 24, 25, 26, 27 February (5).
    w = walk(at(2026, 2, 2)).assess().dispatch().accept()
    with frozen(at(2026, 2, 13, 10)):
        pause = svc.pause_clocks(w.c, actor=org.handler, reason_code=APPRAISAL, note="节前送检")
    assert pause.approval_due_at.astimezone(SH) == at(2026, 2, 27, 17)
    with frozen(at(2026, 3, 2, 9)):
        svc.settle_pauses()
    pause.refresh_from_db()
    assert (pause.end, pause.amount) == ("lapsed", 5)
