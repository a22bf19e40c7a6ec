"""Words for the codes on a complaint page (kinds, channels, sources, field names) in
the active language. Policy data (categories, clocks, triggers, authorities, channels)
carries its own bilingual names; the rest are the product's own words, here."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redress.complaints.ledger import EventType
from redress.web import labels

# How the act reached the system (Event.channel, the services' `via=`).
VIA = {
    "web": gettext_lazy("workbench"), "api": gettext_lazy("API"), "cli": gettext_lazy("command line"), "portal": gettext_lazy("customer portal"),
    "email": gettext_lazy("email"), "sweep": gettext_lazy("scheduled check"), "import": gettext_lazy("import"), "demo": gettext_lazy("demo data"),
    "test": gettext_lazy("test"),
}

# Roles a service records that are not staff roles.
EXTRA_ROLES = {"owner": gettext_lazy("Owner (first responder)"), "customer": gettext_lazy("Customer"), "staff": gettext_lazy("Staff")}

PERSONAL_FIELDS = {
    "name": gettext_lazy("name"), "phone": gettext_lazy("phone"), "email": gettext_lazy("email"), "address": gettext_lazy("address"),
    "account_number": gettext_lazy("account number"), "id_number": gettext_lazy("ID number"),
}

URGENCIES = {"normal": gettext_lazy("normal urgency"), "urgent": gettext_lazy("urgent")}
TRIGGER_SOURCES = {"keywords": gettext_lazy("found in the text"), "manual": gettext_lazy("set by staff")}
ACCOUNTABILITY_ACTIONS = {
    "warning": gettext_lazy("warning"), "training": gettext_lazy("training"), "fine": gettext_lazy("fine"),
    "dismissal": gettext_lazy("dismissal"), "process_fix": gettext_lazy("process fix"), "none": gettext_lazy("no action"),
}

COMPLAINT_KINDS = {"complaint": gettext_lazy("complaint"), "inquiry": gettext_lazy("inquiry")}
FINDING_KINDS = {"note": gettext_lazy("investigation note"), "interview": gettext_lazy("interview"), "fact": gettext_lazy("fact found")}
PARTY_KINDS = {"unit": gettext_lazy("unit"), "employee": gettext_lazy("employee"), "product": gettext_lazy("product")}
LINK_KINDS = {"recomplaint": gettext_lazy("re-complaint of"), "duplicate": gettext_lazy("duplicate of"), "related": gettext_lazy("related to")}
LINK_EVENT_KINDS = {"duplicate": gettext_lazy("duplicate"), "related": gettext_lazy("related")}
# The same links seen from the other complaint.
LINK_KINDS_IN = {"recomplaint": gettext_lazy("re-complained in"), "duplicate": gettext_lazy("has a duplicate"),
                 "related": gettext_lazy("related to")}
REFERRAL_KINDS = {"mediation": gettext_lazy("mediation"), "arbitration": gettext_lazy("arbitration"),
                  "litigation": gettext_lazy("litigation")}
MESSAGE_KINDS = {
    "acknowledgment": gettext_lazy("acknowledgment"), "progress": gettext_lazy("progress update"), "question": gettext_lazy("question"),
    "result": gettext_lazy("result"), "redirect": gettext_lazy("guidance elsewhere"), "inquiry_answer": gettext_lazy("inquiry answer"),
    "customer_message": gettext_lazy("customer's message"), "contact": gettext_lazy("contact note"),
}
REMEDY_KINDS = {"payment": gettext_lazy("payment"), "rectification": gettext_lazy("rectification"), "apology": gettext_lazy("apology"),
                "other": gettext_lazy("other")}
EVIDENCE_SOURCES = {"staff": gettext_lazy("staff"), "customer": gettext_lazy("customer"),
                    "call_recording": gettext_lazy("call recording"), "email": gettext_lazy("email")}
RESPONSIBILITY = {"institution": gettext_lazy("the institution"), "customer": gettext_lazy("the customer"),
                  "shared": gettext_lazy("shared"), "none": gettext_lazy("nobody"), "third_party": gettext_lazy("a third party")}
STATUSES = {
    "open": gettext_lazy("open"), "accepted": gettext_lazy("accepted"), "returned": gettext_lazy("returned"), "pending": gettext_lazy("pending"),
    "cancelled": gettext_lazy("cancelled"), "approved": gettext_lazy("approved"), "rejected": gettext_lazy("rejected"),
    "requested": gettext_lazy("requested"), "refused": gettext_lazy("refused"), "running": gettext_lazy("running"),
    "paused": gettext_lazy("paused"), "stopped": gettext_lazy("stopped"), "void": gettext_lazy("not applicable"),
}

# Reports owed to authorities (complaints.models.AuthorityReport).
REPORT_KINDS = {"report": gettext_lazy("report"), "reply": gettext_lazy("reply")}
REPORT_HOW = {"in_person": gettext_lazy("in person"), "phone": gettext_lazy("phone"),
              "written": gettext_lazy("in writing"), "online": gettext_lazy("the authority's online system"),
              "email": gettext_lazy("email"), "other": gettext_lazy("other means")}
REPORT_SOURCES = {"trigger": gettext_lazy("critical flag"), "category_step": gettext_lazy("category step"),
                  "referral": gettext_lazy("referral")}

# Clock limits the working-day calendar words (labels.amount_in_unit) do not cover.
# How a pause ended (ClockPause.End) and where its approval stands (ClockPause.Approval).
PAUSE_ENDS = {"staff": gettext_lazy("resumed by staff"), "customer": gettext_lazy("the customer answered"),
              "lapsed": gettext_lazy("not approved in time: ended at the threshold"),
              "refused": gettext_lazy("approval refused"), "stopped": gettext_lazy("the case moved on")}
PAUSE_APPROVALS = {"": gettext_lazy("no approval needed yet"), "asked": gettext_lazy("approval asked"),
                   "approved": gettext_lazy("approved"), "refused": gettext_lazy("refused")}


def pause_reason_name(code: str, pack, language: str | None) -> str:
    reason = pack.pausing.reason(code) if pack.pausing else None
    return reason.name.get(language) if reason else code


def extension_unit(pack) -> str:
    """The unit of an extension's days under the pack ('working_days' or 'calendar_days')."""
    return pack.extension.unit.value if pack.extension else "working_days"


def word_extension_days(extensions, pack) -> None:
    """Give each extension its length in words ('3 working days', '4 calendar days'):
    the pack decides the unit of every extension, asked or granted."""
    unit = extension_unit(pack)
    for e in extensions:
        e.days_words = duration(e.working_days, unit)


def duration(amount: int, unit: str) -> str:
    """'3 working days', '4 calendar days', '5 hours' in the active language."""
    if unit in LIMIT_UNITS:
        return str(LIMIT_UNITS[unit]) % {"n": amount}
    return labels.amount_in_unit(amount, unit)


LIMIT_UNITS = {"calendar_days": gettext_lazy("%(n)d calendar days"), "same_working_day": gettext_lazy("the same working day"),
               "months": gettext_lazy("%(n)d months")}

# Which word list a payload's "kind" belongs to, per event type.
_KINDS_BY_EVENT = {
    EventType.RECEIVED: COMPLAINT_KINDS, EventType.FINDING_ADDED: FINDING_KINDS,
    EventType.PARTY_ADDED: PARTY_KINDS, EventType.LINKED: LINK_EVENT_KINDS, EventType.REFERRED: REFERRAL_KINDS,
    EventType.MESSAGE_SENT: MESSAGE_KINDS, EventType.REMEDY_LATE: REMEDY_KINDS, EventType.REMEDY_REMINDED: REMEDY_KINDS,
    EventType.REMEDY_ESCALATED: REMEDY_KINDS,
    EventType.AUTHORITY_REPORT_DUE: REPORT_KINDS, EventType.AUTHORITY_REPORT_RECORDED: REPORT_KINDS,
    EventType.AUTHORITY_REPORT_OVERDUE: REPORT_KINDS, EventType.AUTHORITY_REPORT_ESCALATED: REPORT_KINDS,
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


# Complaint.estimated_dates: the dates a migrated case came with as stand-ins.
ESTIMATED_DATES = {"registered_at": gettext_lazy("registration date"), "closed_at": gettext_lazy("closing date"),
                   "correspondence": gettext_lazy("dates of letters")}


def estimated_dates(names: list[str]) -> str:
    """"" when none is estimated."""
    return _(", ").join(str(ESTIMATED_DATES.get(n, n)) for n in names or [])


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


def special_step_name(code: str, pack, language: str) -> str:
    found = next((s for c in pack.iter_categories() for s in c.special_steps if s.code == code), None)
    return found.name.get(language) if found else code


def report_reason(reason: dict, pack, language: str) -> str:
    """Why a report is owed, in words: "critical flag: Threat of harm"."""
    source, code = reason.get("source", ""), reason.get("code", "")
    if source == "trigger":
        code = trigger_name(code, pack, language)
    elif source == "category_step":
        code = special_step_name(code, pack, language)
    label = str(REPORT_SOURCES.get(source, source))
    return _("%(source)s: %(code)s") % {"source": label, "code": code} if code else label


def category_name(code: str, pack, language: str) -> str:
    found = pack.category(code) if code else None
    return found.name.get(language) if found else (code or "—")


DAY_CHANGES = {"added": gettext_lazy("added"), "changed": gettext_lazy("changed"), "deleted": gettext_lazy("deleted")}


def calendar_reason(why: dict) -> str:
    """Why a changed calendar moved the due times (services/recompute.py's reasons)."""
    if "day" in why:
        text = _("calendar day %(date)s (%(kind)s) %(change)s by %(by)s") % {
            "date": why["day"], "kind": _("a working day") if why.get("working") else _("closed"),
            "change": DAY_CHANGES.get(why.get("change"), why.get("change")), "by": why.get("by") or "—"}
        return text + (" " + _("(was %(was)s)") % {"was": why["was"]} if why.get("was") else "")
    if "official" in why:
        first, last = why["official"]
        return _("the official holiday calendar (chinesecalendar %(version)s) now covers %(first)s–%(last)s") % {
            "version": why.get("version", "?"), "first": first, "last": last}
    if "holidays" in why:
        return _("the holiday data (holidays %(version)s) changed") % {"version": why["holidays"]}
    if "days" in why:
        return _("the institution's calendar days changed")
    if "policy" in why:
        return _("the policy's calendar changed")
    return "—"


def due_moves(changes: list, pack, language: str, when) -> str:
    """"办结并告知结果 2027-02-10 17:00 → 2027-02-12 17:00", one per clock moved."""
    parts = []
    for c in changes:
        if not isinstance(c, dict):
            continue
        text = _("%(clock)s from %(old)s to %(new)s") % {
            "clock": clock_name(c.get("clock", ""), pack, language), "old": when(c.get("from")), "new": when(c.get("to"))}
        if c.get("computed"):
            text += " " + _("(the calendar alone gives %(computed)s, earlier than the date the acknowledgment "
                            "told the customer, which stands)") % {"computed": when(c["computed"])}
        parts.append(text)
    return joined(parts)
