"""Mass complaints (群体性投诉, 001 第二十条): several distinct customers about the same
matter within a few days — the same product, the same party (an employee or a unit
named in the complaint), or in very similar words (similarity.py). The window is the
pack's `mass_within_days`, ending now; a matter needs `mass_min_customers` distinct
customers (one customer writing three times is a repeat complainant, not a crowd)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from datetime import datetime, timedelta

from redress.complaints.models import ComplaintParty
from redress.earlywarning import similarity
from redress.earlywarning.candidates import Candidate, counted
from redress.policy.schema import EarlyWarningPolicy

EXCERPT = 60


def find(policy: EarlyWarningPolicy, now: datetime) -> Iterator[Candidate]:
    start = now - timedelta(days=policy.mass_within_days)
    rows = {r["id"]: r for r in counted().filter(received_at__gte=start, received_at__lt=now)
            .values("id", "customer_id", "subject", "cause", "received_at")}
    if len(rows) < policy.mass_min_customers:
        return
    base = dict(window_start=start, window_end=now, window_days=policy.mass_within_days)

    def candidate(ids, key: str, **what) -> Candidate | None:
        ids = sorted(set(ids), key=lambda pk: (rows[pk]["received_at"], pk))
        customers = len({rows[pk]["customer_id"] for pk in ids})
        if customers < policy.mass_min_customers:
            return None
        return Candidate(kind="mass", key=key, count=len(ids), customers=customers, complaint_ids=ids, **base, **what)

    groups: dict[tuple[str, object], list[int]] = defaultdict(list)
    for party in ComplaintParty.objects.filter(complaint_id__in=list(rows)).values("complaint_id", "kind", "product",
                                                                                    "staff_id", "unit_id"):
        if party["kind"] == ComplaintParty.Kind.PRODUCT and party["product"].strip():
            groups[("product", party["product"].strip())].append(party["complaint_id"])
        elif party["kind"] == ComplaintParty.Kind.EMPLOYEE and party["staff_id"]:
            groups[("staff", party["staff_id"])].append(party["complaint_id"])
        elif party["kind"] == ComplaintParty.Kind.UNIT and party["unit_id"]:
            groups[("unit", party["unit_id"])].append(party["complaint_id"])
    for (what, value), ids in sorted(groups.items(), key=lambda item: str(item[0])):
        found = None
        if what == "product":
            found = candidate(ids, f"mass|product={value}", matter="product", product=value)
        elif what == "staff":
            found = candidate(ids, f"mass|staff={value}", matter="party", party_staff_id=value)
        else:
            found = candidate(ids, f"mass|unit={value}", matter="party", unit_id=value)
        if found:
            yield found
    texts = {pk: similarity.bigrams(r["subject"], r["cause"]) for pk, r in rows.items()}
    for ids in similarity.clusters(texts, policy.mass_similarity):
        first = min(ids, key=lambda pk: (rows[pk]["received_at"], pk))
        found = candidate(ids, f"mass|text={first}", matter="text", excerpt=rows[first]["subject"][:EXCERPT])
        if found:
            yield found
