"""Appending to and verifying the ledger (DESIGN rule 2).

`append` is called by the services inside their transaction, after they have locked
the complaint row, so the chain of one complaint can never fork. `verify` recomputes
every hash in two streaming passes (by complaint, then the checkpoints) and names the
first broken link; it holds nothing but one complaint's state in memory. Every checkpoint
is signed with the key outside the database (ledger_key.py) and verify checks each
signature, so the database's owner cannot recompute the hashes unseen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from enum import IntEnum, unique

from django.db import connection, transaction
from django.db.models import Max
from django.db.models.expressions import RawSQL

from redress.complaints import ledger_key, rows
from redress.complaints.models import (
    CheckpointEntry,
    CheckpointSignature,
    Complaint,
    Event,
    LedgerCheckpoint,
)

GENESIS = "0" * 64
HASH_VERSION = "v1"


@unique  # a repeated code would make the second name an alias of the first
class EventType(IntEnum):
    """Stable numeric codes; labels are rendered at display time in the user's language.
    Never renumber: the codes are inside the hashes."""

    RECEIVED = 1
    REGISTERED = 2
    INQUIRY_ANSWERED = 3
    RESOLVED_ON_SPOT = 4
    REDIRECTED = 5
    ASSESSED = 10
    TRIGGER_RAISED = 11
    ESCALATED = 12
    ECONOMIC_DISPUTE_CLEARED = 13  # a decider (004 第十六条) said it is not one, and why
    DISPATCHED = 20
    ASSIGNMENT_ACCEPTED = 21
    ASSIGNMENT_RETURNED = 22
    TRANSFER_REQUESTED = 23
    TRANSFER_ACCEPTED = 24
    FINDING_ADDED = 30
    PARTY_ADDED = 31
    EVIDENCE_ADDED = 32
    CUSTOMER_CONTACTED = 33
    PROPOSED = 40
    APPROVED = 41
    REJECTED = 42
    MESSAGE_SENT = 50
    MESSAGE_RECEIVED = 51
    RESULT_COMMUNICATED = 52
    CUSTOMER_RATED = 53  # the complainant rated the outcome on the portal
    REMEDY_EXECUTED = 60
    REMEDY_WAIVED = 61  # not to be carried out, with the reason and who decided
    REMEDY_LATE = 62  # the sweep: past its due date, neither done nor waived (recorded once)
    CALLBACK_RECORDED = 70
    CLOSED_WITHOUT_CALLBACK = 71
    DEEMED_CLOSED = 72
    REFERRED = 73
    REFERRAL_OUTCOME = 74
    WITHDRAWN = 75
    ARCHIVED = 76
    RECOMPLAINED = 77
    LINKED = 78
    EXTENSION_REQUESTED = 80
    EXTENSION_APPROVED = 81
    EXTENSION_REFUSED = 82
    CLOCK_PAUSED = 90
    CLOCK_RESUMED = 91
    CLOCK_BREACHED = 92
    CLOCKS_RECOMPUTED = 93  # the calendar changed: due times moved, and why (services/recompute.py)
    PAUSE_APPROVAL_ASKED = 94  # a pause ran long enough to need approval (services/pausing.py)
    PAUSE_APPROVED = 95
    PAUSE_REFUSED = 96  # refused: the pause ended then
    PAUSED_TOO_LONG = 97  # the case's paused time passed the pack's pausing.max_total
    ACCOUNTABILITY_RECORDED = 100
    PERSONAL_DATA_VIEWED = 110
    EVIDENCE_DOWNLOADED = 111  # who took a copy of which file (it may hold personal data)
    IMPORTED = 120  # a historical complaint brought in by `redress import` (file, row, source id)
    AUTHORITY_REPORT_DUE = 130  # a report or reply owed to an authority, with its due time
    AUTHORITY_REPORT_RECORDED = 131  # who made it, when, how, and the authority's receipt
    AUTHORITY_REPORT_OVERDUE = 132  # the sweep: past its due time and still not made
    AUTHORITY_REPORT_ESCALATED = 133  # the sweep: still not made, taken to the escalation roles
    CUSTOMER_MATCHED = 140  # taken down on an existing record by a verified contact (services/customers.py)
    CUSTOMER_MATCH_OFFERED = 141  # an older record shares a contact: offered to a person to decide
    CUSTOMER_CONFIRMED = 142  # a person said it is the same customer: the complaint is on that record
    CUSTOMER_MATCH_REJECTED = 143  # a person said it is someone else: the records stay apart
    REMINDER_SENT = 144  # the sweep: a clock's reminder before its due time (services/alerts.py)
    CLOCK_ESCALATED = 145  # the sweep: a step of a late clock's escalation ladder, and who heard
    ESCALATION_ACKNOWLEDGED = 146  # someone told answered it: what will happen, by when
    CLOCK_NOT_APPLICABLE = 147  # assessed: a clock's policy condition no longer holds; stopped, and why
    CLOCK_APPLIES = 148  # assessed: a clock's policy condition now holds; started from receipt (or its stage)
    REMEDY_REMINDED = 149  # the sweep: a remedy's reminder before its due date, and who heard
    REMEDY_ESCALATED = 150  # the sweep: a step of a late remedy's escalation ladder, and who heard


def canonical(payload: dict) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_jsonable)


def _jsonable(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return _ts(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"ledger payloads hold plain data; got {type(value).__name__}")


def _ts(value: datetime | str) -> str:
    if isinstance(value, str):  # already rendered by the database (see _at_as_text)
        return value
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _at_as_text():
    """Event.at rendered by the database exactly as _ts renders it. Parsing a million
    timestamps into datetimes only to print them again was most of verify's time."""
    column = '"complaints_event"."at"'
    if connection.vendor == "postgresql":
        return RawSQL(f"""to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')""", ())
    if connection.vendor == "sqlite":  # stored as 'YYYY-MM-DD HH:MM:SS[.ffffff]' in UTC
        return RawSQL(f"replace({column}, ' ', 'T') || CASE WHEN length({column}) = 19 THEN '.000000' "
                      f"ELSE '' END || '+00:00'", ())
    return None


def event_hash(*, complaint_id: int, seq: int, type_code: int, at: datetime | str, actor_id: int | None,
               actor_role: str, channel: str, payload: str, prev_hash: str) -> str:
    material = "|".join(
        [HASH_VERSION, str(complaint_id), str(seq), str(type_code), _ts(at), str(actor_id or ""),
         actor_role, channel, payload, prev_hash]
    )
    return hashlib.sha256(material.encode()).hexdigest()


def append(complaint: Complaint, type_: EventType, *, at: datetime, actor=None, actor_role: str = "",
           channel: str, payload: dict, save: bool = True) -> Event:
    """Append one event to the complaint's chain. The caller holds the row lock and
    saves the complaint afterwards (ledger_head / ledger_length are updated here).
    `save=False` leaves the event unwritten for the caller to write with the step's
    others (services.base.Step.flush); the chain is already linked in memory."""
    seq = complaint.ledger_length + 1
    prev = complaint.ledger_head or GENESIS
    text = canonical(payload)
    digest = event_hash(complaint_id=complaint.pk, seq=seq, type_code=int(type_), at=at,
                        actor_id=actor.pk if actor else None, actor_role=actor_role, channel=channel,
                        payload=text, prev_hash=prev)
    event = rows.build(Event, related={"complaint": complaint, "actor": actor}, seq=seq, type=int(type_), at=at,
                       actor_role=actor_role, channel=channel, payload=text, prev_hash=prev, hash=digest)
    if save:
        event.save(force_insert=True)
    complaint.ledger_length = seq
    complaint.ledger_head = digest
    return event


# ---- checkpoints ----------------------------------------------------------------

# Events commit in an order slightly different from their ids on PostgreSQL; a new
# checkpoint looks back this many ids past the previous one so a late commit is still
# covered. Re-recording an unchanged head is harmless.
LOOKBACK_IDS = 10_000


def _checkpoint_hash(prev_hash: str, created_at: datetime, max_event_id: int, entries) -> str:
    h = hashlib.sha256(f"{HASH_VERSION}|{prev_hash}|{_ts(created_at)}|{max_event_id}".encode())
    for complaint_id, length, head in entries:
        h.update(f"|{complaint_id}:{length}:{head}".encode())
    return h.hexdigest()


def take_checkpoint(*, now: datetime) -> LedgerCheckpoint | None:
    """Record the heads of every chain that moved since the last checkpoint, and sign it.
    Run by the sweep and by `redress verify --checkpoint`; None when nothing moved.
    Without the signing key it refuses (ledger_key.NoLedgerKey) before writing anything:
    an unsigned checkpoint would fail every later verify."""
    key = ledger_key.load()
    with transaction.atomic():
        last = LedgerCheckpoint.objects.order_by("-id").first()
        since = (last.max_event_id - LOOKBACK_IDS) if last else 0
        max_id = Event.objects.aggregate(m=Max("id"))["m"] or 0
        if last and max_id <= last.max_event_id:
            return None
        latest: dict[int, tuple[int, str]] = {}
        moved = Event.objects.filter(id__gt=since, id__lte=max_id).order_by("complaint_id", "seq")
        for cid, seq, digest in _stream(moved, ("complaint_id", "seq", "hash")):
            latest[cid] = (seq, digest)
        entries = [(cid, seq, digest) for cid, (seq, digest) in sorted(latest.items())]
        prev = last.hash if last else GENESIS
        digest = _checkpoint_hash(prev, now, max_id, entries)
        cp = LedgerCheckpoint.objects.create(created_at=now, max_event_id=max_id, entry_count=len(entries),
                                             prev_hash=prev, hash=digest)
        CheckpointEntry.objects.bulk_create(
            [CheckpointEntry(checkpoint=cp, complaint_id_ref=c, length=n, head=h) for c, n, h in entries],
            batch_size=2000,
        )
        CheckpointSignature.objects.create(checkpoint=cp, key_id=key.public.key_id, signature=key.sign(cp.pk, digest))
        return cp


# ---- verification ---------------------------------------------------------------


@dataclass
class VerifyResult:
    events: int
    complaints: int
    checkpoints: int
    head: str  # hash of the newest checkpoint: publish it, and a rewrite is provable
    problem: str | None = None
    unanchored: int = 0  # events after the newest checkpoint: no signature covers them yet

    @property
    def ok(self) -> bool:
        return self.problem is None


def _stream(queryset, fields, chunk=20_000) -> Iterator[tuple]:
    return queryset.values_list(*fields).iterator(chunk_size=chunk)


def verify(*, signatures: bool = True) -> VerifyResult:
    """Recompute every event hash and every checkpoint and check every checkpoint's
    signature; stop at the first broken link. NoLedgerKey without the key.
    `signatures=False` only for signing a ledger from before signing (ledger_export)."""
    public = ledger_key.load().public if signatures else None
    # One read snapshot for the whole check on PostgreSQL, so concurrent intake does
    # not look like tampering.
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cur:
                cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        return _verify(public)


class _Broken(Exception):
    pass


def _verify(public: ledger_key.PublicKey | None) -> VerifyResult:
    counts = {"events": 0, "complaints": 0}
    try:
        _verify_chains(counts)
        checkpoints, head, max_event_id = _verify_checkpoints(public)
    except _Broken as broken:
        return VerifyResult(events=counts["events"], complaints=counts["complaints"], checkpoints=0, head="",
                            problem=str(broken))
    return VerifyResult(events=counts["events"], complaints=counts["complaints"], checkpoints=checkpoints,
                        head=head, unanchored=Event.objects.filter(id__gt=max_event_id).count())


def _where(event_id: int, complaint_id: int, seq: int) -> str:
    return f"event id {event_id} (complaint {complaint_id}, #{seq})"


def _verify_chains(counts: dict) -> None:
    """One pass over the events in chain order, merge-joined with the complaint rows
    (their recorded heads) and the checkpoint entries (heads as of each checkpoint), so
    memory stays flat however large the ledger."""
    fields = ("id", "complaint_id", "seq", "type", "at", "actor_id", "actor_role", "channel", "payload",
              "prev_hash", "hash")
    records = _Cursor(_stream(Complaint.objects.filter(ledger_length__gt=0).order_by("id"),
                              ("id", "ledger_length", "ledger_head")))
    marks = _Cursor(_stream(CheckpointEntry.objects.order_by("complaint_id_ref", "length"),
                            ("complaint_id_ref", "length", "head", "checkpoint_id")))
    current, expect_seq, prev = None, 1, GENESIS

    def finish_chain(cid: int, length: int, head: str) -> None:
        if records.row and records.row[0] < cid:
            rid, rlen, _ = records.row
            raise _Broken(f"complaint {rid}: its record says {rlen} events, the ledger has none")
        if not records.row or records.row[0] != cid:
            raise _Broken(f"complaint {cid}: the ledger has {length} events but the complaint record is gone")
        _, rlen, rhead = records.row
        if (rlen, rhead) != (length, head):
            raise _Broken(f"complaint {cid}: its record says {rlen} events ending {rhead[:12]}, the ledger has "
                          f"{length} ending {head[:12]} — events were removed or the record was edited")
        records.advance()

    events = Event.objects.order_by("complaint_id", "seq")
    at_text = _at_as_text()
    if at_text is not None:
        events = events.annotate(at_text=at_text)
        fields = tuple("at_text" if f == "at" else f for f in fields)
    for ev_id, cid, seq, type_code, at, actor_id, role, channel, payload, prev_hash, digest in _stream(
        events, fields
    ):
        if cid != current:
            if current is not None:
                finish_chain(current, expect_seq - 1, prev)
            current, expect_seq, prev = cid, 1, GENESIS
            counts["complaints"] += 1
        if seq != expect_seq:
            raise _Broken(f"{_where(ev_id, cid, seq)}: expected #{expect_seq} of the chain — an event is missing")
        if prev_hash != prev:
            raise _Broken(f"{_where(ev_id, cid, seq)}: prev_hash does not match the previous event's hash")
        recomputed = event_hash(complaint_id=cid, seq=seq, type_code=type_code, at=at, actor_id=actor_id,
                                actor_role=role, channel=channel, payload=payload, prev_hash=prev_hash)
        if recomputed != digest:
            raise _Broken(f"{_where(ev_id, cid, seq)}: content does not match its hash — the event was altered")
        if marks.row and (marks.row[0], marks.row[1]) < (cid, seq):
            raise _Broken(f"checkpoint {marks.row[3]}: complaint {marks.row[0]} event #{marks.row[1]} is gone")
        while marks.row and (marks.row[0], marks.row[1]) == (cid, seq):
            if marks.row[2] != digest:
                raise _Broken(f"checkpoint {marks.row[3]}: complaint {cid} event #{seq} was changed")
            marks.advance()
        prev, expect_seq = digest, seq + 1
        counts["events"] += 1
    if current is not None:
        finish_chain(current, expect_seq - 1, prev)
    if records.row:
        raise _Broken(f"complaint {records.row[0]}: its record says {records.row[1]} events, the ledger has none")
    if marks.row:
        raise _Broken(f"checkpoint {marks.row[3]}: complaint {marks.row[0]} event #{marks.row[1]} is gone")


class _Cursor:
    def __init__(self, rows: Iterator[tuple]):
        self._rows = rows
        self.row = next(rows, None)

    def advance(self) -> None:
        self.row = next(self._rows, None)


def _verify_checkpoints(public: ledger_key.PublicKey | None) -> tuple[int, str, int]:
    prev, count, max_id = GENESIS, 0, 0
    entries = _Cursor(_stream(CheckpointEntry.objects.order_by("checkpoint_id", "complaint_id_ref"),
                              ("checkpoint_id", "complaint_id_ref", "length", "head")))
    signatures = _Cursor(_stream(CheckpointSignature.objects.order_by("checkpoint_id"),
                                 ("checkpoint_id", "key_id", "signature")))
    for cp_id, created_at, max_id, entry_count, prev_hash, digest in _stream(
        LedgerCheckpoint.objects.order_by("id"), ("id", "created_at", "max_event_id", "entry_count", "prev_hash", "hash")
    ):
        mine = []
        while entries.row and entries.row[0] == cp_id:
            mine.append(entries.row[1:])
            entries.advance()
        if prev_hash != prev:
            raise _Broken(f"checkpoint {cp_id}: does not follow checkpoint {count} — one was removed or inserted")
        if len(mine) != entry_count or _checkpoint_hash(prev, created_at, max_id, mine) != digest:
            raise _Broken(f"checkpoint {cp_id}: its entries do not match its hash")
        if public is not None:
            _check_signature(public, cp_id, digest, signatures)
        prev, count = digest, count + 1
    if entries.row:
        raise _Broken(f"checkpoint entry for checkpoint {entries.row[0]}, which does not exist")
    if public is not None and signatures.row:
        raise _Broken(f"a signature for checkpoint {signatures.row[0]}, which does not exist")
    return count, prev, max_id


def _check_signature(public: ledger_key.PublicKey, cp_id: int, digest: str, signatures: _Cursor) -> None:
    """The hashes above prove the checkpoints agree with the events; only the signature
    proves the checkpoint is the one the application took, not one recomputed after an
    event was rewritten by someone holding the database but not the key."""
    if signatures.row and signatures.row[0] < cp_id:
        raise _Broken(f"a signature for checkpoint {signatures.row[0]}, which does not exist")
    if not signatures.row or signatures.row[0] != cp_id:
        raise _Broken(f"checkpoint {cp_id}: not signed — taken without the key, or its signature removed "
                      "(a ledger from before signing: `redress checkpoint sign-existing`, once)")
    _, key_id, signature = signatures.row
    signatures.advance()
    if key_id != public.key_id:
        raise _Broken(f"checkpoint {cp_id}: signed by key {key_id}, not by this ledger's key {public.key_id}")
    if not public.verifies(cp_id, digest, signature):
        raise _Broken(f"checkpoint {cp_id}: its signature does not match its hash — the checkpoint was "
                      "recomputed or the signature altered")
