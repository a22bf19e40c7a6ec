from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict


class In(Schema):
    """Request bodies refuse unknown fields: a misspelt field name is an error the
    integrator sees (422), not a value silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Out(Schema):
    pass


class ErrorItem(Out):
    field: str
    rule: str
    type: str = ""


class Error(Out):
    """Every error: `code` for programs, `message` for people, `field` where one field is
    to blame; invalid transitions add `state` and `allowed`, validation adds `errors`."""

    code: str
    message: str
    field: str | None = None
    rule: str | None = None
    state: str | None = None
    allowed: list[str] | None = None
    errors: list[ErrorItem] | None = None
