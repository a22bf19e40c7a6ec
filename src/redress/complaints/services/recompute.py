"""Open clocks follow the calendar (SPEC §6; 001 第二十二条).

A clock's due time is computed when it starts and stored (services/timing.py), so the
worklists can ask "overdue?" of an index. But the calendar it was computed on can
change while the clock runs: chinesecalendar learns next year's holidays and 调休
working weekends late in the year (until then, Mon–Fri less the statutory holidays
is assumed: sla/calendar.py), and administrators add closures and working days.

Then every open (running or paused) clock is recomputed from its start on the calendar
now in force, replaying what happened to it since — each pause given back and each
approved extension, in the order they happened, read from the ledger — exactly as the
services computed it at the time. A case whose due time moves gets one ledger event,
CLOCKS_RECOMPUTED: which clock, from when to when, and why. The date the customer was
told in the acknowledgment is never brought forward: if the new calendar gives an
earlier one, the acknowledged one stays, and the event says so. A clock already marked
late stays marked (as after a pause, worklists.overdue_condition).

Who notices: the administrator saving or deleting a calendar day in the admin
(`calendar_day_save` / `calendar_day_delete`), and the sweep (`recompute_round`), which
compares a fingerprint of the calendar in force with the one the clocks were computed
on (CalendarState) — a new chinesecalendar, days entered outside the admin, a pack
whose calendar changed. The work goes in batches of complaints in id order, with the
last one done kept in CalendarState, so a large institution's recompute spreads over
several sweeps and a stopped one carries on. Recomputing is a pure function of the
calendar and the case's history, so running it twice changes nothing the second time.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.dateparse import parse_datetime

from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action
from redress.complaints.models import CalendarDay, CalendarState, ComplaintClock, Event, Extension
from redress.complaints.services import alerts
from redress.complaints.services.base import acting_on
from redress.complaints.services.period_end import ends_on_working_day, extension_unit
from redress.complaints.services.timing import OPEN_CLOCK, calendar_for, step_calendar
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.policy.schema import Duration, Pack, Unit
from redress.sla.calendar import WorkCalendar, official_source

log = logging.getLogger(__name__)

BATCH = 500  # complaints examined per sweep run
ADMIN_BATCHES = 4  # batches the admin's save runs at once; the sweep does the rest

# Where the ledger says a clock was paused, resumed or extended, and the payload key
# naming the clocks concerned. A new way of pausing or resuming belongs here too.
PAUSES = {EventType.CLOCK_PAUSED: "clocks", EventType.MESSAGE_SENT: "paused"}
RESUMES = {EventType.CLOCK_RESUMED: "clocks", EventType.MESSAGE_RECEIVED: "resumed"}
HISTORY_TYPES = [int(t) for t in (*PAUSES, *RESUMES, EventType.EXTENSION_APPROVED, EventType.REGISTERED)]


# ---- one complaint ----------------------------------------------------------------


@dataclass
class History:
    """What the ledger says happened to a complaint's clocks, in order."""

    events: list[tuple[int, datetime, dict]]  # (type, at, payload)
    extensions: dict[int, Extension]  # approved ones, by id
    promised: datetime | None  # the due date the acknowledgment told the customer

    @classmethod
    def read(cls, complaint_id: int) -> History:
        rows = (Event.objects.filter(complaint_id=complaint_id, type__in=HISTORY_TYPES)
                .order_by("seq").values_list("type", "at", "payload"))
        events = [(t, at, json.loads(payload or "{}")) for t, at, payload in rows]
        extensions = {e.pk: e for e in Extension.objects.filter(complaint_id=complaint_id,
                                                                 status=Extension.Status.APPROVED)}
        promised = None
        for t, _at, p in events:
            if t == EventType.REGISTERED and p.get("due"):
                promised = parse_datetime(p["due"])
        return cls(events, extensions, promised)


class Unreplayable(Exception):
    """The ledger does not account for the clock's present state (a pause it cannot
    see): the clock is left as it is rather than moved on a guess."""


def replay(cal: WorkCalendar, clock: ComplaintClock, limit: Duration, history: History,
           *, to_working_day: bool = False) -> datetime:
    """The clock's due time on `cal`: from its start, each completed pause given back
    (pausing.end_pause) and each approved extension added (timing.extension_decide)
    in ledger order. A pause still open is given back on resume, as always. A period
    that ends on a working day is counted whole and only its end moved
    (services/period_end.py)."""
    due = cal.due(clock.started_at, limit.model_copy(update={"ends_on_working_day": False}))
    paused_at = None
    for type_, at, payload in history.events:
        if at < clock.started_at:
            continue
        if type_ in PAUSES and clock.code in (payload.get(PAUSES[type_]) or ()):
            paused_at = at
        elif type_ in RESUMES and clock.code in (payload.get(RESUMES[type_]) or ()) and paused_at is not None:
            # An unapproved pause is given back only up to its threshold however late it
            # ended (services/pausing.end_pause records that moment as ended_at).
            until = parse_datetime(payload["ended_at"]) if payload.get("ended_at") else at
            due = cal.shift_for_pause(due, paused_at, max(until, paused_at), Unit(clock.unit))
            paused_at = None
        elif type_ == EventType.EXTENSION_APPROVED:
            ext = history.extensions.get(payload.get("extension"))
            if ext is not None and ext.clock_code == clock.code:
                due = cal.due(due, Duration(amount=ext.working_days, unit=extension_unit(clock)))
    if paused_at != clock.paused_at:
        raise Unreplayable(f"{clock}: the ledger has it paused at {paused_at}, the clock at {clock.paused_at}")
    return cal.ending_on_working_day(due.astimezone(cal.tz).date()) if to_working_day else due


def _limit(pack: Pack, clock: ComplaintClock) -> Duration | None:
    if clock.limit_amount is not None:
        return Duration(amount=clock.limit_amount, unit=Unit(clock.unit))
    definition = pack.clock(clock.code)  # a clock started before the limit was kept on it
    if definition is None or definition.limit.unit.value != clock.unit:
        return None
    return definition.limit


def _promised_clock(pack: Pack) -> str | None:
    """The clock whose due date the acknowledgment tells (services/intake.complaint_register)."""
    clock = pack.reply_clock()
    return clock.code if clock else None


def _moves(pack: Pack, cal: WorkCalendar, clocks: list[ComplaintClock], history: History) -> list[tuple]:
    """(clock, new due, what the calendar alone gives) for each open clock that moves."""
    promised_clock = _promised_clock(pack)
    moves = []
    for clock in clocks:
        if clock.status not in OPEN_CLOCK:
            continue
        limit = _limit(pack, clock)
        if limit is None:
            log.warning("%s: no limit to recompute it from; left as it is", clock)
            continue
        try:
            computed = replay(cal, clock, limit, history, to_working_day=ends_on_working_day(pack, clock))
        except Unreplayable as exc:
            log.warning("%s; left as it is", exc)
            continue
        new = computed
        if clock.code == promised_clock and history.promised and new < history.promised:
            new = history.promised  # the customer was told this date: never earlier
        if new != clock.due_at:
            moves.append((clock, new, computed))
    return moves


def recompute_complaint(complaint_id: int, *, why: list[dict], via: str = "sweep",
                        pack: Pack | None = None, cal: WorkCalendar | None = None) -> bool:
    """Recompute one complaint's open clocks on the calendar in force; True if any moved.
    Looked at first without the lock: most complaints do not move, and those need no
    transaction, no new version and no event."""
    pack = pack or active_pack()
    cal = cal or calendar_for(pack)
    clocks = list(ComplaintClock.objects.filter(complaint_id=complaint_id, status__in=OPEN_CLOCK))
    if not clocks or not _moves(pack, cal, clocks, History.read(complaint_id)):
        return False
    with acting_on(complaint_id, Action.RECOMPUTE_CLOCKS, actor=None, via=via) as step:
        cal = step_calendar(step)
        moves = _moves(step.pack, cal, list(step.complaint.clocks.all()), History.read(complaint_id))
        changes = []
        for clock, new, computed in moves:
            change = {"clock": clock.code, "from": clock.due_at, "to": new}
            if computed != new:
                change["computed"] = computed  # earlier than promised: the promise stands
            changes.append(change)
            clock.due_at = new
            alerts.reschedule(step.pack, clock, cal)  # a due time brought forward brings its reminders too
            clock.save(update_fields=["due_at", "alert_at"])
        step.forget_clocks()
        if changes:
            step.record(EventType.CLOCKS_RECOMPUTED, clocks=[c["clock"] for c in changes], changes=changes, why=why)
    return bool(changes)


# ---- the calendar in force, and the round of recomputing ------------------------------


def fingerprint(pack: Pack) -> tuple[str, dict]:
    """(fingerprint of the calendar in force, the official data's description). Four
    parts: chinesecalendar's data (CN packs only), the administrators' days, the pack's
    calendar, and the `holidays` package's days the calendar uses (every non-CN pack,
    and CN years chinesecalendar does not cover) from this year to two years on — the
    span an open clock can reach. That window moves on 1 January, so a round then
    recomputes and finds nothing to move unless the data did change."""
    official = official_source() if pack.calendar.country == "CN" else {}
    this_year = current_time().year
    days = list(CalendarDay.objects.order_by("date").values_list("date", "working"))

    def digest(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    parts = [official.get("version", "-"), official.get("digest", "-"),
             digest(";".join(f"{d.isoformat()}{int(w)}" for d, w in days)),
             digest(pack.calendar.model_dump_json(by_alias=True)),
             WorkCalendar.from_policy(pack.calendar).package_source(range(this_year, this_year + 3))]
    return ":".join(parts), official


def _state() -> CalendarState:
    """The one row, locked (callers hold a transaction)."""
    CalendarState.objects.get_or_create(pk=1)
    return CalendarState.objects.select_for_update().get(pk=1)


def _reasons_between(state: CalendarState, fp: str, official: dict) -> list[dict]:
    """Why the calendar in force differs from the one applied, as far as the fingerprint
    tells (the admin's own changes arrive with their reason: note_change)."""
    before = state.applied.split(":")
    after = fp.split(":")
    reasons = []
    if before[:2] != after[:2] and official:
        reasons.append({"official": official["years"], "version": official["version"]})
    if before[2:3] != after[2:3] and not any("day" in r for r in state.reasons):
        reasons.append({"days": True})
    if before[3:4] != after[3:4]:
        reasons.append({"policy": True})
    # The holidays part also changes when chinesecalendar learns a year (that year's days
    # no longer come from `holidays`): the official reason says it then. Nor is the first
    # look after an upgrade (no such part before) a change of its own.
    if before[4:5] != after[4:5] and len(before) > 4 and before[:2] == after[:2]:
        reasons.append({"holidays": after[4].split("/")[0]})
    return reasons


def ensure_seen(pack: Pack | None = None) -> CalendarState:
    """Record the calendar in force the first time anyone looks: the clocks were computed
    on it as far as anyone can know. The admin calls this before changing a day."""
    pack = pack or active_pack()
    with transaction.atomic():
        state = _state()
        if not state.applied:
            state.applied, state.official = fingerprint(pack)
            state.updated_at = current_time()
            state.save()
    return state


def note_change(why: dict | None, pack: Pack | None = None) -> None:
    """The calendar has just changed (the admin saved a day): start a round, or start the
    one in progress again from the first complaint, now with this reason too."""
    pack = pack or active_pack()
    with transaction.atomic():
        state = _state()
        fp, _official = fingerprint(pack)
        if fp == state.applied and not state.pending:
            return  # nothing a clock counts changed (say, only the day's note)
        if why is not None and why not in state.reasons:
            state.reasons = [*state.reasons, why]
        state.pending, state.cursor, state.updated_at = fp, 0, current_time()
        state.save()


def recompute_round(*, limit: int = BATCH, via: str = "sweep") -> tuple[int, bool]:
    """One batch of the recompute: start a round if the calendar in force is not the one
    applied, carry on the round in progress, finish it when the last batch is done.
    Returns (complaints whose due time moved, whether the clocks are now up to date)."""
    pack = active_pack()
    fp, official = fingerprint(pack)
    with transaction.atomic():
        state = _state()
        if not state.applied:
            state.applied, state.official, state.updated_at = fp, official, current_time()
            state.save()
            return 0, True
        if not state.pending and state.applied == fp:
            return 0, True
        if state.pending != fp:  # a change noticed here, or another during the round
            state.reasons = [*state.reasons, *(r for r in _reasons_between(state, fp, official)
                                               if r not in state.reasons)]
            state.pending, state.cursor, state.updated_at = fp, 0, current_time()
            state.save()
        cursor, why = state.cursor, list(state.reasons)
    ids = list(ComplaintClock.objects.filter(status__in=OPEN_CLOCK, complaint_id__gt=cursor)
               .order_by("complaint_id").values_list("complaint_id", flat=True).distinct()[:limit])
    cal = calendar_for(pack)
    moved = sum(recompute_complaint(cid, why=why, via=via, pack=pack, cal=cal) for cid in ids)
    with transaction.atomic():
        state = _state()
        if state.pending != fp:  # the calendar changed again meanwhile: that round starts over
            return moved, False
        done = len(ids) < limit
        if done:
            state.applied, state.official, state.pending, state.cursor, state.reasons = fp, official, "", 0, []
        else:
            state.cursor = ids[-1]
        state.updated_at = current_time()
        state.save()
    if moved:
        log.info("calendar changed (%s): %s complaints' due times recomputed", why, moved)
    return moved, done


# ---- the administrator's calendar days (complaints/admin.py) ---------------------------


def _day_reason(day: CalendarDay, change: str, actor) -> dict:
    return {"day": day.date.isoformat(), "working": day.working, "change": change,
            "by": getattr(actor, "username", "") or "", "note": day.reason}


def _after_day_change(why: dict, via: str) -> tuple[int, bool]:
    note_change(why)
    moved, done = 0, False
    for _ in range(ADMIN_BATCHES):
        more, done = recompute_round(via=via)
        moved += more
        if done:
            break
    return moved, done


def calendar_day_save(day: CalendarDay, *, actor, via: str = "web") -> tuple[int, bool]:
    """Save a closure or working day and recompute the open clocks. Returns (complaints
    whose due time moved, whether all are done; if not, the sweep finishes)."""
    ensure_seen()
    before = CalendarDay.objects.filter(pk=day.pk).first() if day.pk else None
    day.save()
    why = _day_reason(day, "changed" if before is not None else "added", actor)
    if before is not None and before.date != day.date:
        why["was"] = before.date.isoformat()
    return _after_day_change(why, via)


def calendar_day_delete(day: CalendarDay, *, actor, via: str = "web") -> tuple[int, bool]:
    ensure_seen()
    why = _day_reason(day, "deleted", actor)
    day.delete()
    return _after_day_change(why, via)
