"""The one table the action forms are driven by: for each lifecycle action, its form,
the service it calls, who may plausibly take it (for the buttons), and what the form
shows beside its fields. The view (views.py) is the same for all of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redress.complaints import services as svc
from redress.complaints.lifecycle import Action
from redress.web.complaint.actions import asides
from redress.web.complaint.actions.forms import (
    handling,
    intake,
    messages,
    outcome,
    people,
    reports,
    timing,
)
from redress.web.complaint.actions.forms.base import ActionForm
from redress.web.complaint.actions.mirror import OFFICE, Who

A = Action


@dataclass(frozen=True)
class ActionSpec:
    form: type[ActionForm]
    service: Callable
    may: Callable[[Who], bool]
    aside: Callable | None = None  # (complaint, pack) -> context for the aside partial
    danger: bool = False  # ends or turns the case back: the button says so
    # A long form (several paragraphs to write): it opens in the page's main column,
    # not in the narrow actions column beside it.
    wide: bool = False

    @property
    def aside_template(self) -> str:
        return f"web/complaint/actions/aside/{self.aside.__name__}.html" if self.aside else ""


def roles(*wanted: str) -> Callable[[Who], bool]:
    return lambda who: who.has(*wanted)


INTAKE = ("intake", OFFICE)

SPECS: dict[Action, ActionSpec] = {
    A.REGISTER: ActionSpec(ActionForm, svc.complaint_register, roles(*INTAKE)),
    A.ANSWER_INQUIRY: ActionSpec(intake.AnswerInquiryForm, svc.inquiry_answer, roles(*INTAKE)),
    A.RESOLVE_ON_SPOT: ActionSpec(intake.ResolveOnSpotForm, svc.resolve_on_spot, roles(*INTAKE)),
    A.REDIRECT: ActionSpec(intake.RedirectForm, svc.complaint_redirect, roles(*INTAKE)),
    A.ASSESS: ActionSpec(handling.AssessForm, svc.complaint_assess, roles(*INTAKE)),
    # 004 第十六条: only the deciders, and only while the flag is up.
    A.CLEAR_ECONOMIC_DISPUTE: ActionSpec(
        handling.ReasonForm, svc.economic_dispute_clear,
        lambda w: w.c.is_economic_dispute and w.has(*[str(r) for r in w.pack.economic_dispute.decider_roles])),
    A.DISPATCH: ActionSpec(handling.DispatchForm, svc.complaint_dispatch, roles(OFFICE), aside=asides.routing),
    A.ACCEPT_ASSIGNMENT: ActionSpec(handling.AcceptAssignmentForm, svc.assignment_accept, Who.may_accept),
    A.RETURN_ASSIGNMENT: ActionSpec(handling.ReasonForm, svc.assignment_return, Who.in_responsible_unit,
                                    danger=True),
    A.ADD_FINDING: ActionSpec(handling.FindingForm, svc.finding_add, Who.handles),
    A.ADD_PARTY: ActionSpec(handling.PartyForm, svc.party_add, roles(OFFICE, "intake", "handler", "dept_head")),
    A.RECORD_CONTACT: ActionSpec(handling.ContactForm, svc.contact_record, Who.handles),
    A.PROPOSE: ActionSpec(handling.ProposeForm, svc.resolution_propose, Who.handles, aside=asides.approvers,
                          wide=True),
    A.APPROVE: ActionSpec(handling.ApproveForm, svc.resolution_decide, Who.may_decide_proposal,
                          aside=asides.proposal, wide=True),
    A.REJECT: ActionSpec(handling.RejectForm, svc.resolution_decide, Who.may_decide_proposal,
                         aside=asides.proposal, danger=True, wide=True),
    A.COMMUNICATE_RESULT: ActionSpec(messages.CommunicateForm, svc.result_communicate,
                                     lambda w: w.is_handler() or w.owns() or w.has(OFFICE), wide=True),
    A.EXECUTE_REMEDY: ActionSpec(outcome.ExecuteRemedyForm, svc.remedy_execute,
                                 lambda w: w.is_handler() or w.has(OFFICE, "dept_head")),
    A.WAIVE_REMEDY: ActionSpec(outcome.WaiveRemedyForm, svc.remedy_waive, Who.may_waive_remedy, danger=True),
    A.RECORD_CALLBACK: ActionSpec(outcome.CallbackForm, svc.callback_record,
                                  lambda w: w.has("callback") and not w.is_handler(), wide=True),
    A.CLOSE_WITHOUT_CALLBACK: ActionSpec(handling.ReasonForm, svc.close_without_callback,
                                         lambda w: w.has(OFFICE) and not w.pack.callback.required),
    A.DEEM_CLOSED: ActionSpec(outcome.NoteForm, svc.deem_closed,
                              lambda w: w.has(OFFICE) and w.pack.deemed_closure is not None),
    A.REFER: ActionSpec(outcome.ReferForm, svc.complaint_refer, lambda w: w.is_handler() or w.has(OFFICE)),
    A.RECORD_REFERRAL_OUTCOME: ActionSpec(outcome.ReferralOutcomeForm, svc.referral_outcome,
                                          roles(OFFICE, "compliance")),
    A.WITHDRAW: ActionSpec(handling.ReasonForm, svc.complaint_withdraw, lambda w: w.owns() or w.has(OFFICE),
                           danger=True),
    A.ARCHIVE: ActionSpec(outcome.ArchiveForm, svc.complaint_archive, roles(OFFICE), aside=asides.archive),
    A.RECOMPLAIN: ActionSpec(outcome.RecomplainForm, svc.complaint_recomplain, roles(*INTAKE)),
    A.LINK: ActionSpec(outcome.LinkForm, svc.complaint_link, roles("intake", "handler", "dept_head", OFFICE)),
    A.ESCALATE: ActionSpec(people.EscalateForm, svc.complaint_escalate, Who.works_on),
    A.REQUEST_EXTENSION: ActionSpec(timing.ExtensionRequestForm, svc.extension_request, Who.may_request_extension,
                                    aside=asides.extension),
    A.DECIDE_EXTENSION: ActionSpec(timing.ExtensionDecideForm, svc.extension_decide, Who.may_decide_extension,
                                   aside=asides.extension),
    A.PAUSE_CLOCK: ActionSpec(timing.PauseForm, svc.pause_clocks, Who.may_pause, aside=asides.pausing),
    A.RESUME_CLOCK: ActionSpec(ActionForm, svc.resume_clocks, Who.may_resume, aside=asides.pausing),
    A.DECIDE_PAUSE: ActionSpec(timing.PauseDecideForm, svc.pause_decide, Who.may_decide_pause, aside=asides.pausing),
    A.REQUEST_TRANSFER: ActionSpec(people.TransferRequestForm, svc.transfer_request,
                                   lambda w: w.owns() or w.has(OFFICE)),
    A.ACCEPT_TRANSFER: ActionSpec(ActionForm, svc.transfer_accept, lambda w: w.transfer_waits_for_me,
                                  aside=asides.transfer),
    A.RECORD_ACCOUNTABILITY: ActionSpec(outcome.AccountabilityForm, svc.accountability_record,
                                        roles(OFFICE, "compliance", "dept_head"), wide=True),
    A.SEND_MESSAGE: ActionSpec(messages.SendMessageForm, svc.message_send,
                               roles("intake", "handler", "dept_head", OFFICE),
                               wide=True),
    A.RECORD_AUTHORITY_REPORT: ActionSpec(reports.RecordReportForm, svc.authority_report_record,
                                          Who.may_record_report),
}
