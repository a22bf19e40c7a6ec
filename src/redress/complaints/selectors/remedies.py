"""Remedies still owed (002 §二(五), 执行跟踪): approved, neither carried out nor waived,
and those of them past their due date. One definition for the archive check, the
sweep, the office's worklist and the register."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from redress.complaints.models import Remedy


def outstanding(qs: QuerySet | None = None) -> QuerySet:
    """Promised and not yet settled: an approved proposal's remedy, not done, not waived."""
    qs = Remedy.objects.all() if qs is None else qs
    return qs.filter(executed_at__isnull=True, waived_at__isnull=True, proposal__status="approved")


def late(today: date, qs: QuerySet | None = None) -> QuerySet:
    """Outstanding past the due date: due on the 5th, late from the 6th (the customer was
    promised the date itself, holiday or not)."""
    return outstanding(qs).filter(due_date__lt=today)


def local_today(now: datetime, tz) -> date:
    return now.astimezone(tz).date()


def late_condition(today: date) -> Q:
    """Complaints with a late remedy (a condition on the complaint rows)."""
    return Q(Exists(late(today).filter(complaint_id=OuterRef("pk"))))
