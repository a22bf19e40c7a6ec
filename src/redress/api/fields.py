"""Constrained field types for the API's schemas (not named types.py: that would shadow the
standard library module when tools run inside this folder).

Every string is capped at its database column's length and refuses NUL characters:
PostgreSQL cannot store NUL in text and would raise a DataError (a 500) instead of a
422 naming the field. Integers and datetimes are bounded for the same reason: a
30-digit id or the year 9999 in a far time zone overflows the database driver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated

from django.apps import apps
from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

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
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}")
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
Timestamp = Annotated[AwareDatetime, AfterValidator(_in_range)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="the complaint's `version` you last read; "
                                                           "a changed complaint is refused with 409 stale")]
