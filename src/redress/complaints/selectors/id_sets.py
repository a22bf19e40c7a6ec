"""A set of ids read once and then used as a condition: `among(ids)`.

On PostgreSQL the ids go as one array literal (`id = ANY('{…}'::bigint[])`), not as
an IN list of thousands of placeholders (Django and psycopg build and PostgreSQL parses
each one), and not as the subquery that found them: PostgreSQL 14 and later hash a
constant array, so a list walked in its own index order (most urgent first) can test
each row against 15,000 ids for the price of a lookup, where the subquery made it join
and sort every one of them first (the complaints office's "needs my action" at a
million complaints: 107 ms → 12 ms, selectors/needs_me.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q, QuerySet
from django.db.models.lookups import In

from redress.complaints.selectors.fetch import driver_rows


class _InArray(In):
    """`field IN values`, written for PostgreSQL as one array parameter of `sql_type`."""

    prepare_rhs = False  # made of the field's type already; the field is not known before resolving
    sql_type = ""

    def __init__(self, lhs, rhs: list):
        super().__init__(lhs, rhs)
        # Made once: a page asks the same set in several lists and counts.
        self.array = self.literal(rhs)

    @staticmethod
    def literal(values) -> str:
        raise NotImplementedError

    def get_prep_lookup(self):
        return self.rhs  # of the column's type already: In's loop over 15,000 ids was ~3 ms a set

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        # The array as one text: psycopg would dump a list one element at a time in Python.
        return f"{lhs} = ANY(%s::{self.sql_type}[])", (*params, self.array)


class InIds(_InArray):
    """`field IN ids`, one bigint array on PostgreSQL."""

    sql_type = "bigint"

    @staticmethod
    def literal(values) -> str:
        return id_array(values)


class InTexts(_InArray):
    """`field IN texts`, one text array on PostgreSQL: bulk intake's customer look-up asks
    for the records of 500 complaints' phones, emails and accounts at once (~1,500 values).
    Not an InIds: what tests for a set of ids (a count known without asking) must not
    take it for one."""

    sql_type = "text"

    @staticmethod
    def literal(values) -> str:
        return text_array(values)


def id_array(values: Iterable[int]) -> str:
    """`values` as one PostgreSQL array literal, for a `%s::bigint[]` parameter."""
    return "{" + ",".join(map(str, values)) + "}"


def text_array(values: Iterable[str]) -> str:
    """`values` as one PostgreSQL array literal, for a `%s::text[]` parameter: each element
    quoted, its backslashes and double quotes escaped (array input syntax). Hundreds of
    values as one parameter, not one placeholder each (psycopg quotes each parameter and
    splits a long query's placeholders in Python)."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def read_ids(qs: QuerySet) -> list[int]:
    """The ids a query of one id column gives (fetch.driver_rows: ids need no
    conversion, so they come as the driver's tuples)."""
    return [row[0] for row in driver_rows(qs)]


def among(ids: Iterable[int] | QuerySet, field: str = "pk") -> Q:
    """The rows whose `field` is one of `ids` (none when there are none); a query of
    one column of ids is read here."""
    found = read_ids(ids) if isinstance(ids, QuerySet) else list(map(int, ids))  # the driver's are ints
    return Q(InIds(F(field), found))


def known_size(qs: QuerySet) -> int | None:
    """How many rows `qs` holds when it is nothing but `among(ids)` of its own table's
    ids, read moments before from that table (the dashboard's "needs my action" for
    someone who sees every case): the number of distinct ids, without asking. Counted
    by PostgreSQL, the complaints office's 15,500 ids cost 10-17 ms to plan (the array's
    every element estimated) and as much to sort and probe. None for any other query.
    Rows are never deleted, so an id read is a row that is there."""
    query = qs.query
    where = query.where
    if (len(where.children) != 1 or where.negated or len(query.alias_map) != 1 or query.combinator
            or query.distinct or query.low_mark or query.high_mark is not None):
        return None
    lookup = where.children[0]
    if not isinstance(lookup, InIds) or getattr(lookup.lhs, "target", None) != qs.model._meta.pk:
        return None
    return len(set(lookup.rhs))
