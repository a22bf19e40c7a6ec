"""The dashboard's warning that the official holiday calendar is missing a year.

chinesecalendar only knows the years the State Council has published. Without a year's
data, due dates in it are computed on Mon–Fri less the statutory holidays, with no 调休
working weekends (sla/calendar.py logs it, where nobody reads it). The people who can
act — administrators and the complaints office — see it on their dashboard: this year
missing at any time, next year from 1 November. Packs outside China use the `holidays`
package, which has no such gap."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from redress.policy.loader import active_pack
from redress.sla.calendar import official_years_missing

WARNED_ROLES = frozenset({"admin", "complaints_office"})


def missing_years(staff, at: datetime) -> dict | None:
    """{"years": [...], "this_year": bool, "admin": bool} when `staff` should be warned."""
    if not (staff.is_superuser or staff.is_staff or staff.role_set() & WARNED_ROLES):
        return None
    calendar = active_pack().calendar
    if calendar.country != "CN":
        return None
    today = at.astimezone(ZoneInfo(calendar.timezone)).date()
    years = official_years_missing(today)
    if not years:
        return None
    return {"years": ", ".join(str(y) for y in years), "this_year": today.year in years,
            "admin": staff.is_staff or staff.is_superuser or "admin" in staff.role_set()}
