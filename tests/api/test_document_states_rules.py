"""Issue 14 item 5: the OpenAPI document states what the server enforces, so a client
generated from it is not refused and nothing it calls invalid is taken. For each rule
that was only in the server (at least one contact, a name of more than spaces, the form
of a time, a day and an amount, the evidence types, the register's cursor) the document
now says it, and the property tests check, value by value, that the document's schema
and the server's validation agree."""

from __future__ import annotations

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from redress.api.fields import Amount, Day, Timestamp
from redress.api.main import api
from redress.policy.loader import active_pack
from tests.api.conftest import new_complaint


def document() -> dict:
    return api.get_openapi_schema()


def component(name: str) -> dict:
    return document()["components"]["schemas"][name]


def agree(annotation, schema: dict, value) -> tuple[bool, bool]:
    """(the document's schema takes it, the server's validation takes it)."""
    stated = jsonschema_rs.validator_for(schema, validate_formats=True).is_valid(value)
    try:
        TypeAdapter(annotation).validate_python(value)
        taken = True
    except ValidationError:
        taken = False
    return stated, taken


AMOUNTS = st.one_of(
    st.decimals(min_value=-10, max_value=10**15, places=3).map(str),
    st.text(alphabet="0123456789.,-+e ", max_size=20),
    st.integers(min_value=-5, max_value=10**15),
    st.floats(min_value=-1, max_value=1.1e14, allow_nan=False).map(lambda f: round(f, 2)),
    st.sampled_from(["1234.50", "1e3", "+5", " 12", "12.", ".5", "0.001", "99999999999999.99", "100000000000000"]),
)


@settings(max_examples=300, deadline=None)
@given(AMOUNTS)
def test_an_amount_is_taken_exactly_when_the_document_says_it_is_valid(value):
    schema = TypeAdapter(Amount).json_schema()
    stated, taken = agree(Amount, schema, value)
    assert stated == taken, value


TIMES = st.one_of(
    st.datetimes(min_value=__import__("datetime").datetime(1900, 1, 1), timezones=st.timezones()).map(
        lambda d: d.isoformat()),
    st.sampled_from(["2026-03-02T09:30:00+08:00", "2026-03-02T09:30:00Z", "2026-03-02 09:30:00Z",
                     "2026-03-02T09:30+08:00", "2026-03-02T09:30:00", "1700000000", "2200-01-01T00:00:00Z",
                     "2199-12-31T23:59:59-12:00", "1990-01-01T00:00:00+14:00", "2026-03-02t09:30:00z"]),
)


@settings(max_examples=300, deadline=None)
@given(TIMES)
def test_a_time_is_taken_exactly_when_the_document_says_it_is_valid(value):
    stated, taken = agree(Timestamp, TypeAdapter(Timestamp).json_schema(), value)
    assert stated == taken, value


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.dates().map(str), st.sampled_from(["2026-3-2", "20260302", "2026-02-30", "2200-01-01"])))
def test_a_day_is_taken_exactly_when_the_document_says_it_is_valid(value):
    stated, taken = agree(Day, TypeAdapter(Day).json_schema(), value)
    assert stated == taken, value


def test_the_document_says_a_complainant_needs_a_way_to_be_reached(api_as):
    customer = component("CustomerIn")
    assert {tuple(option["required"]) for option in customer["anyOf"]} == {("phone",), ("email",), ("address",)}
    assert customer["properties"]["name"]["pattern"] == r"\S"
    intake = api_as("intake")
    refused = intake.post("/complaints", new_complaint(customer={"name": "张三", "phone": "  "}))
    assert refused.status_code == 422 and refused.json()["field"] == "customer.contact"
    assert intake.post("/complaints", new_complaint(customer={"name": "张三", "address": "广州市天河路 1 号"})
                       ).status_code == 201
    blank = intake.post("/complaints", new_complaint(customer={"name": "   ", "phone": "13800138000"}))
    assert blank.status_code == 422


def test_the_document_lists_the_evidence_types_the_policy_allows():
    upload = document()["paths"]["/api/complaints/{reference}/evidence"]["post"]["requestBody"]
    form = upload["content"]["multipart/form-data"]
    allowed = form["encoding"]["file"]["contentType"].split(", ")
    assert allowed == list(active_pack().attachment_types) and "application/pdf" in allowed
    assert "application/x-msdownload" not in allowed


@pytest.mark.parametrize(("cursor", "status"), [("2026-03-02T02:00:00+00:00~17", 200), ("~17", 200),
                                                ("17", 422), ("abc~x", 422), ("2026~١٧", 422)])
def test_the_register_cursor_has_the_form_the_document_states(api_as, cursor, status):
    parameter = next(p for p in document()["paths"]["/api/reports/register"]["get"]["parameters"]
                     if p["name"] == "cursor")
    pattern = parameter["schema"]["anyOf"][0]["pattern"]
    stated = jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid(cursor)
    assert stated == (status == 200)
    answer = api_as("office", ["reports:read"]).get("/reports/register", {"cursor": cursor})
    if status == 422:
        assert answer.status_code == 422, answer.json()
    else:  # the form is right; the place may still be refused as not this list's
        assert answer.status_code in (200, 422) and "pattern" not in str(answer.json())
