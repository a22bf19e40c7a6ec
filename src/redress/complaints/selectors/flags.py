"""The yes/no filters that the worklists and the register share: critical cases (001
第三、十八、二十条, flagged by a trigger) and economic disputes (004 第十六条). Each has a
partial index of its own, newest first (models.Complaint.Meta), so a list of the few
that match is one short index range."""

from __future__ import annotations

from django.db.models import Q, QuerySet

YES, NO = "yes", "no"


def critical_condition() -> Q:
    return ~Q(critical_flags=[])


def yes_no(qs: QuerySet, value: str, condition: Q) -> QuerySet:
    """Rows that match the condition (YES), that do not (NO), or all of them ("")."""
    if value == YES:
        return qs.filter(condition)
    if value == NO:
        return qs.exclude(condition)
    return qs


def filtered(qs: QuerySet, *, critical: str = "", economic_dispute: str = "") -> QuerySet:
    """The list narrowed by the two yes/no filters (each YES, NO or "")."""
    qs = yes_no(qs, critical, critical_condition())
    if economic_dispute:  # a plain column: "no" is an equality, not a NOT
        qs = qs.filter(is_economic_dispute=economic_dispute == YES)
    return qs
