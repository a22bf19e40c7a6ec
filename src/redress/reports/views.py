"""/register/: the complaint register (投诉台账) a page at a time, its export, and the
record sheet of one complaint (《投诉记录表》). Thin: the form checks the query string,
`register` reads, `columns` says what each row shows, the templates show it."""

from __future__ import annotations

from html import escape

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from redress.complaints.errors import NotFound, NotPermitted
from redress.complaints.selectors.personal import may_reveal, shown
from redress.complaints.selectors.scope import get_visible
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.reports import columns, export
from redress.reports import register as reg
from redress.reports.forms import RegisterForm
from redress.reports.models import ExportRecord
from redress.reports.rows import build
from redress.web.access import staff_view
from redress.web.calendar import request_calendar
from redress.web.complaint import record
from redress.web.complaint.page import revealed
from redress.web.querystring import FIRST_PAGE, link, page_links

PER_PAGE = 25
# What the export form does not carry over from the page's query string: the position
# (an export is of the whole list) and its own fields.
EXPORT_DROPS = frozenset(FIRST_PAGE) | {"format", "personal", "count"}


NOTHING = mark_safe('<span class="muted">—</span>')  # noqa: S308 (a constant)


def _escaped(text) -> str:
    """What the template's autoescape gives (Django's escape is html.escape of the text):
    escaped unless already marked safe."""
    return text if isinstance(text, SafeData) else escape(str(text))


def _with_html(cells: list[dict], labels: dict[str, str]) -> list[dict]:
    """Each cell's lines as HTML, escaped as the template would (the page is the same to
    the byte): 25 rows of a dozen cells and their lines were ~900 template loops a page,
    then ~500 format_html calls, each translating its lazy label again (~3,800 lazy-text
    calls a page); now plain f-strings, the labels translated and escaped once a page
    (`labels`, by column key; the keys are the code's own identifiers). The case cell,
    with its links, stays in the template."""
    for cell in cells:
        lines = cell["lines"]
        if not lines:
            cell["html"] = NOTHING
        elif cell["labelled"]:
            cell["html"] = mark_safe("".join(  # noqa: S308 (every part escaped above)
                f'<div class="rg-line" data-key="{x["key"]}"><span class="rg-label">{labels[x["key"]]}</span> '
                f'<span class="rg-text">{_escaped(x["text"])}</span></div>' for x in lines))
        else:
            cell["html"] = mark_safe("".join(  # noqa: S308 (every part escaped above)
                f'<div class="rg-line" data-key="{x["key"]}"><span class="rg-text">{_escaped(x["text"])}</span></div>'
                for x in lines))
    return cells


def _count_text(page) -> str:
    return _("%(n)s+") % {"n": f"{page.cap:,}"} if page.total_is_capped else f"{page.total:,}"


def _context(request: HttpRequest, personal: bool = False) -> columns.Context:
    return columns.Context(pack=active_pack(), language=translation.get_language(), cal=request_calendar(request),
                           now=current_time(), personal=personal)


@require_GET
@staff_view()
def register_page(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.GET, pack=active_pack())
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = form.filters()
    ctx = _context(request)
    page = reg.page(request.user, filters, now=ctx.now, tz=ctx.cal.tz, after=data.get("after"),
                    before=data.get("before"), number=data.get("page") or 1, per_page=PER_PAGE,
                    count_all=data.get("count") == reg.ALL)
    params = request.GET.copy()
    links = page_links(params, page)
    labels = {column.key: _escaped(str(column.label)) for column in columns.COLUMNS}
    context = {
        "nav": "register", "form": form, "problems": form.problems(),
        "groups": [{"key": k, "label": v} for k, v in columns.GROUPS.items()],
        "rows": [{"c": row.c, "cells": _with_html(columns.grouped(row, ctx), labels)} for row in build(page.rows)],
        "page": page, "total_text": _count_text(page), **links,
        "count_all_url": link(params, count=reg.ALL, **FIRST_PAGE) if page.total_is_capped else "",
        "filtered": filters != reg.Filters(), "clear_url": "?",
        "export_fields": [(key, value) for key, values in params.lists() if key not in EXPORT_DROPS for value in values], "may_export_personal": may_reveal(request.user),
    }
    return render(request, "reports/register.html", context, status=400 if form.errors else 200)


@require_GET
@staff_view()
def register_export(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.GET, pack=active_pack())
    if not form.is_valid():
        return HttpResponse("\n".join(form.problems()), status=400, content_type="text/plain; charset=utf-8")
    fmt = request.GET.get("format", ExportRecord.Format.CSV)
    if fmt not in ExportRecord.Format.values:
        return HttpResponse(_("format must be csv or xlsx"), status=400, content_type="text/plain; charset=utf-8")
    ctx = _context(request)
    req = export.Request(staff=request.user, filters=form.filters(), format=fmt,
                         personal=request.GET.get("personal") == "1", language=ctx.language, now=ctx.now,
                         cal=ctx.cal, pack=ctx.pack)
    try:
        return export.response(req)
    except NotPermitted as err:
        raise PermissionDenied(err.message) from None


SHEET_LANGUAGES = ("customer", "institution")


@require_GET
@staff_view()
def record_sheet(request: HttpRequest, reference: str) -> HttpResponse:
    """《投诉记录表》 of one complaint, for printing on A4: in the reader's language, or
    (?lang=) the complainant's or the institution's."""
    try:
        complaint = get_visible(request.user, reference=reference)
    except NotFound:
        raise Http404(_("No complaint %(reference)s that you may see.") % {"reference": reference}) from None
    wanted = request.GET.get("lang", "")
    language = {"customer": complaint.language, "institution": settings.LANGUAGE_CODE}.get(
        wanted, translation.get_language())
    language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
    is_revealed = revealed(request, complaint)  # a recorded reveal on the complaint page
    with translation.override(language):
        data = record.load(complaint)
        ctx = _context(request)
        ctx = columns.Context(pack=ctx.pack, language=language, cal=ctx.cal, now=ctx.now, personal=is_revealed)
        row = build([complaint])[0]
        cells = {cell["group"]: cell for cell in columns.grouped(row, ctx)}
        html = render_to_string("reports/sheet.html", {
            "complaint": complaint, "record": data, "rows": data.rows, "cells": cells,
            "customer": shown(complaint.customer, is_revealed), "revealed": is_revealed,
            "sheet_language": language, "languages": SHEET_LANGUAGES, "printed_at": ctx.now,
            "tz": ctx.cal.tz,
        }, request=request)
    return HttpResponse(html)
