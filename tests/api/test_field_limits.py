"""Every string the API takes is capped at the length of the column it is stored in or
looked up by: a longer value is a 422 naming the field, never a database error (a 500
on PostgreSQL, a silently over-long row on SQLite). The walk below finds every string
field of every request body and filter, so a field added without its column, or a
column narrowed under a field, fails here."""

from __future__ import annotations

import typing

import pytest
from django.apps import apps
from pydantic import BaseModel

import redress.api.main  # noqa: F401 (imports every route, so every request schema exists)
from redress.api.fields import MAX_TEXT, Column
from redress.api.schemas.base import In
from redress.complaints.models import Complaint, Customer
from tests.api.conftest import new_complaint

# Strings the API takes that are not kept in a column of their own, and why.
NOT_A_COLUMN = {
    ("TellsCustomer", "confirm_phrases"): "compared with the pack's phrases; kept in a JSON list",
    ("Assess", "critical_flags"): "codes of the pack, kept in a JSON list",
    ("Refer", "authority"): "an authority code of the pack, kept in the ledger event",
    ("ViewPersonalData", "purpose"): "kept in the ledger event's payload",
    ("RegisterFilters", "product"): "a text searched for inside product names",
    ("RegisterFilters", "cursor"): "the register's own page token",
}


def _request_schemas() -> list[type[In]]:
    found, todo = [], [In]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.model_fields]


def _strings(annotation, metadata=()) -> list[tuple[int | None, list]]:
    """(max_length, metadata) for each string an annotation accepts (inside lists and Optional too)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *more = typing.get_args(annotation)
        return _strings(inner, [*metadata, *more])
    if annotation is str:
        limit = next((m.max_length for m in metadata if getattr(m, "max_length", None) is not None), None)
        return [(limit, list(metadata))]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return []  # walked as a schema of its own
    found = []
    for arg in typing.get_args(annotation):
        found.extend(_strings(arg, metadata if origin is None else ()))
    return found


def _fields():
    for schema in _request_schemas():
        for name, info in schema.model_fields.items():
            owner = next(c for c in schema.__mro__ if name in getattr(c, "__annotations__", {}))
            for limit, metadata in _strings(info.annotation, info.metadata):
                yield owner.__name__, name, limit, metadata


FIELDS = sorted({(owner, name, limit, tuple(m for m in metadata if isinstance(m, Column)))
                 for owner, name, limit, metadata in _fields()}, key=lambda f: (f[0], f[1]))


def test_the_walk_finds_the_fields_that_were_once_too_long():
    names = {(owner, name) for owner, name, _limit, _columns in FIELDS}
    assert {("CustomerIn", "preferred_channel"), ("ComplaintIn", "channel"), ("CommunicateResult", "channel"),
            ("RecordCallback", "channel"), ("RegisterFilters", "product")} <= names


@pytest.mark.parametrize(("owner", "name", "limit", "columns"), FIELDS, ids=[f"{f[0]}.{f[1]}" for f in FIELDS])
def test_every_string_field_is_capped_at_its_column(owner, name, limit, columns):
    assert limit is not None, f"{owner}.{name} takes a string of any length"
    if (owner, name) in NOT_A_COLUMN:
        assert not columns and limit <= MAX_TEXT
        return
    if limit == MAX_TEXT and not columns:
        return  # free text: kept in a TextField, capped at MAX_TEXT
    assert len(columns) == 1, f"{owner}.{name} does not say which column it is kept in (fields.Stored / Column)"
    column = columns[0]
    model_field = apps.get_model(column.model)._meta.get_field(column.field)
    assert limit == model_field.max_length, (f"{owner}.{name} takes {limit} characters, "
                                             f"{column.model}.{column.field} holds {model_field.max_length}")


def test_a_preferred_channel_as_long_as_its_column_is_kept_whole(api_as):
    longest = "x" * Customer._meta.get_field("preferred_channel").max_length
    response = api_as("intake").post("/complaints", new_complaint(
        customer={"name": "张三", "phone": "13800138000", "preferred_channel": longest}))
    assert response.status_code == 201, response.content
    assert Complaint.objects.get().customer.preferred_channel == longest


def test_a_preferred_channel_longer_than_its_column_is_422_naming_it(api_as):
    too_long = "x" * (Customer._meta.get_field("preferred_channel").max_length + 1)
    response = api_as("intake").post("/complaints", new_complaint(
        customer={"name": "张三", "phone": "13800138000", "preferred_channel": too_long}))
    assert response.status_code == 422
    assert response.json()["field"] == "customer.preferred_channel"
    assert not Complaint.objects.exists()
