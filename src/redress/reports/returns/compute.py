"""A return's tables for one period, from aggregate queries.

Each column is one query grouped by the raw values its table breaks down by (a
category, a channel, the first product named...): a quarter of a million complaints
become a few hundred groups, which are then mapped to the regulator's codes in Python
(mapping.Mapper). Values no code takes are kept aside and listed as warnings with the
complaints behind them, never quietly dropped or guessed.

Which complaints: those the reader may see (selectors.scope; the roles that produce
returns see the whole institution), complaints only unless the return includes
inquiries, without those redirected as out of scope unless it includes them, and on the
return's channels when it names some (FINRA counts written complaints only).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from redress.complaints.lifecycle import State
from redress.complaints.models import Complaint, ComplaintClock, ComplaintParty, Remedy, Staff
from redress.complaints.selectors.scope import sees_everything, visible_complaints
from redress.policy.returns_schema import (
    Measure,
    RegulatorReturn,
    ReturnColumn,
    ReturnSource,
    ReturnTable,
)
from redress.policy.schema import Pack, Unit
from redress.reports.returns.mapping import Mapper
from redress.reports.returns.periods import Period
from redress.sla.calendar import WorkCalendar

REMEDY_MEASURES = (Measure.COMPENSATED, Measure.COMPENSATION_AMOUNT)
CENT = Decimal("0.01")
LISTED = 100  # complaints listed per unmapped value; the count says how many there are
CLOSED_FIELD = "closed_at"
RULE_CLOSED = "r_closed"  # the moment the return's `closed_when` clock stopped


@dataclass
class Row:
    code: str
    label: str
    values: list  # one per output column: int, Decimal, or None (a ratio of nothing)


@dataclass
class TableResult:
    code: str
    name: str
    row_header: str
    columns: list[str]  # output column labels, in order
    rows: list[Row]
    total: Row | None


@dataclass
class Unmapped:
    """Complaints a dimension's mapping does not take: the value and who they are."""

    dimension: str
    value: str
    references: set[str] = field(default_factory=set)
    count: int = 0

    def as_json(self) -> dict:
        return {"dimension": self.dimension, "value": self.value, "count": self.count,
                "references": sorted(self.references)}


@dataclass
class Result:
    ret: RegulatorReturn
    period: Period
    language: str
    tables: list[TableResult]
    unmapped: list[Unmapped]

    @property
    def row_count(self) -> int:
        return sum(len(t.rows) + (t.total is not None) for t in self.tables)


@dataclass
class _Context:
    staff: Staff
    pack: Pack
    ret: RegulatorReturn
    t0: datetime
    t1: datetime
    cal: WorkCalendar
    language: str
    unmapped: dict = field(default_factory=dict)
    last_days: dict = field(default_factory=dict)  # (day received, working days) -> the last day within


def _scope(ctx: _Context) -> Q:
    ret = ctx.ret
    q = Q() if ret.include_inquiries else Q(kind=Complaint.Kind.COMPLAINT)
    if not ret.include_redirected:
        q &= ~Q(state=State.REDIRECTED)
    if ret.channels:
        q &= Q(channel__in=list(ret.channels))
    return q


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition on a related complaint (complaint__channel...)."""
    out = Q(*[_prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in q.children],
            _connector=q.connector, _negated=q.negated)
    return out


def measure_queryset(ctx: _Context, col: ReturnColumn) -> tuple[QuerySet, str]:
    """The rows a column counts, and the prefix that leads from them to the complaint."""
    t0, t1, measure = ctx.t0, ctx.t1, col.measure
    if measure in REMEDY_MEASURES:
        qs = Remedy.objects.filter(_prefixed(_scope(ctx), "complaint__"), kind=Remedy.Kind.PAYMENT,
                                   executed_at__gte=t0, executed_at__lt=t1)
        if not sees_everything(ctx.staff):
            qs = qs.filter(complaint__in=visible_complaints(ctx.staff))
        prefix = "complaint__"
    else:
        qs, prefix = visible_complaints(ctx.staff).filter(_scope(ctx)), ""
        if ctx.ret.closed_when:
            # Closed when the regulator says (DISP: the final response sent), which may come
            # before the complaint's own closing (the callback, the remedies done). A semi-join
            # on the clocks stopped in the period, not a per-row subquery over every complaint.
            stops = ComplaintClock.objects.filter(code=ctx.ret.closed_when, status=ComplaintClock.Status.STOPPED)
            if measure == Measure.RECEIVED:
                qs = qs.filter(received_at__gte=t0, received_at__lt=t1)
            elif measure == Measure.OPEN_AT_END:
                qs = qs.filter(received_at__lt=t1).exclude(
                    pk__in=stops.filter(stopped_at__lt=t1).values("complaint_id"))
            else:
                qs = qs.filter(pk__in=stops.filter(stopped_at__gte=t0, stopped_at__lt=t1).values("complaint_id"))
        elif measure == Measure.RECEIVED:
            qs = qs.filter(received_at__gte=t0, received_at__lt=t1)
        elif measure == Measure.OPEN_AT_END:
            qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=t1), received_at__lt=t1)
        else:
            qs = qs.filter(closed_at__gte=t0, closed_at__lt=t1)
        if measure == Measure.CLOSED_ON_TIME:
            late = ComplaintClock.objects.filter(complaint=OuterRef("pk"), breached=True)
            if col.clock:
                late = late.filter(code=col.clock)
            qs = qs.exclude(Exists(late))
    for name, values in col.where.items():
        qs = qs.filter(**{f"{prefix}{name}__in": values})
    return qs.order_by(), prefix


def source_expression(source: ReturnSource, prefix: str):
    if source == ReturnSource.PRODUCT:
        # The first product the complaint names: FINRA asks for the most prominent one.
        return Subquery(ComplaintParty.objects.filter(complaint=OuterRef("complaint_id" if prefix else "pk"),
                                                      kind=ComplaintParty.Kind.PRODUCT)
                        .order_by("id").values("product")[:1])
    return F(prefix + source.value)


def _aggregate(col: ReturnColumn):
    if col.measure == Measure.COMPENSATED:
        return Count("complaint", distinct=True)
    if col.measure == Measure.COMPENSATION_AMOUNT:
        return Sum("amount")
    return Count("pk")


def _within(ctx: _Context, col: ReturnColumn, received: date, closed: date) -> bool:
    limit = col.within
    if limit.unit == Unit.CALENDAR_DAYS:
        return (closed - received).days <= limit.amount
    # One calendar walk per day of receipt: the groups are (row, received, closed) triples.
    key = (received, limit.amount)
    if key not in ctx.last_days:
        ctx.last_days[key] = ctx.cal.nth_working_day_after(received, limit.amount)
    return closed <= ctx.last_days[key]


def _note_unmapped(ctx: _Context, mapper: Mapper, raw, qs: QuerySet, key: str, prefix: str, n: int) -> None:
    label = mapper.dim.name.get(ctx.language)
    entry = ctx.unmapped.get((mapper.dim.code, raw))
    if entry is None:
        entry = ctx.unmapped[(mapper.dim.code, raw)] = Unmapped(dimension=label, value="" if raw is None else str(raw))
    if len(entry.references) < LISTED:
        picked = qs.filter(**({f"{key}__isnull": True} if raw is None else {key: raw}))
        entry.references.update(picked.values_list(f"{prefix}reference", flat=True)[:LISTED - len(entry.references)])
    entry.count = max(entry.count, n, len(entry.references))


def column_cells(ctx: _Context, table: ReturnTable, col: ReturnColumn) -> dict[tuple[str, str], object]:
    """{(row code, column code): value} for one column of a table; "" is the code of the
    only row of a table without rows and of a column without `by`."""
    qs, prefix = measure_queryset(ctx, col)
    mappers, names = [], []
    for key, dim_code in (("d_row", table.rows), ("d_col", col.by)):
        if dim_code:
            mapper = Mapper(ctx.ret.dimension(dim_code), ctx.pack)
            qs = qs.annotate(**{key: source_expression(mapper.dim.source, prefix)})
            mappers.append((key, mapper))
            names.append(key)
    if col.measure == Measure.CLOSED_WITHIN:
        tz = ctx.cal.tz
        closed = CLOSED_FIELD
        if ctx.ret.closed_when:  # the rows are already those whose clock stopped in the period
            qs = qs.annotate(**{RULE_CLOSED: Subquery(ComplaintClock.objects.filter(
                complaint=OuterRef("pk"), code=ctx.ret.closed_when, status=ComplaintClock.Status.STOPPED)
                .values("stopped_at")[:1])})
            closed = RULE_CLOSED
        qs = qs.annotate(d_received=TruncDate("received_at", tzinfo=tz), d_closed=TruncDate(closed, tzinfo=tz))
        names += ["d_received", "d_closed"]
    groups = qs.values(*names).annotate(n=_aggregate(col)).order_by() if names else [qs.aggregate(n=_aggregate(col))]
    cells: dict[tuple[str, str], object] = defaultdict(int)
    for group in groups:
        n = group["n"] or 0
        if col.measure == Measure.CLOSED_WITHIN and not _within(ctx, col, group["d_received"], group["d_closed"]):
            continue
        codes = {"d_row": "", "d_col": ""}
        lost = False
        for key, mapper in mappers:
            code = mapper.code(group[key])
            if code is None:
                _note_unmapped(ctx, mapper, group[key], qs, key, prefix, n)
                lost = True
            codes[key] = code
        if not lost and n:
            cells[(codes["d_row"], codes["d_col"])] += n
    return cells


def _ratio(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(100) * Decimal(part or 0) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _label(code: str, name) -> str:
    return f"{code} {name}" if code else name


def table_result(ctx: _Context, table: ReturnTable) -> TableResult:
    lang = ctx.language
    rows_dim = ctx.ret.dimension(table.rows) if table.rows else None
    row_codes = [(c.code, c.name.get(lang)) for c in rows_dim.codes] if rows_dim else [("", table.name.get(lang))]
    out_columns: list[tuple[ReturnColumn, str]] = []  # (column, by-code or "")
    labels: list[str] = []
    for col in table.columns:
        if col.by:
            for code in ctx.ret.dimension(col.by).codes:
                out_columns.append((col, code.code))
                labels.append(_label(code.code, code.name.get(lang)))
        else:
            out_columns.append((col, ""))
            labels.append(col.name.get(lang))
    cells = {col.code: column_cells(ctx, table, col) for col in table.columns if col.measure}

    def value(row: str, col: ReturnColumn, by: str):
        v = cells[col.code].get((row, by), 0)
        # Money to the cent whatever the database's sum gives back (SQLite: 200, PostgreSQL: 200.00).
        return v if col.measure != Measure.COMPENSATION_AMOUNT else Decimal(v or 0).quantize(CENT)

    def build(row: str, label: str, source) -> Row:
        plain = {c.code: source(c, "") for c in table.columns if not c.ratio and not c.by}
        values = [_ratio(plain[c.ratio[0]], plain[c.ratio[1]]) if c.ratio else source(c, by) for c, by in out_columns]
        return Row(code=row, label=label, values=values)

    rows = [build(code, label, lambda c, by, code=code: value(code, c, by)) for code, label in row_codes]
    total = None
    if table.total_row and rows_dim:
        index = {(c.code, by): i for i, (c, by) in enumerate(out_columns)}
        total = build("", _("Total"), lambda c, by: sum((r.values[index[(c.code, by)]] for r in rows),
                                                               Decimal(0) if c.measure == Measure.COMPENSATION_AMOUNT else 0))
    header = rows_dim.name.get(lang) if rows_dim else ""
    return TableResult(code=table.code, name=table.name.get(lang), row_header=header, columns=labels, rows=rows,
                       total=total)


def compute(ret: RegulatorReturn, period: Period, *, staff: Staff, pack: Pack, cal: WorkCalendar,
            language: str) -> Result:
    t0, t1 = period.bounds(cal.tz)
    ctx = _Context(staff=staff, pack=pack, ret=ret, t0=t0, t1=t1, cal=cal, language=language)
    tables = [table_result(ctx, table) for table in ret.tables]
    unmapped = sorted(ctx.unmapped.values(), key=lambda u: (u.dimension, u.value))
    return Result(ret=ret, period=period, language=language, tables=tables, unmapped=unmapped)
