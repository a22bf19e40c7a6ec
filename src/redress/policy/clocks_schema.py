"""The clocks of a policy pack: the stages they run between, their conditions, reminder
points and escalation ladders (split from schema.py, which keeps the pack itself)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator, model_validator

from redress.policy.basics import Code, Duration, Role, Severity, Strict, Text, Unit


class Stage(StrEnum):
    """Lifecycle moments a clock can start or stop on (names of states entered)."""

    RECEIVED = "received"
    REGISTERED = "registered"
    DISPATCHED = "dispatched"
    ASSIGNED = "assigned"  # accepted by the responsible department
    CONTACTED = "contacted"  # department first contacted the customer
    PROPOSED = "proposed"  # a resolution proposed: the investigation is done (003 §2 调查)
    COMMUNICATED = "communicated"  # result told to the customer
    CALLED_BACK = "called_back"  # the satisfaction callback was made, whatever the customer said
    CLOSED = "closed"  # any terminal state


# The stages that are the complaint's own receipt or acceptance: a clock starting on one
# of them counts from when the first responder took the complaint down (received_at),
# not from when it was typed in or registered (001 第二十二条 自受理投诉之日起).
RECEIPT_STAGES = frozenset({Stage.RECEIVED, Stage.REGISTERED})


# Who hears of a reminder or an escalation: the person holding the case (its handler,
# else its owner), the head of the unit responsible for it (a dept_head of that unit),
# or every holder of a staff role.
HOLDER, UNIT_HEAD = "holder", "unit_head"


def _recipient(value: str) -> str:
    if value in (HOLDER, UNIT_HEAD) or value in Role._value2member_map_:
        return value
    raise ValueError(f"unknown recipient {value!r}: nobody can hold it; use {HOLDER}, {UNIT_HEAD} "
                     f"or a role ({', '.join(r.value for r in Role)})")


Recipient = Annotated[str, AfterValidator(_recipient)]

# The rough length of one unit, to put a ladder's steps in order (a ladder uses one unit).
_ORDERED_UNITS = (Unit.MINUTES, Unit.HOURS, Unit.WORKING_MINUTES, Unit.WORKING_HOURS, Unit.WORKING_DAYS,
                  Unit.CALENDAR_DAYS)


class Reminder(Strict):
    """A point before a clock's due time at which its people are reminded: `before` the
    due time (working days: at the start of business of that working day; hours or
    minutes: that much earlier), or `percent` of the clock's length gone (working time for
    a working-time clock), for an hour-scale clock."""

    before: Duration | None = None
    percent: int | None = Field(None, ge=1)
    to: list[Recipient] = Field(default_factory=lambda: [HOLDER, UNIT_HEAD], min_length=1)

    @model_validator(mode="after")
    def _one_way(self) -> Reminder:
        if (self.before is None) == (self.percent is None):
            raise ValueError("a reminder gives either before (a duration) or percent (of the limit)")
        if self.percent is not None and self.percent >= 100:
            raise ValueError(f"percent {self.percent}: a reminder at or past 100% of the limit is not before "
                             "the due time; what happens after it is the escalation ladder")
        if self.before is not None:
            if self.before.amount < 1:
                raise ValueError("before: a reminder 0 before the due time is the due time itself; "
                                 "what happens then is the escalation ladder")
            if self.before.unit not in (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS, Unit.HOURS, Unit.MINUTES):
                raise ValueError("before counts working_days, calendar_days, hours or minutes")
        return self


class EscalationStep(Strict):
    """One rung of the ladder: who hears `after` the due time passed (amount 0: at once)."""

    after: Duration
    to: list[Recipient] = Field(min_length=1)

    @model_validator(mode="after")
    def _unit(self) -> EscalationStep:
        if self.after.unit not in _ORDERED_UNITS:
            raise ValueError(f"after counts one of {', '.join(u.value for u in _ORDERED_UNITS)}")
        return self


def check_ladder(ladder: list[EscalationStep]) -> None:
    """A ladder climbs: each step after the one before it, all in one unit."""
    for i, (a, b) in enumerate(zip(ladder, ladder[1:], strict=False), start=1):
        if b.after.unit != a.after.unit and b.after.amount and a.after.amount:
            raise ValueError(f"step {i}: a ladder counts in one unit; step {i - 1} counts "
                             f"{a.after.unit.value}, step {i} {b.after.unit.value}")
        if b.after.amount <= a.after.amount:
            raise ValueError(f"step {i}: the ladder is out of order: step {i} "
                             f"({b.after.amount} {b.after.unit.value}) must come after step {i - 1} "
                             f"({a.after.amount} {a.after.unit.value})")


URGENCIES = ("normal", "urgent")  # Complaint.Urgency's values (the policy does not import the models)


# ClockCondition.failing's fields by condition (kept with it, so its id is not reused).
_GIVEN: dict[int, tuple] = {}


class ClockCondition(Strict):
    """When a clock applies (issue 15 item 4): every field given must hold — one of its
    values — and a field not given holds for every case. `trigger`: one of the
    complaint's critical triggers is among them. Judged when the clock's start stage is
    reached, and again when the case is assessed or re-assessed (services/timing.py)."""

    urgency: list[str] | None = None
    severity: list[Severity] | None = None
    channel: list[Code] | None = None
    category: list[Code] | None = None
    trigger: list[Code] | None = None
    referral_source: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _known_fields(cls, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(cls.model_fields))
            if unknown:
                raise ValueError(f"unknown condition field(s) {', '.join(map(repr, unknown))}: a clock's condition "
                                 f"may name {', '.join(cls.model_fields)}")
            empty = sorted(k for k, v in data.items() if v is not None and not v)
            if empty:
                raise ValueError(f"condition field(s) {', '.join(map(repr, empty))} list no value: leave the field "
                                 "out for every case")
        return data

    @field_validator("urgency")
    @classmethod
    def _urgencies(cls, values: list[str] | None) -> list[str] | None:
        wrong = [v for v in values or [] if v not in URGENCIES]
        if wrong:
            raise ValueError(f"urgency {', '.join(map(repr, wrong))} is not one of {', '.join(URGENCIES)}")
        return values

    def fields(self) -> dict[str, list]:
        """The fields given, with their values."""
        return {k: list(v) for k in type(self).model_fields if (v := getattr(self, k)) is not None}

    def failing(self, complaint) -> dict[str, object]:
        """The fields `complaint` does not meet, with its value of each ({}: it holds)."""
        out = {}
        given = _GIVEN.get(id(self))
        if given is None or given[0] is not self:  # the condition is frozen: its fields read once
            if len(_GIVEN) >= 1000:  # packs loaded again and again (tests) keep no more than this
                _GIVEN.clear()
            given = _GIVEN[id(self)] = (self, tuple(self.fields().items()))
        for name, wanted in given[1]:
            if name == "trigger":
                have = list(complaint.critical_flags or [])
                if not set(have) & set(wanted):
                    out[name] = have
                continue
            have = getattr(complaint, name) or ""
            if have not in wanted:
                out[name] = have
        return out


class Clock(Strict):
    code: Code
    name: Text
    starts_on: Stage
    stops_on: Stage
    limit: Duration
    applies_to_inquiries: bool = False
    # The clock whose due time the extension rules move (one per pack).
    extendable: bool = False
    # Whether the limit counts from the complaint's receipt (received_at) rather than from
    # the moment the stage is reached. Unset: yes for clocks starting on received or
    # registered, which is how the seeds count (自受理投诉之日起); a pack sets false for
    # a clock that really starts with a later hand-over, such as the complaints office
    # receiving the futures work order (004 第七条(二)). Later stages always count from
    # the moment they are reached.
    from_receipt: bool | None = None
    # Reminders before the due time and the escalation ladder after it (issue 15). The
    # points are the institution's choice: no seed sets them. `escalation` unset: the
    # pack's ladder; an empty list: none for this clock.
    reminders: list[Reminder] = []
    escalation: list[EscalationStep] | None = None
    # Only for the cases this holds for (issue 15 item 4); unset: every case.
    when: ClockCondition | None = None

    @field_validator("reminders")
    @classmethod
    def _reminders_before_due(cls, reminders: list[Reminder], info) -> list[Reminder]:
        limit = info.data.get("limit")
        if limit is None:
            return reminders  # the limit itself is wrong, and said so
        for i, reminder in enumerate(reminders):
            before = reminder.before
            if before is not None and before.unit == limit.unit and before.amount >= limit.amount:
                raise ValueError(f"reminder {i}: {before.amount} {before.unit.value} before the due time is not "
                                 f"inside the limit ({limit.amount} {limit.unit.value}): it would come before the "
                                 "clock starts")
            if reminder.percent is not None and limit.unit == Unit.SAME_WORKING_DAY:
                raise ValueError(f"reminder {i}: percent needs a limit with a length, not same_working_day")
        return reminders

    @field_validator("escalation")
    @classmethod
    def _ladder_climbs(cls, ladder: list[EscalationStep] | None) -> list[EscalationStep] | None:
        check_ladder(ladder or [])
        return ladder

    @model_validator(mode="after")
    def _receipt_only_for_receipt_stages(self) -> Clock:
        if self.from_receipt and self.starts_on not in RECEIPT_STAGES:
            raise ValueError(f"clock {self.code!r}: from_receipt needs starts_on received or registered")
        if self.from_receipt is False and self.starts_on == Stage.RECEIVED:
            raise ValueError(f"clock {self.code!r} starts on received, so it counts from the receipt")
        return self

    def counts_from_receipt(self) -> bool:
        return self.starts_on in RECEIPT_STAGES if self.from_receipt is None else self.from_receipt


