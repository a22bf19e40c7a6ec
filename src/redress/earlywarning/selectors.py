"""Reading warnings: the lists, the complaints behind one (through the viewer's scope,
selectors.scope), and the register's query string for them where its filters can say
it."""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import QuerySet

from redress.complaints.models import Staff
from redress.complaints.selectors.scope import visible_complaints
from redress.earlywarning.models import EarlyWarning

DASHBOARD_SHOWN = 5


def warnings(status: str) -> QuerySet:
    return (EarlyWarning.objects.filter(status=status).select_related("unit", "customer", "party_staff")
            .order_by("-raised_at", "-id"))


def open_count() -> int:
    return EarlyWarning.objects.filter(status=EarlyWarning.Status.OPEN).count()


def complaints_behind(staff: Staff, warning: EarlyWarning) -> QuerySet:
    return (visible_complaints(staff).filter(pk__in=warning.complaint_ids)
            .select_related("responsible_unit", "branch").order_by("received_at", "id"))


def register_query(warning: EarlyWarning, tz) -> str:
    """The register filtered as near as its filters reach: the days of the window and
    the unit and category, or the product (all complaints: the days alone). The register filters whole days and a unit
    with its sub-units, by the unit responsible, so it may list a few more than the
    warning counts. Empty when its filters cannot say the matter (a customer, a party,
    similar words)."""
    if warning.kind == EarlyWarning.Kind.REPEAT or (warning.kind == EarlyWarning.Kind.MASS
                                                     and warning.matter != EarlyWarning.Matter.PRODUCT):
        return ""
    params = {"period": "received", "date_from": warning.window_start.astimezone(tz).date().isoformat(),
              "date_to": warning.window_end.astimezone(tz).date().isoformat()}
    if warning.product:
        params["product"] = warning.product
    elif warning.unit_id is not None:
        params.update(unit=str(warning.unit_id), category=warning.category)
    return urlencode(params)
