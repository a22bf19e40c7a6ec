"""Idempotent create (the Idempotency-Key header).

A call-centre system that times out and retries must not register the complaint twice.
The first request with a key stores the body's hash and the response; a retry with the
same key and body gets that response again (200), a different body is refused (409).
Keys are per token. Two concurrent first requests are resolved by the unique
constraint: the key row is inserted in the same transaction as the complaint, so the
second insert waits for the first transaction and then fails, and the loser replays
the winner's answer. A create that fails (422, 403) rolls its key row back with it, so
the caller can correct the body and retry with the same key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from django.db import connection, transaction

from redress.api.models import ApiToken, IdempotencyRecord
from redress.complaints.errors import DomainError, ValidationFailed
from redress.complaints.models import Complaint
from redress.complaints.timesource import now as current_time

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, no spaces: UUIDs, ticket ids


class KeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 409

    def __init__(self):
        super().__init__(f"{HEADER}: this key was already used with a different request body; "
                         "use a new key for a new complaint", field=HEADER)
        self.rule = "a key may be reused only with the identical body"


def body_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False,
                                     separators=(",", ":")).encode()).hexdigest()


def check_key(key: str) -> None:
    if not KEY_PATTERN.match(key):
        raise ValidationFailed(HEADER, "must be 1 to 200 printable ASCII characters without spaces")


def _replay(record: IdempotencyRecord, digest: str) -> tuple[int, dict]:
    if record.request_hash != digest:
        raise KeyReused()
    return 200, record.response_body


def _claim(token: ApiToken, key: str, digest: str) -> IdempotencyRecord | None:
    """Insert the key row, or None when the key is taken. ON CONFLICT waits for a
    concurrent first request with the key to commit or roll back, like the unique
    index did, without a savepoint round trip (PostgreSQL and SQLite >= 3.35)."""
    table = IdempotencyRecord._meta.db_table
    created_at = current_time()
    with connection.cursor() as cur:
        cur.execute(f'INSERT INTO "{table}" (token_id, key, request_hash, response_status, created_at) '
                    "VALUES (%s, %s, %s, 0, %s) ON CONFLICT (token_id, key) DO NOTHING RETURNING id",
                    [token.pk, key, digest, connection.ops.adapt_datetimefield_value(created_at)])
        row = cur.fetchone()
    if row is None:
        return None
    return IdempotencyRecord(pk=row[0], token=token, key=key, request_hash=digest, created_at=created_at)


def create_once(token: ApiToken, key: str, payload: dict,
                create: Callable[[], tuple[Complaint, dict]]) -> tuple[int, dict]:
    """Run `create` (which returns the complaint and its JSON response) at most once per
    (token, key); answer (status, body)."""
    check_key(key)
    digest = body_hash(payload)
    with transaction.atomic():
        record = _claim(token, key, digest)
        if record is not None:
            complaint, body = create()
            record.complaint, record.response_status, record.response_body = complaint, 201, body
            record.save(update_fields=["complaint", "response_status", "response_body"])
            return 201, body
    return _replay(IdempotencyRecord.objects.get(token=token, key=key), digest)
