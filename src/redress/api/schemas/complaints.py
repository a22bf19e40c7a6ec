"""Complaints in and out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import ConfigDict, Field

from redress.api.fields import (
    CODE,
    MAX_TEXT,
    Amount,
    Stored,
    Str,
    Text,
    Timestamp,
    UnitCode,
    Username,
)
from redress.api.schemas.base import In, Out
from redress.complaints.lifecycle import State

NOT_BLANK = r"\S"  # what the services mean by "required": something besides spaces
# At least one way to reach the complainant (services/intake.validate_complaint), stated so
# that a client generated from the document sends one.
ONE_CONTACT = {"anyOf": [{"required": [name], "properties": {name: {"pattern": NOT_BLANK}}}
                         for name in ("phone", "email", "address")]}


class CustomerIn(In):
    """At least one of phone, email and address is needed (not blank)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=ONE_CONTACT)

    name: Stored("complaints.Customer", "name", min_length=1, pattern=NOT_BLANK)
    phone: Stored("complaints.Customer", "phone") = ""
    email: Stored("complaints.Customer", "email") = Field("", description="checked as an email address by the "
                                                                         "intake rules")
    address: Stored("complaints.Customer", "address") = ""
    account_number: Stored("complaints.Customer", "account_number") = ""
    id_type: Stored("complaints.Customer", "id_type") = ""
    id_number: Stored("complaints.Customer", "id_number") = ""
    preferred_channel: Stored("complaints.Customer", "preferred_channel", pattern=CODE) = ""
    language: Literal["zh-hans", "en"] = "zh-hans"


class PartyIn(In):
    kind: Literal["unit", "employee", "product"]
    unit: UnitCode = Field("", description="unit code, for kind=unit")
    staff: Username | None = Field(None, description="username, for kind=employee")
    product: Stored("complaints.ComplaintParty", "product") = Field("", description="product name, for kind=product")
    description: Stored("complaints.ComplaintParty", "description") = ""


class ComplaintIn(In):
    customer: CustomerIn
    channel: Stored("complaints.Complaint", "channel", pattern=CODE) = Field(description="a channel code of the policy, e.g. phone, web, app, regulator_referral")
    subject: Stored("complaints.Complaint", "subject", min_length=1, pattern=NOT_BLANK)
    cause: Str(MAX_TEXT, min_length=1, pattern=NOT_BLANK) = Field(description="事由: what happened")
    request: Text = Field("", description="诉求: what the complainant asks for")
    amount_claimed: Amount | None = None
    currency: Stored("complaints.Complaint", "currency", pattern=r"^[A-Z]{3}$") | None = Field(None, description="ISO 4217; defaults to the policy's "
                                                                           "currency (CNY, GBP under uk-fca)")
    received_at: Timestamp | None = Field(None, description="when the complaint was first received (ISO 8601 with "
                                                             "a time zone); defaults to now")
    kind: Literal["complaint", "inquiry"] = "complaint"
    branch: UnitCode = Field("", description="code of the branch the complaint concerns")
    parties: list[PartyIn] = Field(default_factory=list, max_length=50)
    referral_source: Stored("complaints.Complaint", "referral_source", pattern=CODE) = Field("", description="authority code of a referral, e.g. hotline_12386")
    external_reference: Stored("complaints.Complaint", "external_reference") = Field("", description="the sending system's own id (e.g. the 12386 ticket)")
    register_: bool = Field(True, alias="register", description="register and acknowledge at once (the usual case); false leaves "
                                             "it received, for the intake desk to answer, resolve or redirect")


class UnitOut(Out):
    code: str
    name: str


class CustomerOut(Out):
    """Masked unless revealed through the view_personal_data action (recorded)."""

    name: str
    phone: str
    email: str
    address: str
    account_number: str
    id_number: str
    preferred_channel: str
    language: str
    masked: bool


class PartyOut(Out):
    kind: str
    unit: str | None
    staff: str | None
    product: str
    description: str


class AuthorityReportOut(Out):
    """A report owed to the police or a regulator, or a reply owed to a referring hotline."""

    id: int
    authority: str
    kind: str = Field(description="report (we tell the authority) or reply (to the body that referred the case)")
    reasons: list[dict]
    due_at: datetime
    status: str = Field(description="open until recorded with record_authority_report; done")
    overdue: bool
    escalated: bool
    reported_at: datetime | None
    how: str
    receipt: str


class ComplaintOut(Out):
    reference: str
    kind: str
    state: State
    version: int
    allowed_actions: list[str]
    policy: str
    channel: str
    received_at: datetime
    registered_at: datetime | None
    referral_source: str
    external_reference: str
    subject: str
    cause: str
    request: str
    amount_claimed: Decimal | None
    currency: str
    category: str
    severity: str
    urgency: str
    critical_flags: list[str]
    is_economic_dispute: bool
    escalated: bool
    intake_unit: UnitOut
    branch: UnitOut | None
    responsible_unit: UnitOut | None
    owner: str
    handler: str | None
    outcome: str
    satisfied: bool | None
    closed_at: datetime | None
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime
    customer: CustomerOut
    parties: list[PartyOut]
    authority_reports: list[AuthorityReportOut] = []
    url: str = Field(description="the complaint's page in the staff workbench")


class ComplaintSummary(Out):
    reference: str
    kind: str
    state: State
    version: int
    channel: str
    category: str
    severity: str
    subject: str
    received_at: datetime
    updated_at: datetime
    external_reference: str


class ComplaintPage(Out):
    items: list[ComplaintSummary]
    limit: int
    offset: int
    total: int = Field(description="matching complaints, counted up to `total_cap`")
    total_capped: bool = Field(description="true when there are more than `total` (narrow the filters)")
    total_cap: int
    next_offset: int | None


class ComplaintFilters(In):
    state: State | None = None
    category: Stored("complaints.Complaint", "category", pattern=CODE) | None = None
    channel: Stored("complaints.Complaint", "channel", pattern=CODE) | None = None
    received_from: Timestamp | None = None
    received_to: Timestamp | None = None
    updated_since: Timestamp | None = Field(None, description="changed at or after; with order=updated "
                                                              "pages forward through changes")
    order: Literal["received", "updated"] = Field("received", description="received: newest first; "
                                                                          "updated: oldest change first")
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10_000)


class EventOut(Out):
    seq: int
    type: int = Field(description="the stable numeric event code")
    name: str = Field(description="the stable event name, e.g. registered")
    at: datetime
    actor: str | None
    actor_role: str
    channel: str = Field(description="where it happened: web, api, cli, portal, email, sweep, import")
    payload: dict


class ClockOut(Out):
    code: str
    status: str
    started_at: datetime
    due_at: datetime
    paused_at: datetime | None
    stopped_at: datetime | None
    breached: bool
    extended: bool
    left: int | None = Field(description="time left in `left_unit` (negative: overdue); none when stopped")
    left_unit: str | None = Field(description="working_days, calendar_days (limits in calendar days or months), "
                                                "working_minutes or minutes")


class EvidenceOut(Out):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    description: str
    source: str
    uploaded_by: str | None
    uploaded_at: datetime
