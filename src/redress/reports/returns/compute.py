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

from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
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
    cells: dict | None = None  # return_cells for the return's tables, computed once


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


def _family(measure: Measure) -> str | None:
    """Columns of one family count rows of one query (None: a column of its own)."""
    if measure in REMEDY_MEASURES:
        return None
    if measure in (Measure.RECEIVED, Measure.OPEN_AT_END):
        return measure.value
    return "closed"  # closed, closed within, closed on time: the same rows, each its own condition


def family_queryset(ctx: _Context, measure: Measure) -> tuple[QuerySet, str]:
    """The rows a family of columns counts (before each column's own condition), and the
    prefix that leads from them to the complaint."""
    t0, t1 = ctx.t0, ctx.t1
    if measure in REMEDY_MEASURES:
        qs = Remedy.objects.filter(_prefixed(_scope(ctx), "complaint__"), kind=Remedy.Kind.PAYMENT,
                                   executed_at__gte=t0, executed_at__lt=t1)
        if not sees_everything(ctx.staff):
            qs = qs.filter(complaint__in=visible_complaints(ctx.staff))
        return qs.order_by(), "complaint__"
    qs = visible_complaints(ctx.staff).filter(_scope(ctx))
    if ctx.ret.closed_when:
        # Closed when the regulator says (DISP: the final response sent), which may come
        # before the complaint's own closing (the callback, the remedies done).
        if measure == Measure.RECEIVED:
            qs = qs.filter(received_at__gte=t0, received_at__lt=t1)
        elif measure == Measure.OPEN_AT_END:
            stops = ComplaintClock.objects.filter(code=ctx.ret.closed_when, status=ComplaintClock.Status.STOPPED)
            qs = qs.filter(received_at__lt=t1).exclude(
                pk__in=stops.filter(stopped_at__lt=t1).values("complaint_id"))
        else:
            # A join to the clocks stopped in the period (one a complaint and code: the
            # clocks' unique constraint), read from the index on (status, stopped_at): the
            # moment it stopped comes with the row, not from a subquery per complaint.
            qs = qs.filter(clocks__code=ctx.ret.closed_when, clocks__status=ComplaintClock.Status.STOPPED,
                           clocks__stopped_at__gte=t0, clocks__stopped_at__lt=t1)
            qs = qs.annotate(**{RULE_CLOSED: F("clocks__stopped_at")})
    elif measure == Measure.RECEIVED:
        qs = qs.filter(received_at__gte=t0, received_at__lt=t1)
    elif measure == Measure.OPEN_AT_END:
        qs = qs.filter(Q(closed_at__isnull=True) | Q(closed_at__gte=t1), received_at__lt=t1)
    else:
        qs = qs.filter(closed_at__gte=t0, closed_at__lt=t1)
    return qs.order_by(), ""


def column_condition(col: ReturnColumn, prefix: str) -> Q:
    """Which of its family's rows a column counts."""
    q = Q()
    if col.measure == Measure.CLOSED_ON_TIME:
        late = ComplaintClock.objects.filter(complaint=OuterRef("pk"), breached=True)
        if col.clock:
            late = late.filter(code=col.clock)
        q &= ~Q(Exists(late))
    for name, values in col.where.items():
        q &= Q(**{f"{prefix}{name}__in": list(values)})
    return q


def measure_queryset(ctx: _Context, col: ReturnColumn) -> tuple[QuerySet, str]:
    """The rows a column counts, and the prefix that leads from them to the complaint."""
    qs, prefix = family_queryset(ctx, col.measure)
    return qs.filter(column_condition(col, prefix)), prefix


def source_expression(source: ReturnSource, prefix: str):
    if source == ReturnSource.PRODUCT:
        # The first product the complaint names: FINRA asks for the most prominent one.
        return Subquery(ComplaintParty.objects.filter(complaint=OuterRef("complaint_id" if prefix else "pk"),
                                                      kind=ComplaintParty.Kind.PRODUCT)
                        .order_by("id").values("product")[:1])
    return F(prefix + source.value)


def _aggregate(col: ReturnColumn, condition: Q | None = None):
    kw = {} if condition is None or not condition else {"filter": condition}
    if col.measure == Measure.COMPENSATED:
        return Count("complaint", distinct=True, **kw)
    if col.measure == Measure.COMPENSATION_AMOUNT:
        return Sum("amount", **kw)
    return Count("pk", **kw)


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
    """`n`: how many complaints of one group the value leaves out (a count, never money)."""
    label = mapper.dim.name.get(ctx.language)
    entry = ctx.unmapped.get((mapper.dim.code, raw))
    if entry is None:
        entry = ctx.unmapped[(mapper.dim.code, raw)] = Unmapped(dimension=label, value="" if raw is None else str(raw))
    if len(entry.references) < LISTED:
        picked = qs.filter(**({f"{key}__isnull": True} if raw is None else {key: raw}))
        entry.references.update(picked.values_list(f"{prefix}reference", flat=True)[:LISTED - len(entry.references)])
    entry.count = max(entry.count, n, len(entry.references))


def _groups(qs: QuerySet, exprs: dict, aggregates: dict, products: list[str], prefix: str) -> list[dict]:
    """The family's rows grouped by `exprs`, each group with `aggregates`.

    A complaint's first product is a subquery per row; most complaints name no product, so
    those are grouped apart with no product at all (the same NULL the subquery gives
    them), and only the others ask it: DISP's closed complaints at a million, 183,829 rows,
    asked it 183,829 times (0.4 s of its 1.6)."""
    if not products:
        return list(qs.annotate(**exprs).values(*exprs).annotate(**aggregates).order_by())
    named = Exists(ComplaintParty.objects.filter(complaint=OuterRef("complaint_id" if prefix else "pk"),
                                                 kind=ComplaintParty.Kind.PRODUCT))
    none = {name: Value(None, output_field=CharField()) if name in products else expr for name, expr in exprs.items()}
    return [*qs.filter(named).annotate(**exprs).values(*exprs).annotate(**aggregates).order_by(),
            *qs.filter(~named).annotate(**none).values(*exprs).annotate(**aggregates).order_by()]


def _by_key(dim_code: str) -> str:
    return f"d_by_{dim_code}"


def return_cells(ctx: _Context, tables) -> dict[tuple[str, str], dict[tuple[str, str], object]]:
    """{(table code, column code): {(row code, by-code): value}} for the tables' measured
    columns; "" is the code of the only row of a table without rows and of a column without `by`.

    One query per family of columns (the complaints received, those closed, the payments)
    and dimension of rows, across tables: grouped by the row's value, every `by` dimension's
    value of the family's columns, and the days received and closed when a column counts
    those closed within a time; each column a conditional aggregate (`COUNT(*) FILTER (WHERE
    ...)`). Each column's groups are then summed back to its own (row, by[, days]) as its own
    query would have grouped them."""
    families: dict[object, list[tuple[str, ReturnColumn]]] = defaultdict(list)
    for table in tables:
        for i, col in enumerate(c for c in table.columns if c.measure):
            families[(table.rows, _family(col.measure) or (table.code, i))].append((table.code, col))
    out: dict[tuple[str, str], dict[tuple[str, str], object]] = {}
    for (rows, _family_key), members in families.items():
        cols = [col for _table, col in members]
        row_mapper = Mapper(ctx.ret.dimension(rows), ctx.pack) if rows else None
        qs, prefix = family_queryset(ctx, cols[0].measure)
        exprs: dict[str, object] = {}  # the grouping keys: name -> expression
        mappers: dict[str, Mapper] = {}
        if row_mapper:
            exprs["d_row"] = source_expression(row_mapper.dim.source, prefix)
            mappers["d_row"] = row_mapper
        for col in cols:
            if col.by and _by_key(col.by) not in mappers:
                mapper = mappers[_by_key(col.by)] = Mapper(ctx.ret.dimension(col.by), ctx.pack)
                exprs[_by_key(col.by)] = source_expression(mapper.dim.source, prefix)
        products = [name for name, mapper in mappers.items() if mapper.dim.source == ReturnSource.PRODUCT]
        days = any(col.measure == Measure.CLOSED_WITHIN for col in cols)
        if days:
            tz = ctx.cal.tz
            closed = RULE_CLOSED if ctx.ret.closed_when else CLOSED_FIELD
            exprs.update(d_received=TruncDate("received_at", tzinfo=tz), d_closed=TruncDate(closed, tzinfo=tz))
        plain = qs
        qs = qs.annotate(**exprs)
        conditions = [column_condition(col, prefix) for col in cols]
        coded: dict[tuple[str, object], str | None] = {}  # (key, raw value) -> the code, looked up once
        # Columns that count every row of the family (DISP: closed by cause, closed, closed
        # within 3 days and within 8 weeks, all one COUNT before the days are looked at) share
        # one aggregate: fewer values to read and convert for each of the tens of thousands
        # of groups.
        n_names = [f"n{i}" if cond or col.measure in REMEDY_MEASURES else "n_all"
                   for i, (col, cond) in enumerate(zip(cols, conditions, strict=True))]
        aggregates = {name: _aggregate(col, cond) for name, col, cond in zip(n_names, cols, conditions, strict=True)}
        # How many complaints each group holds, for the warnings (a column of money sums
        # amounts, not complaints).
        aggregates.update({f"k{i}": Count(f"{prefix}pk" if prefix else "pk", distinct=bool(prefix),
                                          **({"filter": cond} if cond else {}))
                           for i, (col, cond) in enumerate(zip(cols, conditions, strict=True)) if col.measure in REMEDY_MEASURES})
        groups = (_groups(plain, exprs, aggregates, products, prefix) if exprs
                  else [qs.aggregate(**aggregates)])
        summed: dict[tuple, list] = {}  # (aggregate, count, keys) -> a column's own groups
        for i, (col, cond) in enumerate(zip(cols, conditions, strict=True)):
            keys = [k for k in ("d_row" if row_mapper else None, _by_key(col.by) if col.by else None) if k]
            if col.measure == Measure.CLOSED_WITHIN:
                keys += ["d_received", "d_closed"]
            n_key = n_names[i]
            k_key = f"k{i}" if f"k{i}" in aggregates else n_key
            if len(cols) == 1:
                own = [(tuple(g.get(k) for k in keys), g[n_key], g.get(k_key, g[n_key])) for g in groups]
            elif (n_key, k_key, tuple(keys)) in summed:  # another column's very sums
                own = summed[(n_key, k_key, tuple(keys))]
            else:  # summed back to the column's own groups
                sums: dict[tuple, list] = {}
                for g in groups:
                    n = g[n_key]
                    if n:
                        acc = sums.setdefault(tuple([g[k] for k in keys]), [0, 0])
                        acc[0] += n
                        acc[1] += g[k_key] or 0
                own = summed[(n_key, k_key, tuple(keys))] = [(k, n, c) for k, (n, c) in sums.items() if n]
            col_qs = qs.filter(cond) if cond else qs
            cells: dict[tuple[str, str], object] = defaultdict(int)
            for values, n, count in own:
                group = dict(zip(keys, values, strict=True))
                n = n or 0
                if col.measure == Measure.CLOSED_WITHIN and not _within(ctx, col, group["d_received"],
                                                                         group["d_closed"]):
                    continue
                codes = {"d_row": "", "d_col": ""}
                lost = False
                for key in keys:
                    if key in ("d_received", "d_closed"):
                        continue
                    if (key, group[key]) not in coded:
                        coded[(key, group[key])] = mappers[key].code(group[key])
                    code = coded[(key, group[key])]
                    if code is None:
                        _note_unmapped(ctx, mappers[key], group[key], col_qs, key, prefix, count or 0)
                        lost = True
                    codes["d_row" if key == "d_row" else "d_col"] = code
                if not lost and n:
                    cells[(codes["d_row"], codes["d_col"])] += n
            out[(members[i][0], col.code)] = cells
    return out


def column_cells(ctx: _Context, table: ReturnTable, col: ReturnColumn) -> dict[tuple[str, str], object]:
    """{(row code, column code): value} for one column of a table (its own query)."""
    one = table.model_copy(update={"columns": [col]})
    return return_cells(ctx, [one])[(table.code, col.code)]


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
    if ctx.cells is None:
        ctx.cells = return_cells(ctx, ctx.ret.tables)
    cells = {col.code: ctx.cells[(table.code, col.code)] for col in table.columns if col.measure}

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
