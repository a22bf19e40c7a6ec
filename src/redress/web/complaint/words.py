"""Words for the codes on a complaint page (kinds, channels, sources, field names) in
the active language. Policy data (categories, clocks, triggers, authorities, channels)
carries its own bilingual names; the rest are the product's own words, here."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from redress.complaints.ledger import EventType
from redress.web import labels

# How the act reached the system (Event.channel, the services' `via=`).
VIA = {
    "web": _lazy("workbench"), "api": _lazy("API"), "cli": _lazy("command line"), "portal": _lazy("customer portal"),
    "email": _lazy("email"), "sweep": _lazy("scheduled check"), "import": _lazy("import"), "demo": _lazy("demo data"),
    "test": _lazy("test"),
}

# Roles a service records that are not staff roles.
EXTRA_ROLES = {"owner": _lazy("Owner (first responder)"), "customer": _lazy("Customer"), "staff": _lazy("Staff")}

PERSONAL_FIELDS = {
    "name": _lazy("name"), "phone": _lazy("phone"), "email": _lazy("email"), "address": _lazy("address"),
    "account_number": _lazy("account number"), "id_number": _lazy("ID number"),
}

URGENCIES = {"normal": _lazy("normal urgency"), "urgent": _lazy("urgent")}
TRIGGER_SOURCES = {"keywords": _lazy("found in the text"), "manual": _lazy("set by staff")}
ACCOUNTABILITY_ACTIONS = {
    "warning": _lazy("warning"), "training": _lazy("training"), "fine": _lazy("fine"),
    "dismissal": _lazy("dismissal"), "process_fix": _lazy("process fix"), "none": _lazy("no action"),
}

COMPLAINT_KINDS = {"complaint": _lazy("complaint"), "inquiry": _lazy("inquiry")}
FINDING_KINDS = {"note": _lazy("investigation note"), "interview": _lazy("interview"), "fact": _lazy("fact found")}
PARTY_KINDS = {"unit": _lazy("unit"), "employee": _lazy("employee"), "product": _lazy("product")}
LINK_KINDS = {"recomplaint": _lazy("re-complaint of"), "duplicate": _lazy("duplicate of"), "related": _lazy("related to")}
LINK_EVENT_KINDS = {"duplicate": _lazy("duplicate"), "related": _lazy("related")}
# The same links seen from the other complaint.
LINK_KINDS_IN = {"recomplaint": _lazy("re-complained in"), "duplicate": _lazy("has a duplicate"),
                 "related": _lazy("related to")}
REFERRAL_KINDS = {"mediation": _lazy("mediation"), "arbitration": _lazy("arbitration"),
                  "litigation": _lazy("litigation")}
MESSAGE_KINDS = {
    "acknowledgment": _lazy("acknowledgment"), "progress": _lazy("progress update"), "question": _lazy("question"),
    "result": _lazy("result"), "redirect": _lazy("guidance elsewhere"), "inquiry_answer": _lazy("inquiry answer"),
    "customer_message": _lazy("customer's message"), "contact": _lazy("contact note"),
}
REMEDY_KINDS = {"payment": _lazy("payment"), "rectification": _lazy("rectification"), "apology": _lazy("apology"),
                "other": _lazy("other")}
EVIDENCE_SOURCES = {"staff": _lazy("staff"), "customer": _lazy("customer"),
                    "call_recording": _lazy("call recording"), "email": _lazy("email")}
RESPONSIBILITY = {"institution": _lazy("the institution"), "customer": _lazy("the customer"),
                  "shared": _lazy("shared"), "none": _lazy("nobody"), "third_party": _lazy("a third party")}
STATUSES = {
    "open": _lazy("open"), "accepted": _lazy("accepted"), "returned": _lazy("returned"), "pending": _lazy("pending"),
    "cancelled": _lazy("cancelled"), "approved": _lazy("approved"), "rejected": _lazy("rejected"),
    "requested": _lazy("requested"), "refused": _lazy("refused"), "running": _lazy("running"),
    "paused": _lazy("paused"), "stopped": _lazy("stopped"),
}

# Clock limits the working-day calendar words (labels.amount_in_unit) do not cover.
LIMIT_UNITS = {"calendar_days": _lazy("%(n)d calendar days"), "same_working_day": _lazy("the same working day"),
               "months": _lazy("%(n)d months")}

# Which word list a payload's "kind" belongs to, per event type.
_KINDS_BY_EVENT = {
    EventType.RECEIVED: COMPLAINT_KINDS, EventType.FINDING_ADDED: FINDING_KINDS,
    EventType.PARTY_ADDED: PARTY_KINDS, EventType.LINKED: LINK_EVENT_KINDS, EventType.REFERRED: REFERRAL_KINDS,
    EventType.MESSAGE_SENT: MESSAGE_KINDS,
}


def kind_label(event_type: int, kind) -> str:
    return str(_KINDS_BY_EVENT.get(event_type, {}).get(kind, kind))


def role(code: str) -> str:
    return str(labels.ROLES.get(code) or EXTRA_ROLES.get(code) or code or "")


def actor(staff, role_code: str, via: str) -> str:
    """"陈刚(投诉管理部门)", "The customer", "The system"."""
    if staff is None:
        if role_code == "customer" or via in ("portal", "email"):
            return _("The customer")
        return _("The system")
    if not role_code:
        return str(staff)
    return _("%(name)s (%(role)s)") % {"name": staff, "role": role(role_code)}


def joined(items: Iterable) -> str:
    return _(", ").join(str(i) for i in items) or "—"


def file_size(size) -> str:
    try:
        n = int(size)
    except (TypeError, ValueError):
        return "—"
    for unit, step in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= step:
            return f"{n / step:.1f} {unit}"
    return _("%(n)d bytes") % {"n": n}


def channel(code: str, pack, language: str) -> str:
    found = next((c for c in pack.channels if c.code == code), None)
    return found.name.get(language) if found else (code or "—")


def clock_name(code: str, pack, language: str) -> str:
    found = pack.clock(code)
    return found.name.get(language) if found else code


def trigger_name(code: str, pack, language: str) -> str:
    found = next((t for t in pack.triggers if t.code == code), None)
    return found.name.get(language) if found else code


def authority_name(code: str, pack, language: str) -> str:
    found = pack.authority(code) if code else None
    return found.name.get(language) if found else (code or "—")


def category_name(code: str, pack, language: str) -> str:
    found = pack.category(code) if code else None
    return found.name.get(language) if found else (code or "—")
