"""/statistics/: a period's figures beside the period before and the same period a year
earlier, as tables whose every number opens the register on exactly those complaints,
with charts (vendored ECharts) and an xlsx of every table. Thin: the form checks the
query string, `statistics` computes, `statistics_tables` lays out."""

from __future__ import annotations

import tempfile

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.reports import statistics as stats
from redress.reports import statistics_tables as st
from redress.reports.export import XLSX_TYPE
from redress.reports.statistics_form import StatisticsForm
from redress.web.access import staff_view
from redress.web.calendar import request_calendar


def compute(request: HttpRequest, form: StatisticsForm) -> tuple[list[stats.Statistics], stats.Scope]:
    """The chosen period, the one before and the same one a year earlier."""
    cal, now = request_calendar(request), current_time()
    scope = stats.Scope(request.user, form.chosen_unit(), form.cleaned_data.get("category") or "")
    period = form.chosen()
    return stats.statistics_of(scope, [period, period.previous(), period.year_before()], now=now, cal=cal), scope


def _form(request: HttpRequest) -> StatisticsForm:
    today = current_time().astimezone(request_calendar(request).tz).date()
    return StatisticsForm(request.GET, pack=active_pack(), today=today)


@require_GET
@staff_view()
def statistics_page(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    context = {"nav": "statistics", "form": form}
    if not form.is_valid():
        context["problems"] = form.problems()
        return render(request, "reports/statistics.html", context, status=400)
    periods, _scope = compute(request, form)
    names = st.Names(active_pack(), translation.get_language())
    context.update({
        "periods": [s.period for s in periods], "tables": st.tables(periods, names),
        "trend": st.trend_data(periods[0]), "heat": st.heat_table(periods[0], names),
        "category_chart": st.category_chart(periods, names),
        "export_query": request.GET.urlencode(),
    })
    return render(request, "reports/statistics.html", context)


@require_GET
@staff_view()
def statistics_export(request: HttpRequest) -> HttpResponse:
    """Every table of the page, one sheet each, in the reader's language."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    form = _form(request)
    if not form.is_valid():
        return HttpResponse("\n".join(form.problems()), status=400, content_type="text/plain; charset=utf-8")
    periods, _scope = compute(request, form)
    names = st.Names(active_pack(), translation.get_language())
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    heads = [p.label() for p in (s.period for s in periods)]
    for table in st.tables(periods, names) + [st.trend_table(periods[0])]:
        sheet = workbook.create_sheet(title=table.title[:31].replace("/", "-"))
        columns = heads if table.key != "trend" else [pgettext("statistics", "Received"), pgettext("statistics", "Closed")]
        header = []
        for title in ["", *columns, *[f"{c} %" for c in columns if table.key != "trend"]]:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in table.rows:
            rates = [float(c.rate.rstrip("%")) if c.rate else None for c in row.cells] if table.key != "trend" else []
            sheet.append([row.label, *[c.value for c in row.cells], *rates])
        if table.note:
            sheet.append([table.note])
    file = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(file)
    file.seek(0)
    name = f"statistics-{periods[0].period.first:%Y%m%d}-{periods[0].period.last:%Y%m%d}.xlsx"
    response = FileResponse(file, as_attachment=True, filename=name, content_type=XLSX_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response
