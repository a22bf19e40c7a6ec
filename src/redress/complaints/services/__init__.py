"""The service layer: the only code that changes complaints (DESIGN rule 1).

Views, the API, the CLI and the sweep call these functions; each is one transaction
that checks the lifecycle table and the guards, writes the rows, appends the ledger
event and queues the notifications.
"""

from redress.complaints.services.alerts import escalation_acknowledge, send_due_alerts
from redress.complaints.services.bulk_intake import import_many, receive_many
from redress.complaints.services.customers import customer_match_decide
from redress.complaints.services.evidence import evidence_add, evidence_open
from redress.complaints.services.handling import (
    RemedyInput,
    assignment_accept,
    assignment_return,
    complaint_assess,
    complaint_dispatch,
    complaint_escalate,
    contact_record,
    economic_dispute_clear,
    finding_add,
    party_add,
    resolution_decide,
    resolution_propose,
    transfer_accept,
    transfer_request,
)
from redress.complaints.services.imports import ImportInput, complaint_import
from redress.complaints.services.intake import (
    ComplaintInput,
    CustomerInput,
    PartyInput,
    complaint_receive,
    complaint_redirect,
    complaint_register,
    inquiry_answer,
    resolve_on_spot,
)
from redress.complaints.services.links import complaint_link, complaint_recomplain
from redress.complaints.services.messages import (
    ForbiddenPhrases,
    customer_message_receive,
    message_send,
)
from redress.complaints.services.outcome import (
    accountability_record,
    callback_record,
    close_without_callback,
    complaint_archive,
    complaint_refer,
    complaint_withdraw,
    deem_closed,
    referral_outcome,
    remedy_execute,
    result_communicate,
)
from redress.complaints.services.pausing import (
    pause_clocks,
    pause_decide,
    resume_clocks,
    settle_pauses,
)
from redress.complaints.services.privacy import personal_data_reveal
from redress.complaints.services.recompute import (
    calendar_day_delete,
    calendar_day_save,
    recompute_round,
)
from redress.complaints.services.remedies import mark_late_remedies, remedy_waive
from redress.complaints.services.remedy_reminders import (
    send_remedy_escalations,
    send_remedy_reminders,
)
from redress.complaints.services.reports import authority_report_record, mark_overdue_reports
from redress.complaints.services.timing import (
    extension_decide,
    extension_request,
    mark_breaches,
)

__all__ = [
    "escalation_acknowledge",
    "send_due_alerts",
    "send_remedy_escalations",
    "send_remedy_reminders",
    "ComplaintInput", "CustomerInput", "ImportInput", "ForbiddenPhrases", "PartyInput", "RemedyInput",
    "accountability_record", "assignment_accept", "assignment_return", "authority_report_record",
    "calendar_day_delete", "calendar_day_save", "callback_record",
    "close_without_callback", "complaint_archive", "complaint_assess", "complaint_dispatch",
    "complaint_escalate", "complaint_import", "complaint_link", "complaint_receive", "complaint_recomplain",
    "customer_match_decide",
    "complaint_redirect", "complaint_refer", "complaint_register", "complaint_withdraw",
    "contact_record", "customer_message_receive", "deem_closed", "economic_dispute_clear",
    "evidence_add", "evidence_open", "extension_decide",
    "extension_request", "finding_add", "import_many", "inquiry_answer", "mark_breaches", "mark_late_remedies", "mark_overdue_reports", "message_send",
    "party_add", "pause_clocks", "pause_decide", "personal_data_reveal", "receive_many", "recompute_round", "referral_outcome", "remedy_execute", "remedy_waive",
    "resolution_decide", "resolution_propose",
    "resolve_on_spot", "result_communicate", "resume_clocks", "settle_pauses", "transfer_accept", "transfer_request",
]
