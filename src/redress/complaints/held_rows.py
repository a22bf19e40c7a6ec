"""New rows held back and written in sets (bulk intake, issue 13 item 10).

The services write every new row through `rows.insert`. Inside `holding()` that call
gives each instance its primary key at once — from a block of ids taken from the
table's sequence in one statement on PostgreSQL, counted on from the table's highest id
on SQLite, where the transaction holds the write lock from its BEGIN (IMMEDIATE) — and
keeps it. `flush()` writes each table's rows together: `COPY` on PostgreSQL, multi-row
INSERTs on SQLite. The services themselves run unchanged, so a complaint taken in this
way is the same rows, the same events and the same hash chain as one taken alone; only
the number of statements differs. Foreign keys are checked at commit on both databases,
so the tables may be written in any order.

What holding cannot do is answer a read of a row it holds. The caller flushes before a
service would read one (`bulk_intake` lists when), or runs that service with holding
`paused()`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.db import connection, models
from django.db.models import Model

from redress.complaints import references, rows

BLOCK = 200  # ids taken from a PostgreSQL sequence at a time; the unused ones are a gap
INSERT_ROWS = 100  # rows per INSERT on SQLite (one compiled statement, reused)


class Held:
    def __init__(self):
        self.rows: dict[type[Model], list[Model]] = {}
        self._ids: dict[type[Model], deque[int]] = {}  # ready to give
        self._given: dict[type[Model], int] = {}  # SQLite: the highest id handed out or ready
        # (prefix, year) → reference numbers reserved in order (references.allocate takes them)
        self.references: dict[tuple[str, int], deque[str]] = {}
        self.paused_now = False
        self._memo: dict = {}
        self.customers = None  # services.customers.Prefetched: the batch's records, read once
        self.counted_later: list[int] = []  # new complaints whose period tallies follow the write

    # --- what rows.insert hands over ---------------------------------------------------

    def add(self, objs) -> None:
        model = type(objs[0])
        kept = self.rows.setdefault(model, [])
        for obj in objs:
            if obj.pk is None:
                obj.pk = self.next_id(model)
            obj._state.adding, obj._state.db = False, connection.alias
            kept.append(obj)

    def number(self, objs) -> None:
        """Paused, on PostgreSQL: give the instances written straight away their ids from
        the blocks too, so ids follow the order the service calls came in."""
        if connection.vendor == "postgresql" and objs[0].pk is None:
            for obj in objs:
                obj.pk = self.next_id(type(obj))

    def next_id(self, model: type[Model]) -> int:
        free = self._ids.get(model)
        if not free:
            self.reserve(model, BLOCK)
            free = self._ids[model]
        return free.popleft()

    def reserve(self, model: type[Model], count: int) -> None:
        """Have `count` ids of `model` ready, taken in one statement (a caller that knows
        how many it needs asks for exactly that many, so no id is wasted)."""
        have = self._ids.setdefault(model, deque())
        if len(have) >= count:
            return
        if connection.vendor == "postgresql":
            have += _block(model, count - len(have))
        else:  # nothing else writes meanwhile: count on from the last id given
            last = have[-1] if have else self._given.get(model) or _highest(model)
            have += range(last + 1, last + 1 + count - len(have))
        self._given[model] = have[-1]

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
        for model, kept in self.rows.items():
            if kept:
                _write(model, kept)
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
def holding() -> Iterator[Held]:
    """Hold the new rows written inside; the caller flushes (inside its transaction)."""
    held = Held()
    token = rows.HOLDING.set(held)
    try:
        yield held
    finally:
        rows.HOLDING.reset(token)


def _block(model: type[Model], count: int) -> list[int]:
    with connection.cursor() as cur:
        cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [model._meta.db_table, count])
        return sorted(n for (n,) in cur.fetchall())


def _highest(model: type[Model]) -> int:
    """SQLite: AUTOINCREMENT never gives an id twice, so count on from the highest ever given."""
    table = model._meta.db_table
    with connection.cursor() as cur:
        cur.execute(f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
                    f"coalesce((SELECT max(id) FROM {connection.ops.quote_name(table)}), 0))", [table])
        return cur.fetchone()[0]


def _write(model: type[Model], objs: list[Model]) -> None:
    fields = rows.columns(model)
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        sql = (f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
               "FROM STDIN")
        connection.ensure_connection()
        getters = _copy_values(model)
        with connection.connection.cursor() as cur, cur.copy(sql) as copy:
            for obj in objs:
                copy.write_row([get(obj) for get in getters])
        return
    token = rows.HOLDING.set(None)  # rows.insert writes, not holds, meanwhile
    try:
        for i in range(0, len(objs), INSERT_ROWS):
            rows.insert(*objs[i:i + INSERT_ROWS])
    finally:
        rows.HOLDING.reset(token)


# Columns whose Python value psycopg writes as it is: the field's own preparation (most of
# the Python time of a COPY, a few calls per column and row) would hand back the same value.
PLAIN = (models.AutoField, models.BigAutoField, models.IntegerField, models.BooleanField, models.CharField,
         models.TextField, models.DateField)  # DateTimeField is a DateField; values are aware datetimes


@lru_cache(maxsize=64)
def _copy_values(model: type[Model]) -> tuple:
    """One function per column giving its value as save() would prepare it."""
    def related(field):
        attname = field.attname

        def get(obj):
            value = getattr(obj, attname)
            if value is None:  # assigned before it had its id
                target = field.get_cached_value(obj, None)
                if target is not None:
                    value = target.pk
                    setattr(obj, attname, value)
            return value
        return get

    def plain(field):
        attname = field.attname
        return lambda obj: getattr(obj, attname)

    def prepared(field):
        return lambda obj: field.get_db_prep_save(field.pre_save(obj, add=True), connection)

    getters = []
    for field in rows.columns(model):
        if field.is_relation:
            getters.append(related(field))
        elif isinstance(field, PLAIN) and not (getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)):
            getters.append(plain(field))
        else:
            getters.append(prepared(field))
    return tuple(getters)
