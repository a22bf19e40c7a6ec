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

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

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


def _ordered(qs: QuerySet, field: str | None, descending: bool) -> QuerySet:
    sign = "-" if descending else ""
    return qs.order_by(*([f"{sign}{field}"] if field else []), f"{sign}pk")


def _after(field: str, cursor: Cursor, descending: bool) -> Q:
    beyond, from_ = ("lt", "lte") if descending else ("gt", "gte")
    return Q(**{f"{field}__{from_}": cursor.value}) & (
        Q(**{f"{field}__{beyond}": cursor.value}) | Q(**{f"pk__{beyond}": cursor.pk}))


def _parts(qs: QuerySet, order: Order, after: Cursor | None) -> list[QuerySet]:
    """The list as ordered index ranges, from the cursor on."""
    f, desc = order.field, order.descending
    if not order.nullable:
        return [_ordered(qs.filter(_after(f, after, desc)) if after else qs, f, desc)]
    values, nulls = qs.filter(**{f"{f}__isnull": False}), qs.filter(**{f"{f}__isnull": True})
    if after is not None and after.value is None:  # the cursor is among the empty ones
        nulls = nulls.filter(**{f"pk__{'lt' if desc else 'gt'}": after.pk})
        values = None if order.nulls_last else values
    elif after is not None:
        values = values.filter(_after(f, after, desc))
        nulls = nulls if order.nulls_last else None
    parts = [values, nulls] if order.nulls_last else [nulls, values]
    return [_ordered(p, f if p is values else None, desc) for p in parts if p is not None]


def seek(qs: QuerySet, order: Order, after: Cursor | None, limit: int) -> list:
    """Up to `limit` rows of `qs` in `order`, after the cursor (from the start if None).
    A second part is read only when the first runs out within the page."""
    rows: list = []
    for part in _parts(qs, order, after):
        rows += list(part[: limit - len(rows)])
        if len(rows) >= limit:
            break
    return rows
