"""Repeat complainants: one customer with `repeat_min_complaints` complaints or more
received within `repeat_within_days` (ending now). A customer is the complainant
record intake keeps, found again by account number (services.customers.customer_record)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db.models import Count

from redress.earlywarning.candidates import Candidate, counted
from redress.policy.schema import EarlyWarningPolicy


def find(policy: EarlyWarningPolicy, now: datetime) -> Iterator[Candidate]:
    start = now - timedelta(days=policy.repeat_within_days)
    recent = counted().filter(received_at__gte=start, received_at__lt=now)
    repeaters = (recent.values("customer_id").annotate(n=Count("id")).filter(n__gte=policy.repeat_min_complaints)
                 .order_by("customer_id"))
    for row in repeaters:
        ids = list(recent.filter(customer_id=row["customer_id"]).order_by("received_at", "id")
                   .values_list("id", flat=True))
        yield Candidate(kind="repeat", key=f"repeat|customer={row['customer_id']}", window_start=start, window_end=now,
                        window_days=policy.repeat_within_days, count=len(ids), complaint_ids=ids,
                        customer_id=row["customer_id"], customers=1)
