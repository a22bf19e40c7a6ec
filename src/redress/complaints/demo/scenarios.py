"""Walk demo complaints through the real services, in the past.

Every demo complaint goes through the same service functions a user's click would,
each at a moment pinned with `frozen()`, so the ledger, the clocks and the overdue
flags are exactly what real use would leave behind. A scenario names where the
complaint stops; the walk takes the steps that lead there.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from redress.complaints import services as svc
from redress.complaints.demo.org import BRANCHES, Cast
from redress.complaints.demo.stories import INQUIRIES, NAMES_EN, NAMES_ZH, STORIES, Story
from redress.complaints.errors import DomainError
from redress.complaints.lifecycle import TERMINAL, State
from redress.complaints.models import Complaint, ComplaintClock, Staff
from redress.complaints.timesource import frozen

# Where complaints stop, and how often (weights add up to 100).
SCENARIOS: tuple[tuple[str, int], ...] = (
    ("inquiry", 5), ("on_spot", 4), ("redirected", 2), ("withdrawn", 3), ("received", 2),
    ("registered", 4), ("assessed", 4), ("dispatched", 5), ("investigating", 14), ("extended", 4),
    ("overdue", 4), ("proposed", 5), ("approved", 3), ("remedy_pending", 3), ("awaiting_callback", 6),
    ("follow_up", 2), ("recomplaint", 3), ("referred", 2), ("closed", 17), ("archived", 6), ("deemed_closed", 2),
)
MAIN_PATH = ("registered", "assessed", "dispatched", "investigating", "proposed", "approved",
             "communicated", "closed", "archived")
# How far along the main path each scenario walks, and how long ago it was received.
DEPTH = {"registered": 1, "assessed": 2, "dispatched": 3, "investigating": 4, "extended": 4, "overdue": 4,
         "proposed": 5, "approved": 6, "remedy_pending": 7, "awaiting_callback": 7, "follow_up": 7,
         "recomplaint": 7, "referred": 4, "closed": 8, "archived": 9, "deemed_closed": 7, "withdrawn": 2}
AGE_DAYS = {"received": (0, 1), "registered": (0, 3), "assessed": (0, 5), "dispatched": (1, 8),
            "investigating": (2, 20), "extended": (24, 30), "overdue": (40, 70), "proposed": (5, 20),
            "approved": (6, 22), "remedy_pending": (8, 25), "awaiting_callback": (5, 25), "follow_up": (20, 60),
            "recomplaint": (25, 90), "referred": (10, 60), "closed": (8, 150), "archived": (40, 180),
            "deemed_closed": (240, 320), "withdrawn": (2, 60)}
CHANNELS = ("phone", "phone", "phone", "walk_in", "letter", "email", "web", "app", "app", "regulator_referral")


class Walker:
    def __init__(self, cast: Cast, rng: random.Random, now: datetime):
        self.cast, self.rng, self.now = cast, rng, now
        self.t = now

    # -- time -------------------------------------------------------------------
    def later(self, hours_low: float, hours_high: float, limit: datetime | None = None) -> datetime:
        """Move the walk's clock on, never past `limit` (default: the real now)."""
        limit = limit or self.now - timedelta(minutes=5)
        step = timedelta(hours=self.rng.uniform(hours_low, hours_high))
        self.t = min(self.t + step, limit)
        return self.t

    def do(self, fn, *args, **kwargs):
        with frozen(self.t):
            return fn(*args, **kwargs)

    def pick(self, role: str, unit=None, exclude: set[int] = frozenset()) -> Staff:
        people = self.cast.in_unit(unit, role) if unit is not None else self.cast.by_role[role]
        people = [p for p in people if p.pk not in exclude] or people
        return self.rng.choice(people)

    # -- intake -----------------------------------------------------------------
    def _customer(self, language: str, n: int) -> svc.CustomerInput:
        name = self.rng.choice(NAMES_EN if language == "en" else NAMES_ZH)
        account = f"3100{self.rng.randrange(10**7, 10**8)}"
        return svc.CustomerInput(name=name, phone=f"13{self.rng.randrange(10**8, 10**9)}",
                                 email=f"client{n}@example.com" if self.rng.random() < 0.4 else "",
                                 account_number=account, language="en" if language == "en" else "zh-hans")

    def receive(self, n: int, story: Story, *, register: bool, kind: str = "complaint") -> Complaint:
        channel = self.rng.choice(CHANNELS)
        branch = self.cast.units[self.rng.choice(BRANCHES)]
        desk = self.pick("intake", branch) if channel == "walk_in" else self.pick("intake",
                                                                                   self.cast.units["customer_service"])
        parties = []
        if story.category == "marketing":
            parties.append(svc.PartyInput(kind="employee", staff=self.marketer_of(branch),
                                          description="客户经理 account manager"))
        elif story.category == "suitability":
            parties.append(svc.PartyInput(kind="product", product="鑫盈1号私募证券投资基金(R4)"))
        data = svc.ComplaintInput(
            parties=parties,
            customer=self._customer(story.language, n), channel=channel, subject=story.subject, cause=story.cause,
            request=story.request, amount_claimed=story.amount, kind=kind, branch=branch,
            referral_source="hotline_12386" if channel == "regulator_referral" else "",
        )
        return self.do(svc.complaint_receive, actor=desk, data=data, register=register)

    # -- the main path ----------------------------------------------------------
    def walk(self, n: int, scenario: str) -> Complaint:
        rng = self.rng
        low, high = AGE_DAYS.get(scenario, (0, 30))
        self.t = self.now - timedelta(days=rng.uniform(low, high), hours=rng.uniform(0, 6))
        if scenario in ("inquiry", "on_spot", "redirected", "received"):
            return self._front_desk(n, scenario)
        story = rng.choice(STORIES)
        c = self.receive(n, story, register=True)
        self.report_to_authorities(c)
        depth = DEPTH[scenario]
        office = self.pick("complaints_office")
        # Spread the steps over the time the complaint has had; closed ones took 2–25 days.
        age_hours = (self.now - self.t).total_seconds() / 3600
        finished_early = depth >= 8 or scenario in ("follow_up", "recomplaint", "deemed_closed")
        budget = min(age_hours, rng.uniform(48, 600)) if finished_early else age_hours
        gap = max(budget / (depth + 2), 0.5)
        if depth >= 2:
            self.later(0.2, gap)
            self.do(svc.complaint_assess, c, actor=office, category=story.category, severity=story.severity,
                    is_economic_dispute=True if story.amount else None)
            self.report_to_authorities(c)
            if scenario == "withdrawn":
                self.later(1, gap)
                return self.do(svc.complaint_withdraw, c, actor=c.first_responder, reason="客户来电表示问题已自行解决,撤回投诉")
        if depth >= 3:
            self.later(0.2, gap)
            self.do(svc.complaint_dispatch, c, actor=office, instructions="请按公司投诉处理规定调查核实并按时回复")
            c.refresh_from_db()
        if depth >= 4:
            self.later(0.5, gap)
            handler = self.pick("handler", c.responsible_unit)
            self.do(svc.assignment_accept, c, actor=handler)
            self.later(1, gap)
            self.do(svc.finding_add, c, actor=handler, kind="note",
                    text="已调取客户委托记录、通话录音及系统日志,正在核对。")
            self._side_steps(c, scenario, handler, office)
            if scenario == "referred":
                self.later(4, gap)
                return self.do(svc.complaint_refer, c, actor=handler, kind="mediation", authority="sac_mediation",
                               note="双方对赔偿金额分歧较大,引导客户申请证券纠纷调解")
        if depth >= 5:
            self._propose_and_approve(c, story, handler, gap, remedy=scenario == "remedy_pending", approve=depth >= 6)
        if depth >= 7:
            self.later(1, gap)
            self.do(svc.result_communicate, c, actor=handler, channel="phone", body=self._result_text(story))
            c.refresh_from_db()
            self.report_to_authorities(c, kind="reply")
            if scenario in ("follow_up", "recomplaint", "deemed_closed"):
                self.later(4, 40)
                self.do(svc.callback_record, c, actor=self.pick("callback", exclude={handler.pk}), satisfied=False,
                        opinion="客户认为赔偿金额偏低,对处理结果不认可")
                if scenario == "recomplaint":
                    self.later(24, 24 * 10)
                    new = self.do(svc.complaint_recomplain, c, actor=self.pick("intake"), channel="phone",
                                  cause="客户不认可原处理结果,要求上级部门重新调查并给出书面答复")
                    self.later(1, 8)
                    self.do(svc.complaint_assess, new, actor=office, category=story.category,
                            severity="high", is_economic_dispute=True if story.amount else None)
                # About a third of the six-month cases wait on the office's list of cases
                # eligible for deemed closure: the office decides (001 第二十二条).
                if scenario == "deemed_closed" and rng.random() < 0.65:
                    self.t = min(c.follow_up_since + timedelta(days=186), self.now - timedelta(minutes=5))
                    self.do(svc.deem_closed, c, actor=office, note="持续跟进6个月,客户未再投诉,未发现人员过错")
        if depth >= 8:
            self.later(2, 72)
            self.do(svc.callback_record, c, actor=self.pick("callback", exclude={handler.pk}), satisfied=True,
                    opinion="客户对处理结果表示满意")
            if story.category == "marketing" and rng.random() < 0.5:
                self.later(24, 96)
                marketer = self.marketer_of(c.branch)
                self.do(svc.accountability_record, c, actor=self.pick("compliance"), staff=marketer,
                        action="warning", description="营销过程中未充分揭示风险,给予书面警告并安排合规培训")
        if depth >= 9:
            self.later(24, 24 * 10)
            self.do(svc.complaint_archive, c, actor=office, root_cause=story.category)
        return c

    def report_to_authorities(self, c: Complaint, kind: str = "report") -> None:
        """The office makes most reports owed to the police or a regulator within the hour,
        and replies to a hotline's referral once the result is told, recording the
        authority's receipt; about one in ten is left open, so the worklist of reports and
        its overdue marks have something to show."""
        for report in c.authority_reports.filter(status="open", kind=kind).order_by("id"):
            if self.rng.random() < 0.1:
                continue
            self.later(0.2, 1)
            self.do(svc.authority_report_record, c, actor=self.pick("complaints_office"), report_id=report.pk,
                    reported_at=self.t, how="phone" if kind == "report" else "online",
                    receipt=f"{report.authority.upper()}-{self.t:%Y%m%d}-{self.rng.randint(100, 999)}")

    def marketer_of(self, branch) -> Staff:
        return next((s for s in self.cast.staff.values() if s.is_marketing and s.unit_id == branch.pk),
                    self.cast.staff["marketing.lu"])

    def _front_desk(self, n: int, scenario: str) -> Complaint:
        desk_unit = self.cast.units["customer_service"]
        if scenario == "inquiry":
            subject, question, answer = self.rng.choice(INQUIRIES)
            language = "en" if subject.isascii() else "zh-hans"
            story = Story("other", "low", subject, question, "", None, language)
            c = self.receive(n, story, register=False, kind="inquiry")
            self.later(0.1, 2)
            return self.do(svc.inquiry_answer, c, actor=self.pick("intake", desk_unit), answer=answer)
        if scenario == "redirected":
            story = Story("other", "low", "接到冒充券商的诈骗电话",
                          "有人自称是贵公司客服,让我下载一个App转账炒股,我转了两万元后联系不上对方。",
                          "帮我追回被骗的钱")
            c = self.receive(n, story, register=False)
            self.later(0.1, 1)
            return self.do(svc.complaint_redirect, c, actor=self.pick("intake", desk_unit), authority="police",
                           note="属电信诈骗,非本公司业务;已告知客户立即向公安机关报案(110)")
        story = self.rng.choice([s for s in STORIES if s.severity == "low"])
        c = self.receive(n, story, register=False)
        if scenario == "on_spot":
            self.later(0.1, 1)
            return self.do(svc.resolve_on_spot, c, actor=c.first_responder, resolution="当场解释业务规则并协助办理",
                           customer_opinion="满意")
        return c

    def _side_steps(self, c: Complaint, scenario: str, handler: Staff, office: Staff) -> None:
        rng = self.rng
        if scenario == "extended":
            due = ComplaintClock.objects.get(complaint=c, code="resolution").due_at
            # 001 第二十二条: ask at least three working days ahead; a week ahead is safe.
            self.t = max(self.t, due - timedelta(days=7))
            try:
                ext = self.do(svc.extension_request, c, actor=handler, working_days=rng.choice([5, 10]),
                              reason="需向证券交易所及中国结算调取交易记录,回函尚未收到",
                              plan="收到回函后两个工作日内完成核对并答复客户")
                self.later(2, 20)
                self.do(svc.extension_decide, c, actor=office, extension_id=ext.pk, approve=True,
                        note="同意延期,请按计划办结")
            except DomainError:
                pass  # the walk reached the due date too late to ask; it simply stays open
        elif scenario == "investigating" and rng.random() < 0.15:
            self.later(1, 8)
            # A question that waits for its answer pauses the clocks (the pack's pausing rule).
            self.do(svc.message_send, c, actor=handler, kind="question", channel="phone", wait_for_reply=True,
                    body="请您提供委托时的交易截图及对应日期的银行流水,以便我们核实。")
        # (an escalated case is never deemed closed: 001 第二十二条)
        if c.severity in ("high", "major") and scenario != "deemed_closed" and rng.random() < 0.3:
            self.later(0.5, 4)
            self.do(svc.complaint_escalate, c, actor=office, reason="涉及金额较大且客户情绪激动,提级至分管领导关注")

    def _propose_and_approve(self, c, story: Story, handler: Staff, gap: float, *, remedy: bool, approve: bool):
        self.later(4, gap)
        compensation = None
        if story.amount and self.rng.random() < 0.5:
            compensation = str(round(story.amount * self.rng.uniform(0.1, 0.6)))
        today = self.t.date()
        remedies = [svc.RemedyInput(kind="payment", description="向客户资金账户支付补偿款",
                                    amount=compensation or "200", due_date=today + timedelta(days=10))] if remedy else []
        proposal = self.do(svc.resolution_propose, c, actor=handler,
                           summary="向客户说明调查结果;" + ("给予适当补偿" if compensation or remedy else "解释业务规则并致歉"),
                           facts="经调取委托记录、通话录音及系统日志核实了客户反映的情况。",
                           responsibility="shared" if compensation else "customer",
                           legal_basis="《证券公司客户投诉处理指引》及公司业务规则", compensation=compensation,
                           remedies=remedies)
        if not approve:
            return
        self.later(1, gap)
        # A department head approves only for their own unit (which may have none).
        roles = [r for r in proposal.approver_roles if r != "dept_head" or self.cast.in_unit(c.responsible_unit, r)]
        role = self.rng.choice(roles)
        approver = self.pick(role, c.responsible_unit if role == "dept_head" else None, exclude={handler.pk})
        self.do(svc.resolution_decide, c, actor=approver, approve=True, note="同意")

    @staticmethod
    def _result_text(story: Story) -> str:
        if story.language == "en":
            return ("We have reviewed your complaint against the order records, call recordings and system logs. "
                    "Our findings, the rules that apply and the remedy offered are set out above; if you do not "
                    "accept them you may ask for a review, or apply for mediation at the Securities Association "
                    "of China.")
        return ("您好,关于您反映的问题,我们已调取委托记录、通话录音及系统日志进行核实。现将核实情况、依据的业务规则和处理意见告知如下,"
                "如您对处理结果有异议,可申请复核,也可向中国证券业协会申请调解。")


def walk_all(cast: Cast, count: int, rng: random.Random, now: datetime) -> dict[str, int]:
    walker = Walker(cast, rng, now)
    names = [name for name, _ in SCENARIOS]
    weights = [weight for _, weight in SCENARIOS]
    made: dict[str, int] = {}
    # Every scenario at least once, then the rest by weight.
    plan = names + rng.choices(names, weights=weights, k=max(count - len(names), 0))
    for n, scenario in enumerate(plan[:count]):
        c = walker.walk(n, scenario)
        if c is not None and State(c.state) in TERMINAL:
            walker.report_to_authorities(c, kind="reply")  # answered, redirected, withdrawn: the hotline is told
        made[scenario] = made.get(scenario, 0) + 1
    return made
