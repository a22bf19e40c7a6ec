"""Words for codes: states, roles, units of time. Policy data (categories, channels,
authorities) carries its own bilingual names; these are the product's own."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from redress.complaints.lifecycle import State

STATES = {
    State.RECEIVED: _("Received"),
    State.REGISTERED: _("Registered"),
    State.ASSESSED: _("Assessed"),
    State.DISPATCHED: _("Dispatched"),
    State.INVESTIGATING: _("Investigating"),
    State.PROPOSED: _("Resolution proposed"),
    State.APPROVED: _("Resolution approved"),
    State.REMEDY_PENDING: _("Remedy pending"),
    State.AWAITING_CALLBACK: _("Awaiting callback"),
    State.FOLLOW_UP: _("Follow-up"),
    State.REFERRED: _("Referred"),
    State.CLOSED: _("Closed"),
    State.CLOSED_INQUIRY: _("Inquiry answered"),
    State.RESOLVED_ON_SPOT: _("Resolved on the spot"),
    State.REDIRECTED: _("Redirected"),
    State.WITHDRAWN: _("Withdrawn"),
    State.DEEMED_CLOSED: _("Deemed closed"),
    State.ARCHIVED: _("Archived"),
}

ROLES = {
    "intake": _("Intake"),
    "handler": _("Handler"),
    "dept_head": _("Department head"),
    "complaints_office": _("Complaints office"),
    "compliance": _("Compliance"),
    "audit": _("Audit"),
    "cro": _("Chief risk officer"),
    "senior_management": _("Senior management"),
    "callback": _("Callback"),
    "auditor": _("Auditor"),
    "admin": _("Administrator"),
}

SEVERITIES = {"low": _("Low"), "medium": _("Medium"), "high": _("High"), "major": _("Major")}


def amount_in_unit(amount: int, unit: str) -> str:
    """'3 working days', '45 working minutes' ... in the active language."""
    n = abs(amount)
    if unit == "working_days":
        return ngettext("%(n)d working day", "%(n)d working days", n) % {"n": n}
    if unit == "working_hours":
        return ngettext("%(n)d working hour", "%(n)d working hours", n) % {"n": n}
    if unit == "working_minutes":
        return ngettext("%(n)d working minute", "%(n)d working minutes", n) % {"n": n}
    if unit == "calendar_days":
        return ngettext("%(n)d calendar day", "%(n)d calendar days", n) % {"n": n}
    if unit == "hours":
        return ngettext("%(n)d hour", "%(n)d hours", n) % {"n": n}
    return ngettext("%(n)d minute", "%(n)d minutes", n) % {"n": n}
