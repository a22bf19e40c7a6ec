"""Idempotent create (the Idempotency-Key header).

A call-centre system that times out and retries must not register the complaint twice.
The first request with a key stores the body's hash and the response; a retry with the
same key and body gets that response again (200), a different body is refused (409).
Keys are per token.

The key row is written last, in the complaint's own transaction, with the response in
it: one INSERT ... ON CONFLICT DO NOTHING. When the key is already taken — a retry, or
a concurrent first request, whose transaction the INSERT waits for — the whole create
is rolled back and the stored answer replayed. A retry therefore does the work of a
create once more before it is undone (and leaves a gap in the reference numbers); in
exchange a first request, the usual case, costs one statement for its key instead of a
look-up, an insert and an update. A create that fails (422, 403) writes no key row, so
the caller can correct the body and retry with the same key. Keys are kept
REDRESS_IDEMPOTENCY_DAYS; the sweep forgets older ones (`purge`).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection

from redress.api.models import ApiToken, IdempotencyRecord
from redress.complaints.errors import DomainError, ValidationFailed
from redress.complaints.models import Complaint
from redress.complaints.selectors.id_sets import id_array, text_array
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


class _KeyTaken(Exception):
    """Raised inside the create's transaction to roll it back: the key has an answer."""


def _record(token: ApiToken, key: str, digest: str, complaint: Complaint, body: dict) -> bool:
    """Insert the key row with its answer; False when the key is taken. ON CONFLICT waits
    for a concurrent first request with the key to commit or roll back, as the unique
    index does (PostgreSQL and SQLite >= 3.35)."""
    table = IdempotencyRecord._meta.db_table
    created_at = connection.ops.adapt_datetimefield_value(current_time())
    with connection.cursor() as cur:
        cur.execute(f'INSERT INTO "{table}" (token_id, key, request_hash, complaint_id, response_status, '
                    "response_body, created_at) VALUES (%s, %s, %s, %s, 201, %s, %s) "
                    "ON CONFLICT (token_id, key) DO NOTHING RETURNING id",
                    [token.pk, key, digest, complaint.pk, json.dumps(body, ensure_ascii=False), created_at])
        return cur.fetchone() is not None


def create_once(token: ApiToken, key: str, payload: dict, create: Callable[[Callable[[Complaint], None]], object],
                answer: Callable[[Complaint], dict]) -> tuple[int, dict]:
    """Create at most once per (token, key); answer (status, body). `create(then)` runs the
    service, which calls `then(complaint)` inside its transaction; `answer(complaint)`
    is the response body."""
    check_key(key)
    digest = body_hash(payload)
    answered: list[dict] = []

    def then(complaint: Complaint) -> None:
        body = answer(complaint)
        if not _record(token, key, digest, complaint, body):
            raise _KeyTaken
        answered.append(body)

    try:
        create(then)
    except _KeyTaken:
        return _replay(IdempotencyRecord.objects.get(token=token, key=key), digest)
    return 201, answered[0]


def purge(now: datetime | None = None, batch: int = 1000) -> int:
    """Forget the keys older than REDRESS_IDEMPOTENCY_DAYS among the `batch` oldest (the
    sweep comes back for more). Rows are added in id order as time passes, so the
    expired ones are at the start of the primary key: reading the first `batch` of it
    finds them without an index on the time, however many keys are kept."""
    cutoff = (now or current_time()) - timedelta(days=settings.REDRESS_IDEMPOTENCY_DAYS)
    oldest = IdempotencyRecord.objects.order_by("pk").values_list("pk", "created_at")[:batch]
    expired = [pk for pk, created in oldest if created < cutoff]
    if not expired:
        return 0
    deleted, _ = IdempotencyRecord.objects.filter(pk__in=expired).delete()
    return deleted


def record_many(token: ApiToken, answers: list[tuple[str, str, Complaint, dict]]) -> set[str]:
    """Insert the key rows of a batch, (key, body hash, complaint, answer) each, in one
    statement; the keys that were already taken (a concurrent request with one of them
    committed first) are returned, and the caller rolls the batch back."""
    if not answers:
        return set()
    table = IdempotencyRecord._meta.db_table
    created_at = connection.ops.adapt_datetimefield_value(current_time())
    columns = "token_id, key, request_hash, complaint_id, response_status, response_body, created_at"
    bodies = [json.dumps(body, ensure_ascii=False) for *_, body in answers]
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # Each column as one array parameter: 500 rows as six placeholders a row cost
            # ~50 µs a row in psycopg's Python (quoting 3,000 parameters, then splitting the
            # query's placeholders), the arrays' text about a tenth of that.
            cur.execute(f'INSERT INTO "{table}" ({columns}) SELECT %s, k, h, c, 201, b::jsonb, %s '
                        "FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::text[]) AS u(k, h, c, b) "
                        "ON CONFLICT (token_id, key) DO NOTHING RETURNING key",
                        [token.pk, created_at, text_array(key for key, *_ in answers),
                         text_array(digest for _, digest, *_ in answers),
                         id_array(complaint.pk for _, _, complaint, _ in answers),
                         text_array(bodies)])
        else:
            params = []
            for (key, digest, complaint, _), body in zip(answers, bodies, strict=True):
                params += [token.pk, key, digest, complaint.pk, body, created_at]
            cur.execute(f'INSERT INTO "{table}" ({columns}) VALUES '
                        + ", ".join(["(%s, %s, %s, %s, 201, %s, %s)"] * len(answers))
                        + " ON CONFLICT (token_id, key) DO NOTHING RETURNING key", params)
        written = {key for (key,) in cur.fetchall()}
    return {key for key, *_ in answers} - written
