"""The dashboard at /: the person's open work, deadlines in their scope, and two charts
of the last 30 days. Numbers come from complaints.selectors.stats."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from redress.complaints.models import Complaint
from redress.complaints.selectors import closure, reports, stats
from redress.complaints.selectors import worklists as wl
from redress.complaints.selectors.id_sets import known_size
from redress.complaints.selectors.keyset import rows_in_order
from redress.complaints.selectors.scope import sees_everything, visible_complaints
from redress.complaints.selectors.worklists import may_deem_closed
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.web.access import has_workbench, staff_view
from redress.web.calendar import request_calendar
from redress.web.context import approver_roles
from redress.web.dashboard.calendar_notice import missing_years
from redress.web.dashboard.charts import intake_chart, on_time_chart
from redress.web.dashboard.warnings import early_warnings
from redress.web.headers import charts_on_page

SHOWN_PER_GROUP = 8
HANDLING_ROLES = frozenset({"handler", "dept_head"})


def _most_urgent_first(qs):
    # Complaint.due_at is the soonest running clock, kept by the services: ordering by
    # it needs no join to the clocks and no grouping (224 ms → index order at 1M rows).
    return stats.with_next_clock(qs.order_by(F("due_at").asc(nulls_last=True), "received_at", "pk"))


def _urgency(key: tuple) -> tuple:
    """_most_urgent_first's order, for (pk, due_at, received_at) read into Python."""
    pk, due_at, received_at = key
    return (due_at is None, due_at or received_at, received_at, pk)


def _with_next_clock(ids: list[int]):
    return stats.with_next_clock(Complaint.objects.filter(pk__in=ids))


def _group(qs) -> tuple[list, int]:
    """The group's SHOWN_PER_GROUP most urgent cases and its count, capped like the
    worklists' (a badge, not a census). Up to the cap, both from one read of the group's
    keys (id, due and received times), sorted here, then the first few rows by id: listed
    and counted apart, a handler's group was walked twice with two work-order probes a row
    (2 × 17 ms at a million complaints, three groups). Over the cap, that read was the
    count, and the list is PostgreSQL's, in order: a walk of the due index that stops at
    the eighth case (reading all of a callback desk's 4,000 keys instead doubled its
    dashboard's CPU)."""
    cap = wl.COUNT_CAP
    if known_size(qs) is None:
        keys = list(qs.order_by().values_list("pk", "due_at", "received_at")[:cap + 1])
        if len(keys) <= cap:
            first = [key[0] for key in sorted(keys, key=_urgency)[:SHOWN_PER_GROUP]]
            return rows_in_order(first, _with_next_clock), len(keys)
        return list(_most_urgent_first(qs)[:SHOWN_PER_GROUP]), cap + 1
    items = list(_most_urgent_first(qs)[:SHOWN_PER_GROUP])
    # Fewer shown: that is all.
    count = wl.capped_count(qs, cap) if len(items) == SHOWN_PER_GROUP else len(items)
    return items, count


def _scope_text(scope: stats.ChartScope | None) -> str:
    if scope is None:
        return _("No figures: the charts show a unit's, and your roles look after no unit.")
    if scope.kind == "unit":
        return _("Complaints %(unit)s is responsible for.") % {"unit": scope.unit.local_name}
    if scope.kind == "intake_unit":
        return _("Complaints %(unit)s took in.") % {"unit": scope.unit.local_name}
    return _("The whole institution.")


def _deemable(staff, pack, at, cal) -> dict:
    """The office's cases that may now be deemed closed (001 第二十二条), longest eligible
    first, each with the day it became eligible."""
    qs = closure.deemable(pack, cal, at, visible_complaints(staff))
    items = list(stats.with_next_clock(qs.order_by("follow_up_since", "id"))[:SHOWN_PER_GROUP])
    for c in items:
        c.eligible_from = closure.eligible_from(c.follow_up_since, pack.deemed_closure, cal)
    count = qs.count() if len(items) == SHOWN_PER_GROUP else len(items)
    return {"code": "deemable", "title": _("Eligible for deemed closure"), "count": count,
            "link": "/cases/?view=deemable", "items": items, "hint": _("a person decides")}


@require_safe
@login_required
def home(request):
    """Where everyone lands after signing in: the dashboard, or for someone whose roles
    give them no workbench a plain page that says so (not a 403 under a menu of 403s)."""
    if not has_workbench(request.user):
        return render(request, "web/dashboard/no_workbench.html", {"nav": "dashboard"})
    return dashboard(request)


@require_safe
@staff_view()
@charts_on_page
def dashboard(request):
    staff = request.user
    at = current_time()
    roles = staff.role_set()
    pack = active_pack()
    cal = request_calendar(request)
    moment = wl.Moment(now=at, cal=cal)
    work = stats.open_work(staff)
    groups = []

    def view(v: str):
        return wl.in_view(staff, v, moment, pack)

    # What needs this person first, then the queue their role lives in, then what they
    # answer for while others work on it (issue 12: each dashboard leads with its queue).
    for code, title, qs, link, relevant in [
        ("needs_me", _("Needs my action"), lambda: view(wl.NEEDS_ME), "/cases/?view=needs_me",
         wl.works_cases(staff)),
        ("triage", _("To assess and dispatch"), lambda: view(wl.TRIAGE), "/cases/?view=triage",
         wl.TRIAGE in wl.views_for(staff, pack)),
        ("unit_orders", _("Work orders for my unit"), lambda: view(wl.UNASSIGNED), "/cases/?view=unassigned",
         bool(staff.unit_id and roles & HANDLING_ROLES)),
        ("callback", _("Awaiting callback"), lambda: view(wl.CALLBACK), "/cases/?view=callback",
         "callback" in roles),
        ("approvals", _("Awaiting my approval"), lambda: view(wl.APPROVALS), "/cases/?view=approvals",
         bool(roles & approver_roles())),
        ("assigned", _("Assigned to me"), lambda: work.assigned, "/cases/?view=mine", bool(roles & HANDLING_ROLES)),
        ("opened", _("Opened by me, with others"), lambda: view(wl.OPENED), "/cases/?view=opened",
         bool(roles & wl.OWNING_ROLES)),
    ]:
        if not relevant:
            continue
        items, count = _group(qs())
        groups.append({"code": code, "title": title, "count": count, "link": link, "items": items,
                       "count_text": _("%(n)s+") % {"n": f"{wl.COUNT_CAP:,}"} if count > wl.COUNT_CAP else count})
    if may_deem_closed(staff, pack):
        groups.append(_deemable(staff, pack, at, cal))
    charts = stats.chart_data(staff, at)
    # Reports owed to the police and regulators: for those who make them and oversee them.
    authority_reports = reports.counts(staff, at) if reports.looks_after_reports(staff, pack) else None
    return render(request, "web/dashboard/dashboard.html", {
        "nav": "dashboard",
        "early_warnings": early_warnings(staff),
        "groups": groups,
        "deadlines": stats.deadline_counts(staff, at),
        "authority_reports": authority_reports,
        "today": stats.day_bounds(at)[0],
        "wide_scope": sees_everything(staff),
        "intake_chart": intake_chart(charts["intake"]),
        "on_time_chart": on_time_chart(charts["on_time"]),
        "chart_scope": _scope_text(charts["scope"]),
        "calendar_missing": missing_years(staff, at),
    })
