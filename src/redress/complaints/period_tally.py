"""Keeping the statistics' period tallies (models.PeriodTally) as complaints change.

One function says what a complaint counts for, `facts`, read from its row and the rows
around it with the register's own conditions (a breached clock, an approved extension,
a re-complaint link either way, a payment carried out, a callback), and `_base_rows`
turns it into tally rows (`_summed` adds them up, once for the institution and again for
each unit that sees the complaint). Everything else is built on those two:
- a service step (services/base.acting_on) reads its complaint's facts when it begins and
  again once its rows are written, and adds the difference (`changes`), in the step's
  transaction: whatever the step changed (dispatch, reassessment, closing, callback,
  remedy, extension decision, link, breach), the tallies move with it;
- a new complaint adds its rows with the intake's other rows (`received_now`, from
  memory), an import too under bulk intake (its history adds messages and files, nothing
  the facts read), else once written (`count_new`);
- `recount` is the same over every complaint (the tests hold the table to it), and
  `rebuild` replaces the table by it (a database that had complaints before the tallies,
  the benchmark's seed, or after the calendar's past working days were changed: the
  working days to close are counted on the calendar of the day they were tallied).
Every row is kept for the institution (viewer None) and again for each unit whose head
sees the complaint (`Facts.seen_by`: its responsible unit, its branch, every unit it was
dispatched to; scope.units_seeing, made from the same links as the lists' and the
statistics' conditions), so a branch head's figures are sums of rows too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
)
from django.utils import timezone

from redress.complaints import rows
from redress.complaints.models import (
    Callback,
    Complaint,
    ComplaintClock,
    ComplaintLink,
    ComplaintParty,
    Extension,
    PeriodTally,
    PeriodTallyState,
    Remedy,
)
from redress.complaints.models.period_tally import REFERRALS
from redress.complaints.selectors import scope
from redress.complaints.timesource import now as current_time
from redress.complaints.timesource import within

KEY = ("basis", "span", "day", "responsible_unit_id", "category", "channel", "severity", "days", "product",
       "viewer_id")
FIGURES = ("received", "late", "extended", "recomplaints", *REFERRALS, "closed", "compensated", "compensation",
           "callbacks_reached", "callbacks_satisfied")
Key = tuple
B, S = PeriodTally.Basis, PeriodTally.Span


@dataclass(frozen=True)
class Facts:
    """What one complaint counts for in the statistics."""

    received: date  # local calendar days
    closed: date | None
    unit: int | None
    category: str
    channel: str
    severity: str
    state: str
    outcome: str
    satisfied: bool | None
    late: bool  # a clock marked breached (register.late_condition's lasting part)
    extended: bool
    recomplaint: bool
    compensated: bool
    amount: Decimal
    callback: bool
    products: frozenset[str]
    days: int | None  # working days from receipt to closing
    # The units whose head sees it (scope.units_seeing: the responsible unit, the branch,
    # every unit a work order went to).
    seen_by: frozenset[int] = frozenset()


def _flags(qs):
    """The complaint rows with the conditions the register filters on, as probes of the
    related tables' complaint indexes (one complaint at a step costs a few index reads)."""
    pk = OuterRef("pk")
    links = ComplaintLink.objects.filter(kind=ComplaintLink.Kind.RECOMPLAINT)
    paid = Remedy.objects.filter(amount__gt=0, executed_at__isnull=False, complaint_id=pk)  # register.paid_remedies
    return (qs.filter(kind=Complaint.Kind.COMPLAINT).annotate(
        f_late=Exists(ComplaintClock.objects.filter(complaint_id=pk, breached=True)),
        f_extended=Exists(Extension.objects.filter(complaint_id=pk, status=Extension.Status.APPROVED)),
        f_source=Exists(links.filter(source_id=pk)), f_target=Exists(links.filter(target_id=pk)),
        f_paid=Subquery(paid.values("complaint_id").annotate(s=Sum("amount")).values("s")),
        f_callback=Exists(Callback.objects.filter(complaint_id=pk)),
    ).values_list("pk", "received_at", "closed_at", "responsible_unit_id", "category", "channel", "severity",
                  "state", "outcome", "satisfied", "f_late", "f_extended", "f_source", "f_target", "f_paid",
                  "f_callback", *scope.UNIT_COLUMNS))  # last: the columns naming a unit that sees it


def facts(ids: Iterable[int], cal) -> dict[int, Facts]:
    """The facts of the complaints `ids` as the database holds them. Inquiries have none."""
    ids = list(ids)
    products, units = _related(Q(complaint_id__in=ids))
    return dict(_read(Complaint.objects.filter(pk__in=ids), products, units, cal, {}))


CHUNK = 50000


def every_fact(cal) -> Iterator[Facts]:
    """The facts of every complaint, read a range of ids at a time (a million, with their
    products and work orders, fit no dict)."""
    bounds = Complaint.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return
    days: dict = {}
    for lo in range(bounds["lo"], bounds["hi"] + 1, CHUNK):
        products, units = _related(Q(complaint_id__gte=lo, complaint_id__lt=lo + CHUNK))
        qs = Complaint.objects.filter(pk__gte=lo, pk__lt=lo + CHUNK)
        yield from (f for _, f in _read(qs, products, units, cal, days))


def _related(which: Q) -> tuple[dict[int, set[str]], dict[int, set[int]]]:
    """The products the complaints name and the units their work orders went to (those
    by which a unit sees a complaint: scope.work_orders), in one query (a step reads its
    complaint's facts twice: one query each time, not two)."""
    parties = (ComplaintParty.objects.filter(which, kind=ComplaintParty.Kind.PRODUCT).exclude(product="")
               .annotate(u=Value(None, output_field=IntegerField())).values_list("complaint_id", "product", "u"))
    orders = (scope.work_orders().filter(which).annotate(p=Value("", output_field=CharField()))
              .values_list("complaint_id", "p", "unit_id"))
    products: dict[int, set[str]] = {}
    units: dict[int, set[int]] = {}
    for complaint_id, product, unit in parties.union(orders, all=True).iterator(chunk_size=20000):
        if unit is None:
            products.setdefault(complaint_id, set()).add(product)
        else:
            units.setdefault(complaint_id, set()).add(unit)
    return products, units


def _read(qs, products: dict[int, set[str]], units: dict[int, set[int]], cal, days: dict
          ) -> Iterator[tuple[int, Facts]]:
    # days: each (received, closed) pair counted on the calendar once
    for (pk, received_at, closed_at, unit, category, channel, severity, state, outcome, satisfied, late, extended,
         source, target, paid, callback, *naming) in _flags(qs).iterator(chunk_size=20000):
        seen_by = scope.units_seeing(dict(zip(scope.UNIT_COLUMNS, naming, strict=True)), units.get(pk, ()))
        yield pk, _fact(received_at, closed_at, unit, category, channel, severity, state, outcome, satisfied, late,
                        extended, source or target, paid, callback, products.get(pk, ()), cal, days, seen_by)


def _fact(received_at, closed_at, unit, category, channel, severity, state, outcome, satisfied, late, extended,
          recomplaint, paid, callback, products, cal, days: dict, seen_by: frozenset[int]) -> Facts:
    tz = cal.tz
    got = received_at.astimezone(tz).date()
    done = closed_at.astimezone(tz).date() if closed_at else None
    if done is not None and (got, done) not in days:
        days[(got, done)] = max(0, cal.working_days_between(_noon(got, tz), _noon(done, tz)))
    return Facts(got, done, unit, category or "", channel, severity, state, outcome, satisfied, late, extended,
                 recomplaint, paid is not None, Decimal(paid or 0), callback, frozenset(products),
                 days.get((got, done)), seen_by)


def received_now(c: Complaint, clocks, products: Iterable[str], cal, days: dict | None = None) -> list[PeriodTally]:
    """The rows of a complaint being taken in (intake, and an import under bulk intake),
    from memory: nothing refers to it yet but its clocks and parties (no extension,
    link, payment or callback: an import's history brings messages and files only), so
    they are written with the step's other rows, without a read (an API create stays a
    few single-row INSERTs). The tests' recount holds this to `facts`. `days`: the
    working days between (received, closed) pairs already counted on `cal`."""
    f = _received_fact(c, clocks, products, cal, days)
    return [] if f is None else changes({}, {c.pk: f})


def add_received_now(into: dict[Key, Counter], c: Complaint, clocks, products: Iterable[str], cal,
                     days: dict | None = None) -> None:
    """`received_now`'s figures added up into `into` by key, without a row object each
    (bulk import: held_rows.Tallies.period, written one row a key)."""
    f = _received_fact(c, clocks, products, cal, days)
    if f is not None:
        _summed((f,), +1, into)


def _received_fact(c: Complaint, clocks, products: Iterable[str], cal, days: dict | None) -> Facts | None:
    if c.kind != Complaint.Kind.COMPLAINT:
        return None
    return _fact(c.received_at, c.closed_at, c.responsible_unit_id, c.category, c.channel, c.severity, c.state,
                 c.outcome, c.satisfied, any(k.breached for k in clocks), False, False, None, False,
                 {p for p in products if p}, cal, {} if days is None else days,
                 scope.units_seeing({column: getattr(c, column) for column in scope.UNIT_COLUMNS}))


def _noon(day: date, tz) -> datetime:
    return datetime.combine(day, time(12), tzinfo=tz)


def _base_rows(f: Facts) -> list[tuple[tuple, dict]]:
    """The tally rows one complaint's facts make, without their viewer: (key, figures),
    each figure +1, the amount paid."""
    month = f.received.replace(day=1)
    out: list[tuple[tuple, dict]] = []

    def add(key, **figures):
        out.append((key, figures))

    referral = {}
    for kind in ("mediation", "arbitration", "litigation"):
        if f.outcome == f"referred_{kind}":  # register.referral_condition
            referral[f"referred_{kind}"] = 1
            if f.state == "closed":
                referral[f"referred_{kind}_decided"] = 1
            elif f.state == "referred":
                referral[f"referred_{kind}_pending"] = 1
    add((B.RECEIVED, S.MONTH, month, f.unit, f.category, f.channel, f.severity, None, ""), received=1,
        late=int(f.late), extended=int(f.extended), recomplaints=int(f.recomplaint), **referral)
    add((B.RECEIVED, S.DAY, f.received, f.unit, f.category, "", "", None, ""), received=1)
    for product in f.products:
        add((B.PRODUCT, S.MONTH, month, f.unit, f.category, "", "", None, product), received=1)
    if f.closed is not None:
        add((B.CLOSED, S.MONTH, f.closed.replace(day=1), f.unit, f.category, "", "", f.days, ""), closed=1,
            late=int(f.late), compensated=int(f.compensated), compensation=f.amount,
            callbacks_reached=int(f.callback), callbacks_satisfied=int(f.callback and f.satisfied is True))
        add((B.CLOSED, S.DAY, f.closed, f.unit, f.category, "", "", None, ""), closed=1)
    return out


def _summed(all_facts: Iterable[Facts], sign: int = 1, into: dict[Key, Counter] | None = None) -> dict[Key, Counter]:
    into = {} if into is None else into
    for f in all_facts:
        viewers = (None, *f.seen_by)
        for key, figures in _base_rows(f):
            for viewer in viewers:
                counts = into.get(full := (*key, viewer))
                if counts is None:
                    counts = into[full] = Counter()
                for name, value in figures.items():
                    counts[name] += sign * value
    return into


def _row(key: Key, figures: Counter) -> PeriodTally:  # figures: only names of FIGURES (_base_rows')
    return rows.build(PeriodTally, **dict(zip(KEY, key, strict=True)), **{f: v for f, v in figures.items() if v})


def _tallied(sums: dict[Key, Counter]) -> list[PeriodTally]:
    return [_row(key, figures) for key, figures in sums.items() if any(figures.values())]


def changes(before: dict[int, Facts], after: dict[int, Facts]) -> list[PeriodTally]:
    """The rows to add when complaints' facts went from `before` to `after`."""
    sums = _summed([f for pk, f in before.items() if after.get(pk) != f], -1)
    return _tallied(_summed([f for pk, f in after.items() if before.get(pk) != f], +1, sums))


def count_new(complaint_id: int, cal) -> None:
    """A complaint just written (an import: its history may have callbacks, payments,
    extensions): add its figures, read back. Under bulk intake the
    complaint is not written yet: the batch counts it after writing (held.counted_later)."""
    held = rows.HOLDING.get()
    if rows.held():
        held.counted_later.append(complaint_id)
        return
    rows.insert(*changes({}, facts([complaint_id], cal)))


def count_batch(ids: list[int], cal) -> None:
    held = rows.HOLDING.get()
    for i in range(0, len(ids), 2000):
        if held is not None and held.tallies is not None:  # added up with the batch's other changes
            held.tallies.add_period(sums_new(ids[i:i + 2000], cal))
        else:
            insert(changes({}, facts(ids[i:i + 2000], cal)))


def sums_new(ids: list[int], cal) -> dict[Key, Counter]:
    """The figures new complaints add, by key (`changes({}, facts(ids))` before it is
    made into rows)."""
    return _summed(facts(ids, cal).values())


def insert(objs: list[PeriodTally]) -> None:
    """In INSERTs of 1,000 rows (30 columns: PostgreSQL takes at most 65,535 parameters)."""
    for i in range(0, len(objs), 1000):
        rows.insert(*objs[i:i + 1000])


def recount(cal) -> dict[Key, dict]:
    """The figures from every complaint as it stands."""
    return _clean(_summed(every_fact(cal)))


def kept() -> dict[Key, dict]:
    """The figures as the table holds them (the sums of its rows)."""
    sums = PeriodTally.objects.values(*KEY).annotate(**{f"sum_{f}": Sum(f) for f in FIGURES}).order_by()
    return _clean({tuple(r[k] for k in KEY): Counter({f: r[f"sum_{f}"] for f in FIGURES}) for r in sums})


def _clean(sums: dict[Key, Counter]) -> dict[Key, dict]:
    return {key: {f: v[f] for f in FIGURES if v[f]} for key, v in sums.items() if any(v[f] for f in FIGURES)}


def built() -> bool:
    return PeriodTallyState.objects.exists()


def built_for_viewers() -> bool:
    """The units' rows too (a database tallied before they existed has not, until rebuilt)."""
    return PeriodTallyState.objects.filter(viewers=True).exists()


def rebuild(cal) -> int:
    """Replace the table by a recount and mark it complete. The table is locked against
    the services' additions meanwhile (PostgreSQL): a step that began before waits, and
    adds its change on top of a recount that did not see it. Returns the rows written."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute(f"LOCK TABLE {PeriodTally._meta.db_table} IN EXCLUSIVE MODE")
        PeriodTally.objects.all().delete()
        written = _write(_summed(every_fact(cal)))
        PeriodTallyState.objects.all().delete()
        PeriodTallyState.objects.create(built_at=timezone.now())
    return written


def _write(sums: dict[Key, Counter]) -> int:
    """Write a recount's rows: PostgreSQL by COPY (half a million rows at a million
    complaints: INSERTs of model instances took minutes), elsewhere by INSERTs."""
    if connection.vendor != "postgresql":
        objs = _tallied(sums)
        insert(objs)
        return len(objs)
    columns = (*KEY, *FIGURES)  # the fields' columns have their names
    table = PeriodTally._meta.db_table
    written = 0
    # In the index's order (viewer, span, basis, day): a head's rows, or a quarter's, lie
    # on a few pages together, not one a page across the table.
    ordered = sorted(sums, key=lambda k: (k[-1] or 0, k[1], k[0], k[2]))
    with connection.cursor() as cur:
        with cur.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for key in ordered:
                values = [sums[key][f] for f in FIGURES]
                if any(values):
                    copy.write_row((*key, *values))
                    written += 1
        cur.execute(f"ANALYZE {table}")  # the planner's figures of the new rows
    return written


# The longest compaction goes without a pass over the whole table (see compact).
FULL_COMPACTION_EVERY = timedelta(hours=1)


def compact(batch: int = 500, *, at: datetime | None = None) -> int:
    """Merge the rows of up to `batch` keys that have more than one into one row each
    (none where they sum to nothing); returns the rows taken away. As tally.compact:
    the rows are deleted with RETURNING, so each is summed by the one statement that
    removed it, and rows added meanwhile stay for the next sweep.

    After a pass that found every such key, each key has one row, so the next passes
    look only at the keys of the rows added since (`PeriodTallyState.compacted_through`):
    grouping the whole table was 0.7 s of every sweep at a million complaints (400,000
    rows), with nothing to merge. The whole table is grouped again hourly, for a row
    whose transaction committed after a pass had read past its id (the readers sum every
    row of a key, so until then it is only one row more), and while no state row says
    the tallies are complete."""
    at = at or current_time()
    state = PeriodTallyState.objects.first()
    newest = PeriodTally.objects.aggregate(newest=Max("pk"))["newest"] or 0
    fresh = state is not None and state.compacted_at is not None and \
        within(state.compacted_at, at, FULL_COMPACTION_EVERY)
    keys, complete = _keys_to_merge(batch, since=state.compacted_through if fresh else None)
    removed = _merge(keys) if keys else 0
    if state is not None and complete:
        done = {"compacted_through": newest} if fresh else {"compacted_through": newest, "compacted_at": at}
        PeriodTallyState.objects.filter(pk=state.pk).update(**done)
    return removed


def _keys_to_merge(batch: int, *, since: int | None) -> tuple[list[dict], bool]:
    """Up to `batch` keys with more than one row, of the whole table or (`since`) of the
    rows added after that id; and whether that was all of them."""
    if since is None:
        keys = list(PeriodTally.objects.values(*KEY).annotate(n=Count("id")).filter(n__gt=1).order_by()[:batch])
        return keys, len(keys) < batch
    touched = list(PeriodTally.objects.filter(pk__gt=since).values(*KEY).distinct().order_by()[:batch])
    if not touched:
        return [], True
    rows = Counter(tuple(r[f] for f in KEY) for r in PeriodTally.objects.filter(_of_keys(touched)).values(*KEY))
    return [k for k in touched if rows[tuple(k[f] for f in KEY)] > 1], len(touched) < batch


def _of_keys(keys: list[dict]) -> Q:
    which = Q()
    for k in keys:
        which |= Q(**{f: k[f] for f in KEY if k[f] is not None}, **{f"{f}__isnull": True for f in KEY if k[f] is None})
    return which


def _merge(keys: list[dict]) -> int:
    ids = list(PeriodTally.objects.filter(_of_keys(keys)).values_list("pk", flat=True))
    with transaction.atomic():
        # Locked as read: a second sweep waits, then finds the rows gone.
        removed = list(PeriodTally.objects.select_for_update().filter(pk__in=ids).values("pk", *KEY, *FIGURES))
        PeriodTally.objects.filter(pk__in=[r["pk"] for r in removed]).delete()
        sums: dict[Key, Counter] = {}
        for r in removed:
            counts = sums.setdefault(tuple(r[k] for k in KEY), Counter())
            for f in FIGURES:
                counts[f] += r[f]
        insert(_tallied(sums))
    return len(removed)
