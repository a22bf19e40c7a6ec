"""One customer, one record (issue 13 item 8): which customer record a complaint taken
down belongs to, on every channel (intake screen, mail-in, portal, API, import,
re-complaint), and the decision a person takes when that is not certain.

- A record a person chose (the agent's pick in the lookup, the original of a
  re-complaint, a match confirmed) is used, and what was typed updates it.
- The institution's account number finds its record, as before.
- A *verified* contact links by itself: the new complaint's email or phone
  (phones.normalise, compared in E.164) is on an older record where it is verified
  (`Customer.email_verified_at` / `phone_verified_at`), and the names agree — or, for an
  email, the channel proves the address too (mail-in: the customer wrote from it), so
  the mailbox is the person whatever display name their client sends — and no other
  account number was given. Exactly one such record: the complaint goes on it
  (CUSTOMER_MATCHED); two or more: nothing is certain.
- Anything else that shares a contact (a name that differs, a contact nobody verified)
  is a *probable* match: the complaint gets its own new record and each candidate is
  offered (`CustomerMatch`, CUSTOMER_MATCH_OFFERED) to the intake agent on the
  read-back, or on the case page to intake and the complaints office, who decide
  (`customer_match_decide`). Two different people are never merged silently.

Nothing personal goes into the ledger: the events name record ids and which contacts
(email, phone) were shared, never the values.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import F, ProtectedError, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from redress.complaints import prepared_reads, rows
from redress.complaints.errors import NotFound, ValidationFailed
from redress.complaints.ledger import EventType
from redress.complaints.lifecycle import Action
from redress.complaints.models import Complaint, Customer, CustomerMatch, Staff
from redress.complaints.models.complaint import phone_key_expression
from redress.complaints.phones import Phone, e164_or_none, key_of, normalise, phone_keys
from redress.complaints.selectors.id_sets import InTexts, text_array
from redress.complaints.services.base import Step, acting_on, require_role

EMAIL, PHONE = "email", "phone"
CONTACTS = (EMAIL, PHONE)
DECIDER_ROLES = ("intake", "complaints_office")
CANDIDATES_MAX = 40  # records looked at: a number shared by more is an office's, not one person's
FIELDS = ("name", "phone", "email", "address", "account_number", "id_type", "id_number", "preferred_channel")


@dataclass
class Found:
    customer: Customer | None = None  # the record to use; None: a new one
    how: str = ""  # chosen, account_number, email, phone, email+phone
    offers: list[tuple[Customer, list[str]]] = field(default_factory=list)  # probable: (record, shared contacts)


def folded_name(name: str) -> str:
    """A name as two spellings of it compare: full-width and case folded, without spaces
    and the dots of transliterated names (「张 三」, "ZHANG San", "Zhang·San")."""
    return re.sub(r"[\s.·・,_'-]", "", unicodedata.normalize("NFKC", name or "")).casefold()


def same_name(a: str, b: str) -> bool:
    return bool(folded_name(a)) and folded_name(a) == folded_name(b)


def typed_phone(data) -> Phone | None:
    """The phone typed, normalised; None when none was typed, or when it is the chosen
    record's own (a record kept before numbers were checked keeps what it holds)."""
    if not data.phone.strip() or (data.known is not None and data.phone == data.known.phone):
        return None
    return normalise(data.phone)


def _candidates(data, phone: Phone | None) -> list[Customer]:
    """The records with the account number typed, or sharing its email or phone (every
    stored spelling of the number: the phone-key index), in one query — or none, from
    the records bulk intake read for its whole batch (`Prefetched`)."""
    account, email = data.account_number.strip(), data.email.strip().lower()
    keys = phone_keys(phone.stored) if phone is not None else []
    held = rows.HOLDING.get()
    if held is not None and not held.paused_now and held.customers is not None:
        return held.customers.candidates(account, email, keys)
    accounts, emails = sorted({account} - {""}), sorted({email} - {""})
    if not (accounts or emails or keys):
        return []
    if connection.vendor == "postgresql":  # every create asks: the same query, prepared
        sql, at = _candidates_sql()
        params = [None] * 3
        for position, values in zip(at, (accounts, emails, keys), strict=True):
            params[position] = text_array(values)  # none: an empty array, which nothing equals
        return [prepared_reads.instance(Customer, row, 0) for row in prepared_reads.fetch_all(sql, params)]
    return list(_candidates_query(_condition(set(accounts), set(emails), keys)))


def _candidates_query(condition: Q):
    return (Customer.objects.alias(lower_email=Lower("email"), phone_key=phone_key_expression())
            .filter(condition).order_by("id")[:CANDIDATES_MAX])


_MARKS = ("\x01accounts", "\x01emails", "\x01keys")


@lru_cache(maxsize=1)
def _candidates_sql() -> tuple[str, tuple[int, int, int]]:
    """The ORM's own query of `_candidates`, compiled once with a marker for each array
    of values, and where each of the three arrays goes among its parameters."""
    sql, params = _candidates_query(_condition({_MARKS[0]}, {_MARKS[1]}, [_MARKS[2]])).query.sql_with_params()
    marks = [text_array([m]) for m in _MARKS]
    if sorted(params) != sorted(marks):
        raise AssertionError(f"the candidates' query has parameters of its own: {params}")
    return sql, tuple(params.index(m) for m in marks)


def _condition(accounts: set[str], emails: set[str], keys) -> Q:
    condition = Q()
    if accounts:
        condition |= Q(InTexts(F("account_number"), sorted(accounts)))
    if emails:
        condition |= Q(InTexts(F("lower_email"), sorted(emails)))
    if keys:
        condition |= Q(InTexts(F("phone_key"), list(keys)))
    return condition


class Prefetched:
    """Bulk intake: the records every item of a batch could be matched to, read in one
    query instead of one per item. An item is matched against them as `_candidates`
    would match it in the database: by the records' values as they are *now* (an
    earlier item may have changed one: the same instance was changed and saved), the
    first CANDIDATES_MAX by id. What the batch itself creates is not here: an item that
    shares a contact or account with an earlier one runs with holding paused and reads
    the database (services/bulk_intake.py), after which the batch reads again."""

    def __init__(self, inputs):
        accounts, emails, keys = set(), set(), set()
        for data in inputs:
            if data.known is not None:
                continue
            accounts.add(data.account_number.strip())
            emails.add(data.email.strip().lower())
            try:
                phone = typed_phone(data)
            except ValidationFailed:  # refused at intake's own check, before any look-up
                phone = None
            if phone is not None:
                keys.update(phone_keys(phone.stored))
        condition = _condition(accounts - {""}, emails - {""}, sorted(keys))
        self.records = [] if not condition else list(
            Customer.objects.alias(lower_email=Lower("email"), phone_key=phone_key_expression())
            .filter(condition).order_by("id"))
        self.by: dict[tuple[str, str], list[Customer]] = {}  # (kind, value read) → records
        for customer in self.records:
            for index in {("account", customer.account_number), ("email", customer.email.lower()),
                          ("phone", key_of(customer.phone))}:
                self.by.setdefault(index, []).append(customer)

    def candidates(self, account: str, email: str, keys: list[str]) -> list[Customer]:
        wanted = ([("account", account)] if account else []) + ([("email", email)] if email else []) + \
                 [("phone", k) for k in keys]
        found = {c.pk: c for index in wanted for c in self.by.get(index, ())}
        keys_set = set(keys)
        now_matching = [c for c in found.values()  # the values as they are now, as the query would read them
                        if (account and c.account_number == account) or (email and c.email.lower() == email)
                        or (keys_set and key_of(c.phone) in keys_set)]
        return sorted(now_matching, key=lambda c: c.pk)[:CANDIDATES_MAX]


def sharing(candidates: list[Customer], data, phone: Phone | None) -> list[tuple[Customer, list[str]]]:
    """The records among `candidates` that share the email or phone, with what they share."""
    email = data.email.strip().lower()
    found = []
    for customer in candidates:
        shared = [EMAIL] if email and customer.email.lower() == email else []
        if phone is not None and e164_or_none(customer.phone) == phone.e164:
            shared.append(PHONE)
        if shared:
            found.append((customer, shared))
    return found


def _links_by_itself(customer: Customer, shared: list[str], data) -> bool:
    account = data.account_number.strip()
    if account and customer.account_number and account != customer.account_number:
        return False  # another account of the institution's: maybe the same person, a person decides
    if EMAIL in shared and EMAIL in data.verified and customer.email_verified_at is not None:
        return True  # the same mailbox, proved on both sides
    verified = [c for c in shared if getattr(customer, f"{c}_verified_at") is not None]
    return bool(verified) and same_name(customer.name, data.name)


def find(data, phone: Phone | None) -> Found:
    """Which record the complaint goes on (see the module's rules); reads only."""
    if data.known is not None:
        return Found(customer=data.known, how="chosen")
    candidates = _candidates(data, phone)
    account = data.account_number.strip()
    existing = next((c for c in candidates if account and c.account_number == account), None)
    if existing is not None:
        return Found(customer=existing, how="account_number")
    certain, probable = [], []
    for customer, shared in sharing(candidates, data, phone):
        if customer.pk in data.not_same:
            continue  # the agent said on the read-back: someone else
        (certain if _links_by_itself(customer, shared, data) else probable).append((customer, shared))
    if len(certain) == 1:
        customer, shared = certain[0]
        return Found(customer=customer, how="+".join(shared))
    return Found(offers=certain + probable)


def _verify(customer: Customer, data, now: datetime, before: dict[str, str]) -> None:
    """A contact the channel proves is verified now; a contact that changed unproved is not."""
    for contact in CONTACTS:
        value = getattr(customer, contact)
        if contact in data.verified and value:
            setattr(customer, f"{contact}_verified_at", now)
        elif value != before.get(contact):
            setattr(customer, f"{contact}_verified_at", None)


def customer_record(data, now: datetime) -> Found:
    """The record for the complaint, written: a chosen or account-number record takes
    what was typed; a record a verified contact found only gets what it lacks (the
    typing of an unproved channel never overwrites it); else a new record."""
    phone = typed_phone(data)
    found = find(data, phone)
    typed = {k: getattr(data, k).strip() for k in FIELDS}
    if phone is not None:
        typed["phone"] = phone.stored
    typed["email"] = typed["email"].lower() if typed["email"] else ""
    customer = found.customer
    if customer is None:
        customer = rows.build(Customer, created_at=now, language=data.language or "zh-hans", **typed)
        _verify(customer, data, now, {})
        rows.insert(customer)
        found.customer = customer
        return found
    before = {c: getattr(customer, c) for c in CONTACTS}
    overwrite = found.how in ("chosen", "account_number")
    for key, value in typed.items():
        if value and (overwrite or not getattr(customer, key)):
            setattr(customer, key, value)
    if overwrite and data.language:
        customer.language = data.language
    _verify(customer, data, now, before)
    customer.save()
    return found


def record_found(step: Step, found: Found, data) -> None:
    """The ledger and the offers for what `customer_record` found, in intake's step."""
    customer = found.customer
    if found.how in ("email", "phone", "email+phone"):
        step.record(EventType.CUSTOMER_MATCHED, customer=customer.pk, by=found.how.split("+"))
    if data.confirmed is not None:
        step.record(EventType.CUSTOMER_CONFIRMED, customer=customer.pk, at="intake")
    if data.not_same:
        step.record(EventType.CUSTOMER_MATCH_REJECTED, candidates=sorted(data.not_same), at="intake")
    if found.offers:
        step.record(EventType.CUSTOMER_MATCH_OFFERED,
                    candidates=[{"customer": c.pk, "shared": shared} for c, shared in found.offers])


def offers_insert(complaint: Complaint, found: Found, now: datetime) -> None:
    """The offers, written once the complaint row is (one INSERT)."""
    rows.insert(*[CustomerMatch(complaint=complaint, candidate=candidate, shared=shared, created_at=now)
                  for candidate, shared in found.offers])


def customer_match_decide(complaint: Complaint | int, *, actor: Staff, match_id: int, same: bool,
                          via: str = "web", expected_version: int | None = None) -> CustomerMatch:
    """An intake agent or the complaints office says whether the offered record is the
    same customer. Same: the complaint moves to that record, which gets the contacts it
    lacked, and the record made for the complaint is removed when nothing else uses it.
    Different: the records stay apart. Either way the offer is closed and the ledger says
    who decided."""
    left = None
    with transaction.atomic():
        with acting_on(complaint, Action.DECIDE_CUSTOMER_MATCH, actor=actor, via=via,
                       expected_version=expected_version) as step:
            require_role(step, DECIDER_ROLES, _("deciding whether two records are the same customer"))
            c = step.complaint
            match = CustomerMatch.objects.select_for_update().filter(pk=match_id, complaint=c).first()
            if match is None:
                raise NotFound(_("no such offered customer on this complaint"))
            if match.status != CustomerMatch.Status.OPEN:
                raise ValidationFailed("match", _("this was decided already (%(status)s)")
                                       % {"status": match.get_status_display()})
            match.status = CustomerMatch.Status.SAME if same else CustomerMatch.Status.DIFFERENT
            match.decided_by, match.decided_at = actor, step.now
            match.save()
            if same:
                left = c.customer
                _move(step, match)
            else:
                step.record(EventType.CUSTOMER_MATCH_REJECTED, candidates=[match.candidate_id], at="case")
        if left is not None:
            _forget_if_unused(left)
    return match


def _move(step: Step, match: CustomerMatch) -> None:
    c, kept = step.complaint, match.candidate
    left = c.customer
    for key in FIELDS:
        if getattr(left, key) and not getattr(kept, key):
            setattr(kept, key, getattr(left, key))
    for contact in CONTACTS:  # what the customer proved on the spare record holds for the same contact
        proved = getattr(left, f"{contact}_verified_at")
        if proved and _same_contact(contact, getattr(left, contact), getattr(kept, contact)):
            setattr(kept, f"{contact}_verified_at", max(filter(None, [proved, getattr(kept, f"{contact}_verified_at")])))
    kept.save()
    c.customer = kept
    # The other offers were about the record the complaint had; with it gone they are moot.
    CustomerMatch.objects.filter(complaint=c, status=CustomerMatch.Status.OPEN).exclude(pk=match.pk).update(
        status=CustomerMatch.Status.DIFFERENT, decided_by=step.actor, decided_at=step.now)
    step.record(EventType.CUSTOMER_CONFIRMED, customer=kept.pk, previous=left.pk, at="case")


def _same_contact(contact: str, a: str, b: str) -> bool:
    if not (a and b):
        return False
    if contact == EMAIL:
        return a.strip().lower() == b.strip().lower()
    return e164_or_none(a) is not None and e164_or_none(a) == e164_or_none(b)


def _forget_if_unused(customer: Customer) -> None:
    """A record made for one complaint that turned out to be an existing customer holds
    personal data for nobody: removed (DESIGN rule 6), unless something still uses it
    (another complaint, an offer, an early warning about a repeat complainant)."""
    if Complaint.objects.filter(customer=customer).exists() or CustomerMatch.objects.filter(candidate=customer).exists():
        return
    try:
        with transaction.atomic():
            customer.delete()
    except ProtectedError:
        pass
