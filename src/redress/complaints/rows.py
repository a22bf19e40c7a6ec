"""New rows written with an INSERT compiled once per model (the intake hot path).

Django compiles every INSERT afresh on each save() and bulk_create(): about half a
millisecond of Python a statement, more than PostgreSQL then takes to run it, and a
registered complaint writes seven tables. Here the statement text is built once per
model, column list, row count and database, and reused. Values are prepared by each
field as save() prepares them (`pre_save(add=True)`, then `get_db_prep_save`), so the
rows are the ORM's rows. As with bulk_create, no model signals are sent (the project
connects none to these models) and `save()` overrides are not called (none exist).
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from operator import attrgetter

from django.conf import settings
from django.db import connection, models
from django.db.backends.utils import CursorDebugWrapper
from django.db.models import Model
from django.db.models.base import ModelState

# Bulk intake (complaints/held_rows.py) holds the rows back to write them in sets: while
# it is set, insert() hands the instances to it (they get their pk at once, from a block).
HOLDING: ContextVar = ContextVar("redress_rows_held", default=None)


def held() -> bool:
    """Whether new rows are being held back (bulk intake) rather than written."""
    held = HOLDING.get()
    return held is not None and not held.paused_now


def held_tallies():
    """Bulk import's held_rows.Tallies, while rows are held into one (not paused): the
    day and period tallies' changes are added up there by key rather than made into
    rows. None otherwise."""
    held = HOLDING.get()
    return held.tallies if held is not None and not held.paused_now else None


def insert(*objs: Model) -> None:
    """INSERT unsaved instances of one model in one statement. Instances without a pk
    get theirs from the database (RETURNING); all or none of them may carry one."""
    if not objs:
        return
    if (held := HOLDING.get()) is not None:
        if not held.paused_now:
            held.add(objs)
            return
        held.number(objs)  # written now, numbered from the same blocks (ids stay in the order of the calls)
    model = type(objs[0])
    given = [obj.pk is not None for obj in objs]
    if any(given) != all(given) or any(type(obj) is not model for obj in objs):
        raise ValueError("insert(): instances of one model, with pks on all or none of them")
    row = row_values(model, given[0], connection.vendor)
    params = [value for obj in objs for value in row(obj)]
    sql = _statement(model, given[0], len(objs), connection.vendor)
    with prepared_cursor() as cur:
        cur.execute(sql, params)
        if not given[0]:
            for obj, (pk,) in zip(objs, cur.fetchall(), strict=True):
                obj.pk = pk
    alias = connection.alias
    for obj in objs:
        obj._state.adding, obj._state.db = False, alias


def build(model: type[Model], *, related: dict[str, Model] | None = None, **values) -> Model:
    """`model(**values)`, made without Model.__init__: each column's value set on the
    instance directly, none through a descriptor, as Django leaves a row it has read (a
    few times faster, the complaint row twelve; intake makes several rows a complaint,
    bulk intake thousands a second). `values` by column
    attribute (`unit_id`, not `unit`); a column not given gets its default. `related`:
    instances (or None) for foreign keys (`{"complaint": c}`), kept on the row as
    assigning them would keep them, their id taken now or, if they have none yet, when
    written."""
    related = related or {}
    for name, target in related.items():
        values[_field(model, name).attname] = target.pk if target is not None else None
    fixed, made, names = _defaults(model)
    if not names.issuperset(values):
        raise TypeError(f"build({model.__name__}): no such columns {sorted(set(values) - names)}")
    obj = model.__new__(model)
    # What Model.__init__ leaves: its state, and each column's value under its attname
    # (no model here has init signals, a descriptor that computes, or a deferred field).
    obj._state = ModelState()
    given = obj.__dict__
    given.update(fixed)
    for attname, default in made:
        if attname not in values:
            given[attname] = default()
    given.update(values)
    for name, target in related.items():
        _field(model, name).set_cached_value(obj, target)
    return obj


@lru_cache(maxsize=64)
def _defaults(model: type[Model]) -> tuple[dict, tuple, frozenset]:
    """The columns' defaults as Model.__init__ gives them: a value that is not callable
    is the same object every time there too; a callable (list, dict, now) is called for
    each row. And every column's attname."""
    fixed, made = {}, []
    for f in _fields(model, with_pk=True):
        if f.has_default() and callable(f.default):
            made.append((f.attname, f.default))
        else:
            fixed[f.attname] = f.get_default()
    return fixed, tuple(made), frozenset(fixed) | {a for a, _ in made}


@lru_cache(maxsize=64)
def _field(model: type[Model], name: str):
    return model._meta.get_field(name)


def values(obj: Model, fields) -> list:
    """The column values of `obj` as save() prepares them."""
    out = []
    for field in fields:
        if field.is_relation and getattr(obj, field.attname) is None:
            related = field.get_cached_value(obj, None)  # assigned before it had its id
            if related is not None:
                setattr(obj, field.attname, related.pk)
        out.append(field.get_db_prep_save(field.pre_save(obj, add=True), connection))
    return out


@lru_cache(maxsize=128)
def row_values(model: type[Model], with_pk: bool, vendor: str):
    """`values` for every instance of `model` (rows.insert's INSERT and bulk intake's
    COPY), without a call into the field for a value psycopg takes as it is (preparing
    each column was a fifth of a create's Python, and most of a COPY's): on
    PostgreSQL, a value of the exact type its field's preparation would hand on unchanged.
    Any other value (None in a JSON column, a lazy translation, a naive datetime) is
    prepared by its field. The foreign keys assigned before their target had its id, and
    the columns saved with auto_now, are handled as `values` handles them."""
    fields = _fields(model, with_pk=with_pk)
    if vendor != "postgresql":
        return lambda obj: values(obj, fields)
    names = [f.attname for f in fields]
    read = attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))
    relations = [(i, f) for i, f in enumerate(fields) if f.is_relation]
    stamped = [(i, f) for i, f in enumerate(fields)
               if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    plain = [_plain_types(f) for f in fields]

    def row(obj) -> list:
        out = list(read(obj))
        for i, field in relations:
            if out[i] is None:
                related = field.get_cached_value(obj, None)  # assigned before it had its id
                if related is not None:
                    out[i] = related.pk
                    setattr(obj, field.attname, related.pk)
        for i, field in stamped:
            out[i] = field.pre_save(obj, add=True)
        for i, value in enumerate(out):
            kind = type(value)
            if kind not in plain[i] or (kind is datetime and value.tzinfo is None):
                out[i] = fields[i].get_db_prep_save(value, connection)
        return out
    return row


_NONE = type(None)


def _plain_types(field) -> frozenset:
    """The types of value that `field` hands psycopg as they are on PostgreSQL (an aware
    datetime among them: Django passes it on). None for the columns that store it as NULL."""
    if field.is_relation or isinstance(field, models.IntegerField):  # AutoField, BigAutoField too
        return frozenset({int, _NONE})
    if isinstance(field, models.BooleanField):
        return frozenset({bool, _NONE})
    if isinstance(field, models.CharField | models.TextField):
        return frozenset({str, _NONE})
    if isinstance(field, models.DateTimeField):
        return frozenset({datetime, _NONE})
    if isinstance(field, models.DateField):
        return frozenset({date, _NONE})
    if isinstance(field, models.FloatField):
        return frozenset({float, _NONE})
    return frozenset()  # JSON, decimals, UUIDs, bytes, files: always their field's preparation


def columns(model: type[Model]) -> tuple:
    """Every concrete field of `model`, primary key included (rows written with their ids)."""
    return _fields(model, with_pk=True)


class _LoggedAsWritten(CursorDebugWrapper):
    """Logs the statement as written (placeholders, not values): for a prepared
    statement psycopg keeps no query text for Django to show."""

    def execute(self, sql, params=None):
        with self.debug_sql(sql, params):
            return self.cursor.execute(sql, params)


def prepared_cursor():
    """On PostgreSQL a server-binding cursor whose statements are prepared at first use:
    the same few INSERTs run on every create, so PostgreSQL parses and plans each once
    per connection instead of every time (about a fifth of its CPU for a create; Django's
    own cursors bind on the client and never prepare). Wrapped like Django's cursors, so
    the queries are logged and counted as every other. REDRESS_DB_PREPARED=0 turns it
    off (for a pooler in transaction mode that does not keep prepared statements, such
    as PgBouncer before 1.21)."""
    if connection.vendor != "postgresql" or not settings.REDRESS_DB_PREPARED:
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = 0  # only server-binding cursors prepare, i.e. these
    cursor = ServerBindingCursor(raw)
    return _LoggedAsWritten(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


@lru_cache(maxsize=64)
def _fields(model: type[Model], *, with_pk: bool) -> tuple:
    return tuple(f for f in model._meta.concrete_fields if with_pk or not f.primary_key)


@lru_cache(maxsize=256)
def _statement(model: type[Model], with_pk: bool, rows: int, vendor: str) -> str:
    quote = connection.ops.quote_name
    fields = _fields(model, with_pk=with_pk)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
           f"VALUES {', '.join([row] * rows)}")
    if not with_pk:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql
