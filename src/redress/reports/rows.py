"""What a register row shows beyond the complaint row itself (001 第二十五条: the handling
and its result, accountability, the callback), read for a page or an export batch of
complaints with one query per table, never one per complaint.

Milestone dates come from the rows the services write (work orders, proposals,
messages, remedies, callbacks), which hold exact times and are indexed by complaint;
the ledger holds the same moments, but its payloads are text to parse.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet

from redress.complaints.models import (
    Accountability,
    Assignment,
    AuthorityReport,
    Callback,
    ClockPause,
    Communication,
    Complaint,
    ComplaintClock,
    ComplaintLink,
    ComplaintParty,
    Extension,
    Proposal,
    Remedy,
)
from redress.complaints.selectors.fetch import driver_rows
from redress.complaints.selectors.id_sets import among
from redress.reports import records


@dataclass
class Milestones:
    registered: datetime | None = None
    dispatched: datetime | None = None
    accepted: datetime | None = None
    proposed: datetime | None = None
    approved: datetime | None = None
    result_told: datetime | None = None
    remedies_executed: datetime | None = None  # the last remedy carried out
    callback: datetime | None = None


@dataclass
class Row:
    """One complaint and what the register's columns read about it."""

    c: Complaint | records.Complaint  # a page's instance or an export's tuple: the columns read either
    milestones: Milestones = field(default_factory=Milestones)
    proposal: records.Proposal | None = None  # the approved one, else the latest
    remedies: list[records.Remedy] = field(default_factory=list)
    callback: records.Callback | None = None  # the latest
    accountability: list[records.Accountability] = field(default_factory=list)
    clocks: list[records.Clock] = field(default_factory=list)
    extensions: list[records.Extension] = field(default_factory=list)  # approved ones
    recomplaint_of: list[str] = field(default_factory=list)  # references this one re-complains about
    recomplained_in: list[str] = field(default_factory=list)  # later re-complaints about this one
    products: list[str] = field(default_factory=list)
    pauses: list[records.Pause] = field(default_factory=list)  # services/pausing.py
    reports: list[records.Report] = field(default_factory=list)  # owed to the police and regulators

    @property
    def compensation(self) -> Decimal | None:
        """Money paid or to be paid: the approved proposal's, else the payment remedies'."""
        if self.proposal is not None and self.proposal.status == "approved" and self.proposal.compensation:
            return self.proposal.compensation
        paid = [r.amount for r in self.remedies if r.amount]
        return sum(paid, Decimal(0)) if paid else None

    def late_remedies(self, today: date) -> list[records.Remedy]:
        """The approved proposal's remedies past their due date, neither done nor waived
        (selectors/remedies.late, on the rows already read)."""
        approved = self.proposal.pk if self.proposal is not None and self.proposal.status == "approved" else None
        return [r for r in self.remedies if r.proposal_id == approved and r.executed_at is None
                and r.waived_at is None and r.due_date < today]

    def late(self, now: datetime) -> bool:
        """Any clock late: stopped or marked late, or still running past due."""
        return any(k.breached or (k.status == "running" and k.due_at < now) for k in self.clocks)


def _all_executed(done: list) -> datetime | None:
    """When the last remedy was carried out, once all of them are."""
    if not done:
        return None
    executed = [r.executed_at for r in done if r.executed_at]
    return max(executed) if len(executed) == len(done) else None


def _by_complaint(rows) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in rows:
        grouped[row.complaint_id].append(row)
    return grouped


def _of(qs: QuerySet, ids: list[int], column: str = "complaint_id") -> QuerySet:
    """The rows of these complaints: on PostgreSQL one array parameter (id_sets.among);
    an IN list of an export chunk's 2,000 ids made Django and psycopg build and parse
    2,000 placeholders per table per chunk, a fifth of the export's time."""
    return qs.filter(among(ids, column))


def _read(record, qs, ids, names=None, make=None) -> dict[int, list]:
    """The rows of `qs` for the complaints `ids` as `record` tuples (records.py),
    grouped by complaint: no model instance is built, which was most of the time an
    export took."""
    make = make or record._make
    return _by_complaint(map(make, driver_rows(_of(qs, ids).values_list(*(names or record._fields)))))


def build(complaints: list) -> list[Row]:
    """A Row per complaint, in the order given: Complaint instances (a page) or
    records.Complaint tuples (an export's chunk, register.stream); either way the
    related rows are read as tuples, one query per table for the whole list."""
    ids = [c.pk for c in complaints]
    if not ids:
        return []
    assignments = _read(records.Assignment, Assignment.objects.order_by("assigned_at", "pk"), ids)
    proposals = _read(records.Proposal, Proposal.objects.order_by("proposed_at", "pk"), ids)
    results = _read(records.Result, Communication.objects.filter(kind=Communication.Kind.RESULT).order_by("at", "pk"),
                    ids)
    remedies = _read(records.Remedy, Remedy.objects.order_by("due_date", "pk"), ids)
    callbacks = _read(records.Callback, Callback.objects.order_by("at", "pk"), ids)
    accountability = _read(records.Accountability, Accountability.objects.order_by("at", "pk"), ids,
                           records.ACCOUNTABILITY_FIELDS, records.accountability)
    clocks = _read(records.Clock, ComplaintClock.objects.order_by("started_at", "pk"), ids)
    extensions = _read(records.Extension, Extension.objects.filter(status=Extension.Status.APPROVED)
                       .order_by("decided_at", "pk"), ids)
    pauses = _read(records.Pause, ClockPause.objects.order_by("id"), ids)
    reports = _read(records.Report, AuthorityReport.objects.order_by("due_at", "pk"), ids)
    products = _read(records.Product, ComplaintParty.objects.filter(kind=ComplaintParty.Kind.PRODUCT).order_by("pk"),
                     ids)
    links = (ComplaintLink.objects.filter(kind=ComplaintLink.Kind.RECOMPLAINT)
             .values_list("source_id", "source__reference", "target_id", "target__reference").order_by("created_at", "pk"))
    wanted = set(ids)
    of: dict[int, list[str]] = defaultdict(list)
    again: dict[int, list[str]] = defaultdict(list)
    for source, source_ref, target, target_ref in (list(_of(links, ids, "source_id"))
                                                   + list(_of(links, ids, "target_id"))):
        if source in wanted and target_ref not in of[source]:
            of[source].append(target_ref)
        if target in wanted and source_ref not in again[target]:
            again[target].append(source_ref)

    out = []
    # Most complaints have none of most related rows: .get (no empty list made and kept
    # for each table and complaint), a fresh list only where the Row keeps one.
    for c in complaints:
        pk = c.pk
        work, offers, done = assignments.get(pk), proposals.get(pk), remedies.get(pk) or []
        if offers:
            approved = [p for p in offers if p.status == Proposal.Status.APPROVED]
            proposal = approved[-1] if approved else offers[-1]
        else:
            proposal = None
        calls, told = callbacks.get(pk), results.get(pk)
        callback = calls[-1] if calls else None
        found = products.get(pk)
        row = Row(c, Milestones(
            c.registered_at,
            work[0].assigned_at if work else None,
            next((a.accepted_at for a in work if a.accepted_at), None) if work else None,
            proposal.proposed_at if proposal else None,
            proposal.decided_at if proposal is not None and proposal.status == "approved" else None,
            told[0].at if told else None,
            _all_executed(done),
            callback.at if callback else None,
        ), proposal=proposal, remedies=done, callback=callback, accountability=accountability.get(pk) or [],
            clocks=clocks.get(pk) or [], extensions=extensions.get(pk) or [], recomplaint_of=of.get(pk) or [],
            recomplained_in=again.get(pk) or [], products=[p.product for p in found if p.product] if found else [],
            pauses=pauses.get(pk) or [], reports=reports.get(pk) or [])
        out.append(row)
    return out
