"""New rows held back and written in sets (bulk intake, issue 13 item 10).

The services write every new row through `rows.insert`. Inside `holding()` that call
gives each instance its primary key at once — from a block of ids taken from the
table's sequence in one statement on PostgreSQL, counted on from the table's highest id
on SQLite, where the transaction holds the write lock from its BEGIN (IMMEDIATE) — and
keeps it. `flush()` writes each table's rows together: `COPY` on PostgreSQL, multi-row
INSERTs on SQLite. The services themselves run unchanged, so a complaint taken in this
way is the same rows, the same events and the same hash chain as one taken alone; only
the number of statements differs. Foreign keys are checked at commit on both databases
(or, on PostgreSQL when the role may, by `keys_by_set` after each flush: a statement a
referenced table instead of a query a row), so a flush may write its tables in any order.

What holding cannot do is answer a read of a row it holds. The caller flushes before a
service would read one (`bulk_intake` lists when), or runs that service with holding
`paused()`.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from operator import attrgetter

from django.db import connection
from django.db.models import Model

from redress.complaints import keys_by_set, references, rows

BLOCK = 200  # ids taken from a PostgreSQL sequence at a time at first; the unused ones are a gap
MAX_BLOCK = 5000  # a table that needs more takes twice as many each time, up to this
# Rows of each table an item of the last batch made (bulk intake asks for that many ids
# for the next batch up front, every table in one statement).
PER_ITEM: dict[str, dict[type[Model], float]] = {}
INSERT_ROWS = 100  # rows per INSERT on SQLite (one compiled statement, reused)


class Tallies:
    """The day and period tallies' changes of many complaints added up by key, written as
    one row a key (`write`): the same sums in fewer rows, and no row object, id or COPY
    line for each change. Bulk import keeps them for a batch, or for the whole file
    when it is one transaction (`redress import` without --resume)."""

    def __init__(self):
        from redress.complaints import period_tally, tally

        self._tally, self._period = tally, period_tally
        self.day: dict[tuple, list[int]] = {}
        self.period: dict[tuple, Counter] = {}

    def add(self, objs) -> None:
        """Rows a service would have inserted (DayTally or PeriodTally, one model)."""
        model = type(objs[0])
        if model._meta.label == "complaints.DayTally":
            sums = self.day
            for o in objs:
                key = (o.day, o.responsible_unit_id, o.intake_unit_id, o.category)
                kept = sums.get(key)
                if kept is None:
                    sums[key] = [o.received, o.stopped, o.on_time, o.late]
                else:
                    kept[0] += o.received
                    kept[1] += o.stopped
                    kept[2] += o.on_time
                    kept[3] += o.late
            return
        key_of, figures = attrgetter(*self._period.KEY), self._period.FIGURES
        for o in objs:
            counts = self.period.setdefault(key_of(o), Counter())
            for f in figures:
                if value := getattr(o, f):
                    counts[f] += value

    def add_day(self, deltas: dict[tuple, list[int]]) -> None:
        """Day tally changes already added up by key (tally.sums_of_changes); the list of
        each new key is kept, not copied (the caller made it for this)."""
        sums = self.day
        for key, figures in deltas.items():
            kept = sums.get(key)
            if kept is None:
                if any(figures):
                    sums[key] = figures
            else:
                kept[0] += figures[0]
                kept[1] += figures[1]
                kept[2] += figures[2]
                kept[3] += figures[3]

    def add_period(self, sums: dict[tuple, Counter]) -> None:
        """Period tally figures already added up by key (period_tally.sums_new)."""
        for key, figures in sums.items():
            kept = self.period.get(key)
            if kept is None:
                self.period[key] = figures
            else:
                kept.update(figures)

    def write(self) -> None:
        """One row a key whose figures are not all zero; then empty."""
        tally, period = self._tally, self._period
        day = [(*key, *figures) for key, figures in self.day.items() if any(figures)]
        _write_values(tally.DayTally, tally.KEY + tally.FIGURES, day)
        names = period.FIGURES
        rows_ = [(*key, *(figures[f] for f in names)) for key, figures in self.period.items()
                 if any(figures.values())]
        _write_values(period.PeriodTally, period.KEY + names, rows_)
        self.day, self.period = {}, {}


class Held:
    def __init__(self, tallies: Tallies | None = None):
        # Tallies: the day and period tally rows added up here rather than held one by one
        self.tallies = tallies
        self.rows: dict[type[Model], list[Model]] = {}
        self._ids: dict[type[Model], deque[int]] = {}  # ready to give
        self._given: dict[type[Model], int] = {}  # SQLite: the highest id handed out or ready
        # (prefix, year) → reference numbers reserved in order (references.allocate takes them)
        self.references: dict[tuple[str, int], deque[str]] = {}
        self.paused_now = False
        self._memo: dict = {}
        self.customers = None  # services.customers.Prefetched: the batch's records, read once
        self.counted_later: list[int] = []  # new complaints whose period tallies follow the write
        self._taken: dict[type[Model], int] = {}  # ids handed out, by table (for PER_ITEM)
        self._items = 0
        self.copied: dict[type[Model], set[int]] = {}  # ids of the rows flushed with the key triggers off
        # The database the rows go to, read once: the connection proxy's look-up is a
        # thread-local read each time (a few a complaint: 3 % of an import).
        self.alias = connection.alias

    # --- what rows.insert hands over ---------------------------------------------------

    def add(self, objs) -> None:
        model = type(objs[0])
        if model in _tallied():
            if self.tallies is not None:
                self.tallies.add(objs)
            else:  # kept, to be dropped with a refused item (drop_to), and added up when written: no id
                self.rows.setdefault(model, []).extend(objs)
            return
        kept = self.rows.setdefault(model, [])
        alias = self.alias
        for obj in objs:
            if obj.pk is None:
                obj.pk = self.next_id(model)
            obj._state.adding, obj._state.db = False, alias
            kept.append(obj)

    def number(self, objs) -> None:
        """Paused, on PostgreSQL: give the instances written straight away their ids from
        the blocks too, so ids follow the order the service calls came in."""
        if connection.vendor == "postgresql" and objs[0].pk is None:
            for obj in objs:
                obj.pk = self.next_id(type(obj))

    def next_id(self, model: type[Model]) -> int:
        free = self._ids.get(model)
        taken = self._taken.get(model, 0)
        if not free:
            self.reserve(model, min(MAX_BLOCK, max(BLOCK, taken)))  # doubling: at most half of them a gap
            free = self._ids[model]
        self._taken[model] = taken + 1
        return free.popleft()

    def reserve(self, model: type[Model], count: int) -> None:
        """Have `count` ids of `model` ready, taken in one statement (a caller that knows
        how many it needs asks for exactly that many, so no id is wasted)."""
        self.reserve_many({model: count})

    def reserve_many(self, counts: dict[type[Model], int]) -> None:
        """`reserve` for several tables, in one statement on PostgreSQL."""
        wanted = {}
        for model, count in counts.items():
            have = self._ids.setdefault(model, deque())
            if count > len(have):
                wanted[model] = count - len(have)
        if not wanted:
            return
        if connection.vendor == "postgresql":
            for model, ids in _blocks(wanted).items():
                self._ids[model] += ids
        else:  # nothing else writes meanwhile: count on from the last id given
            for model, count in wanted.items():
                have = self._ids[model]
                last = have[-1] if have else self._given.get(model) or _highest(model)
                have += range(last + 1, last + 1 + count)
        for model in wanted:
            self._given[model] = self._ids[model][-1]

    def expect(self, kind: str, items: int, exact: dict[type[Model], int]) -> None:
        """Reserve the ids of `exact`, and those `items` items of `kind` will need if each
        makes as many rows of each table as one of the last batch of that kind did: one
        statement (more are taken as they are needed, fewer leave a gap)."""
        self._kind, self._items = kind, items
        guess = {model: n for model, per in PER_ITEM.get(kind, {}).items() if (n := int(per * items)) > 0}
        self.reserve_many(guess | exact)

    def learned(self) -> None:
        """Remember how many rows of each table an item of this batch made (see expect)."""
        if self._items:
            PER_ITEM[self._kind] = {model: taken / self._items for model, taken in self._taken.items()}

    def reserve_references(self, prefix: str, year: int, count: int) -> None:
        self.references.setdefault((prefix, year), deque()).extend(references.allocate_block(prefix, year, count))

    def remember(self, key, compute):
        """A read the batch needs once (the calendar: the batch is one transaction)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    # --- dropping a refused item's rows -------------------------------------------------

    def mark(self) -> dict:
        return {model: len(kept) for model, kept in self.rows.items()}

    def drop_to(self, mark: dict) -> None:
        for model, kept in self.rows.items():
            del kept[mark.get(model, 0):]

    # --- writing ---------------------------------------------------------------------

    def flush(self) -> None:
        to_copy = []
        for model, kept in self.rows.items():
            if not kept:
                continue
            if model in _tallied():  # one row a key
                sums = Tallies()
                sums.add(kept)
                sums.write()
            else:
                to_copy.append((model, kept))
        with keys_by_set.copying() as checking:
            for model, kept in to_copy:
                _write(model, kept)
        if checking:  # the foreign keys' triggers were off: their checks, a table at a time
            keys: dict[type[Model], set] = {}
            for model, kept in to_copy:
                self.copied.setdefault(model, set()).update(obj.pk for obj in kept)
                keys_by_set.keys_of(model, kept, keys)
            keys_by_set.check(keys, self.copied)
        self.rows = {}

    def replace(self, model: type[Model], objs: list[Model]) -> None:
        """Put `objs` in the place of the held rows of `model` (the day tallies summed)."""
        self.rows[model] = objs

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Run a service that reads what it writes: what is held is written first, and the
        service's own rows go straight to the database (reference numbers reserved in
        advance are still taken in order)."""
        self.flush()
        self.paused_now = True
        try:
            yield
        finally:
            self.paused_now = False
            if connection.vendor != "postgresql":  # the service took ids of its own: read them again
                self._ids, self._given = {}, {}


@contextmanager
def holding(tallies: Tallies | None = None) -> Iterator[Held]:
    """Hold the new rows written inside; the caller flushes (inside its transaction).
    `tallies`: the day and period tallies' changes are added up there (the caller writes
    them), not held as rows."""
    held = Held(tallies)
    token = rows.HOLDING.set(held)
    try:
        yield held
    finally:
        rows.HOLDING.reset(token)


def _blocks(counts: dict[type[Model], int]) -> dict[type[Model], list[int]]:
    """`count` new ids of each table, from its sequence, in one statement."""
    tables = list(counts)
    part = "SELECT %s, nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
    params = [p for i, model in enumerate(tables) for p in (i, model._meta.db_table, counts[model])]
    out: dict[type[Model], list[int]] = {model: [] for model in tables}
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join([part] * len(tables)), params)
        for i, n in cur.fetchall():
            out[tables[i]].append(n)
    for ids in out.values():
        ids.sort()
    return out


def _highest(model: type[Model]) -> int:
    """SQLite: AUTOINCREMENT never gives an id twice, so count on from the highest ever given."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                    f"coalesce((SELECT max(id) FROM {connection.ops.quote_name(table)}), 0))", [table])
        return cur.fetchone()[0]


@lru_cache(maxsize=1)
def _tallied() -> frozenset:
    from redress.complaints.models import DayTally, PeriodTally

    return frozenset({DayTally, PeriodTally})


def _write_values(model: type[Model], attnames: tuple[str, ...], values: list[tuple]) -> None:
    """New rows of `model` given as tuples of the columns `attnames` (the id from the
    table's sequence, the other columns their defaults): COPY on PostgreSQL, multi-row
    INSERTs elsewhere. Only for columns psycopg takes as they are (no JSON)."""
    if not values:
        return
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        columns = ", ".join(quote(model._meta.get_field(a).column) for a in attnames)
        connection.ensure_connection()
        with (connection.connection.cursor() as cur,
              cur.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy):
            write = copy.write_row
            for row in values:
                write(row)
        return
    objs = [rows.build(model, **dict(zip(attnames, row, strict=True))) for row in values]
    _write(model, objs)


def _write(model: type[Model], objs: list[Model]) -> None:
    fields = rows.columns(model)
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = (f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
               "FROM STDIN")
        connection.ensure_connection()
        row = rows.row_values(model, True, connection.vendor)  # as rows.insert prepares them
        with connection.connection.cursor() as cur, cur.copy(sql) as copy:
            write = copy.write_row
            for obj in objs:
                write(row(obj))
        return
    token = rows.HOLDING.set(None)  # rows.insert writes, not holds, meanwhile
    try:
        for i in range(0, len(objs), INSERT_ROWS):
            rows.insert(*objs[i:i + INSERT_ROWS])
    finally:
        rows.HOLDING.reset(token)
