"""Constrained field types for the API's schemas (not named types.py: that would shadow the
standard library module when tools run inside this folder).

Every string is capped at its database column's length and refuses NUL characters:
PostgreSQL cannot store NUL in text and would raise a DataError (a 500) instead of a
422 naming the field. Integers and datetimes are bounded for the same reason: a
30-digit id or the year 9999 in a far time zone overflows the database driver.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

MAX_TEXT = 20_000  # free text (cause, findings, messages): a long letter fits, a 2 MB paste does not
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


Text = Str(MAX_TEXT)
Code = Str(40, pattern=r"^[A-Za-z0-9_.-]*$")  # policy codes, unit codes: category, channel, authority
Username = Str(150, min_length=1, pattern=r"^[\w.@+-]+$")
Reference = Str(30, min_length=1, pattern=r"^[A-Za-z0-9-]+$")
Timestamp = Annotated[AwareDatetime, AfterValidator(_in_range)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=1, le=MAX_ID, description="the complaint's `version` you last read; "
                                                           "a changed complaint is refused with 409 stale")]
