"""One source row → the input of `complaint_import`, or the reasons it cannot be.

Every problem names the field and the source column, so a compliance officer can
fix the file (or the mapping) and run the import again.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from redress.complaints.lifecycle import TERMINAL, State
from redress.complaints.services import ComplaintInput, CustomerInput, PartyInput
from redress.complaints.services.history import HistoricalFile, HistoricalMessage, History
from redress.complaints.services.imports import ImportInput
from redress.imports.mapping import Lookup, Mapping

SUBJECT_MAX = 200
EMAIL_MAX = 254  # Customer.email


@dataclass(frozen=True)
class Unmapped:
    field: str
    column: str
    value: str


class RowProblem(Exception):
    def __init__(self, field: str, reason: str, unmapped: list[Unmapped] | None = None):
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason
        self.unmapped = unmapped or []


def text(value) -> str:
    """A cell as text: xlsx gives numbers and datetimes, CSV gives strings."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


class _AsText:
    """The row's cells as text, converted only when a template names them (a template
    names two or three of a row's many columns, and `fill` runs five times a row); a
    column the row lacks is empty."""

    def __init__(self, row: dict):
        self.row = row

    def __getitem__(self, key: str) -> str:
        return text(self.row.get(key))


def fill(template: str, row: dict) -> str:
    if not template:
        return ""
    # str.format_map: string.Formatter's vformat, in C (the same format language, the
    # fields looked up by name in the row).
    return " ".join(template.format_map(_AsText(row)).split())


def parse_date(value, mapping: Mapping, field: str, column: str) -> datetime:
    tz = mapping.tz
    if isinstance(value, datetime):  # an xlsx date cell; Excel has no date-only type, midnight means "a date"
        if value.tzinfo is None and value.time() == time(0, 0):
            return datetime.combine(value.date(), mapping.time_of_day, tzinfo=tz)
        return value if value.tzinfo else value.replace(tzinfo=tz)
    if isinstance(value, date):
        return datetime.combine(value, mapping.time_of_day, tzinfo=tz)
    raw = text(value)
    if not raw:
        raise RowProblem(field, f"column {column!r} is empty")
    parsed = _parsed(raw, tuple(mapping.date_formats), mapping.time_of_day, tz)
    if parsed is not None:
        return parsed
    raise RowProblem(field, f"{raw[:40]!r} in column {column!r} is not a date "
                            f"(expected {' or '.join(mapping.date_formats)})")


@functools.lru_cache(maxsize=8192)  # a file of ten years has a few thousand dates, each on many rows
def _parsed(raw: str, formats: tuple[str, ...], time_of_day: time, tz) -> datetime | None:
    for fmt in formats:
        try:
            parsed = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        has_time = any(code in fmt for code in ("%H", "%I", "%M"))
        if not has_time:
            parsed = datetime.combine(parsed.date(), time_of_day)
        return parsed.replace(tzinfo=tz) if parsed.tzinfo is None else parsed
    return None


def look_up(lookup: Lookup, row: dict, field: str) -> str:
    tried: list[Unmapped] = []
    current: Lookup | None = lookup
    while current is not None:
        if current.constant:
            return current.constant
        value = text(row.get(current.column))
        if value in current.values:
            return current.values[value]
        tried.append(Unmapped(field, current.column or "", value))
        current = current.fallback
    described = " nor ".join(f"{u.value!r} ({u.column})" for u in tried)
    raise RowProblem(field, f"no mapping for {described}", unmapped=tried)


def refuse_nul(row: dict) -> None:
    """A NUL character (byte 0) in any cell rejects the row, naming the column: PostgreSQL
    cannot store it, and text with one is not what the institution's system meant to
    export. Checked here, in what the dry run and the real run share, so a dry run
    rejects exactly the rows the real run would (it used to pass them, and the real
    run then died on the first with a traceback, after earlier batches were committed)."""
    try:
        if "\x00" not in "".join(row.values()):  # every cell at once; a row with none is most rows
            return
    except TypeError:  # a cell that is not text (a short or long CSV row): each in turn
        pass
    for column, value in row.items():
        if isinstance(value, str) and "\x00" in value:
            raise RowProblem(str(column), f"column {column!r} contains a NUL character (byte 0), which cannot be "
                                          "stored; remove it from the file")


def attachments(mapping: Mapping, source_id: str, folder: Path | None) -> list[HistoricalFile]:
    """The files in the case's folder (`attachments.folder`/<source id>/), by name; a case
    without a folder has none. Hidden files and sub-folders are not the case's files."""
    if mapping.attachments is None:
        return []
    base = Path(mapping.attachments.folder)
    if not base.is_absolute() and folder is not None:
        base = folder / base
    if not base.is_dir():
        raise RowProblem("attachments", f"the attachments folder {str(base)!r} does not exist")
    if source_id in (".", "..") or "/" in source_id or "\\" in source_id:
        raise RowProblem("attachments", f"{source_id!r} cannot name a folder of attachments")
    case = base / source_id
    if not case.is_dir():
        return []
    return [HistoricalFile(name=p.name, path=p) for p in sorted(case.iterdir())
            if p.is_file() and not p.name.startswith(".")]


def history(row: dict, mapping: Mapping, source_id: str, folder: Path | None) -> History:
    """What the old system knew besides the case (services.history)."""
    f = mapping.fields
    registered_at = None
    if f.registered_at and text(row.get(f.registered_at.column)):
        registered_at = parse_date(row.get(f.registered_at.column), mapping, "registered_at", f.registered_at.column)
    messages = []
    for m in mapping.correspondence:
        body = text(row.get(m.column))
        if not body:
            continue
        at = parse_date(row.get(m.at), mapping, m.column, m.at) if m.at and text(row.get(m.at)) else None
        messages.append(HistoricalMessage(direction=m.direction, kind=m.kind, body=body, at=at, channel=m.channel))
    handler = text(row.get(f.handler)) if f.handler else ""
    unit = text(row.get(f.unit)) if f.unit else ""
    return History(
        registered_at=registered_at, registered_at_estimated=bool(f.registered_at and f.registered_at.estimated),
        resolution=text(row.get(f.resolution)) if f.resolution else "",
        handler=mapping.handlers.get(handler, handler), unit=mapping.units.get(unit, unit),
        correspondence=messages, attachments=attachments(mapping, source_id, folder))


def convert(number: int, row: dict, mapping: Mapping, *, file_name: str, folder: Path | None = None) -> ImportInput:
    """`folder`: where the file is (a relative attachments folder is found from there)."""
    refuse_nul(row)
    f = mapping.fields
    source_id = text(row.get(mapping.id))
    if not source_id:
        raise RowProblem("source_id", f"column {mapping.id!r} is empty")
    cause = text(row.get(f.cause))
    if not cause:
        raise RowProblem("cause", f"no narrative: column {f.cause!r} is empty")
    subject = text(row.get(f.subject)) or cause.splitlines()[0]
    if len(subject) > SUBJECT_MAX:
        subject = subject[:SUBJECT_MAX - 1] + "…"
    received_at = parse_date(row.get(f.received_at), mapping, "received_at", f.received_at)
    channel = look_up(mapping.channel, row, "channel")
    category = look_up(mapping.category, row, "category")
    state_rule = mapping.state.constant
    if mapping.state.column:
        value = text(row.get(mapping.state.column))
        state_rule = mapping.state.values.get(value)
        if state_rule is None:
            raise RowProblem("state", f"no mapping for {value!r} ({mapping.state.column})",
                             unmapped=[Unmapped("state", mapping.state.column, value)])
    closed_at = None
    if f.closed_at and State(state_rule.state) in TERMINAL:
        closed_at = parse_date(row.get(f.closed_at.column), mapping, "closed_at", f.closed_at.column)
    outcome = state_rule.outcome
    if mapping.outcome and (value := text(row.get(mapping.outcome.column))):
        outcome = mapping.outcome.values.get(value)
        if outcome is None:
            raise RowProblem("outcome", f"no mapping for {value!r} ({mapping.outcome.column})",
                             unmapped=[Unmapped("outcome", mapping.outcome.column, value)])
    satisfied = None
    if mapping.satisfied:
        satisfied = mapping.satisfied.values.get(text(row.get(mapping.satisfied.column)))
    c = mapping.customer
    contact = {key: fill(getattr(c, key), row) or c.when_empty.get(key, "")
               for key in ("name", "phone", "email", "address", "account_number")}
    if len(contact["email"]) > EMAIL_MAX:  # the intake rules accept up to 320; the column holds 254
        raise RowProblem("customer.email", f"{contact['email'][:40]!r}… is longer than {EMAIL_MAX} characters")
    customer = CustomerInput(name=contact["name"][:200], phone=contact["phone"], email=contact["email"],
                             address=contact["address"][:300], account_number=contact["account_number"][:40],
                             language=mapping.language)
    product = text(row.get(f.product)) if f.product else ""
    data = ComplaintInput(
        customer=customer, channel=channel, subject=subject, cause=cause,
        request=text(row.get(f.request)) if f.request else "",
        amount_claimed=text(row.get(f.amount_claimed)) or None if f.amount_claimed else None,
        currency=mapping.currency, received_at=received_at, kind=mapping.kind,
        parties=[PartyInput(kind="product", product=product[:200])] if product else [],
        referral_source=mapping.referral_source, external_reference=source_id[:60],
    )
    return ImportInput(
        complaint=data, state=state_rule.state, source=mapping.source, source_id=source_id, file_name=file_name,
        row=number, category=category, outcome=outcome, closed_at=closed_at,
        closed_at_estimated=bool(f.closed_at and f.closed_at.estimated), satisfied=satisfied,
        original={col: text(row.get(col)) for col in mapping.keep},
        history=history(row, mapping, source_id, folder),
    )
