"""Bearer-token authentication with per-operation scopes.

Each operation names the scope it needs (`TokenAuth("complaints:read")`). The token's
member of staff is then the actor: the services check that person's roles and the
scope selector decides what they see, exactly as in the workbench.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from redress.api import tokens
from redress.api.models import ApiToken, Scope
from redress.policy.loader import active_pack

MULTIPART_OVERHEAD = 1024 * 1024  # form boundaries and the description field around the file


class MissingScope(Exception):
    def __init__(self, scope: str):
        super().__init__(f"this token lacks the scope {scope}")
        self.scope = scope


class PayloadTooLarge(Exception):
    def __init__(self, field: str, limit: int):
        super().__init__(f"{field}: the request is larger than {limit:,} bytes")
        self.field = field
        self.limit = limit


def check_size(request: HttpRequest) -> None:
    """Refuse an oversized request from its Content-Length, before a byte of it is read
    (JSON bodies have Django's DATA_UPLOAD_MAX_MEMORY_SIZE; uploads the policy's
    attachment limit)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if request.content_type == "multipart/form-data":
        limit = active_pack().max_attachment_bytes + MULTIPART_OVERHEAD
        field = "file"
    else:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        field = "body"
    if limit and length > limit:
        raise PayloadTooLarge(field, limit)


class TokenAuth(HttpBearer):
    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = tokens.authenticate(token)
        if found is None:
            return None  # ninja answers 401
        if not found.has_scope(self.scope):
            raise MissingScope(self.scope)
        check_size(request)
        request.api_token = found
        return found


def actor(request: HttpRequest):
    return request.auth.staff


# What each scope lets a token do and see, for the OpenAPI description and README.
SCOPE_RULES = {
    Scope.COMPLAINTS_CREATE: "create complaints (the answer is the new complaint, customer masked)",
    Scope.COMPLAINTS_READ: "read complaints, their timeline and clocks (customer masked); with it an action's "
                           "answer also carries the complaint as it now is",
    Scope.COMPLAINTS_ACT: "perform lifecycle actions; on its own the answer carries only the action's result "
                          "and the complaint's new state and version, never its body",
    Scope.EVIDENCE_WRITE: "upload evidence files",
    Scope.REPORTS_READ: "read the register, statistics and regulator returns",
    Scope.PERSONAL_DATA_READ: "the only way to see a complainant's personal data unmasked: "
                              "`view_personal_data`, recorded in the ledger as a reveal like the workbench's; "
                              "the answer carries the fields asked for",
}


def scopes_doc() -> str:
    return "Scopes:\n\n" + "\n".join(f"- `{scope.value}`: {rule}" for scope, rule in SCOPE_RULES.items())

