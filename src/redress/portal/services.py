"""What the portal changes, each in one transaction with the complaint service it goes
with: a submission (complaint, attachments, access code), information added (message,
files, which question it answers), and the customer's rating of the outcome."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db import transaction

from redress.complaints.errors import NotPermitted, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action
from redress.complaints.models import Communication, Complaint
from redress.complaints.services import (
    ComplaintInput,
    complaint_receive,
    customer_message_receive,
    evidence_add,
)
from redress.complaints.services.base import acting_on
from redress.complaints.services.evidence import check_attachment as check_evidence
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.portal.actor import portal_actor
from redress.portal.models import OutcomeRating, PortalAccess, PortalReply

PORTAL_CHANNEL = "web"  # the policy's channel code for complaints made on the website
CONSENT_TEXT = "portal-consent-v1"  # bump when the consent wording in the form changes
OFFICE = "complaints_office"


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Submission:
    complaint: Complaint
    access_code: str  # the only time it exists in clear


def check_attachments(files: list[Attachment]) -> None:
    """evidence_add's own pre-storage check, run on every file before the first write,
    so a bad second file cannot leave the first one (or the complaint) behind."""
    pack = active_pack()
    for f in files:
        check_evidence(f.name, f.content_type.split(";")[0].strip().lower(), f.data, pack)


def _add_files(complaint: Complaint, files: list[Attachment], stored: list[str]) -> None:
    for f in files:
        item = evidence_add(complaint, actor=None, name=f.name, content_type=f.content_type, data=f.data,
                            source="customer", via="portal")
        stored.append(item.file.name)


def _delete_files(stored: list[str]) -> None:
    # The transaction rolled back; files are outside it and would be orphans.
    for name in stored:
        default_storage.delete(name)


def portal_submit(*, data: ComplaintInput, files: list[Attachment], time_zone: str = "") -> Submission:
    """A complaint made on the portal: taken down and registered by the portal account
    (so the customer is acknowledged at once, 002 §二(一)), with its files and the
    access code, or nothing at all."""
    check_attachments(files)
    actor = portal_actor()
    stored: list[str] = []
    try:
        with transaction.atomic():
            # Registering issues the access code (portal.access), as on every channel.
            complaint = complaint_receive(actor=actor, data=data, via="portal", register=True)
            _add_files(complaint, files, stored)
            PortalAccess.objects.filter(complaint=complaint).update(
                consent_at=current_time(), consent_text=CONSENT_TEXT, time_zone=time_zone[:64])
    except BaseException:
        _delete_files(stored)
        raise
    return Submission(complaint=complaint, access_code=complaint.issued_access_code)


def _question(complaint: Complaint, message_id: int) -> Communication:
    question = complaint.communications.filter(
        pk=message_id, kind=Communication.Kind.QUESTION, direction=Communication.Direction.OUTBOUND,
        visible_to_customer=True).first()
    if question is None:
        raise ValidationFailed("in_reply_to", "there is no such question on this complaint")
    return question


def portal_add_information(complaint: Complaint, *, body: str, files: list[Attachment],
                           in_reply_to: int | None = None) -> Communication | None:
    """The customer adds information, evidence, or answers a question we asked."""
    if not body.strip() and not files:
        raise ValidationFailed("body", "write a message or attach a file")
    if in_reply_to is not None and not body.strip():
        raise ValidationFailed("body", "write your answer")
    check_attachments(files)
    stored: list[str] = []
    message = None
    try:
        with transaction.atomic():
            question = _question(complaint, in_reply_to) if in_reply_to is not None else None
            if body.strip():
                message = customer_message_receive(complaint, body=body.strip(), channel=PORTAL_CHANNEL,
                                                   via="portal")
                if question is not None:
                    PortalReply.objects.create(message=message, in_reply_to=question)
            _add_files(complaint, files, stored)
    except BaseException:
        _delete_files(stored)
        raise
    complaint.refresh_from_db()
    return message


def latest_result(complaint: Complaint) -> Communication | None:
    return (complaint.communications.filter(kind=Communication.Kind.RESULT, direction=Communication.Direction.OUTBOUND,
                                            visible_to_customer=True).order_by("-at", "-id").first())


def outcome_rate(complaint: Complaint | int, *, satisfied: bool, comment: str = "",
                 via: str = "portal") -> OutcomeRating:
    """The complainant rates the result we told them (002 §二(四)). Once per result.
    A dissatisfied rating is passed to the complaints office, which decides what follows
    (the independent callback, 001 第二十三条, stays the official satisfaction record)."""
    comment = comment.strip()
    # changes_case=False: a rating changes nothing a staff member's open form could be
    # stale against, so it must not make the callback agent's form fail.
    with acting_on(complaint, Action.RATE_OUTCOME, actor=None, via=via, changes_case=False) as step:
        step.role = "customer"
        result = latest_result(step.complaint)
        if result is None:
            raise NotPermitted("there is no result to rate yet")
        if OutcomeRating.objects.filter(result_message=result).exists():
            raise ValidationFailed("satisfied", "this result has already been rated")
        if not satisfied and not comment:
            raise ValidationFailed("comment", "say what you are not satisfied with")
        rating = OutcomeRating.objects.create(complaint=step.complaint, result_message=result, satisfied=satisfied,
                                              comment=comment, at=step.now)
        if not satisfied:
            step.notify("customer_dissatisfied", role=OFFICE, rating=rating.pk)
        step.record(EventType.CUSTOMER_RATED, rating=rating.pk, result=result.pk, satisfied=satisfied,
                    comment=comment)
    return rating
