"""Finding a complainant at intake: by account number, phone or name, with the
complaints they still have open (so a repeat call is linked, not counted twice).
Read-only; what leaves here for a page is masked (selectors/personal.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from redress.complaints.lifecycle import OPEN
from redress.complaints.models import Complaint, Customer
from redress.complaints.selectors.personal import masked

MIN_QUERY = 2  # one character matches half the customer base
OPEN_STATES = [s.value for s in OPEN]


@dataclass
class CustomerMatch:
    customer: Customer
    shown: dict[str, str]  # masked personal fields
    open_complaints: list[Complaint] = field(default_factory=list)


def open_complaints_of(customer: Customer | int) -> list[Complaint]:
    """Every open complaint of the customer, newest first, whichever unit took it in:
    the first responder must know of a case in progress before opening another."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    return list(Complaint.objects.filter(customer_id=customer_id, state__in=OPEN_STATES)
                .order_by("-received_at"))


def customer_search(query: str, *, limit: int = 10) -> list[CustomerMatch]:
    """Customers whose account number or phone starts with the digits typed, or whose
    name contains the text typed."""
    q = (query or "").strip()
    if len(q) < MIN_QUERY:
        return []
    digits = q.replace(" ", "").replace("-", "")
    condition = Q(name__icontains=q)
    if digits.isdigit() or digits.startswith("+"):
        condition |= Q(account_number__startswith=digits) | Q(phone__startswith=digits)
    else:
        condition |= Q(account_number__iexact=q)
    customers = list(Customer.objects.filter(condition).order_by("name", "id")[:limit])
    return [CustomerMatch(customer=c, shown=masked(c), open_complaints=open_complaints_of(c)) for c in customers]


def customer_like(*, account_number: str = "", phone: str = "") -> Customer | None:
    """The existing customer a newly typed account number (first) or phone belongs to."""
    for name, value in (("account_number", account_number.strip()), ("phone", phone.strip())):
        if value:
            found = Customer.objects.filter(**{name: value}).order_by("id").first()
            if found is not None:
                return found
    return None
