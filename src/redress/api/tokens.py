"""Issuing, revoking and checking API tokens.

A token is 32 random bytes from `secrets` (256 bits), so it is stored as a plain
SHA-256 digest, not with a slow password hash: slow hashes exist to make guessing a
*low-entropy* secret (a password) expensive, and nobody can enumerate 2^256 tokens
however fast the hash is. A fast hash also lets every request find its token with one
indexed lookup on the digest instead of trying a salted hash against every row, and a
leaked database still gives no usable token.

The lead's `redress token create|revoke|list` command calls `issue`, `revoke` and
`for_listing`; the Django admin calls the same functions.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from django.db import connection
from django.db.models import QuerySet

from redress.api.models import ApiToken, Scope
from redress.complaints import prepared_reads
from redress.complaints.errors import ValidationFailed
from redress.complaints.models import Institution, OrgUnit, Staff, StaffRole
from redress.complaints.timesource import now as current_time

PREFIX = "rdr_"  # lets secret scanners and people recognise a Redress token
# last_used_at is for an administrator deciding whether a token is still in use: to
# the minute is plenty, and not writing on every request keeps reads read-only.
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # the only time the full token exists outside the caller's hands


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(scopes))
    unknown = [s for s in wanted if s not in Scope.values]
    if unknown or not wanted:
        raise ValidationFailed("scopes", f"name one or more of {', '.join(Scope.values)}; unknown: {', '.join(unknown)}")
    return wanted


def issue(*, name: str, staff: Staff, scopes: Iterable[str], institution: Institution | None = None,
          unit: OrgUnit | None = None, created_by: Staff | None = None) -> Issued:
    """Create a token acting as `staff`. Returns the token row and the secret, which is
    shown to the person creating it once and never stored."""
    if not name.strip():
        raise ValidationFailed("name", "say which integration the token is for")
    if not staff.is_active:
        raise ValidationFailed("staff", f"{staff.username} is deactivated")
    institution = institution or (unit.institution if unit else staff.unit.institution if staff.unit else None)
    if institution is None:
        raise ValidationFailed("institution", "name the institution (the service account belongs to no unit)")
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name.strip()[:100], institution=institution, unit=unit, staff=staff, scopes=_clean_scopes(scopes),
        prefix=secret[:12], digest=digest(secret), created_at=current_time(), created_by=created_by,
    )
    return Issued(token=token, secret=secret)


def token_create(**kwargs) -> Issued:
    """The service-style name (HackSoft: <entity>_<action>) for `issue`."""
    return issue(**kwargs)


def revoke(token: ApiToken | int | str) -> ApiToken:
    """Revoke by row, id or prefix. Idempotent: revoking twice keeps the first time."""
    if isinstance(token, ApiToken):
        row = token
    else:
        lookup = {"pk": token} if isinstance(token, int) or str(token).isdigit() else {"prefix": token}
        row = ApiToken.objects.filter(**lookup).first()
        if row is None:
            raise ValidationFailed("token", f"no token {token}")
    if row.revoked_at is None:
        row.revoked_at = current_time()
        ApiToken.objects.filter(pk=row.pk, revoked_at__isnull=True).update(revoked_at=row.revoked_at)
    return row


def for_listing() -> QuerySet[ApiToken]:
    """Every token with what a listing shows (never the secret: it is not stored)."""
    return ApiToken.objects.select_related("staff", "institution", "unit").order_by("-created_at")


def authenticate(raw: str) -> ApiToken | None:
    """The active token for a presented secret, or None. The lookup is by digest, so the
    comparison is of hashes the caller cannot steer (no timing oracle on the secret)."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = _by_digest(digest(raw))
    if token is None or token.revoked_at is not None or not token.staff.is_active:
        return None
    now = current_time()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def _by_digest(value: str) -> ApiToken | None:
    """The token with this digest, its institution, its member of staff with their unit
    and roles in hand (what every request then reads): on PostgreSQL one prepared
    statement (complaints/prepared_reads.py), elsewhere the ORM's select_related."""
    if connection.vendor != "postgresql":
        token = ApiToken.objects.select_related("staff", "staff__unit", "institution").filter(digest=value).first()
        if token is not None:
            token.staff.role_set()
        return token
    row = prepared_reads.fetch_one(_token_sql(), [value])
    if row is None:
        return None
    token = prepared_reads.instance(ApiToken, row, 0)
    staff = prepared_reads.instance(Staff, row, at := prepared_reads.width(ApiToken))
    unit = prepared_reads.instance(OrgUnit, row, at := at + prepared_reads.width(Staff))
    institution = prepared_reads.instance(Institution, row, at := at + prepared_reads.width(OrgUnit))
    prepared_reads.relate(token, "staff", staff)
    prepared_reads.relate(staff, "unit", unit)
    prepared_reads.relate(token, "institution", institution)
    staff._role_cache = frozenset(row[-1])  # as Staff.role_set keeps them
    return token


@lru_cache(maxsize=1)
def _token_sql() -> str:
    q = connection.ops.quote_name
    return (f"SELECT {prepared_reads.select_list('t', ApiToken)}, {prepared_reads.select_list('s', Staff)}, "
            f"{prepared_reads.select_list('u', OrgUnit)}, {prepared_reads.select_list('i', Institution)}, "
            f"ARRAY(SELECT r.{q('role')} FROM {q(StaffRole._meta.db_table)} r WHERE r.{q('staff_id')} = s.id) "
            f"FROM {q(ApiToken._meta.db_table)} t "
            f"JOIN {q(Staff._meta.db_table)} s ON s.id = t.{q('staff_id')} "
            f"LEFT JOIN {q(OrgUnit._meta.db_table)} u ON u.id = s.{q('unit_id')} "
            f"JOIN {q(Institution._meta.db_table)} i ON i.id = t.{q('institution_id')} "
            f"WHERE t.{q('digest')} = %s")
