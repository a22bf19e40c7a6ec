"""Names in request bodies (usernames, unit codes, references) to rows, within the
token's institution; an unknown name is a 422 naming the field."""

from __future__ import annotations

from redress.api.models import ApiToken
from redress.complaints.errors import NotFound, ValidationFailed
from redress.complaints.models import Complaint, OrgUnit, Staff
from redress.complaints.selectors.scope import get_visible


def staff(token: ApiToken, username: str | None, field: str) -> Staff | None:
    if not username:
        return None
    found = Staff.objects.filter(username=username, unit__institution=token.institution).first()
    if found is None:
        raise ValidationFailed(field, f"no member of staff {username!r} in {token.institution}")
    return found


def unit(token: ApiToken, code: str, field: str) -> OrgUnit | None:
    if not code:
        return None
    found = OrgUnit.objects.filter(code=code, institution=token.institution).first()
    if found is None:
        raise ValidationFailed(field, f"no unit {code!r} in {token.institution}")
    return found


def other_complaint(token: ApiToken, reference: str, field: str) -> Complaint:
    try:
        return get_visible(token.staff, reference=reference)
    except NotFound:
        raise ValidationFailed(field, f"no complaint {reference} that this token may see") from None
