"""Words for the actions and for the codes their forms choose from. The models carry
bilingual display strings for the admin; the workbench speaks one language at a time,
so the forms use these instead."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from redress.complaints.lifecycle import Action
from redress.policy.loader import active_pack

A = Action
ACTIONS = {
    A.REGISTER: _("Register"),
    A.ANSWER_INQUIRY: _("Answer as an inquiry"),
    A.RESOLVE_ON_SPOT: _("Resolved on the spot"),
    A.REDIRECT: _("Redirect to the competent authority"),
    A.ASSESS: _("Assess"),
    A.CLEAR_ECONOMIC_DISPUTE: _("Not an economic dispute"),
    A.DISPATCH: _("Dispatch"),
    A.ACCEPT_ASSIGNMENT: _("Accept the work order"),
    A.RETURN_ASSIGNMENT: _("Return the work order"),
    A.ADD_FINDING: _("Add a finding"),
    A.ADD_PARTY: _("Name a party"),
    A.RECORD_CONTACT: _("Record contact with the customer"),
    A.PROPOSE: _("Propose a resolution"),
    A.APPROVE: _("Approve the proposal"),
    A.REJECT: _("Reject the proposal"),
    A.COMMUNICATE_RESULT: _("Tell the customer the result"),
    A.EXECUTE_REMEDY: _("Record a remedy as done"),
    A.WAIVE_REMEDY: _("Waive a remedy"),
    A.RECORD_CALLBACK: _("Record the callback"),
    A.CLOSE_WITHOUT_CALLBACK: _("Close without a callback"),
    A.DEEM_CLOSED: _("Deem closed"),
    A.REFER: _("Refer to mediation, arbitration or litigation"),
    A.RECORD_REFERRAL_OUTCOME: _("Record the referral's outcome"),
    A.WITHDRAW: _("Record a withdrawal"),
    A.ARCHIVE: _("Archive"),
    A.RECOMPLAIN: _("Take a re-complaint"),
    A.LINK: _("Link to another complaint"),
    A.ESCALATE: _("Escalate"),
    A.REQUEST_EXTENSION: _("Request an extension"),
    A.DECIDE_EXTENSION: _("Decide the extension request"),
    A.PAUSE_CLOCK: _("Pause the clocks"),
    A.RESUME_CLOCK: _("Resume the clocks"),
    A.DECIDE_PAUSE: _("Decide on the long pause"),
    A.SETTLE_PAUSES: _("Settle pauses"),
    A.REQUEST_TRANSFER: _("Hand the case over"),
    A.ACCEPT_TRANSFER: _("Accept the hand-over"),
    A.RECORD_ACCOUNTABILITY: _("Record accountability"),
    A.SEND_MESSAGE: _("Write to the customer"),
    A.ADD_EVIDENCE: _("Add evidence"),
    A.MARK_BREACH: _("Mark a breach"),
    A.RECOMPUTE_CLOCKS: _("Recompute the due times"),
    A.VIEW_PERSONAL_DATA: _("View personal data"),
    A.RECORD_AUTHORITY_REPORT: _("Record a report to an authority"),
    A.MARK_REPORT_OVERDUE: _("Mark a report overdue"),
    A.DECIDE_CUSTOMER_MATCH: _("Decide whether two records are the same customer"),
    A.MARK_REMEDY_LATE: _("Mark a remedy late"),
}

# The page handles the reveal of personal data itself, the sweep marks breaches and
# overdue reports and late remedies and settles pauses, and a changed calendar recomputes due times: none
# is a button the actions offer.
SHOWN = frozenset(ACTIONS) - {A.VIEW_PERSONAL_DATA, A.MARK_BREACH, A.MARK_REPORT_OVERDUE, A.MARK_REMEDY_LATE,
                              A.RECOMPUTE_CLOCKS, A.SETTLE_PAUSES, A.DECIDE_CUSTOMER_MATCH}

URGENCY = {"normal": _("Normal"), "urgent": _("Urgent")}
FINDING_KINDS = {"note": _("Investigation note"), "interview": _("Interview"), "fact": _("Fact found")}
PARTY_KINDS = {"unit": _("Unit or branch"), "employee": _("Employee"), "product": _("Product")}
RESPONSIBILITY = {
    "institution": _("The institution"),
    "customer": _("The customer"),
    "shared": _("Shared"),
    "third_party": _("A third party"),
    "none": _("Nobody"),
}
REMEDY_KINDS = {"payment": _("Payment"), "rectification": _("Rectification"), "apology": _("Apology"),
                "other": _("Other")}
REFERRAL_KINDS = {"mediation": _("Mediation"), "arbitration": _("Arbitration"), "litigation": _("Litigation")}
LINK_KINDS = {"related": _("Related"), "duplicate": _("Duplicate")}
MESSAGE_KINDS = {"progress": _("Progress update"), "question": _("Question to the customer")}
YES_NO = {"yes": _("Yes"), "no": _("No")}
# What the archive check says is missing (services.outcome.missing_for_archive).
RECORD_PARTS = {
    "category": _("category"),
    "facts": _("facts found"),
    "resolution": _("resolution"),
    "remedies": _("remedies carried out"),
    "root_cause": _("root cause"),
}


def action_label(code: str) -> str:
    if code == A.RESOLVE_ON_SPOT:
        summary = active_pack().summary_resolution
        if summary is not None:  # the pack's name for its short route (uk-fca: DISP 1.5)
            return summary.name.get(get_language())
    return str(ACTIONS.get(code, code))


def choices(words: dict) -> list[tuple[str, str]]:
    return [(code, word) for code, word in words.items()]
