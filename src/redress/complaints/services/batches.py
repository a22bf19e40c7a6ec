"""The sweep's work a batch at a time (issue 15 item 6): no cap per run, safe with two
sweeps at once, and cheap per case.

`each_batch` finds the complaints that have something due by an index on the clocks,
once per run, and takes them `batch` at a time in complaint-id order (a case skipped is
not asked again in the same run, so a run always ends). Each batch is one transaction, and `acting_on_each` is `acting_on` for all of its complaints together:
it locks them with `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL — a case another
sweep (or a person) holds is left to them, and a second sweep takes the next ones
instead of waiting — and hands the service one `Step` per case locked. The service
reads the clocks again under the lock (what another sweep recorded meanwhile is seen as
done), so every late clock, reminder and escalation is recorded once. On leaving, each
step is finished as acting_on finishes one (its state, version, due time, day tallies,
ledger head), and the batch's new rows — events, outbox, tallies, alerts — are written
together (complaints/held_rows.py: COPY on PostgreSQL) and its complaints in one UPDATE:
a few statements a batch rather than ten a case. The lock is taken on the complaint
first, as every service takes it, so a sweep and a person never deadlock.

SQLite has no row locks: its transactions take the database's write lock at BEGIN
(IMMEDIATE, settings.py), so two sweeps there run their batches one after the other.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import QuerySet

from redress.complaints import period_tally, tally
from redress.complaints.held_rows import holding
from redress.complaints.lifecycle import TRANSITIONS, Action, State
from redress.complaints.models import Complaint
from redress.complaints.services.base import CHANNELS, Step, sync_due_at
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack

log = logging.getLogger(__name__)
BATCH = 500  # complaints per transaction: a second or two of work, a short hold on their rows


def each_batch(candidates: QuerySet, handle: Callable[[list[int]], int], *, batch: int = BATCH) -> int:
    """Call `handle(complaint_ids)` in a transaction for each batch of the complaints
    `candidates` finds (a queryset of complaint ids, read once: one range of the clocks'
    partial index, no ORDER BY, so the planner cannot prefer walking the whole clock
    table in complaint order); the sum of what it returns. What falls due meanwhile is
    the next run's."""
    ids = sorted(set(candidates))
    total = 0
    for i in range(0, len(ids), batch):
        with transaction.atomic():
            total += handle(ids[i:i + batch])
    return total


@contextmanager
def acting_on_each(ids: list[int], action: Action, *, via: str, changes_case: bool = True,
                   related: tuple[str, ...] = (),
                   moves_facts: Callable[[Step, period_tally.Facts], period_tally.Facts] | None = None,
                   ) -> Iterator[list[Step]]:
    """`acting_on` (actor None: the sweep) for the complaints of `ids` that are not
    locked by someone else, inside the caller's transaction. A case in a state the
    action is not allowed from is left, and logged. `related`: foreign keys read with
    the rows (the people a message goes to). `moves_facts`: how the service's change
    moves a case's statistical facts (say, "late" once a clock is marked), so the batch
    works them out from the facts read before instead of reading them all again (six
    index probes a case); unset, they are read again. The service must not refuse one
    case (raise) in the batch: that rolls back the batch."""
    if via not in CHANNELS:
        raise ValueError(f"via={via!r}: expected one of {sorted(CHANNELS)}")
    found = Complaint.objects.filter(pk__in=ids).select_for_update(skip_locked=True, of=("self",))
    now, pack = current_time(), active_pack()
    allowed = TRANSITIONS[action][0]
    steps, marks = [], []
    for row in found.select_related(*related).order_by("pk"):
        if State(row.state) not in allowed:
            log.warning("complaint %s: %s not done in state %s", row.pk, action.value, row.state)
            continue
        steps.append(Step(complaint=row, action=action, actor=None, via=via, now=now, pack=pack,
                          before=State(row.state)))
        marks.append(tally.mark(row))
    # The statistics' period tallies move as acting_on moves them (its count_statistics):
    # the batch's complaints' facts now less their facts before, read once for the batch.
    in_statistics = [s.complaint.pk for s in steps
                     if s.complaint.kind == Complaint.Kind.COMPLAINT] if changes_case else []
    cal = steps[0].work_calendar() if in_statistics else None
    before = period_tally.facts(in_statistics, cal) if in_statistics else {}
    moved = {}
    with holding() as held:
        yield steps
        for step, counted in zip(steps, marks, strict=True):
            if moves_facts is not None and step.complaint.pk in before:
                moved[step.complaint.pk] = moves_facts(step, before[step.complaint.pk])  # (count() forgets the step's breaches)
            row = step.complaint
            if step.target is not None:
                row.state = step.target.value
            if changes_case:
                row.version += 1
                row.updated_at = step.now
                sync_due_at(row, step.clocks)
            step.count(counted)
            step.flush()  # into the held rows
        held.flush()
    fields = ["state", "ledger_head", "ledger_length"] + (["version", "updated_at", "due_at"] if changes_case else [])
    update_rows([s.complaint for s in steps], fields)
    if in_statistics:
        after = period_tally.facts(in_statistics, cal) if moves_facts is None else moved
        period_tally.insert(period_tally.changes(before, after))


def update_rows(objs: list, fields: list[str]) -> None:
    """Save `fields` of many rows of one model in one statement. On PostgreSQL an UPDATE
    from a VALUES list (Django's bulk_update builds a CASE per field and row, slower to
    compile in Python than the batch's whole work); elsewhere bulk_update."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objs, fields)
        return
    quote = connection.ops.quote_name
    pk = model._meta.pk
    cols = [model._meta.get_field(f) for f in fields]
    values = ", ".join(["(" + ", ".join(["%s"] * (len(cols) + 1)) + ")"] * len(objs))
    assign = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}::{c.db_type(connection)}" for c in cols)
    sql = (f"UPDATE {quote(model._meta.db_table)} AS t SET {assign} FROM (VALUES {values}) "
           f"AS v({quote(pk.column)}, {', '.join(quote(c.column) for c in cols)}) "
           f"WHERE t.{quote(pk.column)} = v.{quote(pk.column)}")
    params = [p for obj in objs for p in [obj.pk, *(c.get_db_prep_save(getattr(obj, c.attname), connection)
                                                      for c in cols)]]
    with connection.cursor() as cur:
        cur.execute(sql, params)


def clocks_of(steps: list[Step]) -> None:
    """Read every clock of the batch's complaints in one query, under their locks, as
    each step's known clocks."""
    from redress.complaints.models import ComplaintClock

    by_case = {s.complaint.pk: s for s in steps}
    for s in steps:
        s.clocks = []
    for clock in ComplaintClock.objects.filter(complaint_id__in=list(by_case)).order_by("pk"):
        step = by_case[clock.complaint_id]
        clock.complaint = step.complaint
        step.clocks.append(clock)
