"""Many complaints in one request (`POST /api/complaints/batch`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SkipValidation

from redress.api.fields import Stored
from redress.api.schemas.base import Error, In, Out
from redress.api.schemas.complaints import ComplaintIn, ComplaintOut

MAX_ITEMS = 500


class BatchItemIn(In):
    idempotency_key: Stored("api.IdempotencyRecord", "key", min_length=1, pattern=r"^[\x21-\x7e]+$") = Field(
        description="this complaint's own key, as the Idempotency-Key header of a single create: sent again "
                    "(in a batch or alone) with the same complaint it answers the first result")
    complaint: ComplaintIn


class ComplaintBatchIn(In):
    # Each item is checked on its own (a bad item is refused, the others go on), so the
    # list holds them unchecked; the schema documents them as BatchItemIn.
    items: list[SkipValidation[BatchItemIn]] = Field(min_length=1, max_length=MAX_ITEMS)


class BatchResultOut(Out):
    index: int = Field(description="the item's place in `items`, from 0")
    idempotency_key: str | None
    result: Literal["created", "replayed", "refused"]
    status: int = Field(description="the status a single create would have answered: 201 created, 200 "
                                    "replayed, 403/409/422 refused")
    complaint: ComplaintOut | None = Field(None, description="created or replayed: the complaint as created")
    error: Error | None = Field(None, description="refused: why, in the API's error shape")


class ComplaintBatchOut(Out):
    created: int
    replayed: int
    refused: int
    results: list[BatchResultOut] = Field(description="one per item, in the order sent")
