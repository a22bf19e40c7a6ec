from __future__ import annotations

import re

from redress.api.models import ApiToken
from redress.api.presenting import detail_queryset
from redress.complaints.errors import NotFound
from redress.complaints.lifecycle import Action
from redress.complaints.models import Complaint
from redress.complaints.selectors.scope import visible_complaints
from redress.complaints.services.base import check_recusal

REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,30}$")
ERRORS = {400: "Error", 401: "Error", 403: "Error", 404: "Error", 409: "Error", 413: "Error", 422: "Error"}


def visible(token: ApiToken, reference: str, action: Action | None = None) -> Complaint:
    """The complaint if the token's member of staff may see it; 404 alike for missing,
    invisible and malformed references (a guessed reference tells nothing). 403 if
    001 第十四条 keeps them out of it (marketing staff, an employee it names) for
    `action`, or for reading it when None: they may only see in lists that it exists."""
    if not REFERENCE.match(reference):
        raise NotFound(f"no complaint {reference[:40]!r} that you may see")
    complaint = detail_queryset(visible_complaints(token.staff)).filter(reference=reference).first()
    if complaint is None:
        raise NotFound(f"no complaint {reference} that you may see")
    check_recusal(token.staff, complaint, action)
    return complaint


def error_responses(*codes: int) -> dict:
    from redress.api.schemas.base import Error

    return {code: Error for code in codes}
