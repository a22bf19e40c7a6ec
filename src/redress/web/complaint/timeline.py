"""The complaint's ledger in plain words: one sentence per event, in the reader's
language (STYLE: event types are stable codes; labels are rendered at display time).

Each EventType has a template filled from the event's payload. Payloads differ per
service and grow over time, so a template only names the keys it needs, a missing
key reads as "—", unknown keys are ignored, and an event type this module does not
know yet still renders (generically) instead of breaking the page. Staff ids and unit
codes in payloads are resolved to names with one query each for the whole timeline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from redress.complaints.ledger import EventType
from redress.complaints.models import Event, OrgUnit, Staff
from redress.policy.loader import active_pack
from redress.web import labels
from redress.web.complaint import words

E = EventType

SENTENCES = {
    E.RECEIVED: gettext_lazy("%(who)s took down the %(kind)s (channel: %(channel)s)"),
    E.REGISTERED: gettext_lazy("%(who)s registered the complaint and sent the acknowledgment; due %(due)s"),
    E.INQUIRY_ANSWERED: gettext_lazy("%(who)s answered the inquiry"),
    E.RESOLVED_ON_SPOT: gettext_lazy("%(who)s resolved the complaint on the spot"),
    E.REDIRECTED: gettext_lazy("%(who)s redirected the customer to %(authority)s"),
    E.ASSESSED: gettext_lazy("%(who)s assessed the case: %(category)s, severity %(severity)s, %(urgency)s"),
    E.TRIGGER_RAISED: gettext_lazy("Critical flags raised (%(source)s): %(triggers)s"),
    E.ESCALATED: gettext_lazy("%(who)s escalated the case (severity %(severity)s)"),
    E.ECONOMIC_DISPUTE_CLEARED: gettext_lazy("%(who)s decided the case is not an economic dispute: %(reason)s"),
    E.DISPATCHED: gettext_lazy("%(who)s dispatched the case to %(unit)s"),
    E.ASSIGNMENT_ACCEPTED: gettext_lazy("%(who)s accepted the work order; handler %(handler)s"),
    E.ASSIGNMENT_RETURNED: gettext_lazy("%(who)s returned the work order"),
    E.TRANSFER_REQUESTED: gettext_lazy("%(who)s asked %(to_staff)s to take the case over"),
    E.TRANSFER_ACCEPTED: gettext_lazy("%(who)s took the case over from %(from_staff)s"),
    E.FINDING_ADDED: gettext_lazy("%(who)s recorded a finding (%(kind)s)"),
    E.PARTY_ADDED: gettext_lazy("%(who)s named a party complained about: %(party)s"),
    E.EVIDENCE_ADDED: gettext_lazy("%(who)s added evidence %(name)s (%(size)s)"),
    E.EVIDENCE_DOWNLOADED: gettext_lazy("%(who)s downloaded evidence %(name)s"),
    E.CUSTOMER_CONTACTED: gettext_lazy("%(who)s contacted the customer by %(channel)s"),
    E.PROPOSED: gettext_lazy("%(who)s proposed a resolution (compensation %(compensation)s) "
                      "for approval by %(approver_roles)s"),
    E.APPROVED: gettext_lazy("%(who)s approved the resolution"),
    E.REJECTED: gettext_lazy("%(who)s rejected the resolution"),
    E.MESSAGE_SENT: gettext_lazy("%(who)s sent the customer a message (%(kind)s) by %(channel)s"),
    E.MESSAGE_RECEIVED: gettext_lazy("%(who)s recorded a message from the customer (channel: %(channel)s)"),
    E.CUSTOMER_RATED: gettext_lazy("The customer rated the outcome: %(satisfied)s"),
    E.RESULT_COMMUNICATED: gettext_lazy("%(who)s told the customer the result by %(channel)s"),
    E.REMEDY_EXECUTED: gettext_lazy("%(who)s carried out a remedy (%(amount)s)"),
    E.REMEDY_WAIVED: gettext_lazy("%(who)s waived a remedy due %(due_date)s"),
    E.REMEDY_LATE: gettext_lazy("A %(kind)s remedy is late (due %(due_date)s)"),
    E.REMEDY_REMINDED: gettext_lazy("Reminder sent: a %(kind)s remedy is due %(due_date)s"),
    E.REMEDY_ESCALATED: gettext_lazy("Escalated: a %(kind)s remedy due %(due_date)s is still not carried out"),
    E.CALLBACK_RECORDED: gettext_lazy("%(who)s made the callback: the customer is %(satisfied)s"),
    E.CLOSED_WITHOUT_CALLBACK: gettext_lazy("%(who)s closed the case without a callback"),
    E.DEEMED_CLOSED: gettext_lazy("%(who)s deemed the case closed after follow-up"),
    E.REFERRED: gettext_lazy("%(who)s guided the customer to %(kind)s at %(authority)s"),
    E.REFERRAL_OUTCOME: gettext_lazy("%(who)s recorded the outcome of the referral"),
    E.WITHDRAWN: gettext_lazy("%(who)s recorded that the customer withdrew the complaint"),
    E.ARCHIVED: gettext_lazy("%(who)s archived the case"),
    E.RECOMPLAINED: gettext_lazy("%(who)s took a re-complaint, now %(new_reference)s"),
    E.LINKED: gettext_lazy("%(who)s linked the case to %(other)s (%(kind)s)"),
    E.EXTENSION_REQUESTED: gettext_lazy("%(who)s asked to extend the time limit by %(working_days)s working days"),
    E.EXTENSION_APPROVED: gettext_lazy("%(who)s approved the extension; now due %(due)s"),
    E.EXTENSION_REFUSED: gettext_lazy("%(who)s refused the extension"),
    E.CLOCK_PAUSED: gettext_lazy("%(who)s paused the clocks (%(reason_name)s): %(clocks)s"),
    E.CLOCK_RESUMED: gettext_lazy("%(who)s resumed the clocks (%(how)s): %(clocks)s"),
    E.PAUSE_APPROVAL_ASKED: gettext_lazy("The pause needs approval by %(approval_due)s, or it ends then"),
    E.PAUSE_APPROVED: gettext_lazy("%(who)s approved the long pause"),
    E.PAUSE_REFUSED: gettext_lazy("%(who)s refused the long pause; the clocks run again"),
    E.PAUSED_TOO_LONG: gettext_lazy("The clocks have been paused %(total)s in all, past the limit of %(limit)s"),
    E.CLOCK_BREACHED: gettext_lazy("Time limit passed: %(clocks)s"),
    E.CLOCKS_RECOMPUTED: gettext_lazy("The calendar changed, so the due times were recomputed: %(moves)s. "
                                      "Why: %(why)s"),
    E.ACCOUNTABILITY_RECORDED: gettext_lazy("%(who)s recorded accountability: %(action)s for %(target)s"),
    E.PERSONAL_DATA_VIEWED: gettext_lazy("%(who)s viewed the complainant's personal data (%(fields)s)"),
    E.IMPORTED: gettext_lazy("%(who)s imported the complaint from %(file)s, row %(row)s"),
    E.AUTHORITY_REPORT_DUE: gettext_lazy("A %(kind)s to %(authority)s is owed by %(due)s (%(reason)s)"),
    E.AUTHORITY_REPORT_RECORDED: gettext_lazy("%(who)s recorded the %(kind)s to %(authority)s as made "
                                              "%(reported_at)s by %(how)s; receipt %(receipt)s"),
    E.AUTHORITY_REPORT_OVERDUE: gettext_lazy("The %(kind)s to %(authority)s is overdue (due %(due)s)"),
    E.AUTHORITY_REPORT_ESCALATED: gettext_lazy("The overdue %(kind)s to %(authority)s was taken to %(roles)s"),
    E.CUSTOMER_MATCHED: gettext_lazy("Put on the existing customer record no. %(customer)s, found by its verified "
                                     "%(contacts)s"),
    E.CUSTOMER_MATCH_OFFERED: gettext_lazy("Another customer record may be the same person (same %(contacts)s): "
                                           "left for intake or the complaints office to decide"),
    E.CUSTOMER_CONFIRMED: gettext_lazy("%(who)s confirmed it is the same customer: the complaint is on record "
                                       "no. %(customer)s"),
    E.CUSTOMER_MATCH_REJECTED: gettext_lazy("%(who)s said a record sharing the phone or email is a different "
                                            "person: the records stay apart"),
    E.REMINDER_SENT: gettext_lazy("Reminder sent: %(clock)s is due %(due)s; told %(told)s"),
    E.CLOCK_ESCALATED: gettext_lazy("Escalated (step %(step)s): %(clock)s was due %(due)s; told %(told)s"),
    E.ESCALATION_ACKNOWLEDGED: gettext_lazy("%(who)s answered escalation step %(step)s of %(clock)s: by %(by)s"),
    E.CLOCK_NOT_APPLICABLE: gettext_lazy("%(clock)s no longer applies to this case (%(because)s): stopped, "
                                         "in no on-time figure"),
    E.CLOCK_APPLIES: gettext_lazy("%(clock)s now applies to this case: counted from %(started)s, due %(due)s"),
}
CONTACT_WORDS = {"email": gettext_lazy("email"), "phone": gettext_lazy("phone")}
# A further extension, granted with the customer's consent and reported (001 第二十二条).
FURTHER_EXTENSION = gettext_lazy("%(who)s approved a further extension with the customer's consent; now due "
                                 "%(due)s; reported to %(reported_to)s")
# A work order sent to a person rather than to the whole unit.
DISPATCHED_TO_PERSON = gettext_lazy("%(who)s dispatched the case to %(handler)s of %(unit)s")
# A message the customer sent themselves (portal, email): nobody on the staff to name.
CUSTOMER_WROTE = gettext_lazy("The customer wrote in by %(channel)s")
GENERIC = gettext_lazy("%(who)s: ledger event %(code)s")

# Free text a service keeps in the payload, shown under the sentence.
DETAIL_KEYS = ("reason", "note", "text", "answer", "resolution", "customer_opinion", "cause", "instructions",
               "opinion", "plan", "outcome", "purpose", "comment", "consent_note", "no_receipt_reason")
STAFF_KEYS = ("handler", "to_staff", "from_staff", "staff")
UNIT_KEYS = ("unit",)


class _Blanks(dict):
    """Template values; a key the payload lacks reads as a dash, never a KeyError."""

    def __missing__(self, key):
        return "—"


@dataclass(frozen=True)
class Entry:
    event: Event
    at: datetime
    sentence: str
    detail: str
    who: str
    role: str
    via: str
    states: tuple[str, str] | None  # (from, to) labels when the event moved the case


def _payload(event: Event) -> dict:
    try:
        data = json.loads(event.payload or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _when(value) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else None
    return date_format(localtime(moment), "Y-m-d H:i") if moment else "—"


def _money(value) -> str:
    if value in (None, ""):
        return _("none")
    try:
        return f"{Decimal(str(value)):,.2f}"
    except InvalidOperation:
        return str(value)


class Names:
    """Names for the ids and codes found in a set of payloads, fetched in bulk."""

    def __init__(self, payloads: list[dict], actors: dict[int, Staff]):
        staff_ids = {p[k] for p in payloads for k in STAFF_KEYS if isinstance(p.get(k), int)}
        # The people a reminder or an escalation was sent to (services/alerts.py).
        staff_ids |= {pk for p in payloads if isinstance(p.get("told"), list) for pk in p["told"] if isinstance(pk, int)}
        staff_ids -= set(actors)
        self.staff = dict(actors)
        if staff_ids:
            self.staff.update({s.pk: s for s in Staff.objects.filter(pk__in=staff_ids)})
        codes = {p[k] for p in payloads for k in UNIT_KEYS if isinstance(p.get(k), str) and p[k]}
        self.units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)} if codes else {}
        self.english = (get_language() or "").startswith("en")

    def person(self, pk) -> str:
        staff = self.staff.get(pk)
        return str(staff) if staff else "—"

    def unit(self, code) -> str:
        unit = self.units.get(code)
        if unit is None:
            return code or "—"
        return (unit.name_en or unit.name) if self.english else unit.name


def _values(event: Event, p: dict, names: Names, pack) -> _Blanks:
    """Everything a template may name, in words."""
    lang = get_language()
    v = _Blanks()
    v["who"] = words.actor(event.actor, event.actor_role, event.channel)
    v["code"] = event.type
    for key in ("name", "new_reference", "other", "working_days", "file", "row", "due_date"):
        if p.get(key) not in (None, ""):
            v[key] = p[key]
    if "channel" in p:
        v["channel"] = words.channel(p["channel"], pack, lang)
    for key in STAFF_KEYS:
        if key in p:
            v[key] = names.person(p[key])
    if "unit" in p:
        v["unit"] = names.unit(p["unit"])
    for key in ("due", "received_at", "reported_at"):
        if key in p:
            v[key] = _when(p[key])
    if "size" in p:
        v["size"] = words.file_size(p["size"])
    if "compensation" in p:
        v["compensation"] = _money(p["compensation"])
    if "amount" in p:
        v["amount"] = _money(p["amount"])
    if isinstance(p.get("reported_to"), list):
        v["reported_to"] = words.joined(labels.ROLES.get(r, r) for r in p["reported_to"])
    if isinstance(p.get("approver_roles"), list):
        v["approver_roles"] = words.joined(labels.ROLES.get(r, r) for r in p["approver_roles"])
    if "reason_code" in p:
        v["reason_name"] = words.pause_reason_name(p["reason_code"], pack, lang)
    elif event.type == EventType.CLOCK_PAUSED:  # before pausing was a policy rule: free text
        v["reason_name"] = p.get("reason") or "—"
    if event.type == EventType.CLOCK_RESUMED:
        v["how"] = words.PAUSE_ENDS.get(p.get("how", "staff"), p.get("how"))
    if "approval_due" in p:
        v["approval_due"] = _when(p["approval_due"])
    if event.type == EventType.PAUSED_TOO_LONG:
        v["total"] = words.duration(p.get("total", 0), p.get("unit", "working_days"))
        v["limit"] = words.duration(p.get("limit", 0), p.get("unit", "working_days"))
    if isinstance(p.get("clocks"), list):
        v["clocks"] = words.joined(words.clock_name(code, pack, lang) for code in p["clocks"])
    if isinstance(p.get("triggers"), list):
        v["triggers"] = words.joined(words.trigger_name(code, pack, lang) for code in p["triggers"])
    if isinstance(p.get("fields"), list):
        v["fields"] = words.joined(words.PERSONAL_FIELDS.get(f, f) for f in p["fields"])
    if "satisfied" in p:
        v["satisfied"] = _("satisfied") if p["satisfied"] else _("not satisfied")
    if "source" in p:
        v["source"] = words.TRIGGER_SOURCES.get(p["source"], p["source"])
    if "authority" in p:
        v["authority"] = words.authority_name(p["authority"], pack, lang)
    if isinstance(p.get("reason"), dict):
        v["reason"] = words.report_reason(p["reason"], pack, lang)
    if "how" in p:
        v["how"] = str(words.REPORT_HOW.get(p["how"], p["how"]))
    if "receipt" in p:
        v["receipt"] = p["receipt"] or _("none given")
    if event.type in (E.CLOCK_NOT_APPLICABLE, E.CLOCK_APPLIES):
        v["clock"] = words.clock_name(p.get("clock", ""), pack, lang)
        v["started"] = _when(p["started"]) if p.get("started") else "—"
        because = p.get("because") or {}
        v["because"] = "; ".join(f"{k}: {', '.join(map(str, val)) if isinstance(val, list) else val or '—'}"
                                 for k, val in because.items()) or "—"
    if event.type in (E.REMINDER_SENT, E.CLOCK_ESCALATED, E.ESCALATION_ACKNOWLEDGED):
        v["clock"] = words.clock_name(p.get("clock", ""), pack, lang)
        v["step"] = int(p.get("step", 0)) + 1
        v["by"] = p.get("by", "—")
        v["told"] = words.joined(names.person(pk) for pk in p.get("told", [])) if p.get("told") else _("nobody was told")
    if isinstance(p.get("roles"), list):
        v["roles"] = words.joined(labels.ROLES.get(r, r) for r in p["roles"])
    if "action" in p:
        v["action"] = words.ACCOUNTABILITY_ACTIONS.get(p["action"], p["action"])
    if "staff" in p or "unit" in p:
        v["target"] = names.person(p["staff"]) if p.get("staff") else names.unit(p.get("unit"))
    if "severity" in p:
        v["severity"] = labels.SEVERITIES.get(p["severity"], p["severity"])
    after = p.get("after")
    if isinstance(after, dict):
        v["category"] = words.category_name(after.get("category", ""), pack, lang)
        v["severity"] = labels.SEVERITIES.get(after.get("severity"), after.get("severity") or "—")
        v["urgency"] = words.URGENCIES.get(after.get("urgency"), after.get("urgency") or "—")
    if "kind" in p:
        v["kind"] = words.kind_label(event.type, p["kind"])
    if event.type == E.CLOCKS_RECOMPUTED:
        v["moves"] = words.due_moves(p.get("changes") or [], pack, lang, _when)
        v["why"] = words.joined(words.calendar_reason(w) for w in p.get("why") or [] if isinstance(w, dict))
    if event.type in (E.CUSTOMER_MATCHED, E.CUSTOMER_MATCH_OFFERED):
        shared = p.get("by") or sorted({s for c in p.get("candidates") or [] if isinstance(c, dict)
                                        for s in c.get("shared") or []})
        v["contacts"] = words.joined(CONTACT_WORDS.get(s, s) for s in shared)
    if "customer" in p:
        v["customer"] = p["customer"]
    if event.type == E.PARTY_ADDED:
        v["party"] = (p.get("product") or (names.person(p["staff"]) if p.get("staff") else "")
                      or names.unit(p.get("unit")))
    return v


def _detail(p: dict) -> str:
    return "\n".join(str(p[k]).strip() for k in DETAIL_KEYS if isinstance(p.get(k), str) and p[k].strip())


def _states(p: dict) -> tuple[str, str] | None:
    moved = p.get("state")
    if isinstance(moved, list) and len(moved) == 2:
        return str(labels.STATES.get(moved[0], moved[0])), str(labels.STATES.get(moved[1], moved[1]))
    return None


def timeline(events: list[Event]) -> list[Entry]:
    """The events (actor loaded) as entries, in the order given."""
    pack = active_pack()
    payloads = [_payload(e) for e in events]
    actors = {e.actor_id: e.actor for e in events if e.actor_id}
    names = Names(payloads, actors)
    entries = []
    for event, p in zip(events, payloads, strict=True):
        try:
            template = SENTENCES[EventType(event.type)]
        except ValueError:
            template = GENERIC
        if event.type == E.MESSAGE_RECEIVED and event.actor_id is None:
            template = CUSTOMER_WROTE
        if event.type == E.DISPATCHED and p.get("handler"):
            template = DISPATCHED_TO_PERSON
        if event.type == E.EXTENSION_APPROVED and p.get("reported_to"):
            template = FURTHER_EXTENSION
        values = _values(event, p, names, pack)
        sentence = str(template) % values
        if p.get("historical") and p.get("effective_at"):  # a migrated letter: written now, dated then
            told = (_("(from the old system, undated: taken as %(when)s)") if p.get("estimated")
                    else _("(from the old system, dated %(when)s)"))
            sentence += " " + told % {"when": _when(p["effective_at"])}
        entries.append(Entry(
            event=event, at=event.at, sentence=sentence, detail=_detail(p), who=values["who"],
            role=words.role(event.actor_role), via=str(words.VIA.get(event.channel, event.channel)), states=_states(p),
        ))
    return entries
