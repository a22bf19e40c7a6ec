"""/cases/reports/: the reports owed to authorities that are not yet made (001 第三条,
第十六条(三), 第二十一条), for the complaints office, compliance and those overdue ones
climb to. The late first; each row links to its case, where the report is recorded."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from redress.complaints.selectors import reports
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack
from redress.web.access import staff_view
from redress.web.complaint import words


def _row(r, pack, lang: str, at) -> dict:
    return {"r": r, "c": r.complaint, "authority": words.authority_name(r.authority, pack, lang),
            "kind": words.REPORT_KINDS.get(r.kind, r.kind),
            "reasons": words.joined(words.report_reason(reason, pack, lang) for reason in r.reasons),
            "late": r.due_at < at}


@require_safe
@staff_view()
def authority_reports(request: HttpRequest) -> HttpResponse:
    staff, pack, at = request.user, active_pack(), current_time()
    if not reports.looks_after_reports(staff, pack):
        raise PermissionDenied(_("Reports to authorities are for the roles that make them and oversee them."))
    lang = get_language()
    shown = reports.outstanding(staff)
    rows = [_row(r, pack, lang, at) for r in shown]
    return render(request, "web/worklists/reports.html", {
        "nav": "cases", "rows": rows, "overdue": sum(1 for row in rows if row["late"]),
        "capped": len(shown) >= reports.SHOWN,
    })
