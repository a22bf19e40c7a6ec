"""Reads every request makes, by statements written once per process and prepared on
PostgreSQL: an API request's token with its member of staff, their unit and roles; the
calendar's days under every due date.

The ORM compiles a read afresh each time: the token's `select_related` over four tables
was about 0.7 ms of Python and 0.3 ms of PostgreSQL planning, a tenth of a single create;
a two-column read of a small table 0.13 ms. Here the statement is text built from the
models' own columns, and the instances are made as the ORM makes them (`Model.from_db`,
each column's `from_db_value`), the related ones cached on the field as `select_related`
caches them. PostgreSQL only: the callers keep the ORM's read for SQLite, whose raw
cursor gives dates as text.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import connection
from django.db.models import Model

from redress.complaints import rows


@lru_cache(maxsize=32)
def _columns(model: type[Model]) -> tuple:
    fields = rows.columns(model)
    converters = tuple((i, f) for i, f in enumerate(fields) if hasattr(f, "from_db_value"))
    return fields, tuple(f.attname for f in fields), converters


def select_list(alias: str, model: type[Model]) -> str:
    """The columns of `model` under the table alias `alias`, in the order `instance` reads them."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(f.column)}" for f in _columns(model)[0])


def width(model: type[Model]) -> int:
    return len(_columns(model)[0])


def instance(model: type[Model], row, start: int) -> Model | None:
    """The instance of `model` whose columns begin at `start` in `row`, as the ORM reads
    it; None when its primary key is NULL (an outer join that found nothing)."""
    fields, names, converters = _columns(model)
    values = list(row[start:start + len(fields)])
    if values[names.index(model._meta.pk.attname)] is None:
        return None
    for i, field in converters:
        values[i] = field.from_db_value(values[i], None, connection)
    return model.from_db(connection.alias, names, values)


def relate(obj: Model, name: str, target: Model | None) -> None:
    """Cache `target` on `obj`'s foreign key `name`, as select_related leaves it."""
    obj._meta.get_field(name).set_cached_value(obj, target)


def fetch_one(sql: str, params: list):
    """The first row of `sql`, through the prepared statements' cursor (complaints/rows.py)."""
    with rows.prepared_cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()


def fetch_all(sql: str, params: list) -> list:
    with rows.prepared_cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()
