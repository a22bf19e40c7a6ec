"""What the intake lookup accepts (issue 14): enough to identify one person, never a
piece of a number. A lookup by prefix or by a bare name walked a full phone number out
of the masked results one digit at a time; so the box takes

- a whole phone number, however it is written (phones.phone_keys), or
- a whole account number (six characters at least, matched exactly), or
- a full name and the last four digits of the phone or account number ("张三 8000"):
  the digits the masked rows show anyway, so typing them proves nothing new is learnt.

Anything else is refused before the database is asked. The log (models/lookups.py)
keeps a keyed hash of the key, not the key: a masked form (138****8000) would copy part
of the personal data into a second table and cannot tell which of the many numbers
with that mask was looked up, while HMAC-SHA256 under the installation's secret key
answers "who looked up this number?" exactly when the reviewer types the number in,
and is useless to a reader of the table without the key (an unkeyed hash of an
11-digit number is reversed by trying them all in minutes). Rotating SECRET_KEY
ends that correlation for the rows written before."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Q
from django.utils.crypto import salted_hmac

from redress.complaints.models import Customer, CustomerLookup
from redress.complaints.models.complaint import phone_key_expression
from redress.complaints.phones import e164_or_none, phone_keys

ACCOUNT_MIN = 6  # shorter strings are pieces, not account numbers
ACCOUNT_FORM = re.compile(rf"^[A-Za-z0-9-]{{{ACCOUNT_MIN},40}}$")
NAME_AND_DIGITS = re.compile(r"^(?P<name>.*\S)\s+(?P<digits>[0-9]{4})$")
HASH_SALT = "redress.customer-lookup"


@dataclass(frozen=True)
class LookupKey:
    kind: str  # CustomerLookup.Kind
    normalised: str  # what the hash is taken of: the same person typed two ways hashes alike
    condition: Q | None  # None: too little to look up

    @property
    def hashed(self) -> str:
        return key_hash(self.normalised)


def key_hash(normalised: str) -> str:
    return salted_hmac(HASH_SALT, normalised, algorithm="sha256").hexdigest()


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def parse(query: str) -> LookupKey:
    """The kind of key typed, its normalised form and the records it selects."""
    q = _nfkc(query)
    keys = phone_keys(q)
    if keys:
        by_phone = Q(pk__in=Customer.objects.alias(key=phone_key_expression()).filter(key__in=keys).values("pk"))
        compact = q.replace(" ", "").replace("-", "")
        if ACCOUNT_FORM.match(compact):  # eleven digits may be a phone or an account number
            by_phone |= Q(account_number=compact)
        return LookupKey(CustomerLookup.Kind.PHONE, e164_or_none(q) or min(keys), by_phone)
    if ACCOUNT_FORM.match(q):
        return LookupKey(CustomerLookup.Kind.ACCOUNT, q, Q(account_number=q))
    named = NAME_AND_DIGITS.match(q)
    if named and any(ch.isalpha() for ch in named["name"]):  # a name, not more digits
        name, digits = named["name"].strip(), named["digits"]
        condition = Q(name__iexact=name) & (Q(phone__endswith=digits) | Q(account_number__endswith=digits))
        return LookupKey(CustomerLookup.Kind.NAME_DIGITS, f"{name.casefold()} {digits}", condition)
    return LookupKey(CustomerLookup.Kind.TOO_LITTLE, q.casefold(), None)
