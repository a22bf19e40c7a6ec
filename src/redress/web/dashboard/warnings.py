"""The dashboard's early warnings (预警): the open ones, newest first, each in its one
sentence, for the roles the pack tells (the complaints office and compliance)."""

from __future__ import annotations

from redress.earlywarning import selectors
from redress.earlywarning.models import EarlyWarning
from redress.earlywarning.sentences import why
from redress.earlywarning.services import may_see_warnings


def early_warnings(staff) -> dict | None:
    if not may_see_warnings(staff):
        return None
    items = list(selectors.warnings(EarlyWarning.Status.OPEN)[:selectors.DASHBOARD_SHOWN])
    for w in items:
        w.why = why(w)
    count = selectors.open_count() if len(items) == selectors.DASHBOARD_SHOWN else len(items)
    return {"count": count, "items": items}
