"""Rendering the complaint page: what the views share (the detail view, and the upload
and reveal views when they show the page again with an error)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from redress.complaints.lifecycle import Action
from redress.complaints.models import Complaint
from redress.complaints.selectors.personal import may_reveal, shown
from redress.complaints.timesource import now as current_time
from redress.web.complaint import customer_panel, record, uploads, words
from redress.web.complaint.actions.registry import available_actions

# How long a recorded reveal keeps the complainant's details in full for this person
# on this complaint. Short on purpose: the next look after a break is recorded again.
REVEAL_SECONDS = 300
# Roles that inspect the ledger itself and so see its head hash (nobody else needs it).
LEDGER_ROLES = frozenset({"auditor", "audit", "compliance"})


def _session_key(complaint: Complaint) -> str:
    return f"redress.revealed.{complaint.pk}"


def remember_reveal(request: HttpRequest, complaint: Complaint) -> None:
    until = current_time() + timedelta(seconds=REVEAL_SECONDS)
    request.session[_session_key(complaint)] = until.isoformat()


def revealed(request: HttpRequest, complaint: Complaint) -> bool:
    """A reveal recorded in the ledger in the last few minutes, by this person."""
    if not may_reveal(request.user):
        return False
    until = request.session.get(_session_key(complaint))
    try:
        return until is not None and datetime.fromisoformat(until) > current_time()
    except ValueError:
        return False


def render_page(request: HttpRequest, complaint: Complaint, *, evidence_form=None, match_error: str = "",
                status: int = 200) -> HttpResponse:
    data = record.load(complaint)
    staff = request.user
    actions = sorted(available_actions(staff, complaint), key=lambda a: not a.primary)
    is_revealed = revealed(request, complaint)
    matches = customer_panel.offers(staff, complaint)
    can_upload = uploads.may_upload(staff, complaint)
    context = {
        "nav": "cases",
        "complaint": complaint,
        "record": data,
        "estimated_dates": words.estimated_dates(complaint.estimated_dates),
        "rows": data.rows,
        "customer": shown(complaint.customer, is_revealed),
        "revealed": is_revealed,
        "may_reveal": may_reveal(staff),
        "actions": actions,
        "can_upload": can_upload,
        "evidence_form": evidence_form or (uploads.EvidenceForm() if can_upload else None),
        "upload_limit": uploads.upload_limit(),
        "upload_messages": uploads.browser_messages() if can_upload else {},
        "attachment_types": ",".join(uploads.active_pack().attachment_types),
        "shows_ledger": bool(staff.role_set() & LEDGER_ROLES),
        "customer_offers": matches,
        "match_error": match_error,
        "other_open": customer_panel.other_open(staff, complaint),
        "record_report_url": next((a.url for a in actions if a.code == Action.RECORD_AUTHORITY_REPORT), ""),
        "message_url": next((a.url for a in actions if a.code == Action.SEND_MESSAGE), ""),
    }
    return render(request, "web/complaint/detail.html", context, status=status)
