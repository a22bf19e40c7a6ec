"""Constrained field types for the API's schemas (not named types.py: that would shadow the
standard library module when tools run inside this folder).

Every string is capped at its database column's length and refuses NUL characters:
PostgreSQL cannot store NUL in text and would raise a DataError (a 500) instead of a
422 naming the field. Integers and datetimes are bounded for the same reason: a
30-digit id or the year 9999 in a far time zone overflows the database driver.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from django.apps import apps
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    StringConstraints,
    WithJsonSchema,
)

from redress.complaints.limits import TEXT_MAX

MAX_TEXT = TEXT_MAX  # free text (cause, findings, messages): a long letter fits (the longest CFPB narrative is 21,928), a 2 MB paste does not
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
MAX_ID = 2**31 - 1


def no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _in_range(value: datetime) -> datetime:
    """The year as written, as the document's pattern states it (1990-2199; a far offset
    moves it by hours at most, which the database holds)."""
    if not EARLIEST.year <= value.year < LATEST.year:
        raise ValueError(f"must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
    return value


# What the OpenAPI document states is what is checked (issue 14 item 5): the forms a
# timestamp, a day and an amount may be written in are patterns, checked by the same
# regular expression here before pydantic parses (which alone would also take unix
# seconds, a space for the T, "1e3"), so a client generated from the document is never
# refused for the form and nothing the document calls invalid is taken.
YEAR = r"(199[0-9]|2[01][0-9][0-9])"  # 1990-2199: the years EARLIEST..LATEST hold
TIMESTAMP_FORM = rf"^{YEAR}-[0-9]{{2}}-[0-9]{{2}}T[0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}(\.[0-9]{{1,6}})?(Z|[+-][0-9]{{2}}:[0-9]{{2}})$"
DAY_FORM = rf"^{YEAR}-[0-9]{{2}}-[0-9]{{2}}$"
AMOUNT_FORM = r"^[0-9]{1,14}(\.[0-9]{1,2})?$"
AMOUNT_BELOW = Decimal("1e14")


def _written_as(pattern: str, what: str):
    form = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, str) and not form.match(value):
            raise ValueError(f"must be {what}")
        if not isinstance(value, str | datetime | date):
            raise ValueError(f"must be {what}, as a string")
        return value

    return check


def _amount_form(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise ValueError("must be a number or a decimal string such as \"1234.50\"")
    if isinstance(value, str) and not re.match(AMOUNT_FORM, value):
        raise ValueError("must be digits with at most two decimals, such as \"1234.50\" (no sign, exponent or "
                         "thousands separator)")
    return value


def Str(max_length: int, *, min_length: int = 0, pattern: str | None = None):  # noqa: N802 (a type factory)
    return Annotated[str, StringConstraints(max_length=max_length, min_length=min_length, pattern=pattern),
                     AfterValidator(no_nul)]


@dataclass(frozen=True)
class Column:
    """The database column a string is stored in or looked up by ("app.Model", field).
    Pydantic ignores it; tests/api/test_field_limits.py reads it to check that the
    schema's limit is the column's, so that a longer value is a 422, never a 500."""

    model: str
    field: str

    def max_length(self) -> int | None:
        return apps.get_model(self.model)._meta.get_field(self.field).max_length


def Stored(model: str, field: str, *, min_length: int = 0, pattern: str | None = None):  # noqa: N802
    """A string kept in `model.field`: its limit is read from the column itself."""
    column = Column(model, field)
    return Annotated[Str(column.max_length() or MAX_TEXT, min_length=min_length, pattern=pattern), column]


CODE = r"^[A-Za-z0-9_.-]*$"  # policy codes, unit codes: category, channel, authority
Text = Str(MAX_TEXT)
# Text the service refuses when blank (a reason, an answer, a message): the schema says so,
# so that a client generated from it does not send "" or spaces and meet a 422.
Said = Str(MAX_TEXT, min_length=1, pattern=r"\S")
Code = Str(40, pattern=CODE)  # a policy code that is validated against the pack and not stored as such
UnitCode = Annotated[Code, Column("complaints.OrgUnit", "code")]
Channel = Stored("complaints.Communication", "channel", pattern=CODE)
Username = Annotated[Str(150, min_length=1, pattern=r"^[\w.@+-]+$"), Column("complaints.Staff", "username")]
Reference = Annotated[Str(30, min_length=1, pattern=r"^[A-Za-z0-9-]+$"), Column("complaints.Complaint", "reference")]
Timestamp = Annotated[AwareDatetime, BeforeValidator(_written_as(TIMESTAMP_FORM, "an ISO 8601 time with its time "
                                                                                "zone, years 1990-2199")),
                      AfterValidator(_in_range),
                      WithJsonSchema({"type": "string", "format": "date-time", "pattern": TIMESTAMP_FORM,
                                      "description": "ISO 8601 with a time zone (Z or +08:00), in the years "
                                                     f"{EARLIEST.year}-{LATEST.year - 1}"})]
Day = Annotated[date, BeforeValidator(_written_as(DAY_FORM, "a day written YYYY-MM-DD, years 1990-2199")),
                WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_FORM})]
# A sum of money: at most 14 digits before the point and 2 after (the columns' 16,2), not
# negative; as a JSON number or a decimal string.
Amount = Annotated[Decimal, BeforeValidator(_amount_form), Field(ge=0, lt=AMOUNT_BELOW, max_digits=16, decimal_places=2),
                   WithJsonSchema({"anyOf": [
                       {"type": "number", "minimum": 0, "exclusiveMaximum": float(AMOUNT_BELOW), "multipleOf": 0.01},
                       {"type": "string", "pattern": AMOUNT_FORM}],
                       "description": "not negative, below 10^14, at most two decimals"})]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="the complaint's `version` you last read; "
                                                           "a changed complaint is refused with 409 stale")]
