"""What a migrated complaint brings from the system it comes from, besides the case itself
(issue 13 item 9): its registration date, resolution text, handler and responsible
unit, the correspondence with the customer and the files of the case; and, for a case
that is already closed, its clocks reconstructed from those dates, so the statistics'
on-time figures and the dashboard's count it as they count a case handled here.

Called by `services.imports.complaint_import` inside its transaction (and by
`import_check`, which writes nothing). Nothing here notifies anyone: the customer was
answered long ago, and critical triggers found in the text are a summary for the
complaints office to review (`imports.report`), never a report to an authority.

The ledger: every event is appended in order to the complaint's chain with the time it
was written (`Event.at` is inside the hash and the chain is in append order; the
checkpoints and `redress verify` rely on both). What happened years ago is said in the
payload: `effective_at` is the historical time of a message, `historical: true` marks
an event that records the past rather than an act done now.

Reconstructing the clocks of a closed case: each clock of the policy whose start is
known (the receipt and registration dates, or the date of the first result letter for a
clock that starts when the result is told) is written stopped, at the date of the stage
it stops on. A case closed with a result was told it (and called back) by its closing
date at the latest, so without a dated result letter the closing date stands for those
stages: an upper bound, flagged through the complaint's estimated dates when the closing
date is itself an estimate. A withdrawn case's clocks stop on its closing, as live ones
do. A clock whose start or stop the source does not give (a step inside the handling,
such as the dispatch to a unit) is not invented. A clock stopped past its due time is
late on its due date, as the live services count it (`timing.breach`).
"""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Q
from django.utils.translation import gettext as _

from redress.complaints import filetypes, rows
from redress.complaints.errors import ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import State
from redress.complaints.models import (
    Communication,
    Complaint,
    ComplaintClock,
    Evidence,
    OrgUnit,
    Staff,
)
from redress.complaints.services.base import Step, sync_due_at
from redress.complaints.services.evidence import check_attachment, keep_name
from redress.complaints.services.timing import breach, step_calendar
from redress.policy.schema import Pack, Stage

# The dates a migrated case may carry as stand-ins (Complaint.estimated_dates).
ESTIMATED_DATES = ("registered_at", "closed_at", "correspondence")
DIRECTIONS = {"in": Communication.Direction.INBOUND, "out": Communication.Direction.OUTBOUND}
RESULT_KINDS = (Communication.Kind.RESULT, Communication.Kind.INQUIRY_ANSWER)


@dataclass(frozen=True)
class HistoricalMessage:
    """A letter, email or call note from the old system's file of the case."""

    direction: str  # "in" (from the customer) or "out" (to the customer)
    kind: str  # a Communication.Kind
    body: str
    at: datetime | None = None  # None: the file gives no date (the nearest known one is used, flagged)
    channel: str = ""  # "" : the complaint's channel


@dataclass(frozen=True)
class HistoricalFile:
    """One file of the case, from the folder of the old system's id."""

    name: str
    path: Path


@dataclass
class History:
    registered_at: datetime | None = None  # None: registered when received
    registered_at_estimated: bool = False
    resolution: str = ""
    handler: str = ""  # a username or a display name of a member of staff here
    unit: str = ""  # the code or the name of an organisation unit here
    correspondence: list[HistoricalMessage] = field(default_factory=list)
    attachments: list[HistoricalFile] = field(default_factory=list)


@dataclass(frozen=True)
class Found:
    """The people and units a history names, found here."""

    handler: Staff | None
    unit: OrgUnit | None


def find_handler(name: str) -> Staff | None:
    """A member of staff by username, else by a display name only one of them has."""
    if not name:
        return None
    staff = Staff.objects.filter(username=name).first()
    if staff is None:
        named = list(Staff.objects.filter(display_name=name)[:2])
        staff = named[0] if len(named) == 1 else None
    if staff is None:
        raise ValidationFailed("handler", _("no member of staff has the username or the name %(name)r: create "
                                            "them (deactivated, if they have left) or map the name to one")
                               % {"name": name[:60]})
    return staff


def find_unit(name: str) -> OrgUnit | None:
    """An organisation unit by code, else by its name (Chinese or English)."""
    if not name:
        return None
    unit = OrgUnit.objects.filter(code=name).first()
    if unit is None:
        named = list(OrgUnit.objects.filter(Q(name=name) | Q(name_en=name))[:2])
        unit = named[0] if len(named) == 1 else None
    if unit is None:
        raise ValidationFailed("unit", _("no organisation unit has the code or the name %(name)r")
                               % {"name": name[:60]})
    return unit


def content_type_of(item: HistoricalFile) -> str:
    guessed, _encoding = mimetypes.guess_type(item.name)
    return guessed or "application/octet-stream"


def read_file(item: HistoricalFile) -> bytes:
    try:
        return item.path.read_bytes()
    except OSError as exc:
        raise ValidationFailed("attachments", _("%(name)s cannot be read (%(why)s)")
                               % {"name": item.name, "why": exc.strerror}) from None


def check(history: History, *, pack: Pack, now: datetime, received_at: datetime,
          closed_at: datetime | None) -> Found:
    """Every rule the history must meet, without writing: the dates in order, the
    people and units known, the messages whole, the files of a type and size the policy
    takes. A refusal names the field (and the file or message)."""
    registered = history.registered_at
    if registered is not None:
        if registered.tzinfo is None:
            raise ValidationFailed("registered_at", _("must carry a time zone"))
        if registered < received_at:
            raise ValidationFailed("registered_at", _("is before the received date"))
        if closed_at is not None and registered > closed_at:
            raise ValidationFailed("registered_at", _("is after the closing date"))
        if registered > now:
            raise ValidationFailed("registered_at", _("may not be in the future"))
    for number, message in enumerate(history.correspondence, 1):
        where = f"correspondence[{number}]"
        if message.direction not in DIRECTIONS:
            raise ValidationFailed(where, _("the direction must be 'in' or 'out'"))
        if message.kind not in Communication.Kind.values:
            raise ValidationFailed(where, _("%(kind)r is not a kind of message; use one of %(kinds)s")
                                   % {"kind": message.kind, "kinds": ", ".join(Communication.Kind.values)})
        if message.at is not None and not (received_at <= message.at <= now):
            raise ValidationFailed(where, _("its date is before the received date or in the future"))
        if message.channel and message.channel not in pack.channel_codes():
            raise ValidationFailed(where, _("%(code)r is not a channel of the policy") % {"code": message.channel})
    for item in history.attachments:
        try:
            check_attachment(keep_name(item.name)[0], content_type_of(item), read_file(item), pack)
        except ValidationFailed as err:  # name the file: a case may have many
            raise ValidationFailed("attachments", f"{item.name}: {err.rule}") from None
    return Found(handler=find_handler(history.handler), unit=find_unit(history.unit))


def estimated(history: History, *, closed_at_estimated: bool, closed: bool) -> list[str]:
    """The names of the dates that are stand-ins (Complaint.estimated_dates)."""
    out = []
    if history.registered_at is not None and history.registered_at_estimated:
        out.append("registered_at")
    if closed and closed_at_estimated:
        out.append("closed_at")
    if any(m.at is None for m in history.correspondence):
        out.append("correspondence")
    return out


def message_time(message: HistoricalMessage, c: Complaint) -> datetime:
    """A message the file gives no date: a customer's on the day the case came in, one
    to the customer on the day it closed (or came in, if it is still open)."""
    if message.at is not None:
        return message.at
    if message.direction == "in":
        return c.received_at
    return c.closed_at or c.registered_at or c.received_at


def stage_dates(c: Complaint, history: History) -> dict[Stage, datetime]:
    """The stages of a case the source dates: received, registered, the result told (its
    first result letter, if the correspondence has one; the resolution was proposed by
    then) and closed. A case closed with a
    result was told it and called back by its closing date at the latest: without a
    letter, the closing date stands for both."""
    dates = {Stage.RECEIVED: c.received_at}
    if c.registered_at is not None:
        dates[Stage.REGISTERED] = c.registered_at
    told = [message_time(m, c) for m in history.correspondence if m.direction == "out" and m.kind in RESULT_KINDS]
    if told:
        dates[Stage.COMMUNICATED] = min(told)
    if c.closed_at is not None:
        dates[Stage.CLOSED] = c.closed_at
        if c.state == State.CLOSED:
            dates.setdefault(Stage.COMMUNICATED, c.closed_at)
            dates.setdefault(Stage.CALLED_BACK, c.closed_at)
    if Stage.COMMUNICATED in dates:
        # A result told was proposed by then at the latest: the investigation was over.
        dates[Stage.PROPOSED] = dates[Stage.COMMUNICATED]
    return dates


def reconstruct_clocks(step: Step, history: History) -> list[ComplaintClock]:
    """The clocks of a historical case (see the module's docstring), each counted by the
    step: a stopped one as stopped (and late on its due date if it was). A clock of an
    open case whose stop the source does not date runs on, from its original start, so
    the case shows as late at once if it is (the sweep records the breach). Returns the
    clocks, for the IMPORTED event's summary."""
    c, pack = step.complaint, step.pack
    cal = step_calendar(step)
    dates = stage_dates(c, history)
    is_inquiry = c.kind == Complaint.Kind.INQUIRY
    made = []
    for definition in pack.clocks:
        if definition.applies_to_inquiries != is_inquiry:
            continue
        if definition.when is not None and definition.when.failing(c):
            continue  # a clock for other cases (issue 15 item 4), judged on the case as imported
        begun = dates.get(definition.starts_on)
        if begun is None:
            continue  # the source does not say when this clock's stage was reached
        start = c.received_at if definition.counts_from_receipt() else begun
        clock = rows.build(ComplaintClock, related={"complaint": c}, code=definition.code,
                           unit=definition.limit.unit.value, limit_amount=definition.limit.amount, started_at=start,
                           due_at=cal.due(start, definition.limit))
        end = dates.get(definition.stops_on)
        if end is None and c.closed_at is not None:
            if c.state == State.CLOSED:
                # A step inside the handling (dispatched, accepted...) the old system did
                # not date: its clock is not invented, nor stopped at a closing weeks later.
                continue
            end = c.closed_at  # withdrawn, answered on the spot...: every clock stops on closing
        if end is not None:
            clock.status, clock.stopped_at = ComplaintClock.Status.STOPPED, max(start, min(end, c.closed_at or end))
            if clock.stopped_at > clock.due_at:
                breach(step, clock)
            step.stopped.append(clock)
        made.append(clock)
    rows.insert(*made)
    sync_due_at(c, made)
    return made


def clock_summary(clocks: list[ComplaintClock]) -> list[dict]:
    return [{"code": k.code, "started_at": k.started_at, "due_at": k.due_at, "stopped_at": k.stopped_at,
             "late": k.breached} for k in clocks]


def write(step: Step, history: History) -> None:
    """The correspondence and the files, each with its ledger event (in the step's
    events, written with them). The step's `now` is the time of writing."""
    c = step.complaint
    staff = c.handler if c.handler_id else None
    for message in history.correspondence:
        at = message_time(message, c)
        item = Communication(complaint=c, direction=DIRECTIONS[message.direction], kind=message.kind,
                             channel=message.channel or c.channel, body=message.body, at=at,
                             staff=staff if message.direction == "out" else None, visible_to_customer=True)
        rows.insert(item)
        step.record(EventType.MESSAGE_SENT if message.direction == "out" else EventType.MESSAGE_RECEIVED,
                    kind=message.kind, channel=item.channel, historical=True, effective_at=at,
                    estimated=message.at is None)
    for source in history.attachments:
        data = read_file(source)
        name, shortened = keep_name(source.name)
        content_type = content_type_of(source)
        digest = hashlib.sha256(data).hexdigest()
        # Named by content, not by the case's reference: an import rolled back and run
        # again (the reference numbers are not given back) finds its files already there.
        # and by the type's own extension (checked against the bytes), never the sender's.
        path = f"evidence/import/{digest[:2]}/{digest}.{filetypes.stored_extension(content_type)}"
        if not default_storage.exists(path):
            path = default_storage.save(path, ContentFile(data))
        item = Evidence.objects.create(complaint=c, file=path, original_name=name, content_type=content_type,
                                       size=len(data), sha256=digest, source="import", uploaded_by=step.actor,
                                       uploaded_at=step.now)
        extra = {"name_shortened": True} if shortened else {}
        step.record(EventType.EVIDENCE_ADDED, evidence=item.pk, name=name, sha256=digest, size=len(data),
                    content_type=content_type, source="import", historical=True, **extra)
