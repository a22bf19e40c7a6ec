"""Finding a complainant at intake: by account number, phone or name, with the
complaints they still have open (so a repeat call is linked, not counted twice).
Read-only; what leaves here for a page is masked (selectors/personal.py)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.db.models import Q

from redress.complaints.lifecycle import OPEN
from redress.complaints.models import Complaint, Customer
from redress.complaints.models.complaint import PHONE_SEPARATORS, phone_key_expression
from redress.complaints.selectors.personal import masked

MIN_QUERY = 2  # one character matches half the customer base
# A whole number: a landline without its area code has 7 digits, E.164 allows 15.
PHONE_DIGITS = range(7, 16)
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


def phone_keys(text: str) -> list[str]:
    """Every way a whole phone number may have been stored, as phone keys: with and
    without China's +86 or 0086, a landline with and without its trunk zero (020 ...
    and +86 20 ...). Empty when the text is not a whole number (too few digits, letters):
    a piece of a number matches nothing, so digits typed one at a time never walk a
    number out of the search (issue 14)."""
    digits = unicodedata.normalize("NFKC", text).strip()  # full-width digits as typed on a Chinese keyboard
    for sep in PHONE_SEPARATORS:
        digits = digits.replace(sep, "")
    if not digits.isascii() or not digits.isdigit() or len(digits) not in PHONE_DIGITS:
        return []
    national = digits
    if digits.startswith("0086"):
        national = digits[4:]
    elif digits.startswith("86") and len(digits) >= 12:  # 86 and a mobile (11) or a landline (10-11)
        national = digits[2:]
    bare = national[1:] if national.startswith("0") else national
    keys = {national, bare, "86" + bare, "0086" + bare}
    if not bare.startswith("1"):  # a landline: its area code is written with a trunk zero at home
        keys.add("0" + bare)
    return sorted(keys)


def customers_with_phone(text: str, limit: int) -> list[int]:
    """The customers whose phone is the whole number typed, however either was written."""
    keys = phone_keys(text)
    if not keys:
        return []
    return list(Customer.objects.alias(key=phone_key_expression()).filter(key__in=keys)
                .values_list("pk", flat=True)[:limit])

