"""What a detector found: a warning not yet raised. services.raise_warnings decides
whether it is new (de-duplication) and writes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from redress.complaints.models import Complaint


def counted() -> QuerySet:
    """The complaints warnings count: every complaint in any state, not inquiries (an
    answered question is not a complaint, 001 第十五条)."""
    return Complaint.objects.filter(kind=Complaint.Kind.COMPLAINT)


@dataclass
class Candidate:
    kind: str
    key: str  # the series or matter and, for a spike, the window
    window_start: datetime
    window_end: datetime
    window_days: int
    count: int
    complaint_ids: list[int]
    series: str = ""  # a spike's series without its window: a longer window yields to a shorter
    unit_id: int | None = None
    category: str = ""
    product: str = ""
    matter: str = ""
    party_staff_id: int | None = None
    excerpt: str = ""
    customer_id: int | None = None
    customers: int = 0
    baseline_count: int = 0
    baseline_days: int = 0
    expected: float = 0.0
    overall_change: float = 1.0
    p_value: float | None = None
    extra: dict = field(default_factory=dict)
