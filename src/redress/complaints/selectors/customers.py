"""Finding a complainant at intake: by account number, phone or name, with the
complaints they still have open (so a repeat call is linked, not counted twice) and
their finished ones (a re-complaint starts from one: 004 第七条(七)).
Read-only; what leaves here for a page is masked (selectors/personal.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from redress.complaints.lifecycle import OPEN, TERMINAL, TRANSITIONS, Action
from redress.complaints.models import Complaint, Customer
from redress.complaints.models.complaint import phone_key_expression
from redress.complaints.phones import phone_keys
from redress.complaints.selectors.personal import masked

MIN_QUERY = 2  # one character matches half the customer base
PAGE_SIZE = 10
COUNT_CAP = 1000  # past this the lookup says "more than 1,000": narrow the query
OPEN_STATES = [s.value for s in OPEN]
FINISHED_STATES = [s.value for s in TERMINAL]
RECOMPLAINABLE = frozenset(s.value for s in TRANSITIONS[Action.RECOMPLAIN][0])
FINISHED_SHOWN = 5  # the latest few: a customer calling about an old case names it

__all__ = ["phone_keys", "customers_with_phone", "customer_search", "open_complaints_of", "finished_complaints_of"]


@dataclass
class CustomerMatch:
    customer: Customer
    shown: dict[str, str]  # masked personal fields
    open_complaints: list[Complaint] = field(default_factory=list)
    finished: FinishedComplaints | None = None


@dataclass
class FinishedComplaints:
    """The customer's latest finished complaints and how many there are in all."""

    latest: list[Complaint]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.latest)


@dataclass
class CustomerPage:
    """One page of the lookup: its matches, how many there are in all (up to COUNT_CAP),
    and where the page starts."""

    matches: list[CustomerMatch]
    total: int
    page: int
    size: int = PAGE_SIZE

    @property
    def first(self) -> int:
        return (self.page - 1) * self.size + 1 if self.matches else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.size + len(self.matches)

    @property
    def capped(self) -> bool:
        return self.total > COUNT_CAP

    @property
    def has_next(self) -> bool:
        return self.last < self.total

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def open_complaints_of(customer: Customer | int) -> list[Complaint]:
    """Every open complaint of the customer, newest first, whichever unit took it in:
    the first responder must know of a case in progress before opening another."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    found = list(Complaint.objects.filter(customer_id=customer_id, state__in=OPEN_STATES).order_by("-received_at"))
    for c in found:  # told the result and awaiting callback: a re-complaint may start here too
        c.recomplainable = c.state in RECOMPLAINABLE
    return found


def finished_complaints_of(customer: Customer | int, *, shown: int = FINISHED_SHOWN) -> FinishedComplaints:
    """The customer's finished complaints (closed, archived, deemed closed, resolved on
    the spot, withdrawn, redirected, answered), newest first, whichever unit took them
    in; each says whether a re-complaint may start from it (`recomplainable`)."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    finished = Complaint.objects.filter(customer_id=customer_id, state__in=FINISHED_STATES)
    latest = list(finished.order_by("-received_at", "-id")[:shown])
    for c in latest:
        c.recomplainable = c.state in RECOMPLAINABLE
    total = len(latest) if len(latest) < shown else finished.count()
    return FinishedComplaints(latest=latest, total=total)


def _lookup_condition(q: str) -> Q:
    """Customers whose account number or phone starts with the digits typed, whose
    whole phone is the number typed however either was written, or whose name contains
    the text typed."""
    digits = q.replace(" ", "").replace("-", "")
    condition = Q(name__icontains=q)
    if digits.isdigit() or digits.startswith("+"):
        condition |= Q(account_number__startswith=digits) | Q(phone__startswith=digits)
    else:
        condition |= Q(account_number__iexact=q)
    keys = phone_keys(q)
    if keys:
        condition |= Q(pk__in=Customer.objects.alias(key=phone_key_expression()).filter(key__in=keys).values("pk"))
    return condition


def customer_search(query: str, *, page: int = 1, size: int = PAGE_SIZE) -> CustomerPage:
    """A page of the customers matching what was typed in the lookup, masked, and how
    many match in all."""
    q = (query or "").strip()
    page = max(1, page)
    if len(q) < MIN_QUERY:
        return CustomerPage(matches=[], total=0, page=1, size=size)
    found = Customer.objects.filter(_lookup_condition(q))
    total = found.values("pk")[:COUNT_CAP + 1].count()
    start = (page - 1) * size
    customers = list(found.order_by("name", "id")[start:start + size])
    return CustomerPage(matches=[CustomerMatch(customer=c, shown=masked(c), open_complaints=open_complaints_of(c),
                                               finished=finished_complaints_of(c))
                                 for c in customers], total=total, page=page, size=size)


def customers_with_phone(text: str, limit: int) -> list[int]:
    """The customers whose phone is the whole number typed, however either was written."""
    keys = phone_keys(text)
    if not keys:
        return []
    return list(Customer.objects.alias(key=phone_key_expression()).filter(key__in=keys)
                .values_list("pk", flat=True)[:limit])
