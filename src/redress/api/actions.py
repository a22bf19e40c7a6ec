"""The lifecycle actions the API offers: for each, its body schema and how it calls the
service (the same services as the workbench, with via="api")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from redress.api import lookups
from redress.api.models import ApiToken
from redress.api.schemas import actions as b
from redress.complaints import services as svc
from redress.complaints.errors import StaleComplaint
from redress.complaints.lifecycle import Action
from redress.complaints.models import Complaint
from redress.complaints.selectors.personal import shown

VIA = "api"


@dataclass(frozen=True)
class Spec:
    body: type[b.ActionIn]
    run: Callable[[Complaint, b.ActionIn, ApiToken], dict | None]
    summary: str


def _call(fn, c: Complaint, payload: b.ActionIn, token: ApiToken, /, **kwargs):
    """Positional-only, so a service's own `body=` (a message text) passes through."""
    return fn(c, actor=token.staff, via=VIA, expected_version=payload.expected_version, **kwargs)


def _precheck_version(c: Complaint, body: b.ActionIn) -> None:
    """Revealing personal data changes nothing a caller could be stale against, so its
    service takes no version; the API still refuses a caller working from an old copy."""
    if c.version != body.expected_version:
        raise StaleComplaint(expected=body.expected_version, actual=c.version)


def _register(c, body, t):
    _call(svc.complaint_register, c, body, t)


def _answer(c, body, t):
    _call(svc.inquiry_answer, c, body, t, answer=body.answer, confirm_phrases=body.confirm_phrases)


def _on_spot(c, body, t):
    _call(svc.resolve_on_spot, c, body, t, resolution=body.resolution, customer_opinion=body.customer_opinion,
          confirm_phrases=body.confirm_phrases)


def _redirect(c, body, t):
    _call(svc.complaint_redirect, c, body, t, authority=body.authority, note=body.note,
          confirm_phrases=body.confirm_phrases)


def _assess(c, body, t):
    _call(svc.complaint_assess, c, body, t, category=body.category, severity=body.severity, urgency=body.urgency,
          critical_flags=body.critical_flags, is_economic_dispute=body.is_economic_dispute,
          branch=lookups.unit(t, body.branch, "branch"))


def _clear_economic(c, body, t):
    _call(svc.economic_dispute_clear, c, body, t, reason=body.reason)


def _dispatch(c, body, t):
    order = _call(svc.complaint_dispatch, c, body, t, unit=lookups.unit(t, body.unit, "unit"),
                  handler=lookups.staff(t, body.handler, "handler"), instructions=body.instructions)
    return {"assignment": order.pk}


def _accept(c, body, t):
    _call(svc.assignment_accept, c, body, t, handler=lookups.staff(t, body.handler, "handler"))


def _return(c, body, t):
    _call(svc.assignment_return, c, body, t, reason=body.reason)


def _finding(c, body, t):
    return {"finding": _call(svc.finding_add, c, body, t, kind=body.kind, text=body.text).pk}


def _propose(c, body, t):
    remedies = [svc.RemedyInput(kind=r.kind, description=r.description, due_date=r.due_date,
                                amount=None if r.amount is None else str(r.amount)) for r in body.remedies]
    proposal = _call(svc.resolution_propose, c, body, t, summary=body.summary, facts=body.facts,
                     responsibility=body.responsibility, legal_basis=body.legal_basis,
                     compensation=body.compensation, remedies=remedies)
    return {"proposal": proposal.pk, "approver_roles": proposal.approver_roles,
            "remedies": list(proposal.remedies.order_by("id").values_list("id", flat=True))}


def _decide(approve: bool):
    def run(c, body, t):
        return {"proposal": _call(svc.resolution_decide, c, body, t, approve=approve, note=body.note).pk}
    return run


def _communicate(c, body, t):
    message = _call(svc.result_communicate, c, body, t, body=body.body, channel=body.channel,
                    confirm_phrases=body.confirm_phrases, customer_opinion=body.customer_opinion)
    return {"communication": message.pk}


def _remedy(c, body, t):
    _call(svc.remedy_execute, c, body, t, remedy_id=body.remedy_id, note=body.note)


def _waive_remedy(c, body, t):
    _call(svc.remedy_waive, c, body, t, remedy_id=body.remedy_id, reason=body.reason)


def _callback(c, body, t):
    cb = _call(svc.callback_record, c, body, t, satisfied=body.satisfied, opinion=body.opinion, channel=body.channel)
    return {"callback": cb.pk}


def _close_without_callback(c, body, t):
    _call(svc.close_without_callback, c, body, t, reason=body.reason)


def _deem_closed(c, body, t):
    _call(svc.deem_closed, c, body, t, note=body.note)


def _refer(c, body, t):
    _call(svc.complaint_refer, c, body, t, kind=body.kind, authority=body.authority, note=body.note,
          confirm_phrases=body.confirm_phrases)


def _referral_outcome(c, body, t):
    _call(svc.referral_outcome, c, body, t, outcome=body.outcome)


def _authority_report(c, body, t):
    report = _call(svc.authority_report_record, c, body, t, report_id=body.report_id, reported_at=body.reported_at,
                   how=body.how, receipt=body.receipt, no_receipt_reason=body.no_receipt_reason, note=body.note)
    return {"authority_report": report.pk, "status": report.status}


def _withdraw(c, body, t):
    _call(svc.complaint_withdraw, c, body, t, reason=body.reason)


def _archive(c, body, t):
    _call(svc.complaint_archive, c, body, t, root_cause=body.root_cause)


def _recomplain(c, body, t):
    new = _call(svc.complaint_recomplain, c, body, t, cause=body.cause, request=body.request,
                channel=body.channel, amount_claimed=body.amount_claimed)
    return {"new_reference": new.reference}


def _message(c, body, t):
    message = _call(svc.message_send, c, body, t, kind=body.kind, body=body.body, channel=body.channel,
                    confirm_phrases=body.confirm_phrases, wait_for_reply=body.wait_for_reply,
                    extension_id=body.extension_id)
    return {"communication": message.pk}


def _customer_message(c, body, t):
    message = _call(svc.customer_message_receive, c, body, t, body=body.body, channel=body.channel)
    return {"communication": message.pk}


def _contact(c, body, t):
    return {"communication": _call(svc.contact_record, c, body, t, channel=body.channel, note=body.note).pk}


def _party(c, body, t):
    party = _call(svc.party_add, c, body, t, kind=body.kind, unit=lookups.unit(t, body.unit, "unit"),
                  staff=lookups.staff(t, body.staff, "staff"), product=body.product, description=body.description)
    return {"party": party.pk}


def _escalate(c, body, t):
    _call(svc.complaint_escalate, c, body, t, reason=body.reason, severity=body.severity)


def _extension_request(c, body, t):
    ext = _call(svc.extension_request, c, body, t, working_days=body.working_days, reason=body.reason,
                plan=body.plan, customer_consent=body.customer_consent, consent_note=body.consent_note)
    return {"extension": ext.pk}


def _extension_decide(c, body, t):
    ext = _call(svc.extension_decide, c, body, t, extension_id=body.extension_id, approve=body.approve,
                note=body.note)
    return {"extension": ext.pk, "status": ext.status}


def _pause(c, body, t):
    pause = _call(svc.pause_clocks, c, body, t, reason_code=body.reason_code, note=body.note,
                  message_id=body.message_id, ask_approval=body.ask_approval)
    return {"pause": pause.pk, "approval_due_at": pause.approval_due_at.isoformat()}


def _pause_decide(c, body, t):
    pause = _call(svc.pause_decide, c, body, t, pause_id=body.pause_id, approve=body.approve, note=body.note)
    return {"pause": pause.pk, "approval": pause.approval}


def _resume(c, body, t):
    _call(svc.resume_clocks, c, body, t)


def _transfer_request(c, body, t):
    to = lookups.staff(t, body.to_staff, "to_staff")
    return {"transfer": _call(svc.transfer_request, c, body, t, to_staff=to, reason=body.reason).pk}


def _transfer_accept(c, body, t):
    _call(svc.transfer_accept, c, body, t)


def _accountability(c, body, t):
    record = _call(svc.accountability_record, c, body, t, action=body.action, description=body.description,
                   staff=lookups.staff(t, body.staff, "staff"), unit=lookups.unit(t, body.unit, "unit"),
                   reported_to_regulator=body.reported_to_regulator)
    return {"accountability": record.pk}


def _link(c, body, t):
    other = lookups.other_complaint(t, body.other, "other")
    link = _call(svc.complaint_link, c, body, t, other=other, kind=body.kind)
    return {"link": link.pk}


def _reveal(c, body, t):
    _precheck_version(c, body)
    svc.personal_data_reveal(c, actor=t.staff, fields=body.fields, purpose=body.purpose, via=VIA)
    # The fields asked for, and only those: the token may hold no read scope at all.
    unmasked = shown(c.customer, True)
    return {"revealed": list(body.fields), "customer": {f: unmasked[f] for f in body.fields}}


A = Action
ACTIONS: dict[str, Spec] = {
    A.REGISTER: Spec(b.NoBody, _register, "Register and acknowledge a received complaint"),
    A.ANSWER_INQUIRY: Spec(b.AnswerInquiry, _answer, "Close as an inquiry answered and accepted"),
    A.RESOLVE_ON_SPOT: Spec(b.ResolveOnSpot, _on_spot, "Close as resolved on the spot"),
    A.REDIRECT: Spec(b.Redirect, _redirect, "Out of scope: tell the competent authority"),
    A.ASSESS: Spec(b.Assess, _assess, "Classify: category, severity, urgency, triggers"),
    A.CLEAR_ECONOMIC_DISPUTE: Spec(b.Reason, _clear_economic,
                                   "Clear the economic-dispute flag (the deciders only, 004 第十六条)"),
    A.DISPATCH: Spec(b.Dispatch, _dispatch, "Send the work order to the responsible unit"),
    A.ACCEPT_ASSIGNMENT: Spec(b.AcceptAssignment, _accept, "The unit accepts the work order"),
    A.RETURN_ASSIGNMENT: Spec(b.Reason, _return, "The unit returns the work order"),
    A.ADD_FINDING: Spec(b.AddFinding, _finding, "Record an investigation finding"),
    A.PROPOSE: Spec(b.Propose, _propose, "Propose a resolution"),
    A.APPROVE: Spec(b.Note, _decide(True), "Approve the pending proposal"),
    A.REJECT: Spec(b.Reject, _decide(False), "Reject the pending proposal"),
    A.COMMUNICATE_RESULT: Spec(b.CommunicateResult, _communicate, "Tell the customer the result"),
    A.EXECUTE_REMEDY: Spec(b.ExecuteRemedy, _remedy, "Record a remedy as carried out"),
    A.WAIVE_REMEDY: Spec(b.WaiveRemedy, _waive_remedy, "Waive a remedy that will not be carried out, with the reason"),
    A.RECORD_CALLBACK: Spec(b.RecordCallback, _callback, "Record the satisfaction callback"),
    A.CLOSE_WITHOUT_CALLBACK: Spec(b.Reason, _close_without_callback, "Close without a callback"),
    A.DEEM_CLOSED: Spec(b.Note, _deem_closed, "Deem closed after six months of follow-up"),
    A.REFER: Spec(b.Refer, _refer, "Refer to mediation, arbitration or litigation"),
    A.RECORD_REFERRAL_OUTCOME: Spec(b.ReferralOutcome, _referral_outcome, "Record a referral's outcome"),
    A.RECORD_AUTHORITY_REPORT: Spec(b.RecordAuthorityReport, _authority_report,
                                    "Record a report made to the police or a regulator, with its receipt"),
    A.WITHDRAW: Spec(b.Reason, _withdraw, "Record the customer's withdrawal"),
    A.ARCHIVE: Spec(b.Archive, _archive, "Archive a closed complaint"),
    A.RECOMPLAIN: Spec(b.Recomplain, _recomplain, "Open a linked re-complaint"),
    A.SEND_MESSAGE: Spec(b.SendMessage, _message, "Send a progress update or question to the customer"),
    A.RECORD_CONTACT: Spec(b.RecordContact, _contact, "Record the department's contact with the customer"),
    A.ADD_PARTY: Spec(b.AddParty, _party, "Name a party the complaint is about"),
    A.ESCALATE: Spec(b.Escalate, _escalate, "Escalate"),
    A.REQUEST_EXTENSION: Spec(b.RequestExtension, _extension_request, "Request an extension of the time limit"),
    A.DECIDE_EXTENSION: Spec(b.DecideExtension, _extension_decide, "Approve or refuse an extension"),
    A.PAUSE_CLOCK: Spec(b.PauseClocks, _pause, "Pause the running clocks for a reason the policy lists"),
    A.DECIDE_PAUSE: Spec(b.DecidePause, _pause_decide, "Approve or refuse a long pause"),
    A.RESUME_CLOCK: Spec(b.NoBody, _resume, "Resume paused clocks"),
    A.REQUEST_TRANSFER: Spec(b.RequestTransfer, _transfer_request, "Hand the complaint over to someone"),
    A.ACCEPT_TRANSFER: Spec(b.NoBody, _transfer_accept, "Accept a hand-over"),
    A.RECORD_ACCOUNTABILITY: Spec(b.RecordAccountability, _accountability, "Record accountability (责任追究)"),
    A.LINK: Spec(b.Link, _link, "Link to another complaint"),
    A.VIEW_PERSONAL_DATA: Spec(b.ViewPersonalData, _reveal, "Reveal the complainant's personal data (recorded)"),
}
# A customer's reply relayed by a call-centre or app: not a lifecycle action of its own
# (it is recorded under send_message), so it has its own name here.
CUSTOMER_MESSAGE = "receive_customer_message"
REVEAL = str(A.VIEW_PERSONAL_DATA)
ACTIONS[CUSTOMER_MESSAGE] = Spec(b.CustomerMessage, _customer_message, "Record a message from the customer")
ACTIONS = {str(name): spec for name, spec in ACTIONS.items()}
