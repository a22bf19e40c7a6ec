"""The complaint register (投诉台账) through the API, under the `reports:read` scope: the
same list as /register/ (reports.register: every state, the token's member of staff's
scope, the same filters, newest first) with the same columns (reports.columns), paged
by a cursor. The filters are checked by the register's own form (reports.forms), so a
filter the page refuses the API refuses too, here as a 422 naming the field.

Complainants' details leave masked. With `personal=true` they leave in full, only for a
role that may see them (selectors.personal.may_reveal; anyone else gets 403 and no
rows), and each such page is recorded as an export is (reports.models.ExportRecord,
format "json"): who, which filter, how many rows (DESIGN rule 6).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from django.utils import translation
from ninja import Query, Router
from pydantic import Field, create_model

from redress.api import lookups
from redress.api.auth import TokenAuth
from redress.api.fields import CODE, Day, Stored, Str, UnitCode
from redress.api.models import Scope
from redress.api.routes.common import error_responses
from redress.api.schemas.base import In, Out
from redress.complaints.errors import ValidationFailed
from redress.complaints.lifecycle import State
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.reports import columns, export
from redress.reports import register as reg
from redress.reports.forms import MAX_YEARS, RegisterForm
from redress.reports.models import ExportRecord
from redress.reports.rows import build

router = Router(tags=["reports"])
READ = TokenAuth(Scope.REPORTS_READ)
YesNo = Literal["yes", "no"]
# The form's names where the API's differ: the page link's position is the API's cursor.
FORM_TO_API = {"after": "cursor"}
CURSOR_FORM = r"^[^~]*~[0-9]{1,18}$"  # selectors/keyset.Cursor.token: the sort value, ~, the id


class RegisterFilters(In):
    period: Literal["received", "closed"] = Field("received", description="which dates date_from/date_to are "
                                                  "about, and the order (newest first)")
    date_from: Day | None = Field(None, description="first day, in the institution's time zone")
    date_to: Day | None = Field(None, description="last day (inclusive); not before date_from, and less than "
                                                 f"{MAX_YEARS} years after it")
    unit: UnitCode | None = Field(None, description="responsible unit's code; its sub-units are included")
    category: Stored("complaints.Complaint", "category", pattern=CODE) | None = None
    channel: Stored("complaints.Complaint", "channel", pattern=CODE) | None = None
    state: State | None = None
    severity: Literal["low", "medium", "high", "major"] | None = None
    critical: YesNo | None = None
    economic_dispute: YesNo | None = None
    late: YesNo | None = None
    late_remedies: YesNo | None = Field(None, description="a remedy past its due date, neither done nor waived")
    recomplaint: YesNo | None = None
    product: Str(100) | None = Field(None, description="text in a product the complaint names")  # type: ignore[valid-type]
    personal: bool = Field(False, description="complainants' details in full: needs a role that may see them; "
                                              "recorded")
    cursor: Str(80, pattern=CURSOR_FORM) | None = Field(  # type: ignore[valid-type]
        None, description="next_cursor of the previous page, as it was given (a sort value, ~, the complaint's id)")  # type: ignore[valid-type]
    limit: int = Field(25, ge=1, le=100)


def _row_model():
    """One field per register column, described by its English header, so the OpenAPI
    document lists exactly what columns.COLUMNS gives."""
    with translation.override("en"):
        fields = {c.key: (str | int | None, Field(None, description=str(c.label))) for c in columns.COLUMNS}
    return create_model("RegisterRow", __base__=Out, codes=(RegisterCodes, ...), **fields)


class RegisterCodes(Out):
    """The row's codes beside its texts, for a program to filter and join on: the
    columns are in the reader's language, as on the page."""

    kind: str
    state: str
    channel: str
    category: str
    severity: str
    responsible_unit: str | None


RegisterRow = _row_model()


def _codes(c) -> dict:
    return {"kind": c.kind, "state": c.state, "channel": c.channel, "category": c.category or "",
            "severity": c.severity or "", "responsible_unit": c.responsible_unit.code if c.responsible_unit else None}


class RegisterPage(Out):
    items: list[RegisterRow]  # type: ignore[valid-type]
    limit: int
    next_cursor: str | None = Field(description="pass as cursor for the next page; null on the last")
    total: int = Field(description="complaints matching the filter, counted up to total_cap")
    total_capped: bool
    total_cap: int


def _form(token, f: RegisterFilters) -> RegisterForm:
    """The register's form on the API's filters: a unit by its code (an unknown one is a
    422 on `unit`), the rest as the page's query string would carry them."""
    unit = lookups.unit(token, f.unit or "", "unit")
    data = {name: value for name, value in {
        "period": f.period, "date_from": f.date_from.isoformat() if f.date_from else "",
        "date_to": f.date_to.isoformat() if f.date_to else "", "unit": str(unit.pk) if unit else "",
        "category": f.category, "channel": f.channel, "state": f.state.value if f.state else "",
        "severity": f.severity, "critical": f.critical, "economic_dispute": f.economic_dispute, "late": f.late,
        "late_remedies": f.late_remedies, "recomplaint": f.recomplaint, "product": f.product, "after": f.cursor,
    }.items() if value}
    form = RegisterForm(data, pack=active_pack())
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        raise ValidationFailed(FORM_TO_API.get(name, name), " ".join(str(e) for e in errors))
    return form


def _json(value: columns.Value, tz) -> str | int | None:
    """Times with their offset in the institution's time zone, amounts as exact decimal text."""
    if isinstance(value, datetime):
        return value.astimezone(tz).isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


@router.get("/register", response={200: RegisterPage, **error_responses(401, 403, 422)}, auth=READ,
            summary="The complaint register (台账), a page at a time")
def register_page(request: HttpRequest, filters: Query[RegisterFilters]):
    """Every complaint the token's member of staff may see, in any state, with the
    register's columns, newest first; filters as on /register/. Page on with
    `cursor=next_cursor` until it is null: each complaint comes once."""
    token = request.auth
    form = _form(token, filters)
    pack, now = active_pack(), current_time()
    cal = calendar_for(pack)
    wanted = export.Request(staff=token.staff, filters=form.filters(), format=ExportRecord.Format.JSON,
                            personal=filters.personal, language=translation.get_language(), now=now, cal=cal,
                            pack=pack)
    export.check(wanted)  # 403 before a row is read
    page = reg.page(token.staff, wanted.filters, now=now, tz=cal.tz, after=form.cleaned_data["after"],
                    per_page=filters.limit)
    ctx = wanted.context
    items = [{**{c.key: _json(v, cal.tz) for c, v in zip(columns.COLUMNS, columns.values(row, ctx), strict=True)},
              "codes": _codes(row.c)} for row in build(page.rows)]
    if filters.personal and items:
        export.record(wanted, rows=len(items))
    return {"items": items, "limit": filters.limit, "next_cursor": page.next_cursor or None,
            "total": min(page.total or 0, page.cap), "total_capped": page.total_is_capped, "total_cap": page.cap}


@router.get("/register/columns", response={200: list[dict[str, str]], **error_responses(401, 403)}, auth=READ,
            summary="The register's columns: key, header in the request's language, group")
def register_columns(request: HttpRequest):
    return [{"key": c.key, "label": str(c.label), "group": str(columns.GROUPS[c.group])} for c in columns.COLUMNS]
