"""The register's columns (001 第二十五条), in one list that the page, the CSV and the
xlsx export all read, so the three cannot drift apart. The page shows a group of
columns in one cell; the exports give each column its own.

To add a column (paused time, an authority report, deemed-closure eligibility...),
append a Column to COLUMNS in the group it belongs to; if it needs rows of another
table, read them for the whole batch in rows.build and keep them on the Row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from redress.complaints.selectors import pausing
from redress.complaints.selectors.personal import MASKS
from redress.reports.rows import Row
from redress.sla.calendar import WorkCalendar
from redress.web import labels
from redress.web.complaint import words
from redress.web.labels import amount_in_unit

Value = str | int | Decimal | datetime | None


@dataclass(frozen=True)
class Context:
    """What a value may depend on besides its row."""

    pack: object
    language: str
    cal: WorkCalendar
    now: datetime
    personal: bool  # complainants' details in full (an export by a role that may see them)


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy text: the exports' header and the page cell's line label
    group: str  # a key of GROUPS
    value: Callable[[Row, Context], Value]


GROUPS = {
    "case": pgettext_lazy("register group", "Complaint"),
    "received": pgettext_lazy("register group", "Receipt"),
    "complainant": pgettext_lazy("register group", "Complainant"),
    "category": pgettext_lazy("register group", "Category"),
    "matter": pgettext_lazy("register group", "Matter complained of"),
    "handling": pgettext_lazy("register group", "Handled by"),
    "milestones": pgettext_lazy("register group", "Handling milestones"),
    "result": pgettext_lazy("register group", "Result"),
    "accountability": pgettext_lazy("register group", "Responsibility and accountability"),
    "callback": pgettext_lazy("register group", "Callback"),
    "time": pgettext_lazy("register group", "Time taken"),
    "authorities": pgettext_lazy("register group", "Reports to authorities"),
    "links": pgettext_lazy("register group", "Re-complaints"),
}


# The words a column shows for a code (a state, a channel, "yes"), made once per code,
# language and pack instead of once per row: gettext and the pack's lookups are some
# 10 µs a call and a row made seven of them, a tenth of an export's time at a million
# rows. Codes are few (states, channels, categories...), so the memo stays small.
_MEMO: dict[tuple, tuple[object, str]] = {}
MEMO_SIZE = 10_000


def memo(kind: str, code, ctx: Context, make: Callable[[object, Context], str]) -> str:
    """make(code, ctx), remembered for (kind, code, language, pack): `make` must depend
    on nothing else (the translation active is ctx.language's, as it is for every
    caller: the page's request, the export's override)."""
    key = (kind, code, ctx.language, id(ctx.pack))
    found = _MEMO.get(key)
    if found is None:
        if len(_MEMO) >= MEMO_SIZE:
            _MEMO.clear()
        # The pack is kept beside the text, so its id cannot be another pack's while here.
        found = _MEMO[key] = (ctx.pack, make(code, ctx))
    return found[1]


def _label(kind: str, table: dict) -> Callable[[object, Context], str]:
    """A column showing table[code] (lazy texts), the code itself when not there."""
    def shown(code, ctx: Context) -> str:
        return str(table.get(code, code))
    return lambda code, ctx: memo(kind, code, ctx, shown)


def _personal(name: str) -> Callable[[Row, Context], str]:
    def value(row: Row, ctx: Context) -> str:
        raw = getattr(row.c.customer, name) or ""
        return raw if ctx.personal else MASKS[name](raw)
    return value


def _unit(unit, ctx: Context) -> str:
    if unit is None:
        return ""
    return (unit.name_en or unit.name) if ctx.language.startswith("en") else unit.name


def _result(row: Row, ctx: Context) -> str:
    c = row.c
    if c.resolution:  # an inquiry answered, a case resolved on the spot
        return c.resolution
    if row.proposal is not None and row.proposal.status == "approved":
        return row.proposal.summary
    if c.redirect_authority:
        return _("Redirected to %(authority)s") % {
            "authority": words.authority_name(c.redirect_authority, ctx.pack, ctx.language)}
    return ""


def _remedies(row: Row, ctx: Context) -> str:
    parts = []
    for r in row.remedies:
        text = str(words.REMEDY_KINDS.get(r.kind, r.kind))
        if r.amount:
            text += f" {r.amount:.2f}"
        parts.append(text + ("" if r.executed_at else _(" (waived)") if r.waived_at else _(" (not yet done)")))
    return words.joined(parts) if parts else ""


def _late_remedies(row: Row, ctx: Context) -> str:
    """Each remedy past its due date, neither done nor waived (002 执行跟踪), with that date."""
    if not row.remedies:  # most rows: no local date to work out
        return ""
    late = row.late_remedies(ctx.now.astimezone(ctx.cal.tz).date())
    return words.joined([_("%(kind)s due %(due)s") % {"kind": words.REMEDY_KINDS.get(r.kind, r.kind),
                                                        "due": r.due_date.isoformat()} for r in late]) if late else ""


def _responsibility(row: Row, ctx: Context) -> str:
    code = row.c.responsibility or (row.proposal.responsibility if row.proposal else "")
    return str(words.RESPONSIBILITY.get(code, code)) if code else ""


def _accountability(row: Row, ctx: Context) -> str:
    if not row.accountability:
        return ""
    parts = []
    for a in row.accountability:
        target = str(a.staff) if a.staff_id else _unit(a.unit, ctx)
        action = str(words.ACCOUNTABILITY_ACTIONS.get(a.action, a.action))
        parts.append(f"{action}: {target}" if target else action)
    return _("; ").join(parts)


WORDS = {"satisfied": gettext_lazy("satisfied"), "not satisfied": gettext_lazy("not satisfied"),
         "late": gettext_lazy("late"), "on time": gettext_lazy("on time"),
         "within time so far": gettext_lazy("within time so far"), "yes": gettext_lazy("yes"), "no": gettext_lazy("no")}
_word = _label("word", WORDS)


def _callback(row: Row, ctx: Context) -> str:
    if row.callback is None:
        return ""
    return _word("satisfied" if row.callback.satisfied else "not satisfied", ctx)


def _opinion(row: Row, ctx: Context) -> str:
    return (row.callback.opinion if row.callback is not None and row.callback.opinion else row.c.customer_opinion) or ""


def _working_days(row: Row, ctx: Context) -> int:
    """Working days from receipt to closing (to now while open), on the institution's
    calendar."""
    return max(0, ctx.cal.working_days_between(row.c.received_at, row.c.closed_at or ctx.now))


def _timeliness(row: Row, ctx: Context) -> str:
    if row.late(ctx.now):
        return _word("late", ctx)
    if not row.clocks:
        return ""
    return _word("on time" if row.c.closed_at else "within time so far", ctx)


def _extensions(row: Row, ctx: Context) -> str:
    return words.joined(amount_in_unit(e.working_days, "working_days") for e in row.extensions) \
        if row.extensions else ""


def _paused(row: Row, ctx: Context) -> str:
    """Paused time, all pauses (a running one up to now), and the flag when the pauses
    added up past the pack's pausing.max_total (selectors/pausing.py)."""
    if not row.pauses:
        return ""
    paused = pausing.measure(ctx.pack, row.pauses, ctx.now, ctx.cal)
    text = amount_in_unit(paused.total, paused.unit)
    return f"{text} ({_('paused too long')})" if paused.over_limit else text


def _reports(row: Row, ctx: Context) -> str:
    """Each report owed to the police or a regulator: made when, and its receipt; or
    still open and due when (services/reports.py)."""
    lines = []
    for report in row.reports:
        authority = ctx.pack.authority(report.authority)
        name = authority.name.get(ctx.language) if authority else report.authority
        if report.status == "done":
            made = report.reported_at.astimezone(ctx.cal.tz).strftime("%Y-%m-%d %H:%M") if report.reported_at else ""
            lines.append(_("%(authority)s: made %(at)s, receipt %(receipt)s")
                         % {"authority": name, "at": made, "receipt": report.receipt or report.no_receipt_reason})
        else:
            due = report.due_at.astimezone(ctx.cal.tz).strftime("%Y-%m-%d %H:%M")
            late = report.due_at < ctx.now
            lines.append((_("%(authority)s: open, overdue since %(due)s") if late else
                          _("%(authority)s: open, due %(due)s")) % {"authority": name, "due": due})
    return "; ".join(lines)


def _flag_names(codes: tuple, ctx: Context) -> str:
    return words.joined(words.trigger_name(code, ctx.pack, ctx.language) for code in codes)


def _flags(row: Row, ctx: Context) -> str:
    return memo("flags", tuple(row.c.critical_flags), ctx, _flag_names) if row.c.critical_flags else ""


def _yes(value: bool, ctx: Context) -> str:
    return _word("yes" if value else "no", ctx)


_kind = _label("kind", words.COMPLAINT_KINDS)
_state = _label("state", labels.STATES)
_severity = _label("severity", labels.SEVERITIES)


def _channel(code: str, ctx: Context) -> str:
    return memo("channel", code, ctx, lambda c, x: words.channel(c, x.pack, x.language))


def _category(code: str, ctx: Context) -> str:
    return memo("category", code, ctx, lambda c, x: words.category_name(c, x.pack, x.language)) if code else ""


def _milestone(name: str) -> Callable[[Row, Context], datetime | None]:
    return lambda row, ctx: getattr(row.milestones, name)


COLUMNS: list[Column] = [
    Column("reference", pgettext_lazy("register column", "Reference"), "case", lambda r, x: r.c.reference),
    Column("kind", pgettext_lazy("register column", "Kind"), "case", lambda r, x: _kind(r.c.kind, x)),
    Column("state", pgettext_lazy("register column", "State"), "case", lambda r, x: _state(r.c.state, x)),
    Column("received_at", pgettext_lazy("register column", "Received at"), "received", lambda r, x: r.c.received_at),
    Column("channel", pgettext_lazy("register column", "Channel"), "received", lambda r, x: _channel(r.c.channel, x)),
    Column("complainant", pgettext_lazy("register column", "Name"), "complainant", _personal("name")),
    Column("phone", pgettext_lazy("register column", "Phone"), "complainant", _personal("phone")),
    Column("account_number", pgettext_lazy("register column", "Account number"), "complainant", _personal("account_number")),
    Column("category", pgettext_lazy("register column", "Category"), "category",
           lambda r, x: _category(r.c.category, x)),
    Column("severity", pgettext_lazy("register column", "Severity"), "category", lambda r, x: _severity(r.c.severity, x)),
    Column("critical", pgettext_lazy("register column", "Critical flags"), "category", _flags),
    Column("economic_dispute", pgettext_lazy("register column", "Economic dispute"), "category", lambda r, x: _yes(r.c.is_economic_dispute, x)),
    Column("subject", pgettext_lazy("register column", "Subject"), "matter", lambda r, x: r.c.subject),
    Column("request", pgettext_lazy("register column", "Request"), "matter", lambda r, x: r.c.request),
    Column("products", pgettext_lazy("register column", "Products"), "matter", lambda r, x: words.joined(r.products) if r.products else ""),
    Column("amount_claimed", pgettext_lazy("register column", "Amount claimed"), "matter", lambda r, x: r.c.amount_claimed),
    Column("responsible_unit", pgettext_lazy("register column", "Responsible unit"), "handling", lambda r, x: _unit(r.c.responsible_unit, x)),
    Column("handler", pgettext_lazy("register column", "Handler"), "handling", lambda r, x: str(r.c.handler) if r.c.handler_id else ""),
    Column("registered_at", pgettext_lazy("register column", "Registered"), "milestones", _milestone("registered")),
    Column("dispatched_at", pgettext_lazy("register column", "Dispatched"), "milestones", _milestone("dispatched")),
    Column("accepted_at", pgettext_lazy("register column", "Accepted by the unit"), "milestones", _milestone("accepted")),
    Column("proposed_at", pgettext_lazy("register column", "Resolution proposed"), "milestones", _milestone("proposed")),
    Column("approved_at", pgettext_lazy("register column", "Resolution approved"), "milestones", _milestone("approved")),
    Column("result_told_at", pgettext_lazy("register column", "Result told"), "milestones", _milestone("result_told")),
    Column("remedies_executed_at", pgettext_lazy("register column", "Remedies carried out"), "milestones", _milestone("remedies_executed")),
    Column("callback_at", pgettext_lazy("register column", "Callback"), "milestones", _milestone("callback")),
    Column("closed_at", pgettext_lazy("register column", "Closed"), "milestones", lambda r, x: r.c.closed_at),
    Column("estimated_dates", pgettext_lazy("register column", "Estimated dates"), "milestones",
           lambda r, x: words.estimated_dates(r.c.estimated_dates) if r.c.estimated_dates else ""),
    Column("result", pgettext_lazy("register column", "Result"), "result", _result),
    Column("compensation", pgettext_lazy("register column", "Compensation"), "result", lambda r, x: r.compensation),
    Column("remedies", pgettext_lazy("register column", "Remedies"), "result", _remedies),
    Column("late_remedies", pgettext_lazy("register column", "Late remedies"), "result", _late_remedies),
    Column("responsibility", pgettext_lazy("register column", "Responsibility found"), "accountability", _responsibility),
    Column("accountability", pgettext_lazy("register column", "Accountability"), "accountability", _accountability),
    Column("callback_result", pgettext_lazy("register column", "Callback result"), "callback", _callback),
    Column("customer_opinion", pgettext_lazy("register column", "Customer's opinion"), "callback", _opinion),
    Column("working_days", pgettext_lazy("register column", "Working days"), "time", _working_days),
    Column("timeliness", pgettext_lazy("register column", "On time"), "time", _timeliness),
    Column("extensions", pgettext_lazy("register column", "Extensions"), "time", _extensions),
    Column("paused", pgettext_lazy("register column", "Paused"), "time", _paused),
    Column("authority_reports", pgettext_lazy("register column", "Reports to authorities"), "authorities", _reports),
    Column("recomplaint_of", pgettext_lazy("register column", "Re-complaint of"), "links", lambda r, x: words.joined(r.recomplaint_of) if r.recomplaint_of else ""),
    Column("recomplained_in", pgettext_lazy("register column", "Re-complained in"), "links", lambda r, x: words.joined(r.recomplained_in) if r.recomplained_in else ""),
]


def text(value: Value, ctx: Context) -> str:
    """A value as the page and the CSV show it: times in the institution's time zone."""
    if type(value) is str:  # most of them: asked first
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):  # what strftime("%Y-%m-%d %H:%M") gives (the offset cut off), in C
        return value.astimezone(ctx.cal.tz).isoformat(" ", "minutes")[:16]
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def values(row: Row, ctx: Context) -> list[Value]:
    return [column.value(row, ctx) for column in COLUMNS]


def texts(row: Row, ctx: Context) -> list[str]:
    return [text(v, ctx) for v in values(row, ctx)]


def headers() -> list[str]:
    return [str(column.label) for column in COLUMNS]


def grouped(row: Row, ctx: Context) -> list[dict]:
    """The page's cells: one per group, each a list of (label, text) of the columns in
    it that have a value (a group of one column shows no label)."""
    cells: dict[str, list] = {key: [] for key in GROUPS}
    sizes: dict[str, int] = {}
    for column in COLUMNS:
        sizes[column.group] = sizes.get(column.group, 0) + 1
    for column in COLUMNS:
        shown = text(column.value(row, ctx), ctx)
        if shown:
            cells[column.group].append({"key": column.key, "label": column.label, "text": shown})
    return [{"group": key, "label": GROUPS[key], "lines": cells[key], "labelled": sizes.get(key, 0) > 1}
            for key in GROUPS if sizes.get(key)]
