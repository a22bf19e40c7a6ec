"""Bulk intake (issue 13 item 10): many complaints in one transaction, written in sets.

`import_many` is `complaint_import` for each item, in order; `receive_many` is
`complaint_receive` for each. Every item goes through the single path's own service —
the same checks, the same rows, ledger events and hash chains, clocks and day tallies —
while its new rows are held (`complaints/held_rows.py`) and written together at the
end: one COPY per table on PostgreSQL, multi-row INSERTs on SQLite, ids taken from the
sequences in blocks, reference numbers reserved in one statement per year (imports),
the batch's day-tally changes added up to one row per key. What changes is the number
of statements: about 13 per complaint alone; here a few per batch, the customer look-up
included (`customers.Prefetched`: the records every item could be matched to, read once
a batch, and again after an item that ran alone).

Holding cannot answer a read of a row it holds, so an item is written with holding
paused — what is held is written first, then the item straight to the database — when
its service would read one:

- its customer's account number was on an earlier item of the batch (`customer_for`
  looks the customer up by it, and updates it);
- it raises critical triggers (an import: an open case) or comes as a referral
  (`owe_report` reads the authority tasks the same step may have just added).

The transaction is the caller's unit: `import_many` writes all its items or, at the
first refusal, none (the import checked every row before); `receive_many` gives each
item its own result — a refused item is dropped with its held rows and the savepoint
intake takes around its writes, so it leaves nothing — and writes the others together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import nullcontext
from datetime import UTC
from zoneinfo import ZoneInfo

from django.db import connection, transaction

from redress.complaints import period_tally, phones, triggers
from redress.complaints.errors import DomainError
from redress.complaints.held_rows import Held, Tallies, holding
from redress.complaints.lifecycle import TERMINAL
from redress.complaints.models import Complaint, Staff
from redress.complaints.services.customers import Prefetched
from redress.complaints.services.history import Found
from redress.complaints.services.imports import (
    ImportInput,
    complaint_import,
    import_role,
    import_triggers,
)
from redress.complaints.services.intake import (
    ComplaintInput,
    clean_amount,
    complaint_receive,
    validate_complaint,
)
from redress.complaints.services.timing import calendar_for
from redress.complaints.timesource import now as current_time
from redress.policy.loader import active_pack


def import_many(*, actor: Staff, items: list[ImportInput], via: str = "import",
                then: Callable[[list[Complaint]], None] | None = None,
                checked: list[Found] | None = None, tallies: Tallies | None = None) -> list[Complaint]:
    """Create the historical complaints of `items`, in order, in one transaction; a
    refusal (DomainError) or a database error raises, its `item` the ImportInput it
    met, and leaves none of them. `then(complaints)` runs before the rows are written; what it inserts through
    rows.insert is written with them (the import's keys). `checked`: import_check's
    result for each item, when the caller ran it in this transaction (complaint_import's
    `checked`). `tallies`: the day and period tallies' changes are added up there, for the
    caller to write later in the same transaction (an import of many batches in one
    transaction writes one row a key for all of them); without it they are written with
    the batch, one row a key."""
    if checked is not None and len(checked) != len(items):
        raise ValueError("checked: one result per item")
    if not items:
        return []
    pack = active_pack()
    tz = ZoneInfo(pack.calendar.timezone)
    import_role(actor)  # the wrong actor is refused before any number is reserved
    out = []
    mine = tallies is None
    with transaction.atomic(), holding(Tallies() if mine else tallies) as held:
        for year, count in import_years(items, tz).items():  # in the order they first appear, as one by one
            held.reserve_references(pack.reference_prefix, year, count)
        held.expect("import", len(items), {Complaint: len(items)})
        seen: set[str] = set()
        held.customers = Prefetched([data.complaint.customer for data in items])
        for i, data in enumerate(items):
            d = data.complaint
            reads = _known_customer(d, seen) or (
                data.state not in {s.value for s in TERMINAL}
                and bool(import_triggers(data, pack)))
            try:
                with held.paused() if reads else nullcontext():
                    out.append(complaint_import(actor=actor, data=data, via=via,
                                                checked=checked[i] if checked is not None else None))
            except Exception as failed:  # a refusal or a database error: the caller names the row
                failed.item = data
                raise
            if reads:  # it may have changed a record the batch read: read the rest's again
                held.customers = Prefetched([later.complaint.customer for later in items[i + 1:]])
        if then is not None:
            then(out)
        _write(held)
        if mine:
            held.tallies.write()
    return out


def import_years(items: list[ImportInput], tz: ZoneInfo) -> Counter:
    """How many reference numbers of each year the items take, the years in the order
    they first appear. An item without a received date is refused by complaint_import;
    none is counted for it."""
    return Counter(d.complaint.received_at.astimezone(tz).year for d in items if d.complaint.received_at)


def receive_many(*, actor: Staff, items: list[tuple[ComplaintInput, bool]], via: str = "api",
                 then: Callable[[list[Complaint | DomainError]], None] | None = None) -> list[Complaint | DomainError]:
    """Take each (complaint, register) of `items` down as complaint_receive would, in
    order, in one transaction. The result for each item is its complaint or the
    DomainError that refused it (nothing of it is written). `then(results)` runs in the
    transaction before it commits (the API records the idempotency keys); if it raises,
    nothing is kept."""
    refused_late: dict[int, DomainError] = {}
    while True:
        try:
            return _receive(actor, items, via, then, refused_late)
        except _Again as again:  # rolled back; run again with that item refused from the start
            refused_late[again.index] = again.refused


class _Again(Exception):
    """An item was refused after it had begun to write (intake takes no savepoint for a
    held item): the batch's transaction cannot go on. Every check of complaint_receive
    comes before its first write today, so this is a guard, not a path."""

    def __init__(self, index: int, refused: DomainError):
        super().__init__(refused.message)
        self.index, self.refused = index, refused


def _receive(actor, items, via, then, refused_late) -> list[Complaint | DomainError]:
    pack = active_pack()
    results: list[Complaint | DomainError] = []
    with transaction.atomic(), holding() as held:
        _reserve_references(held, pack, [data for i, (data, _r) in enumerate(items) if i not in refused_late])
        held.expect("receive", len(items), {})
        seen: set[str] = set()
        held.customers = Prefetched([data.customer for data, _register in items])
        for i, (data, register) in enumerate(items):
            if i in refused_late:
                results.append(refused_late[i])
                continue
            reads = (_known_customer(data, seen, add=False) or bool(data.referral_source)
                     or bool(triggers.detect(pack, data.subject, data.cause, data.request)))
            mark = held.mark()
            try:
                with held.paused() if reads else nullcontext():
                    complaint = complaint_receive(actor=actor, data=data, via=via, register=register)
            except DomainError as refused:
                if connection.needs_rollback:
                    raise _Again(i, refused) from refused
                held.drop_to(mark)
                results.append(refused)
                continue
            finally:
                if reads:  # it may have changed a record the batch read: read the rest's again
                    held.customers = Prefetched([later.customer for later, _register in items[i + 1:]])
            _known_customer(data, seen)
            results.append(complaint)
        if then is not None:
            then(results)
        _write(held)
    return results


def _reserve_references(held: Held, pack, items: list[ComplaintInput]) -> None:
    """Reserve one reference number for each item that passes intake's own checks of
    its data, by the year complaint_receive will file it under, in one statement a year.
    One refused after these checks (none is today) leaves its number unused: a gap, as a
    rolled-back intake leaves on PostgreSQL."""
    now = current_time().astimezone(UTC)
    tz = ZoneInfo(pack.calendar.timezone)
    years: Counter = Counter()
    for data in items:
        try:
            validate_complaint(data, pack, now)
            clean_amount(data.amount_claimed)
        except DomainError:
            continue
        years[min(data.received_at or now, now).astimezone(tz).year] += 1
    for year, count in years.items():
        held.reserve_references(pack.reference_prefix, year, count)


def _known_customer(data: ComplaintInput, seen: set[str], *, add: bool = True) -> bool:
    """Whether an earlier item of the batch named this customer: the same account number,
    email or phone. Such an item runs alone, after the held rows are written, because
    intake looks the customer up by those (services/customers.find) and would not see a
    record still held here."""
    customer = data.customer
    keys = set()
    if customer.account_number.strip():
        keys.add("account:" + customer.account_number.strip())
    if customer.email.strip():
        keys.add("email:" + customer.email.strip().lower())
    keys |= {"phone:" + k for k in phones.phone_keys(customer.phone or "")}
    known = bool(keys & seen)
    if add:
        seen |= keys
    return known


def _write(held: Held) -> None:
    held.flush()  # the day and period tallies' rows added up, one a key
    if held.counted_later:  # the statistics' figures of the batch's new complaints, now written
        ids, held.counted_later = held.counted_later, []
        period_tally.count_batch(ids, calendar_for(active_pack()))  # their rows held in turn
        held.flush()
    held.learned()
