"""Create, read and list complaints; their timeline and clocks."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Header, Query, Router

from redress.api import lookups
from redress.api.auth import TokenAuth
from redress.api.idempotency import HEADER, create_once
from redress.api.models import Scope
from redress.api.presenting import (
    clocks_out,
    complaint_out,
    event_out,
    summary_out,
)
from redress.api.routes.common import error_responses, visible
from redress.api.schemas.base import PLAIN
from redress.api.schemas.complaints import (
    ClockOut,
    ComplaintFilters,
    ComplaintIn,
    ComplaintOut,
    ComplaintPage,
    EventOut,
)
from redress.complaints import services as svc
from redress.complaints.models import Complaint
from redress.complaints.selectors.scope import visible_complaints

router = Router(tags=["complaints"])
READ = TokenAuth(Scope.COMPLAINTS_READ)
TOTAL_CAP = 10_000  # counting stops here, so a broad filter costs a bounded scan


def _input(token, data: ComplaintIn) -> svc.ComplaintInput:
    parties = [svc.PartyInput(kind=p.kind, unit=lookups.unit(token, p.unit, f"parties[{i}].unit"),
                              staff=lookups.staff(token, p.staff, f"parties[{i}].staff"), product=p.product,
                              description=p.description) for i, p in enumerate(data.parties)]
    return svc.ComplaintInput(
        customer=svc.CustomerInput(**data.customer.model_dump()), channel=data.channel, subject=data.subject,
        cause=data.cause, request=data.request, amount_claimed=data.amount_claimed, currency=data.currency or "",
        received_at=data.received_at, kind=data.kind, branch=lookups.unit(token, data.branch, "branch"),
        parties=parties, referral_source=data.referral_source, external_reference=data.external_reference,
    )


def _as_json(c: Complaint, parties) -> dict:
    # A new complaint owes an authority something only through a critical flag or a
    # referral (services.reports): without either there is nothing to read back.
    reports = None if (c.critical_flags or c.referral_source) else []
    return ComplaintOut.model_validate(complaint_out(c, parties=parties, reports=reports),
                                       context={PLAIN: True}).model_dump(mode="json")


@router.post("/complaints", response={200: ComplaintOut, 201: ComplaintOut, **error_responses(400, 401, 403, 409, 413, 415, 422)},
             auth=TokenAuth(Scope.COMPLAINTS_CREATE), summary="Create a complaint (idempotent with Idempotency-Key)")
def create_complaint(request: HttpRequest, payload: ComplaintIn,
                     idempotency_key: str | None = Header(None, alias=HEADER, max_length=200)):
    """Takes a complaint down as the token's member of staff (an intake role is needed)
    and, unless `register` is false, registers and acknowledges it at once. Send an
    `Idempotency-Key` so a retry after a timeout returns the first answer (200) instead
    of a second complaint."""
    token = request.auth
    data = _input(token, payload)

    def answer(complaint: Complaint) -> dict:
        # From the objects in hand: the service built every field of the row.
        return _as_json(complaint, data.parties)

    def create(then=None) -> Complaint:
        return svc.complaint_receive(actor=token.staff, data=data, via="api", register=payload.register_, then=then)

    if idempotency_key is None:
        status, body = 201, answer(create())
    else:
        status, body = create_once(token, idempotency_key, payload.model_dump(mode="json"), create, answer)
    # The body is ComplaintOut already (answer validated it, or it is the stored first
    # answer): rendered as it is, not validated a second time. The API instance that
    # mounts this router is imported here because it imports this module.
    from redress.api.main import api

    return api.create_response(request, body, status=status)


@router.get("/complaints", response={200: ComplaintPage, **error_responses(401, 403, 422)}, auth=READ,
            summary="List the complaints this token may see")
def list_complaints(request: HttpRequest, filters: Query[ComplaintFilters]):
    qs = visible_complaints(request.auth.staff)
    f = filters
    lookups_by_filter = {"state": "state", "category": "category", "channel": "channel",
                         "received_from": "received_at__gte", "received_to": "received_at__lt",
                         "updated_since": "updated_at__gte"}
    given = {lookup: getattr(f, name) for name, lookup in lookups_by_filter.items() if getattr(f, name)}
    qs = qs.filter(**given)
    total = qs.order_by().values("pk")[:TOTAL_CAP + 1].count()
    ordering = ("updated_at", "pk") if f.order == "updated" else ("-received_at", "-pk")
    items = list(qs.order_by(*ordering)[f.offset:f.offset + f.limit])
    more = f.offset + len(items) < total
    return {"items": [summary_out(c) for c in items], "limit": f.limit, "offset": f.offset,
            "total": min(total, TOTAL_CAP), "total_capped": total > TOTAL_CAP, "total_cap": TOTAL_CAP,
            "next_offset": f.offset + len(items) if more and items else None}


@router.get("/complaints/{reference}", response={200: ComplaintOut, **error_responses(401, 403, 404)}, auth=READ,
            summary="Read one complaint")
def get_complaint(request: HttpRequest, reference: str):
    return complaint_out(visible(request.auth, reference))


@router.get("/complaints/{reference}/events", response={200: list[EventOut], **error_responses(401, 403, 404)},
            auth=READ, summary="The complaint's timeline (ledger events, oldest first)")
def list_events(request: HttpRequest, reference: str):
    complaint = visible(request.auth, reference)
    return [event_out(e) for e in complaint.events.select_related("actor").order_by("seq")]


@router.get("/complaints/{reference}/clocks", response={200: list[ClockOut], **error_responses(401, 403, 404)},
            auth=READ, summary="The complaint's time limits and the time left")
def list_clocks(request: HttpRequest, reference: str):
    complaint = visible(request.auth, reference)
    return clocks_out(list(complaint.clocks.order_by("started_at", "id")))
