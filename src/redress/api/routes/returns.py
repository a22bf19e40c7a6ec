"""Regulator returns through the API (issue 11 item 6): the returns the policy declares
with their due dates and last production; producing one for an ended period (recorded,
as on /returns/); the recorded files as downloads. Under the `reports:read` scope, and
for tokens acting as the complaints office or compliance, as on the page."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Schema, Status

from redress.api.auth import TokenAuth
from redress.api.models import Scope
from redress.api.routes.common import error_responses
from redress.complaints.errors import NotFound, NotPermitted
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.reports.models import ReturnProduction
from redress.reports.returns import periods
from redress.reports.returns.produce import latest, may_produce, return_produce
from redress.reports.returns.views import file_response
from redress.web.calendar import request_calendar

router = Router(tags=["returns"])
READ = TokenAuth(Scope.REPORTS_READ)


class UnmappedOut(Schema):
    dimension: str
    value: str
    count: int
    references: list[str]


class ProductionOut(Schema):
    id: int
    return_code: str
    period: str
    period_start: date
    period_end: date
    produced_by: str
    produced_at: datetime
    rows: int
    xlsx_sha256: str
    csv_sha256: str
    xlsx_url: str
    csv_url: str
    unmapped: list[UnmappedOut]


class ReturnOut(Schema):
    code: str
    name: str
    period_kind: str
    last_ended_period: str
    last_ended_due: date
    next_due: date
    next_due_period: str
    produced: ProductionOut | None


class ProduceIn(Schema):
    period: str


def _production(p: ReturnProduction) -> dict:
    return {"id": p.pk, "return_code": p.return_code, "period": p.period, "period_start": p.period_start,
            "period_end": p.period_end, "produced_by": p.staff.get_username(), "produced_at": p.at, "rows": p.rows,
            "xlsx_sha256": p.xlsx_sha256, "csv_sha256": p.csv_sha256,
            "xlsx_url": f"/api/returns/files/{p.pk}.xlsx", "csv_url": f"/api/returns/files/{p.pk}.csv",
            "unmapped": p.unmapped}


def _check(token) -> None:
    if not may_produce(token.staff):
        raise NotPermitted("regulator returns are for the complaints office and compliance")


@router.get("/returns", auth=READ, response={200: list[ReturnOut], **error_responses(401, 403)},
            summary="The regulator returns the policy declares, when each is due and its last production")
def list_returns(request: HttpRequest):
    _check(request.auth)
    cal = request_calendar(request)
    today = current_time().astimezone(cal.tz).date()
    out = []
    for ret in active_pack().returns:
        last = periods.last_ended(ret.period, today)
        period, due = periods.next_due(ret, today, cal)
        done = latest(ret.code, last.label)
        out.append({"code": ret.code, "name": ret.name.get(translation.get_language()),
                    "period_kind": ret.period.value, "last_ended_period": last.label,
                    "last_ended_due": periods.due_date(ret, last, cal), "next_due": due,
                    "next_due_period": period.label, "produced": _production(done) if done else None})
    return out


@router.post("/returns/{code}/productions", auth=READ,
             response={201: ProductionOut, **error_responses(400, 401, 403, 404, 422)},
             summary="Produce a return for an ended period (recorded with its files' SHA-256)")
def produce(request: HttpRequest, code: str, payload: ProduceIn):
    """A period not ended, one before the institution's first complaint or written
    otherwise than the return's kind (2026-Q3, 2026-H1, 2026-07, 2026) is a 422 naming
    `period`; `unmapped` lists the complaints the mapping could not place."""
    _check(request.auth)
    done = return_produce(staff=request.auth.staff, pack=active_pack(), code=code, period=payload.period,
                          now=current_time(), cal=request_calendar(request), language=translation.get_language())
    return Status(201, _production(done.record))


@router.get("/returns/files/{production_id}.{fmt}", auth=READ, response={200: None, **error_responses(401, 403, 404, 422)},
            summary="Download a produced return's file (xlsx or csv), byte for byte as recorded")
def download(request: HttpRequest, production_id: int, fmt: str):
    _check(request.auth)
    record = ReturnProduction.objects.filter(pk=production_id).first()
    if record is None or fmt not in ("xlsx", "csv"):
        raise NotFound(f"no return file {production_id}.{fmt[:10]}")
    return file_response(record, fmt)
