"""Finding a complainant at intake: by a whole phone or account number, or a name with
the last four digits (selectors/lookup_keys.py), with the complaints they still have
open (so a repeat call is linked, not counted twice) and their finished ones (a
re-complaint starts from one: 004 第七条(七)). Read-only; what leaves here for a page is
masked (selectors/personal.py) and scoped to the viewer like complaints are: another
unit's cases are counted, not shown. The lookup itself, rate limited and logged, is
services/lookups.py."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q

from redress.complaints.lifecycle import OPEN, TERMINAL, TRANSITIONS, Action
from redress.complaints.models import Complaint, Customer, Staff
from redress.complaints.models.complaint import phone_key_expression
from redress.complaints.phones import phone_keys
from redress.complaints.selectors.personal import masked
from redress.complaints.selectors.scope import sees_everything, visible_complaints

PAGE_SIZE = 10
COUNT_CAP = 1000  # past this the lookup says "more than 1,000": narrow the query
OPEN_STATES = [s.value for s in OPEN]
FINISHED_STATES = [s.value for s in TERMINAL]
RECOMPLAINABLE = frozenset(s.value for s in TRANSITIONS[Action.RECOMPLAIN][0])
FINISHED_SHOWN = 5  # the latest few: a customer calling about an old case names it

__all__ = ["phone_keys", "customers_with_phone", "customer_search", "open_complaints_of", "open_elsewhere", "reachable",
           "finished_complaints_of"]


@dataclass
class CustomerMatch:
    customer: Customer
    shown: dict[str, str]  # masked personal fields
    open_complaints: list[Complaint] = field(default_factory=list)  # those the viewer may see
    open_elsewhere: int = 0  # open complaints the viewer may not see (counted, not shown)
    finished: FinishedComplaints | None = None


@dataclass
class FinishedComplaints:
    """The customer's latest finished complaints the viewer may see, how many of those
    there are in all, and how many more other units hold (counted, not shown)."""

    latest: list[Complaint]
    total: int
    elsewhere: int = 0

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


def open_complaints_of(customer: Customer | int, staff: Staff | None = None) -> list[Complaint]:
    """The customer's open complaints, newest first: with `staff`, only those they may
    see (a branch's intake desk does not read another unit's references, issue 14);
    without, all of them (the services' own checks)."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    found = Complaint.objects.filter(customer_id=customer_id, state__in=OPEN_STATES)
    if staff is not None:
        found = visible_complaints(staff, found)
    found = list(found.order_by("-received_at"))
    for c in found:  # told the result and awaiting callback: a re-complaint may start here too
        c.recomplainable = c.state in RECOMPLAINABLE
    return found


def finished_complaints_of(customer: Customer | int, staff: Staff | None = None, *,
                           shown: int = FINISHED_SHOWN) -> FinishedComplaints:
    """The customer's finished complaints (closed, archived, deemed closed, resolved on
    the spot, withdrawn, redirected, answered), newest first; each says whether a
    re-complaint may start from it (`recomplainable`). With `staff`, only those they may
    see, the others counted (issue 14: a branch does not read another unit's references)."""
    customer_id = customer if isinstance(customer, int) else customer.pk
    every = Complaint.objects.filter(customer_id=customer_id, state__in=FINISHED_STATES)
    finished = visible_complaints(staff, every) if staff is not None else every
    latest = list(finished.order_by("-received_at", "-id")[:shown])
    for c in latest:
        c.recomplainable = c.state in RECOMPLAINABLE
    total = len(latest) if len(latest) < shown else finished.count()
    elsewhere = every.count() - total if staff is not None else 0
    return FinishedComplaints(latest=latest, total=total, elsewhere=elsewhere)


def open_elsewhere(customer: Customer, staff: Staff) -> int:
    """How many of the customer's open complaints `staff` may not see: the first
    responder must know a case is in progress (001 首问负责制) without reading it."""
    every = Complaint.objects.filter(customer_id=customer.pk, state__in=OPEN_STATES)
    return every.count() - visible_complaints(staff, every).count()


def reachable(staff: Staff, public_id, found_here: Iterable[str] = ()) -> Customer | None:
    """The customer named by `public_id`, if `staff` may open their record: those who see
    every complaint; a customer with a complaint `staff` may see; or one their own logged
    lookup found in this session (`found_here`: the public ids it returned). Anyone
    else's customer is None, as a customer that does not exist."""
    customer = Customer.objects.filter(public_id=public_id).first() if public_id else None
    if customer is None or sees_everything(staff) or str(customer.public_id) in set(found_here):
        return customer
    mine = visible_complaints(staff, Complaint.objects.filter(customer_id=customer.pk))
    return customer if mine.exists() else None


def customer_search(condition: Q, staff: Staff, *, page: int = 1, size: int = PAGE_SIZE) -> CustomerPage:
    """A page of the customers a lookup key selects (selectors/lookup_keys.py), masked,
    with the open complaints `staff` may see and how many match in all."""
    page = max(1, page)
    found = Customer.objects.filter(condition)
    total = found.values("pk")[:COUNT_CAP + 1].count()
    start = (page - 1) * size
    customers = list(found.order_by("name", "id")[start:start + size])
    return CustomerPage(matches=[CustomerMatch(customer=c, shown=masked(c), open_complaints=open_complaints_of(c, staff),
                                               open_elsewhere=open_elsewhere(c, staff),
                                               finished=finished_complaints_of(c, staff))
                                 for c in customers], total=total, page=page, size=size)


def customers_with_phone(text: str, limit: int) -> list[int]:
    """The customers whose phone is the whole number typed, however either was written."""
    keys = phone_keys(text)
    if not keys:
        return []
    return list(Customer.objects.alias(key=phone_key_expression()).filter(key__in=keys)
                .values_list("pk", flat=True)[:limit])
