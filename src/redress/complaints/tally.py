"""Keeping the day tallies (models.DayTally) as complaints change: the services call
`changes` at the end of each step, and its rows are written with the step's events.
`recount` works the same figures out from the complaints and clocks themselves: it
fills the table for an existing database, and the tests hold the two to each other.
`compact` (the sweep) merges each key's rows into one, so a month of charts stays a
sum over a few hundred rows however many steps were taken.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate

from redress.complaints import rows
from redress.complaints.models import Complaint, ComplaintClock, DayTally
from redress.policy.loader import active_pack


@dataclass(frozen=True)
class Mark:
    """What a complaint's figures count under."""

    responsible_unit_id: int | None
    intake_unit_id: int | None
    category: str
    received_at: datetime


def mark(c: Complaint) -> Mark:
    return Mark(c.responsible_unit_id, c.intake_unit_id, c.category or "", c.received_at)


Key = tuple[date, int | None, int | None, str]
KEY = ("day", "responsible_unit_id", "intake_unit_id", "category")  # the fields of a Key
FIGURES = ("received", "stopped", "on_time", "late")


def _row(key: Key, figures) -> DayTally:
    """`figures`: each of FIGURES by its name."""
    return _row_of(key, [figures[f] for f in FIGURES])


def _row_of(key: Key, figures) -> DayTally:
    """`figures`: the four FIGURES in their order."""
    return rows.build(DayTally, **dict(zip(KEY, key, strict=True)), **dict(zip(FIGURES, figures, strict=True)))


def _zone(tz: ZoneInfo | None) -> ZoneInfo:
    return tz or ZoneInfo(active_pack().calendar.timezone)


def _key(m: Mark, at: datetime, tz: ZoneInfo) -> Key:
    return at.astimezone(tz).date(), m.responsible_unit_id, m.intake_unit_id, m.category


# Each change as (received, stopped, on_time, late): plain tuples, added up per key (a
# step makes a few; bulk intake thousands a second).
RECEIVED, LATE = (1, 0, 0, 0), (0, 0, 0, 1)


def _clock(clock: ComplaintClock, sign: int) -> tuple[int, int, int, int]:
    return 0, sign, 0 if clock.breached else sign, 0


def _negative(figures: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(-f for f in figures)


def changes(c: Complaint, before: Mark | None, stopped_now: Iterable[ComplaintClock], tz: ZoneInfo, *,
            breached_now: Iterable[ComplaintClock] = ()) -> list[DayTally]:
    """The rows to add for what one step did to `c`: it was received (`before` None),
    clocks stopped (`stopped_now`) or passed their due time (`breached_now`: late on the
    day of `breached_at`, once, however long they run on), or it moved to another unit
    or category, which moves its receipt and the clocks it stopped or found late earlier."""
    deltas = sums_of_changes(c, before, stopped_now, tz, breached_now=breached_now)
    return [_row_of(key, figures) for key, figures in deltas.items() if any(figures)]


def sums_of_changes(c: Complaint, before: Mark | None, stopped_now: Iterable[ComplaintClock], tz: ZoneInfo, *,
                    breached_now: Iterable[ComplaintClock] = ()) -> dict[Key, list[int]]:
    """`changes` before it is made into rows: the four FIGURES by key (some may be all
    zero). Bulk import adds these up for the batch or file without a row object each
    (held_rows.Tallies.add_day)."""
    after = mark(c)
    stopped_now, breached_now = list(stopped_now), list(breached_now)
    deltas: dict[Key, list[int]] = {}

    def add(m: Mark, at: datetime, figures: tuple[int, ...]) -> None:
        kept = deltas.setdefault(_key(m, at, tz), [0, 0, 0, 0])
        for i, f in enumerate(figures):
            kept[i] += f

    if before is None:
        add(after, c.received_at, RECEIVED)
    elif before != after:
        add(before, before.received_at, _negative(RECEIVED))
        add(after, c.received_at, RECEIVED)
        # By code, not pk: a clock reach_stage has just inserted has none in memory (one per code).
        stopped_codes, breached_codes = {k.code for k in stopped_now}, {k.code for k in breached_now}
        for clock in c.clocks.filter(Q(status=ComplaintClock.Status.STOPPED) | Q(breached=True)):
            if clock.status == ComplaintClock.Status.STOPPED and clock.code not in stopped_codes:
                add(before, clock.stopped_at, _clock(clock, -1))
                add(after, clock.stopped_at, _clock(clock, +1))
            if clock.breached and clock.code not in breached_codes:
                add(before, clock.breached_at, _negative(LATE))
                add(after, clock.breached_at, LATE)
    for clock in stopped_now:
        add(after, clock.stopped_at, _clock(clock, +1))
    for clock in breached_now:
        add(after, clock.breached_at, LATE)
    return deltas


def recount(tz: ZoneInfo | None = None) -> dict[Key, dict[str, int]]:
    """The figures from the complaints and clocks as they stand (two GROUP BYs), by
    calendar day in `tz` (default: the active policy pack's time zone)."""
    tz = _zone(tz)
    figures: dict[Key, Counter] = {}
    received = (Complaint.objects.annotate(day=TruncDate("received_at", tzinfo=tz))
                .values("day", "responsible_unit_id", "intake_unit_id", "category").annotate(n=Count("*")).order_by())
    for r in received:
        key = (r["day"], r["responsible_unit_id"], r["intake_unit_id"], r["category"] or "")
        figures.setdefault(key, Counter())["received"] += r["n"]
    clocks = (ComplaintClock.objects.filter(status=ComplaintClock.Status.STOPPED)
              .annotate(day=TruncDate("stopped_at", tzinfo=tz))
              .values("day", "complaint__responsible_unit_id", "complaint__intake_unit_id", "complaint__category")
              .annotate(n=Count("*"), late=Count("pk", filter=Q(breached=True))).order_by())
    for r in clocks:
        key = (r["day"], r["complaint__responsible_unit_id"], r["complaint__intake_unit_id"],
               r["complaint__category"] or "")
        counts = figures.setdefault(key, Counter())
        counts["stopped"] += r["n"]
        counts["on_time"] += r["n"] - r["late"]
    late = (ComplaintClock.objects.filter(breached=True)
            .annotate(day=TruncDate("breached_at", tzinfo=tz))
            .values("day", "complaint__responsible_unit_id", "complaint__intake_unit_id", "complaint__category")
            .annotate(n=Count("*")).order_by())
    for r in late:
        key = (r["day"], r["complaint__responsible_unit_id"], r["complaint__intake_unit_id"],
               r["complaint__category"] or "")
        figures.setdefault(key, Counter())["late"] += r["n"]
    return {k: {f: v[f] for f in FIGURES} for k, v in figures.items() if any(v[f] for f in FIGURES)}


def kept() -> dict[Key, dict[str, int]]:
    """The figures as the table holds them (the sums of its rows)."""
    out = {}
    for r in DayTally.objects.values(*KEY).annotate(**{f"sum_{f}": Sum(f) for f in FIGURES}).order_by():
        figures = {f: r[f"sum_{f}"] for f in FIGURES}
        if any(figures.values()):
            out[tuple(r[k] for k in KEY)] = figures
    return out


def rebuild(tz: ZoneInfo | None = None) -> int:
    """Replace the table by a recount (a new database, or figures of a database that had
    complaints before the tallies existed). Returns the rows written."""
    DayTally.objects.all().delete()
    objs = [_row(key, figures) for key, figures in recount(tz).items()]
    for i in range(0, len(objs), 5000):
        rows.insert(*objs[i:i + 5000])
    return len(objs)


def compact(batch: int = 500) -> int:
    """Merge the rows of up to `batch` keys that have more than one into one row each
    (none where they sum to nothing); returns the rows taken away. Safe beside the
    services and another sweep: the rows are deleted with RETURNING, so each is summed
    by the one statement that removed it, and rows added meanwhile stay for the next
    sweep."""
    keys = list(DayTally.objects.values(*KEY).annotate(n=Count("id")).filter(n__gt=1).order_by()[:batch])
    if not keys:
        return 0
    which = Q()
    for k in keys:
        which |= Q(**{f: k[f] for f in KEY if k[f] is not None}, **{f"{f}__isnull": True for f in KEY if k[f] is None})
    ids = list(DayTally.objects.filter(which).values_list("pk", flat=True))
    table = DayTally._meta.db_table
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(f"DELETE FROM {table} WHERE id IN ({', '.join(['%s'] * len(ids))}) "
                    f"RETURNING {', '.join(KEY + FIGURES)}", ids)
        removed = cur.fetchall()
        sums: dict[tuple, Counter] = {}
        for row in removed:
            day = date.fromisoformat(row[0]) if isinstance(row[0], str) else row[0]  # SQLite: text
            sums.setdefault((day, *row[1:4]), Counter()).update(dict(zip(FIGURES, row[4:], strict=True)))
        # a key whose rows sum to nothing (a case that moved away) leaves no row
        rows.insert(*[_row(key, figures) for key, figures in sums.items() if any(figures[f] for f in FIGURES)])
    return len(removed)


def summed(objs: Iterable[DayTally]) -> list[DayTally]:
    """Rows not yet written, added up to one per key (bulk intake writes a batch's
    changes this way: the figures are the same sums in fewer rows). Each keeps the id
    of the first row of its key."""
    out: dict[Key, DayTally] = {}
    for obj in objs:
        key = (obj.day, obj.responsible_unit_id, obj.intake_unit_id, obj.category)
        first = out.get(key)
        if first is None:
            out[key] = obj
            continue
        for f in FIGURES:
            setattr(first, f, getattr(first, f) + getattr(obj, f))
    return [obj for obj in out.values() if any(getattr(obj, f) for f in FIGURES)]
