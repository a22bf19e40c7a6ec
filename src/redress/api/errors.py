"""Every error the API gives, as one JSON shape (schemas.base.Error), with the status
an integrator can act on. Nothing a caller sends should end in a 500.

Errors are logged with their code, field and the token's id, never the message: a
rule's message may quote what was typed (an email address, a name).
"""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from redress.api.auth import MissingScope, PayloadTooLarge
from redress.api.parser import UnsupportedMediaType
from redress.complaints.errors import (
    DomainError,
    InvalidTransition,
    NotFound,
    NotPermitted,
    StaleComplaint,
)

log = logging.getLogger("redress.api")

# Requests under this path get the API's JSON errors even where no route answers.
PREFIX = "/api/"
SERVER_ERROR = {"code": "server_error", "message": "the server failed on this request; the failure is logged"}
NOT_FOUND = {"code": "not_found", "message": "no such resource"}

# Where a parameter came from in ninja's error locations: dropped from the field name.
SOURCES = {"body", "query", "path", "header", "form", "file", "cookie"}


def _respond(api: NinjaAPI, request: HttpRequest, status: int, body: dict) -> HttpResponse:
    token = getattr(request, "api_token", None)
    log.info("api %s %s -> %s %s field=%s token=%s", request.method, request.path, status, body.get("code"),
             body.get("field") or "", token.pk if token else "-")
    response = api.create_response(request, body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="redress"'
    return response


def field_name(loc: tuple | list, param_names: set[str]) -> str:
    parts = list(loc)
    if parts and parts[0] in SOURCES:
        parts = parts[1:]
    if len(parts) > 1 and parts[0] in param_names:
        parts = parts[1:]  # the body's parameter name ("payload") means nothing to the caller
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "body"


def _rule(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "is not a field of this request (unknown fields are refused)"
    if kind == "missing":
        return "is required"
    return str(error.get("msg", "is invalid"))


def invalid(errors, param_names: set[str] = frozenset()) -> dict:
    """The 422 body for schema errors (pydantic's list): every field, the first named."""
    items = [{"field": field_name(e.get("loc", ()), param_names), "rule": _rule(e), "type": e.get("type", "")}
             for e in errors]
    first = items[0] if items else {"field": "body", "rule": "is invalid"}
    return {"code": "invalid", "message": f"{first['field']}: {first['rule']}", "field": first["field"],
            "rule": first["rule"], "errors": items}


def refusal(exc: DomainError) -> tuple[int, dict]:
    """The status and body a service's refusal is answered with."""
    body = exc.as_dict()
    status = 422
    if isinstance(exc, InvalidTransition):
        status = 409
    elif isinstance(exc, StaleComplaint):
        status = 409
        body.update(expected=exc.expected, actual=exc.actual)
    elif isinstance(exc, NotPermitted):
        status = 403
        body["rule"] = exc.rule
    elif isinstance(exc, NotFound):
        status = 404
    elif getattr(exc, "status", None):
        status = exc.status
        body["rule"] = exc.rule
    elif getattr(exc, "rule", None):
        body["rule"] = exc.rule
    return status, body


def install(api: NinjaAPI, param_names: set[str]) -> None:
    def on_validation(request, exc: ValidationError):
        return _respond(api, request, 422, invalid(exc.errors, param_names))

    def on_domain(request, exc: DomainError):
        return _respond(api, request, *refusal(exc))

    def on_scope(request, exc: MissingScope):
        return _respond(api, request, 403, {"code": "missing_scope", "message": str(exc), "rule": str(exc)})

    def on_too_large(request, exc: PayloadTooLarge):
        return _respond(api, request, 413, {"code": "too_large", "message": str(exc), "field": exc.field,
                                            "rule": f"at most {exc.limit:,} bytes"})

    def on_data_too_big(request, exc: Exception):
        return _respond(api, request, 413, {"code": "too_large", "message": "the request body is too large",
                                            "field": "body", "rule": "too large"})

    def on_auth(request, exc: AuthenticationError):
        return _respond(api, request, 401, {"code": "unauthenticated", "message": "send a valid, unrevoked API "
                                            "token as 'Authorization: Bearer <token>'"})

    def on_http(request, exc: HttpError):
        if isinstance(exc.__cause__, RequestDataTooBig):
            return on_data_too_big(request, exc.__cause__)
        if isinstance(exc.__cause__, UnsupportedMediaType):
            return _respond(api, request, 415, {"code": "unsupported_media_type", "message": str(exc.__cause__),
                                                "field": "Content-Type", "rule": "must be application/json"})
        if exc.status_code == 400:
            return _respond(api, request, 400, {"code": "malformed", "message": "the body is not valid JSON",
                                                "field": "body", "rule": "must be a JSON object"})
        return _respond(api, request, exc.status_code, {"code": "http_error", "message": str(exc)})

    def on_404(request, exc: Http404):
        return _respond(api, request, 404, dict(NOT_FOUND))

    def on_anything_else(request, exc: Exception):
        # A bug, not the caller's fault: logged with its traceback, answered in the one shape.
        log.exception("api %s %s -> 500", request.method, request.path)
        return _respond(api, request, 500, dict(SERVER_ERROR))

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(DomainError, on_domain)
    api.add_exception_handler(MissingScope, on_scope)
    api.add_exception_handler(PayloadTooLarge, on_too_large)
    api.add_exception_handler(RequestDataTooBig, on_data_too_big)
    api.add_exception_handler(TooManyFieldsSent, on_data_too_big)
    api.add_exception_handler(AuthenticationError, on_auth)
    api.add_exception_handler(HttpError, on_http)
    api.add_exception_handler(Http404, on_404)
    api.add_exception_handler(Exception, on_anything_else)


# Django's own 404 and 500 (no route matched; an error outside a view, e.g. in a
# middleware): JSON in the API's shape under /api/, the usual pages elsewhere.

def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if request.path_info.startswith(PREFIX):
        return JsonResponse(NOT_FOUND, status=404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path_info.startswith(PREFIX):
        return JsonResponse(SERVER_ERROR, status=500)
    return defaults.server_error(request)
