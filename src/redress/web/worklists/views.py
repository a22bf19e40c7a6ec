"""/cases/: the worklists (mine, my unit's, unassigned, due today, due soon, overdue,
late remedies, awaiting my approval, awaiting callback, eligible for deemed closure, all open, all
cases; a search looks through all cases). Thin: the form checks the query
string, `selectors.worklists` reads, the templates show. htmx asks every minute for
the table body alone, with the same query string, so filters survive the refresh."""

from __future__ import annotations

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from redress.complaints.models import Remedy
from redress.complaints.selectors import closure, reports
from redress.complaints.selectors import worklists as wl
from redress.complaints.selectors.pausing import measure as paused_measure
from redress.complaints.selectors.personal import mask_name
from redress.complaints.selectors.remedies import late as late_remedies
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.web.access import staff_view
from redress.web.calendar import request_calendar
from redress.web.complaint.words import duration
from redress.web.querystring import FIRST_PAGE, link, page_links
from redress.web.worklists.forms import WorklistForm

PER_PAGE = 25
COUNTS_SECONDS = 60

VIEW_LABELS = {
    wl.NEEDS_ME: gettext_lazy("Needs my action"),
    wl.TRIAGE: gettext_lazy("To assess and dispatch"),
    wl.MINE: gettext_lazy("Mine"),
    wl.OPENED: gettext_lazy("Opened by me, with others"),
    wl.UNIT: gettext_lazy("My unit"),
    wl.UNASSIGNED: gettext_lazy("Unassigned"),
    wl.DUE_TODAY: gettext_lazy("Due today"),
    wl.DUE_SOON: gettext_lazy("Due soon"),
    wl.OVERDUE: gettext_lazy("Overdue"),
    wl.LATE_REMEDIES: gettext_lazy("Late remedies"),
    wl.APPROVALS: gettext_lazy("Awaiting my approval"),
    wl.CALLBACK: gettext_lazy("Awaiting callback"),
    wl.DEEMABLE: gettext_lazy("Eligible for deemed closure"),
    wl.OPEN_VIEW: gettext_lazy("All open"),
    wl.ALL: gettext_lazy("All cases"),
}
# What a link that starts the list again drops: the page number and the position.
# Columns that sort, and the sort each header link asks for first.
SORTABLE = {"reference": "reference", "received": "-received", "due": "due", "eligible": "eligible"}



def _sort_links(params: QueryDict, current: str) -> dict[str, dict]:
    links = {}
    for column, first in SORTABLE.items():
        base = first.lstrip("-")
        active = current.lstrip("-") == base
        wanted = (current[1:] if current.startswith("-") else "-" + current) if active else first
        links[column] = {"url": link(params, sort=wanted, **FIRST_PAGE), "active": active,
                         "descending": active and current.startswith("-")}
    return links


def _count_text(n: int, cap: int | None = None) -> str:
    cap = wl.COUNT_CAP if cap is None else cap
    return _("%(n)s+") % {"n": f"{cap:,}"} if n > cap else f"{n:,}"


def _total_text(page: wl.Page) -> str:
    if page.total is None:  # not counted (a short search): as many as were listed so far
        return _count_text(page.seen + 1, page.seen) if page.has_next else f"{page.seen:,}"
    return _count_text(page.total, page.cap)



def _rows(page: wl.Page, view: str, at: wl.Moment, pack) -> list[dict]:
    rows = [{"c": c, "customer": mask_name(c.customer.name), "clock": wl.main_clock(c), **_paused(c, pack, at)}
            for c in page.rows]
    if view == wl.DEEMABLE:  # the day each became eligible (001 第二十二条), as the service counts it
        for r in rows:
            r["eligible_from"] = closure.eligible_from(r["c"].follow_up_since, pack.deemed_closure, at.cal)
    if view == wl.LATE_REMEDIES:  # which remedies, due when (002 执行跟踪)
        late = late_remedies(at.today, Remedy.objects.filter(complaint_id__in=[r["c"].pk for r in rows]))
        by_case = {}
        for remedy in late.order_by("due_date", "id"):
            by_case.setdefault(remedy.complaint_id, []).append(remedy)
        for r in rows:
            r["late_remedies"] = by_case.get(r["c"].pk, [])
    return rows


def _paused(c, pack, at: wl.Moment) -> dict:
    """The row's paused time and flag (selectors/pausing.py), when it was ever paused."""
    pauses = getattr(c, "pause_rows", None)
    if not pauses:
        return {}
    time = paused_measure(pack, pauses, at.now, at.cal)
    return {"paused": time, "paused_words": duration(time.total, time.unit)}


def _tab_counts(staff, views: list[str], at: wl.Moment, pack) -> dict[str, int]:
    """The badges, kept a minute per person: they are a glance at the workload, and
    counting nine views on every page and sort click is most of a page's cost."""
    key = f"worklists:counts:{staff.pk}:{','.join(views)}"
    counts = cache.get(key)
    if counts is None:
        counts = wl.view_counts(staff, views, at=at, pack=pack)
        cache.set(key, counts, COUNTS_SECONDS)
    return counts


@staff_view()
def worklist(request: HttpRequest) -> HttpResponse:
    staff, pack = request.user, active_pack()
    views = wl.views_for(staff, pack)
    form = WorklistForm(request.GET, views=views, pack=pack)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    filters = form.filters()
    asked = data.get("view") or wl.default_view(staff, pack)
    view = wl.view_for(asked, filters)
    sort = data.get("sort") or wl.default_sort(view)

    reference_missing = ""
    if filters.q and wl.looks_like_reference(filters.q):
        found = wl.find_reference(staff, filters.q)
        if found is not None:
            return redirect(found.get_absolute_url())
        # Missing and not-yours read the same (selectors.scope): no hint which it is.
        reference_missing = filters.q.upper()

    at = wl.Moment(now=current_time(), cal=request_calendar(request))  # the rows' time-left tags reuse it
    page = wl.worklist_page(staff, view, at=at, pack=pack, filters=filters, sort=sort, after=data.get("after"),
                            before=data.get("before"), number=data.get("page") or 1, per_page=PER_PAGE)
    params = request.GET.copy()
    params.pop("partial", None)
    context = {
        "nav": "cases", "form": form, "problems": form.problems(), "view": view, "sort": sort,
        "rows": _rows(page, view, at, pack), "page": page, "total_text": _total_text(page),
        "sort_links": _sort_links(params, sort), "refresh_url": link(params, partial="rows"),
        **page_links(params, page),
        "view_label": VIEW_LABELS[view], "filtered": filters != wl.Filters(),
        "reference_missing": reference_missing,
        "searched_everything": bool(filters.q.strip()), "surname_alone": wl.surname_alone(filters),
    }
    status = 400 if form.errors else 200
    if request.GET.get("partial") == "rows":
        return render(request, "web/worklists/_rows.html", context, status=status)
    counts = _tab_counts(staff, views, at, pack)
    if reports.looks_after_reports(staff, pack):
        context["reports_tab"] = reports.counts(staff, at.now)
    context["tabs"] = [
        {"view": v, "label": VIEW_LABELS[v], "count": _count_text(counts[v]), "empty": counts[v] == 0,
         "url": link(params, view=v, **FIRST_PAGE), "current": v == view}
        for v in views
    ]
    context["clear_url"] = link(QueryDict(mutable=True), view=view)
    return render(request, "web/worklists/worklist.html", context, status=status)
