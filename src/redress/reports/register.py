"""The complaint register (投诉台账, 001 第七、二十四、二十五条): every complaint in any state
that a member of staff may see, filtered, newest first, a page at a time; the export
reads the same list to the end.

Built like the worklists (selectors.worklists) for a million complaints: the list is a
condition on indexed columns of the complaint row next to the viewer's scope
(selectors.scope), ordered on an index (received_at, or closed_at for a closing
period), paged by a cursor (selectors.keyset) and counted up to a cap. A page's ids are
read first, then its rows, and what the columns show beyond the row (milestones,
remedies, callbacks, accountability, links) is read for those ids only, one query per
table (rows.py), never per complaint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.functions import Cast

from redress.complaints.lifecycle import OPEN
from redress.complaints.models import (
    Accountability,
    Callback,
    Complaint,
    ComplaintClock,
    ComplaintLink,
    ComplaintParty,
    Extension,
    OrgUnit,
    Remedy,
    Staff,
)
from redress.complaints.models import complaint as complaint_models
from redress.complaints.selectors import flags, remedies
from redress.complaints.selectors.flags import NO, YES
from redress.complaints.selectors.id_sets import among, read_ids
from redress.complaints.selectors.keyset import Cursor, Order, seek
from redress.complaints.selectors.scope import visible_complaints
from redress.complaints.selectors.worklists import Page, page_of
from redress.reports import records

RECEIVED, CLOSED = "received", "closed"
PERIODS = (RECEIVED, CLOSED)
# Newest first on the period's own column, so a period is one range of its index
# (complaint_received_category, closed_at's index). Nothing is closed without a
# closing time, so the closing-period list has no empty values to page through.
ORDERS = {RECEIVED: Order("received_at", descending=True), CLOSED: Order("closed_at", descending=True)}
# "200+": counting stops here. A register filter that no index serves (a product, a
# re-complaint, late) costs in proportion to what is counted, and 1,000 made those
# pages 150-200 ms at a million complaints; the export counts every row it writes.
COUNT_CAP = 200
# ?count=all (the "count them all" link, and every figure of the statistics, whose
# number the register must show in full): the count goes on to the end.
ALL = "all"
EXACT_CAP = 100_000_000
OPEN_STATES = sorted(s.value for s in OPEN)
# "None" where a filter would otherwise name a value: no responsible unit yet, no
# category assessed yet (statistics link their "not yet" rows with it).
NONE = "none"
NO_UNIT = 0
# The callback filter: reached at all, the customer satisfied or not, never reached.
REACHED, SATISFIED, UNSATISFIED = "reached", "satisfied", "unsatisfied"
CALLBACK_CHOICES = (REACHED, SATISFIED, UNSATISFIED, NO)
REFERRAL_KINDS = complaint_models.REFERRAL_KINDS
ANY = "any"


@dataclass(frozen=True)
class Filters:
    """Already validated values (forms.RegisterForm does that); empty means "any".
    Yes/no filters take YES, NO or ""."""

    period: str = RECEIVED  # which date the from/to and the order are about
    date_from: date | None = None
    date_to: date | None = None
    unit: int | None = None  # the responsible unit, with the units under it (NO_UNIT: none yet)
    unit_alone: str = ""  # YES: the unit itself, without the units under it
    kind: str = ""  # complaint or inquiry
    open_at: date | None = None  # still open at the end of that day (received by then, not closed)
    category: str = ""  # a category code, or NONE
    channel: str = ""
    state: str = ""
    severity: str = ""
    critical: str = ""
    economic_dispute: str = ""
    late: str = ""
    late_remedies: str = ""  # a remedy past its due date, neither done nor waived (002 执行跟踪)
    recomplaint: str = ""
    product: str = ""  # a product named in the parties holds this text
    product_is: str = ""  # a product named exactly so
    extended: str = ""  # an extension of a time limit was approved
    callback: str = ""  # CALLBACK_CHOICES
    compensated: str = ""  # money paid: a payment carried out
    referral: str = ""  # referred to mediation, arbitration or litigation (ANY: any of them)
    root_cause: str = ""  # exactly this root cause
    accountability: str = ""  # someone held to account with this action (ANY: any action)

    def as_json(self) -> dict:
        """What an export record keeps: the filters that were set, dates as text."""
        return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in asdict(self).items() if v not in ("", None)}


def sub_units(unit_id: int) -> list[int]:
    """The unit and every unit under it (a headquarters and its branches): the tree is
    small (a few hundred units), so it is walked in memory from one query."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in OrgUnit.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, todo = [], [unit_id]
    while todo:
        pk = todo.pop()
        found.append(pk)
        todo += children.get(pk, [])
    return sorted(found)


def late_condition(now: datetime) -> Q:
    """Late: a clock stopped after its due time or marked breached by the sweep, or a
    running clock past due that the sweep has not reached yet. The breached clocks
    are a few percent of all; PostgreSQL hashes their complaint ids once and checks
    each row of the list against them, instead of probing the clocks row by row."""
    breached = ComplaintClock.objects.filter(breached=True).values("complaint_id")
    return Q(pk__in=breached) | Q(state__in=OPEN_STATES, due_at__lt=now)


# A filter by rows of another table (a product, a re-complaint link, a paid remedy, an
# accountability action) lists the matching complaints' ids when there are at most this
# many, as one array (id_sets.among), and tests each complaint down the page's order
# against a hash of them when there are more (product_condition, recomplaint_condition,
# few_or_hashed). 10,000 ids are a 70 kB parameter and as many primary-key probes, which
# at a million complaints cost less than walking the scope for a set that sparse
# (accountability of any kind, 8,300: a handler's first page 183 → 104 ms).
IDS_LISTED_UP_TO = 10_000


def recomplaint_condition() -> Q:
    """A re-complaint, or a complaint the customer complained about again.

    Up to half IDS_LISTED_UP_TO links (two ids each), their ids are read first and
    become the list itself: left with the two subqueries, PostgreSQL walked the whole
    list in receipt order testing each row against them, and where there were none or a few that was every
    row of the scope (1.2 s at a million, to show nothing). Beyond that many the links
    are dense enough for that walk to stop within a page, their ids hashed once."""
    links = ComplaintLink.objects.filter(kind=ComplaintLink.Kind.RECOMPLAINT)
    most = IDS_LISTED_UP_TO // 2  # two ids a link
    pairs = list(links.values_list("source_id", "target_id")[:most + 1])
    if len(pairs) <= most:
        return among(sorted({pk for pair in pairs for pk in pair}))
    return Q(pk__in=links.values("source_id")) | Q(pk__in=links.values("target_id"))


def product_condition(text: str) -> Q:
    """A product named in the complaint's parties holds the text.

    PostgreSQL cannot tell how many parties a LIKE matches, and left to itself it read
    every match and sorted them all by date for a page (a common product at a million
    complaints: 20,000 cases, 0.5–1.5 s). So their ids are read first, up to
    IDS_LISTED_UP_TO and one more: a rare product's few ids become the list itself
    (a short range of the primary key, then a sort of a few thousand at most); a common
    product is looked for row by row down the page's order instead, where its cases are
    close together: a page of 25 and the count up to 200 read a few thousand rows."""
    parties = ComplaintParty.objects.filter(kind=ComplaintParty.Kind.PRODUCT, product__icontains=text)
    listed = listed_if_few(parties.values_list("complaint_id", flat=True))
    if listed is not None:
        return listed
    # Always true beside the equality, and ORed with what is never true (no complaint
    # lacks an id): either way alone PostgreSQL still turned the probe into a hash of
    # every match (100,000 parties read with their LIKE, 150 ms, twice a page).
    probe = Exists(parties.filter(complaint_id=OuterRef("pk"), complaint_id__gte=OuterRef("pk")))
    return Q(probe) | Q(pk__isnull=True)


def extended_condition() -> Q:
    return Q(pk__in=Extension.objects.filter(status=Extension.Status.APPROVED).values("complaint_id"))


def compensated_condition() -> Q:
    """Money paid: a payment with an amount carried out (what was offered but not yet
    paid is not counted)."""
    return Q(pk__in=paid_remedies().values("complaint_id"))


def paid_remedies() -> QuerySet:
    return Remedy.objects.filter(amount__gt=0, executed_at__isnull=False)


def callback_condition(value: str, *, many: bool = False) -> Q:
    """A callback reached the customer (a Callback row is only written for a call that
    reached them); SATISFIED / UNSATISFIED: their answer as the complaint keeps it,
    which the latest callback set (an on-the-spot resolution's "satisfied" without a
    callback is not a callback and is left out)."""
    # A probe of the callbacks' complaint index per row, not an IN list: most closed
    # complaints have a callback, and at a million complaints the 640,000 ids do not fit
    # PostgreSQL's hash (work_mem), which then rescanned the list for every row (minutes).
    # `many`: the same complaints as an IN (subquery), for the statistics' count over a
    # period's hundreds of thousands, where PostgreSQL joins the callbacks once (a hash
    # join) instead of probing per row; only as a filter of its own, since inside a
    # conditional count an IN that does not fit work_mem is rescanned per row.
    if many:
        reached = Q(pk__in=Callback.objects.values("complaint_id"))
    else:
        reached = Q(Exists(Callback.objects.filter(complaint_id=OuterRef("pk"))))
    if value == SATISFIED:
        return reached & Q(satisfied=True)
    if value == UNSATISFIED:
        return reached & Q(satisfied=False)
    return reached


def referral_condition(kind: str) -> Q:
    if kind == ANY:
        return Q(outcome__in=complaint_models.REFERRED_OUTCOMES)  # the partial index's own list
    return Q(outcome=f"referred_{kind}")


def accountability_rows(action: str) -> QuerySet:
    return Accountability.objects.all() if action == ANY else Accountability.objects.filter(action=action)


def accountability_condition(action: str) -> Q:
    return Q(pk__in=accountability_rows(action).values("complaint_id"))


def open_at_condition(end: datetime) -> Q:
    """Open at `end`: received before it and not closed before it (every way out of the
    lifecycle sets closed_at, a withdrawal and a redirection included)."""
    return Q(received_at__lt=end) & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))


def day_start(day: date, tz) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def register(staff: Staff, filters: Filters = Filters(), *, now: datetime, tz, many: bool = False) -> QuerySet:
    """The complaints `staff` may see that match the filters, unordered (pages order
    them by ORDERS[filters.period]). `tz`: the institution's time zone, which says
    where a day of the period starts. `many`: the list is counted whole, not paged (the
    statistics), so the viewer's work orders may be hashed once (scope.visible_condition)."""
    qs = visible_complaints(staff, many=many, state=filters.state, within=None if many else seldom_ordered(filters))
    column = "closed_at" if filters.period == CLOSED else "received_at"
    if filters.date_from:
        qs = qs.filter(**{f"{column}__gte": day_start(filters.date_from, tz)})
    if filters.date_to:  # inclusive: the whole of the last day
        qs = qs.filter(**{f"{column}__lt": day_start(filters.date_to + timedelta(days=1), tz)})
    if filters.period == CLOSED:
        qs = qs.filter(closed_at__isnull=False)
    if filters.unit == NO_UNIT:
        qs = qs.filter(responsible_unit__isnull=True)
    elif filters.unit and filters.unit_alone == YES:
        qs = qs.filter(responsible_unit_id=filters.unit)
    elif filters.unit:
        qs = qs.filter(responsible_unit_id__in=sub_units(filters.unit))
    if filters.open_at:
        qs = qs.filter(open_at_condition(day_start(filters.open_at + timedelta(days=1), tz)))
    if filters.category == NONE:
        qs = qs.filter(category="")
    elif filters.category:
        qs = qs.filter(category=filters.category)
    for name in ("kind", "channel", "state", "severity", "root_cause"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    qs = flags.filtered(qs, critical=filters.critical, economic_dispute=filters.economic_dispute)
    qs = flags.yes_no(qs, filters.late, late_condition(now))
    qs = flags.yes_no(qs, filters.late_remedies, remedies.late_condition(remedies.local_today(now, tz)))
    qs = flags.yes_no(qs, filters.recomplaint, recomplaint_condition())
    if filters.product.strip():
        qs = qs.filter(product_condition(filters.product.strip()))
    if filters.product_is:
        parties = ComplaintParty.objects.filter(kind=ComplaintParty.Kind.PRODUCT, product=filters.product_is)
        qs = qs.filter(pk__in=parties.values("complaint_id"))
    qs = flags.yes_no(qs, filters.extended, extended_condition())
    if filters.compensated:  # (the paid remedies' ids are read only when asked for)
        qs = flags.yes_no(qs, filters.compensated, few_or_hashed(paid_remedies(), many))
    if filters.callback == NO:
        qs = qs.exclude(callback_condition(REACHED))
    elif filters.callback:
        qs = qs.filter(callback_condition(filters.callback))
    if filters.referral:
        qs = qs.filter(referral_condition(filters.referral))
    if filters.accountability:
        qs = qs.filter(few_or_hashed(accountability_rows(filters.accountability), many))
    return qs


def seldom_ordered(filters: Filters) -> Q | None:
    """The filters' condition when the list is of cases that work orders seldom reach:
    inquiries, the cases no unit is responsible for yet (each with partial indexes of
    its own: in receipt order for the page, in id order for the work orders' merge,
    migrations 0036 and 0038). The viewer's work orders within it are then read first
    (scope.visible_condition's `within`): a handler sees few of these cases, and the
    page's walk down them, probing the work orders for each row, went to the end of
    the list (113,000 cases without a unit at a million complaints: 0.9 s of database
    CPU for a page and its count). None: the list is another, probed row by row."""
    q = Q()
    if filters.unit == NO_UNIT:
        q &= Q(responsible_unit__isnull=True)
    if filters.kind == complaint_models.Complaint.Kind.INQUIRY:
        q &= Q(kind=complaint_models.Complaint.Kind.INQUIRY)
    return q or None


def few_or_hashed(rows: QuerySet, many: bool = False) -> Q:
    """The complaints that `rows` (of a table with a complaint) name, for a list in
    receipt order: up to IDS_LISTED_UP_TO of them as their ids (a short range of the
    primary key and a sort of a few thousand: accountability for training, 2,000 at a
    million complaints); more (paid remedies: 26,000) as an IN that PostgreSQL hashes
    once and checks each row of the receipt order against. As a plain IN it became a
    semi-join probing the other table's index for each of the 50,000-140,000 complaints
    walked to fill a page and count 200 (0.1-0.3 s at a million complaints); ORed with
    what is never true (no complaint lacks an id) it stays a hashed subplan. `many` (a
    whole count, the statistics): a plain IN, for a hash join of the whole list."""
    ids = rows.values_list("complaint_id", flat=True)
    if many:
        return Q(pk__in=ids)
    listed = listed_if_few(ids)
    if listed is not None:
        return listed
    return Q(pk__in=ids) | Q(pk__isnull=True)


def listed_if_few(complaint_ids: QuerySet) -> Q | None:
    """The complaints of a query of complaint ids as one array of their ids, when it
    gives at most IDS_LISTED_UP_TO of them (read up to one more); None when more."""
    few = set(read_ids(complaint_ids[:IDS_LISTED_UP_TO + 1]))
    return among(sorted(few)) if len(few) <= IDS_LISTED_UP_TO else None


def order_of(filters: Filters) -> Order:
    return ORDERS[filters.period]


def parse_cursor(token: str, filters: Filters) -> Cursor:
    """The position a page link carried (ValueError when it is not one of this list)."""
    return Cursor.parse(token, order_of(filters), Complaint)


def rows_by_id(ids: list[int]) -> QuerySet:
    """The complaints of a page with the rows every column reads through a foreign key."""
    return (Complaint.objects.filter(pk__in=ids)
            .select_related("customer", "handler", "owner", "responsible_unit", "branch"))


def page(staff: Staff, filters: Filters = Filters(), *, now: datetime, tz, after: Cursor | None = None,
         before: Cursor | None = None, number: int = 1, per_page: int = 25, count_all: bool = False) -> Page:
    """One page of the register, paged and counted as a worklist is (worklists.page_of);
    `count_all`: counted to the end instead of up to COUNT_CAP."""
    return page_of(register(staff, filters, now=now, tz=tz), order_of(filters), after=after, before=before,
                   number=number, per_page=per_page, cap=EXACT_CAP if count_all else COUNT_CAP, fetch=rows_by_id,
                   count_in_order=True)


def batches(staff: Staff, filters: Filters = Filters(), *, now: datetime, tz, size: int = 500) -> Iterator[list]:
    """The whole register in the page's order, `size` Complaint instances at a time, each
    batch read by keyset like a page (the export reads `stream` instead: one cursor, no
    model instances)."""
    qs, order = register(staff, filters, now=now, tz=tz), order_of(filters)
    after = None
    while True:
        rows = seek(qs, order, after, size, None, rows_by_id)
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        after = Cursor.of(rows[-1], order)


FIRST_CHUNK = 200


def stream(staff: Staff, filters: Filters = Filters(), *, now: datetime, tz, size: int = 2000) -> Iterator[list]:
    """The whole register in the page's order as records.Complaint tuples, `size` at a
    time, from one query read through a server-side cursor (PostgreSQL; SQLite reads
    its cursor as it goes anyway): an export holds one chunk in memory, whatever the
    total, and builds no model instance.

    The cursor is read inside a transaction: outside one (autocommit), Django declares
    it WITH HOLD, and PostgreSQL then runs the query to its end and keeps every row
    before handing over the first. Inside it, the rows come as the index is walked, and
    the export sees one snapshot of the list from its first row to its last."""
    order = order_of(filters)
    sign = "-" if order.descending else ""
    qs = (register(staff, filters, now=now, tz=tz).order_by(f"{sign}{order.field}", f"{sign}pk")
          .values_list(*(Cast(name, TextField()) if name in records.JSON_FIELDS else name
                         for name in records.COMPLAINT_FIELDS)))
    with transaction.atomic(using=qs.db):
        chunk: list = []
        # The first chunk is small, so the first bytes leave soon (issue 11: within 2 s).
        limit = min(size, FIRST_CHUNK)
        for values in qs.iterator(chunk_size=size):
            chunk.append(records.complaint(values))
            if len(chunk) == limit:
                yield chunk
                chunk, limit = [], size
        if chunk:
            yield chunk
