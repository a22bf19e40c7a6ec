"""The shape of a policy pack.

A pack is data (DESIGN rule 3): the category tree, clocks, authority matrix, critical
triggers, forbidden phrases and the rest. These pydantic models are the schema every
pack file is checked against at load; `extra="forbid"` everywhere, so a misspelt key
is an error naming its path instead of a silently ignored rule.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from redress.policy.basics import SEVERITY_ORDER, Code, Duration, Role, Severity, Strict, Text, Unit  # noqa: F401
from redress.policy.clocks_schema import (  # noqa: F401 — the clocks' shape, imported from here too
    HOLDER,
    RECEIPT_STAGES,
    UNIT_HEAD,
    URGENCIES,
    Clock,
    ClockCondition,
    EscalationStep,
    Reminder,
    Stage,
    check_ladder,
)
from redress.policy.returns_schema import RESPONSIBILITIES, RegulatorReturn


class CalendarPolicy(Strict):
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO country whose public holidays apply")
    subdivision: str | None = None
    # A financial market (ISO 10383 MIC, e.g. XNYS) whose trading calendar replaces the
    # country's public holidays: a broker's business day is a day the exchange trades.
    market: str | None = Field(default=None, pattern=r"^[A-Z]{3,5}$")
    timezone: str
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    # Institution overrides: days closed although the country works, and days worked
    # although the country rests.
    extra_closures: list[date] = []
    extra_working_days: list[date] = []

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _hours_in_order(self) -> CalendarPolicy:
        if self.work_start >= self.work_end:
            raise ValueError("work_start must be before work_end")
        return self


class SpecialStep(Strict):
    code: Code
    name: Text
    # Roles (and external authorities) to tell at once when a complaint enters this category.
    notify_roles: list[Role] = []
    notify_authorities: list[Code] = []


class Category(Strict):
    code: Code
    name: Text
    description: Text | None = None
    default_unit: Code | None = Field(None, description="org-unit code that handles it by default")
    special_steps: list[SpecialStep] = []
    children: list[Category] = []


class ExtensionPolicy(Strict):
    clock: Code
    min_notice: Duration  # request at least this long before the due time
    max_extension: Duration
    approver_roles: list[Role] = Field(min_length=1)
    # After the first extension, any further one needs the complainant's recorded consent.
    further_requires_consent: bool = True
    max_further: Duration | None = None
    report_further_to: list[Role] = []
    # Who decides a further extension, when not the approver_roles (银行业保险业消费投诉处理
    # 管理办法: 经其上级机构或者总行、总公司高管人员审批).
    further_approver_roles: list[Role] = []
    # All extensions of a case together may add at most this much (None: no cap).
    max_total: Duration | None = None

    @model_validator(mode="after")
    def _extensions_in_days(self) -> ExtensionPolicy:
        # An extension adds whole days to the clock: working days, or calendar days (a
        # limit counted in calendar days is extended in calendar days).
        for name in ("max_extension", "max_further", "max_total"):
            limit = getattr(self, name)
            if limit is not None and limit.unit not in (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS):
                raise ValueError(f"{name} counts working_days or calendar_days")
        for name in ("max_further", "max_total"):
            limit = getattr(self, name)
            if limit is not None and limit.unit != self.max_extension.unit:
                raise ValueError(f"{name} counts in the unit of max_extension")
        return self

    @property
    def unit(self) -> Unit:
        """What an extension's days are: working days, or calendar days."""
        return self.max_extension.unit

    def deciders(self, sequence: int = 1) -> list[Role]:
        """Who decides the extension with this sequence number (1 = the first)."""
        if sequence > 1 and self.further_approver_roles:
            return list(self.further_approver_roles)
        return list(self.approver_roles)

    def all_deciders(self) -> list[str]:
        """Everyone who decides some extension, the first's deciders first."""
        return list(dict.fromkeys(str(r) for r in (*self.approver_roles, *self.further_approver_roles)))


class PauseReason(Strict):
    """Something the case may wait for with its clocks stopped."""

    code: Code
    name: Text
    # The pause must name a recorded message to the customer on this case asking for
    # something (a question sent through the system), so "waiting for the customer"
    # is shown, not claimed.
    needs_request: bool = False
    # The customer's answer (portal, e-mail, a recorded contact) ends the pause by itself.
    ends_on_answer: bool = False


# Units paused time is added up in: whole working days (as regulators count, the rule of
# shift_for_pause), whole calendar days or whole hours.
PAUSE_TOTAL_UNITS = (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.HOURS)


class PausingPolicy(Strict):
    """When a clock may stop, who may stop it and for how long (services/pausing.py).
    A pack without it cannot pause at all."""

    reasons: list[PauseReason] = Field(min_length=1)
    roles: list[Role] = Field(min_length=1, description="roles that may pause, among those working the case")
    # A pause running this long must be approved by one of approver_roles (not the one
    # who paused); unapproved, it ends by itself at this point.
    approval_after: Duration
    approver_roles: list[Role] = Field(min_length=1)
    # Paused time past which the case is flagged, added up over all its pauses.
    max_total: Duration

    @model_validator(mode="after")
    def _consistent(self) -> PausingPolicy:
        codes = [r.code for r in self.reasons]
        if len(codes) != len(set(codes)):
            raise ValueError("pausing reason codes must be unique")
        if self.max_total.unit not in PAUSE_TOTAL_UNITS:
            raise ValueError(f"max_total.unit must be one of {[u.value for u in PAUSE_TOTAL_UNITS]}")
        if self.approval_after.unit == Unit.SAME_WORKING_DAY or self.approval_after.amount < 1:
            raise ValueError("approval_after must be a positive duration")
        return self

    def reason(self, code: str) -> PauseReason | None:
        return next((r for r in self.reasons if r.code == code), None)


class DeemedClosure(Strict):
    follow_up: Duration
    requires_no_repeat_complaint: bool = True
    requires_no_staff_fault: bool = True


class RecomplaintRoute(StrEnum):
    SAME_UNIT = "same_unit"  # the department that handled the original
    HIGHER_UNIT = "higher_unit"  # the unit above it in the organisation chart


class RecomplaintPolicy(Strict):
    """Where a re-complaint's work order goes when the complaints office names no unit
    (004 第七条(七): 转交相关责任部门或上级部门处理). `higher_unit` is the parent of the
    unit that handled the original; with no active parent, the same unit."""

    route: RecomplaintRoute = RecomplaintRoute.SAME_UNIT


class AuthorityRule(Strict):
    """Who approves a resolution: the first rule that matches wins."""

    max_amount: Decimal | None = Field(None, ge=0, description="inclusive; None = any amount")
    max_severity: Severity | None = None
    approver_roles: list[Role] = Field(min_length=1)


class EconomicDispute(Strict):
    """004 第十六条: a complaint that gives rise to an economic dispute goes to the 分管领导
    and the 首席风险官; nobody decides it alone. A complaint is one when an amount is
    claimed, when a payment is proposed, or when one of `triggers` is raised (a claim
    made only in words: 要求公司赔偿全部损失). Only `decider_roles` decide it, and only
    they may clear the flag, with a recorded reason."""

    decider_roles: list[Role] = Field(min_length=1)
    triggers: list[Code] = []


class Trigger(Strict):
    code: Code
    name: Text
    keywords: dict[str, list[str]] = Field(default_factory=dict, description="language → keywords")
    notify_roles: list[Role] = []
    notify_authorities: list[Code] = []
    min_severity: Severity = Severity.HIGH


class Authority(Strict):
    """An outside body: regulator, police, mediation centre, arbitration, court."""

    code: Code
    name: Text
    contact: str = ""
    # How soon a report the policy owes this body must be made, once a critical trigger
    # or a category's special step names it (001 第三条: 马上; 第十六条(三): 及时). The
    # report is a task open until a named person records when, how and the body's
    # receipt. Required of every body a trigger or special step names.
    report_within: Duration | None = None
    # A complaint this body referred to us (the 12386 hotline, 001 第二十一条) owes it a
    # reply within this; None: it expects none.
    reply_within: Duration | None = None


class AuthorityReportPolicy(Strict):
    """Who looks after the reports owed to authorities, and how an overdue one climbs."""

    # Who may record a report made (and is reminded of the ones due): the complaints
    # office, which makes them, and compliance, which answers to the regulator.
    recorder_roles: list[Role] = Field(default=[Role.COMPLAINTS_OFFICE, Role.COMPLIANCE], min_length=1)
    # Once a report is overdue the recorder roles are told at once; still not made this
    # much later, it goes to these roles too.
    escalate_after: Duration = Duration(amount=1, unit=Unit.WORKING_DAYS)
    escalate_to: list[Role] = [Role.SENIOR_MANAGEMENT]


class EarlyWarningPolicy(Strict):
    """预警 (003 §7): what the sweep calls improbably many complaints, a mass complaint and
    a repeat complainant (earlywarning/), and who is told. The defaults suit a broker;
    a pack may tune them."""

    # Who sees the warnings, is sent them and acknowledges them.
    roles: list[Role] = Field(default=[Role.COMPLAINTS_OFFICE, Role.COMPLIANCE], min_length=1)
    # A series' recent complaints are counted over these windows (days, shortest first)...
    windows_days: list[int] = Field(default=[7, 30], min_length=1)
    # ...and compared with the same series over this many weeks before the window.
    baseline_weeks: int = Field(default=12, ge=4, le=52)
    # A count whose chance under the baseline's Poisson rate is below this is a warning.
    p_value: float = Field(default=0.001, gt=0, lt=0.5)
    # Raise a unit × category's or a product's expectation by the rise of all the other
    # complaints, so a general rise is one warning ("all complaints"), not one a series.
    # Off by default: it also hides a real spike that comes during a general rise
    # (benchmarks/README.md, early_warning.py: both settings measured on the demo).
    allow_for_overall_rise: bool = False
    # Fewer complaints than this in a window is never a warning, however quiet the baseline.
    min_count: int = Field(default=3, ge=1)
    # A mass complaint: this many distinct customers about the same matter within so many days.
    mass_within_days: int = Field(default=3, ge=1, le=30)
    mass_min_customers: int = Field(default=3, ge=2)
    # "Very similar text": Jaccard similarity of the character bigrams of subject and cause.
    mass_similarity: float = Field(default=0.5, gt=0, le=1)
    # A repeat complainant: this many complaints from one customer within so many days.
    repeat_within_days: int = Field(default=90, ge=1)
    repeat_min_complaints: int = Field(default=3, ge=2)

    @model_validator(mode="after")
    def _windows_increase(self) -> EarlyWarningPolicy:
        if self.windows_days != sorted(set(self.windows_days)) or self.windows_days[0] < 1:
            raise ValueError("early_warning.windows_days must be positive, distinct and shortest first")
        return self


CALLBACK_CLOCK = "callback"  # the clock that times callback.within


class CallbackPolicy(Strict):
    required: bool = True
    # The time the callback must be made in, after the result is told. It is timed by the
    # clock coded `callback` (its limit must be this), which the sweep marks breached.
    within: Duration | None = None
    # Roles that may never perform it, on top of the handler and involved staff.
    excluded_roles: list[Role] = []


class ChannelDef(Strict):
    code: Code
    name: Text


class Product(Strict):
    """A product or service the complaint can be about. The top level is a group, its
    children the products in it, named as the regulator's return groups them (DISP 1.10:
    banking and credit cards, home finance, ...), so a return counts by code. Optional:
    a pack without products records the product as free text only."""

    code: Code
    name: Text
    children: list[Product] = []


class SummaryResolution(Strict):
    """A short route for complaints resolved quickly (DISP 1.5): one resolved by `within`
    after its receipt (3 business days: close of business of the third working day after
    the day it came in) may be closed with a short written communication instead of the
    full procedure: here the resolve-on-the-spot action, which is refused once the
    window has passed, and whose message carries the pack's referral_notice."""

    name: Text
    within: Duration


class ResultOutcomes(Strict):
    """The outcome a complaint records when its result is told, named by the pack (a
    regulator's response categories: CFPB's "Closed with monetary relief" ...) and chosen
    by what the approved proposal gives, so nobody picks it by hand. Without it the
    outcome is ``resolved``."""

    monetary: Code  # money paid: a compensation amount or a payment remedy
    non_monetary: Code  # a remedy that is not money (rectification, apology, other)
    explanation: Code  # neither: the result explains




MAX_PHRASE_VARIANTS = 2000  # spellings of one forbidden phrase: the matcher stays small


class Pack(Strict):
    code: Code
    name: Text
    extends: str | None = None
    reference_prefix: str = Field(pattern=r"^[A-Z]{2,6}$")
    # The currency amounts are in (claims taken down without one, the authority matrix).
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    retention_years: int = Field(ge=1)
    calendar: CalendarPolicy
    channels: list[ChannelDef] = Field(min_length=1)
    categories: list[Category] = Field(min_length=1)
    clocks: list[Clock] = Field(min_length=1)
    # The escalation ladder of every clock that names none of its own (issue 15).
    escalation: list[EscalationStep] = []
    # Reminders before each remedy's due date to whoever must carry it out (issue 15
    # item 5; services/remedy_reminders.py). Working days only: a due date is a day.
    remedy_reminders: list[Reminder] = []
    # And the ladder once a remedy is late (services/remedy_reminders.py): who hears on
    # the n-th working day after the due date, at the start of business (amount 0: the
    # first working day after it, when the remedy is late). The office is told at once
    # anyway (REMEDY_LATE); these climb from there.
    remedy_escalation: list[EscalationStep] = []
    extension: ExtensionPolicy | None = None

    @field_validator("remedy_reminders")
    @classmethod
    def _remedy_reminders_in_days(cls, reminders: list[Reminder]) -> list[Reminder]:
        for i, reminder in enumerate(reminders):
            if reminder.before is None or reminder.before.unit != Unit.WORKING_DAYS:
                raise ValueError(f"remedy_reminders[{i}]: a remedy is due on a day; give before in working_days")
        return reminders

    @field_validator("escalation")
    @classmethod
    def _ladder_climbs(cls, ladder: list[EscalationStep]) -> list[EscalationStep]:
        check_ladder(ladder)
        return ladder

    @field_validator("remedy_escalation")
    @classmethod
    def _remedy_ladder_in_days(cls, ladder: list[EscalationStep]) -> list[EscalationStep]:
        for i, step in enumerate(ladder):
            if step.after.unit != Unit.WORKING_DAYS:
                raise ValueError(f"remedy_escalation[{i}]: a remedy is due on a day; give after in working_days")
        check_ladder(ladder)
        return ladder

    pausing: PausingPolicy | None = None
    deemed_closure: DeemedClosure | None = None
    recomplaint: RecomplaintPolicy = RecomplaintPolicy()
    authority_matrix: list[AuthorityRule] = Field(min_length=1)
    economic_dispute: EconomicDispute
    triggers: list[Trigger] = []
    authorities: list[Authority] = []
    authority_reports: AuthorityReportPolicy = AuthorityReportPolicy()
    forbidden_phrases: dict[str, list[str]] = Field(default_factory=dict)
    # Groups of interchangeable words in the forbidden phrases (我公司: [我司, 本公司, ...]):
    # a phrase using one member is also forbidden with every other member.
    forbidden_phrase_variants: dict[str, list[str]] = Field(default_factory=dict)
    callback: CallbackPolicy = CallbackPolicy()
    products: list[Product] = []
    summary_resolution: SummaryResolution | None = None
    # Told to the customer with the acknowledgment, every result (final response) and
    # summary resolution: where to take the complaint next and by when (DISP 1.6.2R: the
    # Financial Ombudsman Service, within six months). Added by the system, so no reply
    # can leave it out.
    referral_notice: Text | None = None
    result_outcomes: ResultOutcomes | None = None

    early_warning: EarlyWarningPolicy = EarlyWarningPolicy()
    attachment_types: list[str] = Field(min_length=1)
    max_attachment_bytes: int = Field(gt=0)
    # Periodic returns to regulators (reports/returns): their tables are pack data.
    returns: list[RegulatorReturn] = []

    @field_validator("attachment_types")
    @classmethod
    def _types_that_can_be_checked(cls, types: list[str]) -> list[str]:
        # Every file is checked by its bytes (complaints/filetypes.py); a type with no
        # check would let anything through under its name.
        from redress.complaints import filetypes

        unknown = [t for t in types if not filetypes.known(t)]
        if unknown:
            raise ValueError(f"no content check for {unknown}; allowed types are {sorted(filetypes.EXTENSIONS)}")
        return types

    @model_validator(mode="after")
    def _references_resolve(self) -> Pack:
        codes = [c.code for c in self.clocks]
        if len(codes) != len(set(codes)):
            raise ValueError("clock codes must be unique")
        if self.extension and self.extension.clock not in codes:
            raise ValueError(f"extension.clock {self.extension.clock!r} is not one of the clocks {codes}")
        if self.extension:
            limit = self.clock(self.extension.clock).limit
            calendar_limit = limit.unit in (Unit.CALENDAR_DAYS, Unit.MONTHS)
            if calendar_limit != (self.extension.max_extension.unit == Unit.CALENDAR_DAYS):
                raise ValueError(f"extension.max_extension: the {limit.unit.value} limit of clock "
                                 f"{self.extension.clock!r} is extended in "
                                 f"{'calendar_days' if calendar_limit else 'working_days'}")
        cats = [c.code for c in self.iter_categories()]
        dupes = {c for c in cats if cats.count(c) > 1}
        if dupes:
            raise ValueError(f"category codes must be unique; repeated: {sorted(dupes)}")
        known = {a.code: a for a in self.authorities}
        for code in self._named_authorities():
            if code not in known:
                raise ValueError(f"authority {code!r} is used but not defined under authorities")
            if known[code].report_within is None:
                raise ValueError(f"authority {code!r} is owed reports (a trigger or special step names it), "
                                 "so it needs report_within: how soon a report must be made")
        self._check_phrase_variants()
        if self.callback.within is not None:
            timer = self.clock(CALLBACK_CLOCK)
            if timer is None or timer.limit != self.callback.within:
                found = f"its limit is {timer.limit.amount} {timer.limit.unit.value}" if timer else "there is none"
                raise ValueError(f"callback.within ({self.callback.within.amount} {self.callback.within.unit.value}) "
                                 f"is timed by the clock {CALLBACK_CLOCK!r}, which must have that limit; {found}")
        trigger_codes = {t.code for t in self.triggers}
        self._check_clock_conditions(trigger_codes)
        for code in self.economic_dispute.triggers:
            if code not in trigger_codes:
                raise ValueError(f"economic_dispute.triggers: {code!r} is not one of the triggers")
        products = [p.code for p in self.iter_products()]
        repeated = {p for p in products if products.count(p) > 1}
        if repeated:
            raise ValueError(f"product codes must be unique; repeated: {sorted(repeated)}")
        self._check_returns()
        last = self.authority_matrix[-1]
        if last.max_amount is not None or last.max_severity is not None:
            raise ValueError("the last authority_matrix rule must have no limits, so every case has an approver")
        return self

    def _check_clock_conditions(self, trigger_codes: set[str]) -> None:
        """A condition names only what this pack knows: its channels, categories and triggers."""
        known = {"channel": set(self.channel_codes()), "category": {c.code for c in self.iter_categories()},
                 "trigger": trigger_codes}
        for i, clock in enumerate(self.clocks):
            if clock.when is None:
                continue
            for name, codes in known.items():
                wrong = [v for v in getattr(clock.when, name) or [] if v not in codes]
                if wrong:
                    raise ValueError(f"clocks[{i}].when.{name}: {', '.join(map(repr, wrong))} is not one of the "
                                     f"pack's {name} codes")

    def _check_phrase_variants(self) -> None:
        phrases = [p.casefold() for plist in self.forbidden_phrases.values() for p in plist]
        seen: set[str] = set()
        for word, others in self.forbidden_phrase_variants.items():
            group = [word, *others]
            if any(not m.strip() for m in group):
                raise ValueError(f"forbidden_phrase_variants.{word}: a variant may not be empty")
            twice = {m for m in group if m in seen or group.count(m) > 1}
            if twice:
                raise ValueError(f"forbidden_phrase_variants.{word}: {sorted(twice)} listed more than once; "
                                 "a word belongs to one group")
            seen.update(group)
            if not any(m.casefold() in p for m in group for p in phrases):
                raise ValueError(f"forbidden_phrase_variants.{word}: no forbidden phrase uses any of {group}")
        for p in phrases:
            count = 1
            for word, others in self.forbidden_phrase_variants.items():
                used = sum(p.count(m.casefold()) for m in [word, *others])
                count *= (len(others) + 1) ** used
            if count > MAX_PHRASE_VARIANTS:
                raise ValueError(f"forbidden phrase {p!r} has {count} variants; at most {MAX_PHRASE_VARIANTS}")

    def _check_returns(self) -> None:
        codes = [r.code for r in self.returns]
        if len(codes) != len(set(codes)):
            raise ValueError("return codes must be unique")
        # Category and severity codes a return maps must exist. Channels are not checked: an
        # institution's pack may keep only the channels it uses (`extends` replaces the list),
        # and a shipped return's mapping of the others then simply maps nothing.
        known = {"category": {c.code for c in self.iter_categories()}, "severity": {s.value for s in Severity},
                 "responsibility": set(RESPONSIBILITIES), "product": {p.code for p in self.iter_products()}}
        authorities = {a.code for a in self.authorities}
        for ret in self.returns:
            if ret.regulator and ret.regulator not in authorities:
                raise ValueError(f"return {ret.code!r}: regulator {ret.regulator!r} is not one of the authorities")
            if ret.closed_when and self.clock(ret.closed_when) is None:
                raise ValueError(f"return {ret.code!r}: closed_when {ret.closed_when!r} is not one of the clocks "
                                 f"{[c.code for c in self.clocks]}")
            for dim in ret.dimensions:
                allowed = known.get(dim.source.value)
                stray = sorted({v for c in dim.codes for v in c.values} - allowed) if allowed is not None else []
                if stray:
                    raise ValueError(f"return {ret.code!r}, dimension {dim.code!r}: {stray} are not "
                                     f"{dim.source.value} codes of this pack")
            for table in ret.tables:
                for col in table.columns:
                    for name, values in col.where.items():
                        stray = sorted(set(values) - known[name]) if name in known else []
                        if stray:
                            raise ValueError(f"return {ret.code!r}, column {col.code!r}: where {name} {stray} "
                                             f"are not {name} codes of this pack")
                    if col.clock and self.clock(col.clock) is None:
                        raise ValueError(f"return {ret.code!r}, column {col.code!r}: no clock {col.clock!r}")

    def regulator_return(self, code: str) -> RegulatorReturn | None:
        return next((r for r in self.returns if r.code == code), None)

    def _named_authorities(self):
        for cat in self.iter_categories():
            for step in cat.special_steps:
                yield from step.notify_authorities
        for trig in self.triggers:
            yield from trig.notify_authorities

    # ---- lookups used by the services -------------------------------------------

    def iter_categories(self):
        stack = list(reversed(self.categories))
        while stack:
            cat = stack.pop()
            yield cat
            stack.extend(reversed(cat.children))

    def iter_products(self):
        stack = list(reversed(self.products))
        while stack:
            product = stack.pop()
            yield product
            stack.extend(reversed(product.children))

    def product_group(self, text: str) -> tuple[Product, Product] | None:
        """(group, product) for a product written as its code or its name in either
        language (how intake records it: ComplaintParty.product is text); a group named
        itself is (group, group). None when the pack does not know it, which a return
        reports as a complaint it cannot map."""
        wanted = " ".join(text.split()).casefold()
        if not wanted:
            return None
        for group in self.products:
            for product in [group, *_descendants(group)]:
                if wanted in (product.code, product.name.en.casefold(), product.name.zh_hans.casefold()):
                    return group, product
        return None

    def reply_clock(self) -> Clock | None:
        """The clock that ends with our answer, whose date the acknowledgment promises: the
        extendable one, else the first that stops when the result is told (a pack, like
        uk-fca, whose limit cannot be extended)."""
        return (next((c for c in self.clocks if c.extendable), None)
                or next((c for c in self.clocks if c.stops_on == Stage.COMMUNICATED), None))

    def category(self, code: str) -> Category | None:
        return next((c for c in self.iter_categories() if c.code == code), None)

    def clock(self, code: str) -> Clock | None:
        return next((c for c in self.clocks if c.code == code), None)

    def ladder(self, clock: Clock) -> list[EscalationStep]:
        """The escalation ladder of a clock: its own, else the pack's."""
        return clock.escalation if clock.escalation is not None else self.escalation

    def channel_codes(self) -> list[str]:
        return [c.code for c in self.channels]

    def authority(self, code: str) -> Authority | None:
        return next((a for a in self.authorities if a.code == code), None)

    def is_economic_dispute(self, *, amount: Decimal | None, flags) -> bool:
        """The facts that make a complaint an economic dispute (004 第十六条)."""
        return bool(amount and amount > 0) or any(f in self.economic_dispute.triggers for f in flags)

    def approver_roles(self, *, amount: Decimal | None, severity: str) -> list[Role]:
        rank = SEVERITY_ORDER[Severity(severity)]
        for rule in self.authority_matrix:
            if rule.max_amount is not None and (amount or Decimal(0)) > rule.max_amount:
                continue
            if rule.max_severity is not None and rank > SEVERITY_ORDER[rule.max_severity]:
                continue
            return list(rule.approver_roles)
        raise AssertionError("unreachable: the last rule has no limits")  # checked at load


def _descendants(product: Product):
    for child in product.children:
        yield child
        yield from _descendants(child)


Category.model_rebuild()
Product.model_rebuild()
