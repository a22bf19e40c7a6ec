"""Everything the complaint page shows, read in a fixed number of queries (one per
section), whatever the size of the case: the page must stay fast for a case with a
hundred events as for one with three."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.translation import get_language

from redress.complaints.models import Complaint, Event
from redress.complaints.selectors.pausing import PausedTime, measure
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.web.complaint import timeline, words
from redress.web.labels import ROLES, amount_in_unit

# The rows of each section, with the people and units each row names loaded alongside.
SECTIONS = {
    "parties": ("parties", ("unit", "staff")),
    "evidence": ("evidence", ("uploaded_by",)),
    "clocks": ("clocks", ()),
    "extensions": ("extensions", ("requested_by", "decided_by", "customer_told")),
    "pauses": ("pauses", ("paused_by", "decided_by", "ended_by")),
    "links_out": ("links_out", ("target",)),
    "links_in": ("links_in", ("source",)),
    "assignments": ("assignments", ("unit", "assigned_by", "accepted_by", "handler")),
    "transfers": ("transfers", ("from_staff", "to_staff")),
    "findings": ("findings", ("author",)),
    "proposals": ("proposals", ("proposed_by", "decided_by")),
    "communications": ("communications", ("staff",)),
    "remedies": ("remedies", ("executed_by",)),
    "callbacks": ("callbacks", ("agent",)),
    "accountability": ("accountability", ("staff", "unit", "decided_by")),
    "authority_reports": ("authority_reports", ("recorded_by",)),
}
ORDER = {"evidence": "uploaded_at", "clocks": "started_at", "extensions": "requested_at", "pauses": "started_at",
         "assignments": "assigned_at", "transfers": "requested_at", "findings": "created_at",
         "proposals": "proposed_at", "communications": "at", "remedies": "due_date", "callbacks": "at",
         "accountability": "at", "links_out": "created_at", "links_in": "created_at",
         "authority_reports": "due_at"}


@dataclass
class ClockRow:
    clock: object
    name: str
    limit: str


@dataclass
class Record:
    complaint: Complaint
    rows: dict[str, list] = field(default_factory=dict)
    clocks: list[ClockRow] = field(default_factory=list)
    paused: PausedTime | None = None  # paused time, total and current (selectors/pausing.py)
    timeline: list[timeline.Entry] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    links: list[tuple[str, Complaint]] = field(default_factory=list)  # (kind word, the other complaint)
    paused_words: dict[str, str] = field(default_factory=dict)


def _prefetch(complaint: Complaint) -> None:
    lookups = ["customer", "owner", "first_responder", "handler", "responsible_unit", "branch", "intake_unit"]
    for name, (relation, related) in SECTIONS.items():
        model = Complaint._meta.get_field(relation).related_model
        qs = model.objects.select_related(*related) if related else model.objects.all()
        order = ORDER.get(name)
        lookups.append(Prefetch(relation, queryset=qs.order_by(order, "pk") if order else qs.order_by("pk")))
    lookups.append(Prefetch("events", queryset=Event.objects.select_related("actor").order_by("seq")))
    prefetch_related_objects([complaint], *lookups)


def load(complaint: Complaint) -> Record:
    """The complaint (already scoped to the viewer) and every section of its page."""
    _prefetch(complaint)
    pack, lang = active_pack(), get_language()
    record = Record(complaint=complaint)
    for name, (relation, _related) in SECTIONS.items():
        record.rows[name] = list(getattr(complaint, relation).all())
    _words_on_rows(record.rows)
    _words_on_reports(record.rows["authority_reports"], pack, lang)
    for clock in record.rows["clocks"]:
        definition = pack.clock(clock.code)
        record.clocks.append(ClockRow(
            clock=clock, name=definition.name.get(lang) if definition else clock.code,
            limit=_limit(definition) if definition else "",
        ))
    for pause in record.rows["pauses"]:
        pause.reason_word = words.pause_reason_name(pause.reason, pack, lang)
        pause.end_word = str(words.PAUSE_ENDS.get(pause.end, pause.end))
        pause.approval_word = str(words.PAUSE_APPROVALS.get(pause.approval, pause.approval))
        pause.amount_word = words.duration(pause.amount, pause.unit) if pause.amount is not None else ""
    if record.rows["pauses"]:
        record.paused = measure(pack, record.rows["pauses"], current_time())
        record.paused_words = {
            "total": words.duration(record.paused.total, record.paused.unit),
            "limit": words.duration(record.paused.limit, record.paused.unit) if record.paused.limit is not None else "",
            "current": words.duration(record.paused.current_amount, record.paused.unit)}
    record.timeline = timeline.timeline(list(complaint.events.all()))
    record.flags = [words.trigger_name(code, pack, lang) for code in complaint.critical_flags or []]
    record.links = ([(words.LINK_KINDS.get(link.kind, link.kind), link.target) for link in record.rows["links_out"]]
                    + [(words.LINK_KINDS_IN.get(link.kind, link.kind), link.source) for link in record.rows["links_in"]])
    return record


# (section, attribute with the code, word list): a template cannot look a word up by a
# variable key, so each row carries its words.
ROW_WORDS = (
    ("assignments", "status", words.STATUSES), ("transfers", "status", words.STATUSES),
    ("proposals", "status", words.STATUSES), ("extensions", "status", words.STATUSES),
    ("proposals", "responsibility", words.RESPONSIBILITY), ("communications", "kind", words.MESSAGE_KINDS),
    ("remedies", "kind", words.REMEDY_KINDS), ("accountability", "action", words.ACCOUNTABILITY_ACTIONS),
)


def _words_on_rows(rows: dict[str, list]) -> None:
    for section, attribute, vocabulary in ROW_WORDS:
        for row in rows[section]:
            code = getattr(row, attribute)
            setattr(row, f"{attribute}_word", str(vocabulary.get(code, code)))
    words.word_extension_days(rows["extensions"], active_pack())
    for row in rows["extensions"]:  # a further extension says whom it was reported to
        row.reported_to_words = words.joined(ROLES.get(r, r) for r in row.reported_to or [])


def _words_on_reports(reports: list, pack, lang: str) -> None:
    """The authority's name and why the report is owed, from the policy; late: still
    open past its due time (the sweep may not have marked it yet)."""
    at = current_time()
    for r in reports:
        r.authority_name = words.authority_name(r.authority, pack, lang)
        r.kind_word = str(words.REPORT_KINDS.get(r.kind, r.kind))
        r.how_word = str(words.REPORT_HOW.get(r.how, r.how))
        r.reason_words = words.joined(words.report_reason(reason, pack, lang) for reason in r.reasons)
        r.late = r.status == "open" and r.due_at < at


def _limit(definition) -> str:
    unit = definition.limit.unit.value
    if unit in ("working_days", "working_hours", "working_minutes", "hours", "minutes"):
        return amount_in_unit(definition.limit.amount, unit)
    return str(words.LIMIT_UNITS.get(unit, unit)) % {"n": definition.limit.amount}
