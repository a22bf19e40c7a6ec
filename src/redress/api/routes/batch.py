"""Many complaints in one request: `POST /api/complaints/batch` (issue 13 item 10).

A regulator's transfer or a partner system's backlog comes as up to 500 complaints a
request, each with its own idempotency key and its own result: created (201), replayed
(200: the key was used before with the same complaint, alone or in a batch) or refused
with the reason in the API's error shape (403, 409 or 422: what a single create would
have answered).

One transaction per request. Each item is checked first — its schema, its key, its
lookups, then every rule of intake — and a refused item is left out: intake refuses
before it writes, and whatever it had built is dropped, so it leaves nothing, not even a
reference number. The items that pass are written together with their keys
(`services.receive_many`: the rows complaint_receive writes, in sets). If a key was
taken meanwhile by a concurrent request, the whole batch is rolled back and run once
more, when that item replays.
"""

from __future__ import annotations

from django.db.models import F, Q
from django.http import HttpRequest
from ninja import Router
from pydantic import ValidationError

from redress.api import idempotency
from redress.api.auth import TokenAuth
from redress.api.errors import invalid, refusal
from redress.api.idempotency import KeyReused, body_hash
from redress.api.models import IdempotencyRecord, Scope
from redress.api.routes.common import error_responses
from redress.api.routes.complaints import _as_json, _input
from redress.api.schemas.batch import BatchItemIn, ComplaintBatchIn, ComplaintBatchOut
from redress.complaints import services as svc
from redress.complaints.errors import DomainError, ValidationFailed
from redress.complaints.selectors.id_sets import InTexts

router = Router(tags=["complaints"])
ATTEMPTS = 3  # a batch whose keys are taken meanwhile is run again; a third clash is an error


class _KeysTaken(Exception):
    """A concurrent request committed one of the batch's keys first: roll back, run again."""


@router.post("/complaints/batch", response={200: ComplaintBatchOut, **error_responses(400, 401, 403, 413, 415, 422)},
             auth=TokenAuth(Scope.COMPLAINTS_CREATE),
             summary="Create up to 500 complaints, each with its own idempotency key and result")
def create_batch(request: HttpRequest, payload: ComplaintBatchIn):
    """Each item is `{"idempotency_key": ..., "complaint": <as for POST /complaints>}`.
    The answer has one result per item, in order: `created` with the complaint,
    `replayed` with the first answer to its key, or `refused` with the error a single
    create would have given. One transaction: the created items are all written, or —
    on a database failure — none (then send the same batch again: the keys make it
    safe). The whole body is held to the API's size limit (413 above it): long letters
    go in smaller batches."""
    token = request.auth
    for attempt in range(ATTEMPTS):
        try:
            body = _run(token, payload.items)
            break
        except _KeysTaken:
            if attempt == ATTEMPTS - 1:
                raise
    from redress.api.main import api

    return api.create_response(request, body, status=200)


def _run(token, raw_items: list) -> dict:
    results: list[dict | None] = [None] * len(raw_items)
    candidates = []  # (index, key, digest, item)
    first_with: dict[str, int] = {}
    for i, raw in enumerate(raw_items):
        key = raw.get("idempotency_key") if isinstance(raw, dict) else None
        key = key if isinstance(key, str) else None
        try:
            item = BatchItemIn.model_validate(raw)
        except ValidationError as exc:
            results[i] = _refused(i, key, 422, invalid(exc.errors()))
            continue
        if item.idempotency_key in first_with:  # its form is the schema's (printable ASCII, no spaces)
            results[i] = _refused(i, key, *refusal(ValidationFailed(
                "idempotency_key", f"item {first_with[item.idempotency_key]} of this batch has the same key")))
            continue
        first_with[item.idempotency_key] = i
        candidates.append((i, item.idempotency_key, body_hash(item.complaint.model_dump(mode="json")), item))

    keys = Q(InTexts(F("key"), [c[1] for c in candidates]))  # on PostgreSQL one array, not 500 placeholders
    known = {r.key: r for r in IdempotencyRecord.objects.filter(keys, token=token)} if candidates else {}
    todo = []  # (index, key, digest, ComplaintInput, register)
    for i, key, digest, item in candidates:
        record = known.get(key)
        if record is not None:
            if record.request_hash == digest:
                results[i] = {"index": i, "idempotency_key": key, "result": "replayed", "status": 200,
                              "complaint": record.response_body, "error": None}
            else:
                status, error = refusal(KeyReused())
                results[i] = _refused(i, key, status, {**error, "field": "idempotency_key"})
            continue
        try:
            data = _input(token, item.complaint)
        except DomainError as err:  # a unit or member of staff that does not exist
            results[i] = _refused(i, key, *refusal(err))
            continue
        todo.append((i, key, digest, data, item.complaint.register_))

    def record(outcomes) -> None:
        answers = []
        for (i, key, digest, data, _register), outcome in zip(todo, outcomes, strict=True):
            if isinstance(outcome, DomainError):
                results[i] = _refused(i, key, *refusal(outcome))
                continue
            answer = _as_json(outcome, data.parties)
            results[i] = {"index": i, "idempotency_key": key, "result": "created", "status": 201,
                          "complaint": answer, "error": None}
            answers.append((key, digest, outcome, answer))
        if idempotency.record_many(token, answers):
            raise _KeysTaken

    svc.receive_many(actor=token.staff, items=[(data, register) for _i, _k, _d, data, register in todo],
                     via="api", then=record)
    counts = {"created": 0, "replayed": 0, "refused": 0}
    for result in results:
        counts[result["result"]] += 1
    return {**counts, "results": results}


def _refused(index: int, key: str | None, status: int, error: dict) -> dict:
    return {"index": index, "idempotency_key": key, "result": "refused", "status": status, "complaint": None,
            "error": error}
