from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict, ModelWrapValidatorHandler, ValidationInfo, model_validator


class In(Schema):
    """Request bodies refuse unknown fields: a misspelt field name is an error the
    integrator sees (422), not a value silently dropped."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
        """A body (a dict from JSON) validated once. ninja's Schema validates a schema
        forbidding extra fields twice — as given, then through its DjangoGetter, which
        reads model instances and resolvers, none of which a request body has — and
        each nested schema again in both passes: five validations of every batch item
        (a tenth of the batch API's time). Anything else goes ninja's way."""
        if type(values) is dict:
            return handler(values)
        return super()._run_root_validator(values, handler, info)


# model_validate(..., context={PLAIN: True}): the caller vouches that the data is plain
# (dicts, lists, strings, numbers, dates), as presenting.complaint_out builds it.
PLAIN = "plain"


class Out(Schema):
    @model_validator(mode="wrap")
    @classmethod
    def _run_root_validator(cls, values: Any, handler: ModelWrapValidatorHandler, info: ValidationInfo) -> Any:
        """Plain data (PLAIN in the context) validated as it is: ninja's DjangoGetter reads
        each field through a getter that turns managers, querysets, callables and files
        into values, none of which plain data holds (the batch API answers 500 complaints
        a request). Anything else goes ninja's way."""
        if type(values) is dict and info.context and info.context.get(PLAIN):
            return handler(values)
        return super()._run_root_validator(values, handler, info)


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
