"""What the register's columns read, as plain tuples read with values_list instead of
model instances: building a Django model instance per row (and per related row) was
most of an export's time (benchmarks/README.md, register_export.py). Each tuple has
the attribute names of the model it stands for, the ones columns.py reads, so the page
(which passes Complaint instances) and the export (which passes these) go through the
same column code: there is no second copy of the formatting.

Only the fields named here are read; a column that needs another field of a table adds
it to that table's FIELDS below (and the tests of columns.py say which is missing).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple


class Person(NamedTuple):
    """A member of staff as a column shows them (Staff.__str__)."""

    display_name: str
    username: str

    def __str__(self) -> str:
        return self.display_name or self.username


class Unit(NamedTuple):
    name: str
    name_en: str
    code: str


class Customer(NamedTuple):
    name: str
    phone: str
    account_number: str


class Complaint(NamedTuple):
    pk: int
    reference: str
    kind: str
    state: str
    received_at: datetime
    channel: str
    category: str
    severity: str
    critical_flags: list
    is_economic_dispute: bool
    subject: str
    request: str
    amount_claimed: Decimal | None
    handler_id: int | None
    registered_at: datetime | None
    closed_at: datetime | None
    estimated_dates: list
    resolution: str
    redirect_authority: str
    responsibility: str
    customer_opinion: str
    customer: Customer
    responsible_unit: Unit | None
    handler: Person | None


# The complaint's own columns, then its customer's, unit's and handler's, in the order
# complaint() reads them.
_OWN = Complaint._fields[:Complaint._fields.index("customer")]
COMPLAINT_FIELDS = (*_OWN, "customer__name", "customer__phone", "customer__account_number",
                    "responsible_unit_id", "responsible_unit__name", "responsible_unit__name_en",
                    "responsible_unit__code", "handler__display_name", "handler__username")
_N = len(_OWN)
_HANDLER_ID = _OWN.index("handler_id")
# The JSON lists, read as their text (register.stream casts them) and parsed here: most
# are empty, and Django's JSONField parsed each with json.loads, two a complaint.
JSON_FIELDS = ("critical_flags", "estimated_dates")
_FLAGS, _DATES = (_OWN.index(name) for name in JSON_FIELDS)


def _json_list(text: str | None) -> list:
    if text == "[]" or text is None:
        return []
    return json.loads(text)


def complaint(values: tuple) -> Complaint:
    """One row of values_list(*COMPLAINT_FIELDS), the JSON_FIELDS as text."""
    v = list(values)
    v[_FLAGS], v[_DATES] = _json_list(v[_FLAGS]), _json_list(v[_DATES])
    return Complaint(*v[:_N], Customer(v[_N], v[_N + 1], v[_N + 2]),
                     Unit(v[_N + 4], v[_N + 5], v[_N + 6]) if v[_N + 3] is not None else None,
                     Person(v[_N + 7], v[_N + 8]) if v[_HANDLER_ID] is not None else None)


class Assignment(NamedTuple):
    complaint_id: int
    assigned_at: datetime
    accepted_at: datetime | None


class Proposal(NamedTuple):
    complaint_id: int
    pk: int
    status: str
    compensation: Decimal | None
    proposed_at: datetime
    decided_at: datetime | None
    summary: str
    responsibility: str


class Result(NamedTuple):  # a Communication of kind "result"
    complaint_id: int
    at: datetime


class Remedy(NamedTuple):
    complaint_id: int
    proposal_id: int | None
    kind: str
    amount: Decimal | None
    due_date: date
    executed_at: datetime | None
    waived_at: datetime | None


class Callback(NamedTuple):
    complaint_id: int
    at: datetime
    satisfied: bool | None
    opinion: str


class Accountability(NamedTuple):
    complaint_id: int
    action: str
    staff_id: int | None
    staff: Person | None
    unit: Unit | None


ACCOUNTABILITY_FIELDS = ("complaint_id", "action", "staff_id", "staff__display_name", "staff__username",
                         "unit_id", "unit__name", "unit__name_en", "unit__code")


def accountability(v: tuple) -> Accountability:
    return Accountability(v[0], v[1], v[2], Person(v[3], v[4]) if v[2] is not None else None,
                          Unit(v[6], v[7], v[8]) if v[5] is not None else None)


class Clock(NamedTuple):  # a ComplaintClock
    complaint_id: int
    status: str
    breached: bool
    due_at: datetime


class Extension(NamedTuple):
    complaint_id: int
    working_days: int


class Pause(NamedTuple):  # a ClockPause, as selectors.pausing.measure reads it
    complaint_id: int
    started_at: datetime
    ended_at: datetime | None
    over_limit: bool


class Report(NamedTuple):  # an AuthorityReport
    complaint_id: int
    authority: str
    status: str
    due_at: datetime
    reported_at: datetime | None
    receipt: str
    no_receipt_reason: str


class Product(NamedTuple):  # a ComplaintParty of kind "product"
    complaint_id: int
    product: str

