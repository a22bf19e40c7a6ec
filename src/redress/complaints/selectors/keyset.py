"""Keyset ("seek") pagination for the worklists: the next page starts after the last row
shown, found through the sort's index, instead of skipping N rows with OFFSET. Page 200
of a unit's open cases then costs what page 2 costs (at a million complaints OFFSET
4,975 read and threw away 5,000 rows per click, 190–400 ms).

A page link carries a cursor: the sort column's value and the id of the row it is
next to. The ORM has no row-value comparison, so "after (v, id)" is written as a bound
the index can start from plus the tie-break: `col >= v AND (col > v OR id > pk)`.
A column that may be empty (due_at: no running clock) keeps its NULLs after the
values in either direction, read as a second part ordered by id, so each part is an
ordered index range on its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber

# Reads the rows of a page by their ids (with what a row shows fetched alongside).
Fetch = Callable[[list[int]], QuerySet]

SEPARATOR = "~"  # between value and id; no sortable value (time, reference) contains it


@dataclass(frozen=True)
class Order:
    """A sort on one column with the id as tie-break, both in the same direction."""

    field: str
    descending: bool = False
    nullable: bool = False
    nulls_last: bool = True  # only for nullable columns

    def reversed(self) -> Order:
        """The same rows backwards (for the previous page): NULLs come first then."""
        return Order(self.field, not self.descending, self.nullable, not self.nulls_last)


@dataclass(frozen=True)
class Cursor:
    """A position in a list: the sort column's value (None: among the empty ones) and
    the row's id."""

    value: Any
    pk: int

    @classmethod
    def of(cls, row, order: Order) -> Cursor:
        return cls(getattr(row, order.field), row.pk)

    def token(self) -> str:
        """What a link carries: `2026-03-02T02:00:00+00:00~17`, `~17` for no value."""
        if self.value is None:
            value = ""
        else:
            value = self.value.isoformat() if hasattr(self.value, "isoformat") else str(self.value)
        return f"{value}{SEPARATOR}{self.pk}"

    @classmethod
    def parse(cls, token: str, order: Order, model) -> Cursor:
        """The cursor a link carried; ValueError when it is not one of this sort."""
        value, sep, pk = token.rpartition(SEPARATOR)
        if not sep or not pk.isdigit():
            raise ValueError(f"not a list position: {token!r}")
        if value == "":
            if not order.nullable:
                raise ValueError(f"not a list position: {token!r}")
            return cls(None, int(pk))
        try:
            parsed = model._meta.get_field(order.field).to_python(value)
        except ValidationError as exc:
            raise ValueError(f"not a list position: {token!r}") from exc
        if parsed is None:
            raise ValueError(f"not a list position: {token!r}")
        return cls(parsed, int(pk))


def _ordered(qs: QuerySet, order: Order, by_column: bool = True) -> QuerySet:
    """Ordered by the column (NULLs where the order puts them) and the id, or by the id
    alone (the empty values of a nullable column)."""
    sign = "-" if order.descending else ""
    if not by_column:
        return qs.order_by(f"{sign}pk")
    column = F(order.field)
    if order.nullable:
        nulls = {"nulls_last": True} if order.nulls_last else {"nulls_first": True}
        column = column.desc(**nulls) if order.descending else column.asc(**nulls)
    else:
        column = column.desc() if order.descending else column.asc()
    return qs.order_by(column, f"{sign}pk")


def ordered(qs: QuerySet, order: Order) -> QuerySet:
    """The list in `order` as a page reads it (empty values where the order puts them)."""
    return _ordered(qs, order)


def _after(field: str, cursor: Cursor, descending: bool) -> Q:
    beyond, from_ = ("lt", "lte") if descending else ("gt", "gte")
    return Q(**{f"{field}__{from_}": cursor.value}) & (
        Q(**{f"{field}__{beyond}": cursor.value}) | Q(**{f"pk__{beyond}": cursor.pk}))


def _parts(qs: QuerySet, order: Order, after: Cursor | None) -> list[QuerySet]:
    """The rest of the list after the cursor as ordered index ranges. From the start,
    or from a value with the empty ones last, the whole rest is one ordered scan
    (`col >= v` already leaves the NULLs out, which follow by id); no `col IS NOT NULL`
    is added where not needed, since PostgreSQL then misjudges how many rows an open
    list holds (every open case has a due time) and sorts them all instead."""
    f, desc = order.field, order.descending
    beyond = "lt" if desc else "gt"
    if after is None:
        return [_ordered(qs, order)]
    if not order.nullable:
        return [_ordered(qs.filter(_after(f, after, desc)), order)]
    nulls = qs.filter(**{f"{f}__isnull": True})
    if after.value is None:  # among the empty ones, which are ordered by id
        nulls = _ordered(nulls.filter(**{f"pk__{beyond}": after.pk}), order, by_column=False)
        return [nulls] if order.nulls_last else [nulls, _ordered(qs.filter(**{f"{f}__isnull": False}), order)]
    values = _ordered(qs.filter(_after(f, after, desc)), order)
    return [values, _ordered(nulls, order, by_column=False)] if order.nulls_last else [values]


def _read(qs: QuerySet, order: Order, after: Cursor | None, limit: int, fetch: Fetch) -> list:
    """The page's ids first, in order, from the list alone; then those rows, through
    `fetch` with what they show (related rows, prefetches). Asked for both at once,
    PostgreSQL may join the related tables to every row of the list before it sorts
    and cuts the page (the office's approvals: 3,800 waiting cases joined for 26 rows)."""
    return rows_in_order(ids(qs, order, after, limit), fetch)


def ids(qs: QuerySet, order: Order, after: Cursor | None, limit: int) -> list[int]:
    """Up to `limit` ids of the list after the cursor (from the start if None), in order."""
    found: list[int] = []
    for part in _parts(qs.select_related(None).prefetch_related(None), order, after):
        found += part.values_list("pk", flat=True)[: limit - len(found)]
        if len(found) >= limit:
            break
    return found


def rows_in_order(ids: list[int], fetch: Fetch) -> list:
    """The rows of `ids` through `fetch`, in the order of the ids."""
    if not ids:
        return []
    rows = {row.pk: row for row in fetch(ids)}
    return [rows[pk] for pk in ids if pk in rows]  # a row gone meanwhile is left out


# A condition no index serves (a one- or two-character text search) is sifted from the
# list window by window in the list's order, so the scan ends once a page is found;
# PostgreSQL otherwise reads every row of the view and sorts the few matches (it cannot
# know that a common word matches one row in a hundred).
FIRST_WINDOW = 500
GROWTH = 4
MAX_WINDOW = 16000


def seek(qs: QuerySet, order: Order, after: Cursor | None, limit: int, sift: Q | None, fetch: Fetch,
         once: bool = False) -> list:
    """Up to `limit` rows of `qs` in `order`, after the cursor (from the start if None),
    that also match `sift` (None: no more condition), read by id through `fetch`. A
    second part (the empty values) is read only when the first runs out within the page.
    Sifted, each window is found (where it ends) and then sifted up to there, which stops
    at the page; `once`: each window walked once (`_sift_window`), for a list whose rows
    cost to walk (a handler's scope: two probes of the work orders a row), where the
    second walk cost more than testing the whole window."""
    if sift is None:
        return _read(qs, order, after, limit, fetch)
    keys = qs.select_related(None).prefetch_related(None).values_list(order.field, "pk")
    found: list = []
    window = FIRST_WINDOW
    while len(found) < limit:
        parts = _parts(keys, order, after) if once else ()
        if len(parts) == 1:  # one ordered range: the window is walked once
            hits, end_pk = _sift_window(parts[0], order, window, limit - len(found), sift)
            found += rows_in_order(hits, fetch)
            # Where the walk stopped, read only to go on (a row gone meanwhile left the
            # page short, or the window ended before the page was full).
            end = _cursor_at(parts[0], order, end_pk) if end_pk is not None and len(found) < limit else None
        else:  # across the values and the empty ones: where the window ends, then its matches
            end = [Cursor(value, pk) for value, pk in _read_at(keys, order, after, window - 1)]
            matching = qs.filter(sift, _upto(order, end[0])) if end else qs.filter(sift)
            found += _read(matching, order, after, limit - len(found), fetch)
            end = end[0] if end else None
        if end is None:  # the rest of the list was shorter than the window
            break
        after, window = end, min(window * GROWTH, MAX_WINDOW)
    return found


def _sift_window(part: QuerySet, order: Order, window: int, need: int, sift: Q) -> tuple[list[int], int | None]:
    """One window of an ordered range in one statement: its first `window` rows walked
    in order, each tested against `sift`, until `need` match or the window ends; the ids
    of those that match, in order, and the id of the row the walk stopped at (the
    `need`th match, or the window's last row; None: the range ended within the window
    short of `need`). Finding where the window ends and then sifting up to there walked
    it twice, with the person's scope tested on every row both times (a handler's closed
    cases by surname: half the page's 100 ms at a million); keeping the whole window
    before picking its matches walked all of it for the page's last few (the third
    window, of 8,000 rows, for three matches: 61 ms)."""
    walked = (part.annotate(_sifted=ExpressionWrapper(sift, output_field=BooleanField()),
                            _n=Window(RowNumber(), order_by=part.query.order_by))
              .values_list("pk", "_sifted", "_n")[:window])
    sql, params = walked.query.sql_with_params()
    # The rows come out as the walk makes them, so the LIMIT stops the walk: the query
    # is inlined, not kept whole, and has no ORDER BY (a sort would read the whole window
    # first); the order is checked below.
    inlined = "NOT MATERIALIZED " if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"WITH w (pk, hit, n) AS {inlined}({sql}) SELECT pk, hit, n FROM w WHERE hit OR n = %s LIMIT %s",
                       (*params, window, need))
        rows = cursor.fetchall()
    positions = [n for _pk, _hit, n in rows]
    if positions != sorted(positions):
        raise AssertionError("a window's rows came out of the walk's order")
    hits = [pk for pk, hit, _n in rows if hit]
    if len(hits) >= need:
        return hits[:need], hits[need - 1]
    if not rows or rows[-1][2] != window:
        return hits, None
    return hits, rows[-1][0]


def _cursor_at(part: QuerySet, order: Order, pk: int) -> Cursor:
    return Cursor(part.model._base_manager.filter(pk=pk).values_list(order.field, flat=True).first(), pk)


def _read_at(qs: QuerySet, order: Order, after: Cursor | None, offset: int) -> list:
    """The row `offset` rows past the cursor (OFFSET within the parts), or none."""
    for part in _parts(qs, order, after):
        row = list(part[offset:offset + 1])
        if row:
            return row
        offset -= part.count() if offset else 0
        if offset < 0:
            return []
    return []


def _upto(order: Order, cursor: Cursor) -> Q:
    """Rows up to and including the cursor's row in `order` (the mirror of the cursor
    conditions of `_parts`): a bound on the index where the cursor has a value."""
    f, desc = order.field, order.descending
    if cursor.value is None:
        nulls = Q(**{f"{f}__isnull": True, f"pk__{'gte' if desc else 'lte'}": cursor.pk})
        return (Q(**{f"{f}__isnull": False}) | nulls) if order.nulls_last else nulls
    before, to = ("gt", "gte") if desc else ("lt", "lte")
    values = Q(**{f"{f}__{to}": cursor.value}) & (
        Q(**{f"{f}__{before}": cursor.value}) | Q(**{f"pk__{to}": cursor.pk}))
    return values if order.nulls_last or not order.nullable else (Q(**{f"{f}__isnull": True}) | values)
