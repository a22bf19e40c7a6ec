"""Reports owed to authorities (001 第三条, 第十六条(三), 第十八条, 第二十一条): the
police for stolen funds or threats, the local CSRC office, the reply a 12386 referral
expects.

Where a trigger, a category's special step or a referral makes one owed, `owe_report`
opens a task in the same step, due by the pack's `report_within` / `reply_within` for
that authority. Only `authority_report_record` closes it: a named person of the
recorder roles says when and how it was made and gives the authority's receipt or
reference number. The sweep (`mark_overdue_reports`) marks the late ones once, tells
the recorder roles, and after the pack's `escalate_after` takes them to `escalate_to`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from redress.complaints import rows
from redress.complaints.errors import ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action
from redress.complaints.models import AuthorityReport, Complaint, Staff
from redress.complaints.services.base import Step, acting_on, require_role
from redress.complaints.services.timing import step_calendar
from redress.complaints.timesource import now as current_time

Kind = AuthorityReport.Kind
CLOCK_SKEW = timedelta(minutes=5)  # a phone's clock a little ahead is not "the future"


def owe_report(step: Step, authority: str, *, kind: str = Kind.REPORT, source: str, code: str,
               since: datetime | None = None) -> None:
    """Within a service's step: the complaint owes `authority` a report (or a reply),
    for `source`/`code` (the trigger, special step or referral), due counted from
    `since` (default now; a referral counts from when it came in). An open task for the
    same authority and kind takes the reason instead of a second task; a reason already
    met (the same trigger raised again, a case re-assessed) opens nothing."""
    body = step.pack.authority(authority)
    within = None if body is None else (body.report_within if kind == Kind.REPORT else body.reply_within)
    if within is None:
        return  # the pack owes this body nothing of this kind (the schema checks named ones)
    reason = {"source": source, "code": code}
    existing = list(AuthorityReport.objects.filter(complaint_id=step.complaint.pk, authority=authority, kind=kind))
    if any(r.has_reason(source, code) for r in existing):
        return
    task = next((r for r in existing if r.status == AuthorityReport.Status.OPEN), None)
    if task is not None:
        task.reasons = [*task.reasons, reason]
        task.save(update_fields=["reasons"])
        return
    task = AuthorityReport(complaint=step.complaint, authority=authority, kind=kind, reasons=[reason],
                           created_at=step.now, due_at=step_calendar(step).due(since or step.now, within))
    rows.insert(task)
    step.record(EventType.AUTHORITY_REPORT_DUE, report=task.pk, authority=authority, kind=kind,
                reason=reason, due=task.due_at)
    for role in step.pack.authority_reports.recorder_roles:
        step.notify("authority_report_due", role=str(role), authority=authority, report=task.pk,
                    report_kind=kind, due=task.due_at.isoformat())


def authority_report_record(complaint: Complaint | int, *, actor: Staff, report_id: int, reported_at: datetime,
                            how: str, receipt: str = "", no_receipt_reason: str = "", note: str = "",
                            via: str = "web", expected_version: int | None = None) -> AuthorityReport:
    """Close a report owed to an authority: when it was made, how, and the authority's
    receipt or reference number (or why it gave none). The recorder roles of the pack
    only (by default the complaints office and compliance); closing or archiving the
    case leaves the duty as it was."""
    receipt, no_receipt_reason, note = receipt.strip(), no_receipt_reason.strip(), note.strip()
    with acting_on(complaint, Action.RECORD_AUTHORITY_REPORT, actor=actor, via=via,
                   expected_version=expected_version) as step:
        require_role(step, step.pack.authority_reports.recorder_roles, _("recording a report to an authority"))
        report = step.complaint.authority_reports.filter(pk=report_id).first()
        if report is None:
            raise ValidationFailed("report_id", _("this complaint owes no such report"))
        if report.status != AuthorityReport.Status.OPEN:
            raise ValidationFailed("report_id", _("this report was already recorded as made"))
        if reported_at is None or reported_at.tzinfo is None:
            raise ValidationFailed("reported_at", _("say when the report was made, with a time zone"))
        if reported_at > step.now + CLOCK_SKEW:
            raise ValidationFailed("reported_at", _("a report cannot have been made in the future"))
        if reported_at < step.complaint.received_at - CLOCK_SKEW:
            raise ValidationFailed("reported_at", _("a report about this complaint cannot predate it"))
        if how not in AuthorityReport.How.values:
            raise ValidationFailed("how", _("must be one of %(values)s") % {"values": ", ".join(AuthorityReport.How.values)})
        if not receipt and not no_receipt_reason:
            raise ValidationFailed("receipt", _("give the authority's receipt or reference number, or say why it "
                                                "gave none: the report must be traceable (001 第二十一条 留痕)"))
        report.status, report.reported_at, report.how = AuthorityReport.Status.DONE, reported_at, how
        report.receipt, report.no_receipt_reason, report.note = receipt[:100], no_receipt_reason[:300], note
        report.recorded_by, report.recorded_at = actor, step.now
        report.save()
        step.record(EventType.AUTHORITY_REPORT_RECORDED, report=report.pk, authority=report.authority,
                    kind=report.kind, reported_at=reported_at, how=how, receipt=receipt,
                    no_receipt_reason=no_receipt_reason, note=note, late=reported_at > report.due_at)
    return report


def mark_overdue_reports(*, via: str = "sweep", limit: int = 500) -> int:
    """The sweep: record once each open report past its due time and tell the recorder
    roles; once it is `escalate_after` late, record that once too and tell the
    escalation roles. Never closes one. Indexed on (status, due_at); safe to rerun."""
    at = current_time()
    late = AuthorityReport.objects.filter(status=AuthorityReport.Status.OPEN, due_at__lt=at)
    todo = (late.filter(overdue_at__isnull=True)
            | late.filter(escalated_at__isnull=True, escalates_at__lt=at))
    count = 0
    for complaint_id in list(todo.values_list("complaint_id", flat=True).distinct()[:limit]):
        with acting_on(complaint_id, Action.MARK_REPORT_OVERDUE, actor=None, via=via, changes_case=False) as step:
            count += _mark(step)
    return count


def _mark(step: Step) -> int:
    policy, cal = step.pack.authority_reports, step_calendar(step)
    marked = 0
    for report in step.complaint.authority_reports.filter(status=AuthorityReport.Status.OPEN, due_at__lt=step.now,
                                                          escalated_at__isnull=True).order_by("due_at", "id"):
        what = {"report": report.pk, "authority": report.authority, "kind": report.kind, "due": report.due_at}
        if report.overdue_at is None:
            report.overdue_at = step.now
            report.escalates_at = cal.due(report.due_at, policy.escalate_after)
            report.save(update_fields=["overdue_at", "escalates_at"])
            step.record(EventType.AUTHORITY_REPORT_OVERDUE, **what)
            for role in policy.recorder_roles:
                step.notify("authority_report_overdue", role=str(role), authority=report.authority,
                            report=report.pk, due=report.due_at.isoformat())
            marked += 1
        if step.now >= report.escalates_at:
            report.escalated_at = step.now
            report.save(update_fields=["escalated_at"])
            step.record(EventType.AUTHORITY_REPORT_ESCALATED, roles=[str(r) for r in policy.escalate_to], **what)
            for role in policy.escalate_to:
                step.notify("authority_report_escalated", role=str(role), authority=report.authority,
                            report=report.pk, due=report.due_at.isoformat())
    return marked
