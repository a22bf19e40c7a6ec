"""One typed body per lifecycle action (POST /api/complaints/{reference}/actions/{action}).

Every body carries `expected_version`: the complaint's version the caller last read,
so a change made meanwhile by someone else is refused (409 stale), not overwritten.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from redress.api.fields import (
    CODE,
    Amount,
    Channel,
    Code,
    Day,
    Id,
    Reference,
    Said,
    Stored,
    Str,
    Text,
    Timestamp,
    UnitCode,
    Username,
    Version,
)
from redress.api.schemas.base import In

Severity = Literal["low", "medium", "high", "major"]


class ActionIn(In):
    expected_version: Version


class NoBody(ActionIn):
    pass


class TellsCustomer(ActionIn):
    """A text that reaches the customer: checked for forbidden phrases (001 第十七条);
    a 422 `forbidden_phrases` names them, and the caller may send them again confirmed."""

    confirm_phrases: list[Str(200)] = Field(default_factory=list, max_length=20,
                                           description="forbidden phrases the sender confirms are meant")


class AnswerInquiry(TellsCustomer):
    answer: Said


class ResolveOnSpot(TellsCustomer):
    resolution: Said
    customer_opinion: Text = ""


class Redirect(TellsCustomer):
    authority: Stored("complaints.Complaint", "redirect_authority", pattern=CODE) = Field(
        description="authority code of the policy, e.g. csrc_local")
    note: Text = ""


class Assess(ActionIn):
    category: Stored("complaints.Complaint", "category", pattern=CODE)
    severity: Severity
    urgency: Literal["normal", "urgent"] = "normal"
    critical_flags: list[Code] = Field(default_factory=list, max_length=20)
    is_economic_dispute: bool | None = None
    branch: UnitCode = Field("", description="unit code of the branch concerned")


class Dispatch(ActionIn):
    unit: UnitCode = Field("", description="unit code; empty: the policy's routing (or the handler's unit)")
    handler: Username | None = Field(None, description="username of a handler or department head to send the "
                                                       "work order to in person; empty: the unit")
    instructions: Text = ""


class AcceptAssignment(ActionIn):
    handler: Username | None = Field(None, description="username of the handler (dept heads may name another)")


class Reason(ActionIn):
    reason: Said


class AddFinding(ActionIn):
    kind: Literal["note", "interview", "fact"]
    text: Said


class RemedyIn(In):
    kind: Literal["payment", "rectification", "apology", "other"]
    description: Said
    due_date: Day
    amount: Amount | None = None


class Propose(ActionIn):
    summary: Said
    facts: Said
    responsibility: Literal["institution", "customer", "shared", "third_party", "none"]
    legal_basis: Text = ""
    compensation: Amount | None = None
    remedies: list[RemedyIn] = Field(default_factory=list, max_length=20)


class Note(ActionIn):
    note: Text = ""


class Reject(ActionIn):
    note: Said = Field(description="why the proposal is rejected (required)")


class CommunicateResult(TellsCustomer):
    body: Said
    channel: Channel
    customer_opinion: Text = Field("", description="what the customer said when told (a call, a visit)")


class ExecuteRemedy(ActionIn):
    remedy_id: Id
    note: Text = ""


class WaiveRemedy(ActionIn):
    remedy_id: Id
    reason: Text


class RecordCallback(ActionIn):
    satisfied: bool
    opinion: Text = ""
    channel: Stored("complaints.Callback", "channel", pattern=CODE) = "phone"


class Refer(TellsCustomer):
    kind: Literal["mediation", "arbitration", "litigation"]
    authority: Code
    note: Text = ""


class ReferralOutcome(ActionIn):
    outcome: Said


class RecordAuthorityReport(ActionIn):
    report_id: Id = Field(description="id of an open report in the complaint's `authority_reports`")
    reported_at: Timestamp = Field(description="when the report was made (with its time zone); not in the future")
    how: Literal["in_person", "phone", "written", "online", "email", "other"]
    receipt: Stored("complaints.AuthorityReport", "receipt") = Field("", description="the authority's receipt or reference number")
    no_receipt_reason: Stored("complaints.AuthorityReport", "no_receipt_reason") = Field("", description="why the authority gave none (needed without a receipt)")
    note: Text = ""


class Archive(ActionIn):
    root_cause: Stored("complaints.Complaint", "root_cause") = ""


class Recomplain(ActionIn):
    cause: Said
    request: Text = ""
    # Today's channel, not the original's (004 第七条(七): a new 处理单); required by the service.
    channel: Stored("complaints.Complaint", "channel", pattern=CODE) = ""
    amount_claimed: Amount | None = Field(None, description="what the customer claims now")


class SendMessage(TellsCustomer):
    kind: Literal["progress", "question"]
    body: Said
    channel: Channel
    wait_for_reply: bool = Field(False, description="a question may pause the clocks until the customer answers")
    extension_id: Id | None = Field(None, description="the granted extension this message tells the customer of "
                                                      "(001 第二十二条: the reason and the new date)")


class CustomerMessage(ActionIn):
    body: Said
    channel: Channel


class RecordContact(ActionIn):
    channel: Channel
    note: Said


class AddParty(ActionIn):
    kind: Literal["unit", "employee", "product"]
    unit: UnitCode = ""
    staff: Username | None = None
    product: Stored("complaints.ComplaintParty", "product") = ""
    description: Stored("complaints.ComplaintParty", "description") = ""


class Escalate(ActionIn):
    reason: Said
    severity: Severity | None = None


class RequestExtension(ActionIn):
    working_days: int = Field(ge=1, le=365)
    reason: Said
    plan: Said
    customer_consent: bool = False
    consent_note: Text = ""


class DecideExtension(ActionIn):
    extension_id: Id
    approve: bool
    note: Text = ""


class PauseClocks(ActionIn):
    reason_code: Stored("complaints.ClockPause", "reason", pattern=CODE) = Field(description="a code of the policy's pausing.reasons (GET /api/policy)")
    note: Text = ""
    message_id: Id | None = Field(None, description="the question sent to the customer, for reasons that need one")
    ask_approval: bool = Field(False, description="the wait will be long: ask the approvers now")


class DecidePause(ActionIn):
    pause_id: Id
    approve: bool
    note: Text = Field("", description="needed when the pause is refused")


class RequestTransfer(ActionIn):
    to_staff: Username
    reason: Said


class RecordAccountability(ActionIn):
    action: Stored("complaints.Accountability", "action", min_length=1)
    description: Said
    staff: Username | None = None
    unit: UnitCode = ""
    reported_to_regulator: bool = False


class Link(ActionIn):
    other: Reference
    kind: Literal["duplicate", "related"]


class ViewPersonalData(ActionIn):
    fields: list[Literal["name", "phone", "email", "address", "account_number", "id_number"]] = Field(
        default_factory=lambda: ["name", "phone", "email", "address", "account_number", "id_number"],
        min_length=1, max_length=6)
    purpose: Str(200, min_length=1) = Field(description="why the data is needed (recorded in the ledger)")
