"""Random sequences of actions by random staff (hypothesis): whatever is tried, the
complaint is never in an invalid state, always has one owner, separation of duties is
never violated and the ledger always verifies."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from redress.complaints import services as svc
from redress.complaints.errors import DomainError
from redress.complaints.guards import handlers_of, involved_staff_ids
from redress.complaints.ledger import verify
from redress.complaints.lifecycle import State
from redress.complaints.models import Callback, Complaint, Proposal, Staff
from redress.complaints.timesource import frozen
from tests.conftest import at, complaint_input

CATEGORIES = ["marketing", "counter", "service_quality", "other"]


def _actions(org):
    """Every service a person can call, with plausible arguments drawn by hypothesis."""
    return {
        "register": lambda c, a, d: svc.complaint_register(c, actor=a),
        "answer_inquiry": lambda c, a, d: svc.inquiry_answer(c, actor=a, answer="已解答"),
        "on_spot": lambda c, a, d: svc.resolve_on_spot(c, actor=a, resolution="当场解决"),
        "redirect": lambda c, a, d: svc.complaint_redirect(c, actor=a, authority="police"),
        "assess": lambda c, a, d: svc.complaint_assess(
            c, actor=a, category=d.draw(st.sampled_from(CATEGORIES)),
            severity=d.draw(st.sampled_from(["low", "medium", "high", "major"]))),
        "dispatch": lambda c, a, d: svc.complaint_dispatch(c, actor=a, unit=d.draw(st.sampled_from(
            [org["branch"], org["branch2"], None]))),
        "accept": lambda c, a, d: svc.assignment_accept(c, actor=a, handler=d.draw(st.sampled_from(
            [None, *org["staff"]]))),
        "return": lambda c, a, d: svc.assignment_return(c, actor=a, reason="不属于本部门"),
        "finding": lambda c, a, d: svc.finding_add(c, actor=a, kind="note", text="调查记录"),
        "party": lambda c, a, d: svc.party_add(c, actor=a, kind="employee", staff=d.draw(st.sampled_from(
            org["staff"]))),
        "propose": lambda c, a, d: svc.resolution_propose(
            c, actor=a, summary="方案", facts="事实", responsibility="institution",
            compensation=d.draw(st.sampled_from([None, "100", "80000"])),
            remedies=d.draw(st.sampled_from([[], [svc.RemedyInput(kind="payment", description="补偿", amount="100",
                                                                  due_date=date(2027, 1, 1))]]))),
        "approve": lambda c, a, d: svc.resolution_decide(c, actor=a, approve=True),
        "reject": lambda c, a, d: svc.resolution_decide(c, actor=a, approve=False, note="不充分"),
        "communicate": lambda c, a, d: svc.result_communicate(c, actor=a, body="处理结果:事实、依据、补救", channel="phone"),
        "remedy": lambda c, a, d: svc.remedy_execute(c, actor=a, remedy_id=(c.remedies.values_list("pk", flat=True)
                                                                            .first() or 0)),
        "callback": lambda c, a, d: svc.callback_record(c, actor=a, satisfied=d.draw(st.booleans()), opinion="意见"),
        "deem": lambda c, a, d: svc.deem_closed(c, actor=a),
        "refer": lambda c, a, d: svc.complaint_refer(c, actor=a, kind="mediation", authority="sac_mediation"),
        "withdraw": lambda c, a, d: svc.complaint_withdraw(c, actor=a, reason="撤回"),
        "archive": lambda c, a, d: svc.complaint_archive(c, actor=a, root_cause="process"),
        "escalate": lambda c, a, d: svc.complaint_escalate(c, actor=a, reason="客户情绪激动"),
        "extend": lambda c, a, d: svc.extension_request(c, actor=a, working_days=d.draw(st.integers(1, 12)),
                                                        reason="原因", plan="方案"),
        "decide_extension": lambda c, a, d: svc.extension_decide(
            c, actor=a, extension_id=(c.extensions.values_list("pk", flat=True).last() or 0), approve=True),
        "transfer": lambda c, a, d: svc.transfer_request(c, actor=a, to_staff=d.draw(st.sampled_from(org["staff"])),
                                                         reason="交接"),
        "accept_transfer": lambda c, a, d: svc.transfer_accept(c, actor=a),
        "pause": lambda c, a, d: svc.pause_clocks(c, actor=a, reason_code="external_appraisal",
                                                    note="等待第三方鉴定意见"),
        "resume": lambda c, a, d: svc.resume_clocks(c, actor=a),
        "recomplain": lambda c, a, d: svc.complaint_recomplain(c, actor=a, cause="不认可", channel="phone"),
        "accountability": lambda c, a, d: svc.accountability_record(
            c, actor=a, staff=d.draw(st.sampled_from(org["staff"])), action="warning", description="未尽职"),
    }


class Lifecycle(RuleBasedStateMachine):
    org: dict = {}
    complaints = Bundle("complaints")

    def __init__(self):
        super().__init__()
        self._tx = transaction.atomic()
        self._tx.__enter__()
        self.now = at(2026, 3, 2, 9)
        self.actions = _actions(self.org)

    def teardown(self):
        transaction.set_rollback(True)
        self._tx.__exit__(None, None, None)

    @initialize(target=complaints)
    def first_complaint(self):
        with frozen(self.now):
            return svc.complaint_receive(actor=self.org["intake"], data=complaint_input()).pk

    @rule(target=complaints, actor=st.integers(0, 100), kind=st.sampled_from(["complaint", "inquiry"]),
          involve=st.integers(-1, 100), amount=st.sampled_from([None, "0", "500", "100000"]))
    def receive(self, actor, kind, involve, amount):
        staff = self.org["staff"]
        parties = [] if involve < 0 else [svc.PartyInput(kind="employee", staff=staff[involve % len(staff)])]
        try:
            with frozen(self.now):
                return svc.complaint_receive(actor=staff[actor % len(staff)], data=complaint_input(
                    kind=kind, parties=parties, amount_claimed=amount)).pk
        except DomainError:
            return self.org["fallback"]

    @rule(complaint=complaints, action=st.sampled_from(sorted(_actions({"branch": None, "branch2": None,
                                                                          "staff": [None]}).keys())),
          actor=st.integers(0, 100), data=st.data())
    def act(self, complaint, action, actor, data):
        staff = self.org["staff"]
        c = Complaint.objects.get(pk=complaint)
        try:
            with frozen(self.now):
                self.actions[action](c, staff[actor % len(staff)], data)
        except DomainError:
            pass

    @rule(hours=st.integers(1, 24 * 40))
    def time_passes(self, hours):
        self.now += timedelta(hours=hours)
        with frozen(self.now):
            svc.mark_breaches()

    @invariant()
    def states_are_valid_and_owned(self):
        for state, owner_id in Complaint.objects.values_list("state", "owner_id"):
            assert state in State.__members__.values()
            assert owner_id is not None

    @invariant()
    def separation_of_duties_holds(self):
        for c in Complaint.objects.all():
            involved = involved_staff_ids(c)
            for cb in Callback.objects.filter(complaint=c):
                assert cb.agent_id not in handlers_of(c)
                assert cb.agent_id not in involved
            for p in Proposal.objects.filter(complaint=c).exclude(decided_by=None):
                assert p.decided_by_id != p.proposed_by_id
                assert p.decided_by.role_set() & set(p.approver_roles)
                if c.is_economic_dispute:
                    assert set(p.approver_roles) <= {"cro", "senior_management"}
            if c.handler_id:
                handler = Staff.objects.get(pk=c.handler_id)
                assert not handler.is_marketing and c.handler_id not in involved

    @invariant()
    def ledger_verifies(self):
        result = verify()
        assert result.ok, result.problem


def test_random_actions_never_break_the_invariants(org, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    staff = [org.intake, org.intake2, org.marketer, org.handler, org.handler2, org.dept_head, org.office,
             org.office2, org.cro, org.senior, org.callback, org.compliance, org.auditor]
    with frozen(at(2026, 3, 1)):
        fallback = svc.complaint_receive(actor=org.intake, data=complaint_input()).pk
    Lifecycle.org = {"staff": staff, "branch": org.branch, "branch2": org.branch2, "intake": org.intake,
                     "fallback": fallback}
    run_state_machine_as_test(Lifecycle, settings=settings_for_ci())


def settings_for_ci():
    return settings(max_examples=40, stateful_step_count=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
