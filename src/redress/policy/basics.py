"""The building blocks every part of a pack's schema uses: strict models, a label in both
UI languages, a code, and a duration on the institution's calendar."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(Strict):
    """A label in both UI languages."""

    zh_hans: str = Field(alias="zh-hans", min_length=1)
    en: str = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def get(self, language: str | None) -> str:
        return self.en if (language or "").startswith("en") else self.zh_hans


Code = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_\-]*$", max_length=40)]


class Unit(StrEnum):
    """How a clock's duration is counted on the institution's calendar."""

    MINUTES = "minutes"  # elapsed wall-clock minutes
    HOURS = "hours"  # elapsed wall-clock hours
    WORKING_MINUTES = "working_minutes"  # minutes inside working hours of working days
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"  # due at close of business of the Nth working day after the start day
    CALENDAR_DAYS = "calendar_days"
    SAME_WORKING_DAY = "same_working_day"  # close of business of the start day (or the next working day)
    MONTHS = "months"


class Duration(Strict):
    amount: int = Field(ge=0)
    unit: Unit
    # A period in calendar days (or months) whose last day is a rest day ends on the first
    # working day after it, at close of business (民法典 第二百零三条: 期间的最后一日是法定
    # 休假日的,以法定休假日结束的次日为期间的最后一日; 有业务时间的,停止业务活动的时间为截止时间).
    ends_on_working_day: bool = False

    @model_validator(mode="after")
    def _same_day_has_no_amount(self) -> Duration:
        if self.unit == Unit.SAME_WORKING_DAY and self.amount != 0:
            raise ValueError("same_working_day takes amount 0")
        if self.ends_on_working_day and self.unit not in (Unit.CALENDAR_DAYS, Unit.MONTHS):
            raise ValueError("ends_on_working_day applies to calendar_days or months only")
        return self


class Role(StrEnum):
    """Staff roles (SPEC §1). Stable codes; labels are rendered at display time."""

    INTAKE = "intake"
    HANDLER = "handler"
    DEPT_HEAD = "dept_head"
    COMPLAINTS_OFFICE = "complaints_office"
    COMPLIANCE = "compliance"
    AUDIT = "audit"
    CRO = "cro"
    SENIOR_MANAGEMENT = "senior_management"
    CALLBACK = "callback"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    MAJOR = "major"


SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}
