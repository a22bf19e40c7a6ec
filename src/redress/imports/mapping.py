"""The mapping file: which column is which field, how dates are written, and which code
of the active policy each source value stands for. See mappings/cfpb.yaml for a
complete, commented example.

A mapping names the policy pack whose codes it uses; importing under another pack is
refused, because a category code that happens to exist in both packs may mean
something else in each.
"""

from __future__ import annotations

import codecs
from datetime import time
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from redress.complaints.lifecycle import TERMINAL, State
from redress.complaints.services.imports import IMPORT_STATES
from redress.policy.loader import _Loader  # the policy's YAML dialect: only true/false are booleans
from redress.policy.schema import Pack


class MappingError(Exception):
    """The mapping cannot be used; the message names the file and what is wrong."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Column(Strict):
    column: str
    estimated: bool = False  # the column is a stand-in for the real value (said so in the ledger)


class Lookup(Strict):
    """A source value → a policy code. `fallback` is tried when the value is not listed
    (e.g. a category from the issue, else from the product)."""

    column: str | None = None
    constant: str | None = None
    values: dict[str, str] = {}
    fallback: Lookup | None = None


class StateRule(Strict):
    state: str
    outcome: str = ""


class StateLookup(Strict):
    column: str | None = None
    constant: StateRule | None = None
    values: dict[str, StateRule] = {}


class BoolLookup(Strict):
    column: str
    values: dict[str, bool]


class CustomerTemplates(Strict):
    """Templates with {column} placeholders, e.g. "CFPB consumer {complaint_id}"."""

    name: str
    phone: str = ""
    email: str = ""
    address: str = ""
    account_number: str = ""
    # What to write when a template comes out empty (e.g. a source that withheld the address).
    when_empty: dict[Literal["name", "phone", "email", "address", "account_number"], str] = {}


class Fields(Strict):
    received_at: str
    subject: str
    cause: str
    request: str | None = None
    amount_claimed: str | None = None
    product: str | None = None  # recorded as the product the complaint is about
    closed_at: Column | None = None
    # What a bank's own system has besides (services.history): the registration date
    # (else: registered when received), the resolution text, who handled the case and
    # which unit answered for it (a username or display name, a unit code or name here;
    # `handlers:` / `units:` translate the old system's names).
    registered_at: Column | None = None
    resolution: str | None = None
    handler: str | None = None
    unit: str | None = None


class OutcomeLookup(Strict):
    """The outcome from its own column (a value → an outcome code); an empty cell keeps
    the outcome the state gives."""

    column: str
    values: dict[str, str] = Field(min_length=1)


class Correspondence(Strict):
    """One column of letters or notes to or from the customer: a message each (an empty
    cell is none), dated by the `at` column (else the nearest known date, flagged)."""

    column: str
    direction: Literal["in", "out"]
    kind: Literal["acknowledgment", "progress", "question", "result", "redirect", "inquiry_answer",
                  "customer_message", "contact"]
    at: str | None = None
    channel: str = ""  # a channel code of the pack; "" : the complaint's


class Attachments(Strict):
    """The files of each case: `folder`/<source id>/<files>. A relative folder is taken
    from the folder of the file being imported."""

    folder: str = Field(min_length=1)


class Mapping(Strict):
    source: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    pack: str
    id: str  # the column holding the source's own id of the case
    encoding: str = "utf-8-sig"  # CSV only; gb18030 for files saved by Chinese Excel
    timezone: str
    time_of_day: time = time(9, 0)  # used when a date has no time
    date_formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d"], min_length=1)
    language: str = "zh-hans"
    currency: str = Field("CNY", pattern=r"^[A-Z]{3}$")
    referral_source: str = ""
    kind: Literal["complaint", "inquiry"] = "complaint"
    fields: Fields
    customer: CustomerTemplates
    channel: Lookup
    category: Lookup
    state: StateLookup
    satisfied: BoolLookup | None = None
    outcome: OutcomeLookup | None = None
    correspondence: list[Correspondence] = []
    attachments: Attachments | None = None
    handlers: dict[str, str] = {}  # the old system's handler name → a username here
    units: dict[str, str] = {}  # the old system's unit name → a unit code here
    keep: list[str] = []  # source columns kept verbatim in the IMPORTED ledger event (no personal data!)

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r} (utf-8-sig, gb18030, big5 ...)") from None
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def columns(self) -> set[str]:
        """Every source column the mapping reads (the file must have them all)."""
        f = self.fields
        cols = {self.id, f.received_at, f.subject, f.cause, *self.keep}
        cols |= {c for c in (f.request, f.amount_claimed, f.product) if c}
        cols |= {c.column for c in (f.closed_at, f.registered_at) if c}
        cols |= {c for c in (f.resolution, f.handler, f.unit) if c}
        cols |= {c for m in self.correspondence for c in (m.column, m.at) if c}
        if self.outcome:
            cols.add(self.outcome.column)
        for first in (self.channel, self.category):
            lookup: Lookup | None = first
            while lookup is not None:
                if lookup.column:
                    cols.add(lookup.column)
                lookup = lookup.fallback
        if self.state.column:
            cols.add(self.state.column)
        if self.satisfied:
            cols.add(self.satisfied.column)
        return cols


def _codes(lookup: Lookup | None) -> set[str]:
    out: set[str] = set()
    while lookup is not None:
        out |= set(lookup.values.values()) | ({lookup.constant} if lookup.constant else set())
        lookup = lookup.fallback
    return out


def load_mapping(path: str | Path) -> Mapping:
    path = Path(path)
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506 — safe loader subclass
    except OSError as exc:
        raise MappingError(f"{path}: cannot be read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise MappingError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path}: a mapping file is a YAML mapping of keys (source:, pack:, fields: ...)")
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise MappingError(f"{path}: {problems}") from None
    for name, lookup in (("channel", mapping.channel), ("category", mapping.category)):
        if not (lookup.column or lookup.constant):
            raise MappingError(f"{path}: {name}: give a column or a constant")
    bad_states = {r.state for r in [*mapping.state.values.values(), mapping.state.constant] if r} - set(IMPORT_STATES)
    if bad_states:
        raise MappingError(f"{path}: state: {', '.join(sorted(bad_states))} cannot be imported; "
                           f"use {', '.join(IMPORT_STATES)}")
    closes = any(State(r.state) in TERMINAL for r in [*mapping.state.values.values(), mapping.state.constant] if r)
    if closes and mapping.fields.closed_at is None:
        raise MappingError(f"{path}: state maps to closed states, so fields.closed_at must name a column")
    return mapping


def check_against(mapping: Mapping, pack: Pack, *, path: str | Path) -> None:
    """The mapping must be written for the active pack (or one it extends), and every
    code it maps to must exist there."""
    if mapping.pack not in (pack.code, pack.extends):
        raise MappingError(
            f"{path}: written for the policy pack {mapping.pack!r}, but the active pack is {pack.code!r}. "
            f"Run with REDRESS_POLICY={mapping.pack} or write a mapping for {pack.code!r}.")
    problems = []
    unknown = sorted(c for c in _codes(mapping.category) if pack.category(c) is None)
    if unknown:
        problems.append(f"category codes not in {pack.code}: {', '.join(unknown)}")
    unknown = sorted(c for c in _codes(mapping.channel) if c not in pack.channel_codes())
    if unknown:
        problems.append(f"channel codes not in {pack.code}: {', '.join(unknown)}")
    if mapping.referral_source and pack.authority(mapping.referral_source) is None:
        problems.append(f"referral_source {mapping.referral_source!r} is not an authority of {pack.code}")
    unknown = sorted({m.channel for m in mapping.correspondence if m.channel} - set(pack.channel_codes()))
    if unknown:
        problems.append(f"correspondence channel codes not in {pack.code}: {', '.join(unknown)}")
    if problems:
        raise MappingError(f"{path}: " + "; ".join(problems))
