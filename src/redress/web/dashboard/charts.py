"""The dashboard's chart data in the shape dashboard.js hands to ECharts, with every
label already in the reader's language (the selector returns codes and dates)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from redress.policy.loader import active_pack


def category_name(code: str) -> str:
    if not code:
        return _("Not yet assessed")
    category = active_pack().category(code)
    return category.name.get(get_language()) if category else code


def _category_order(code: str) -> tuple[int, str]:
    codes = [c.code for c in active_pack().iter_categories()]
    return (codes.index(code), code) if code in codes else (len(codes) + (0 if code else 1), code)


def intake_chart(intake: dict) -> dict:
    series = [{"name": category_name(code), "data": counts}
              for code, counts in sorted(intake["by_category"].items(), key=lambda kv: _category_order(kv[0]))]
    return {
        "days": [d.strftime("%m-%d") for d in intake["days"]],
        "series": series,
        "total": sum(sum(s["data"]) for s in series),
    }


def on_time_chart(weeks: list[dict]) -> dict:
    """Per week, the time limits met (clocks stopped in time) and missed (clocks that
    passed their due time that week, stopped since or still running), and the share met."""
    settled = [w["on_time"] + w["late"] for w in weeks]
    return {
        "weeks": [_("week of %(day)s") % {"day": w["week"].strftime("%m-%d")} for w in weeks],
        # No limit met or missed that week: no rate rather than a misleading 0 %.
        "rate": [round(100 * w["on_time"] / n, 1) if n else None for w, n in zip(weeks, settled, strict=True)],
        "on_time": [w["on_time"] for w in weeks],
        "late": [w["late"] for w in weeks],
        "total": sum(settled),
        "late_total": sum(w["late"] for w in weeks),
        "labels": {"rate": _("On time (%)"), "on_time": _("Met"),
                   "late": _("Missed (stopped late or still running past due)")},
    }
