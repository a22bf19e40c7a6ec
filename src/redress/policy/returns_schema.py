"""The shape of a pack's regulator returns (reports/returns): when each is due, its tables
and columns as the regulator defines them, and how the pack's categories, products and
outcomes map to the regulator's codes. Checked at load like the rest of the pack
(policy/schema.py holds the pack itself)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from redress.policy.basics import Code, Duration, Strict, Text, Unit


class PeriodKind(StrEnum):
    """How often a regulator return is made."""

    MONTH = "month"
    QUARTER = "quarter"
    HALF_YEAR = "half_year"
    YEAR = "year"


class ReturnDue(Strict):
    """When a return for a period is due, counted from the period's end. Either a day of
    a later month (FINRA 4530(d): the 15th day of the month after the quarter, moved to
    the next business day when that is not one) or a number of working days after the
    period (DISP 1.10: 30 business days)."""

    day: int | None = Field(None, ge=1, le=31, description="day of the month; a shorter month takes its last day")
    months_after: int = Field(1, ge=0, le=12, description="months after the period's last month")
    next_working_day: bool = False  # move a due day that is not a working day to the next one
    working_days: int | None = Field(None, ge=1, le=250)

    @model_validator(mode="after")
    def _one_rule(self) -> ReturnDue:
        if (self.day is None) == (self.working_days is None):
            raise ValueError("give either day (with months_after) or working_days")
        return self


class ReturnSource(StrEnum):
    """What of a complaint a dimension reads."""

    CATEGORY = "category"  # the pack's category (a child maps like its parent unless mapped itself)
    CHANNEL = "channel"
    PRODUCT = "product"  # the first product the complaint names (its parties), matched by words
    OUTCOME = "outcome"  # how it ended: resolved, withdrawn, referred_mediation, deemed_closed ...
    RESPONSIBILITY = "responsibility"  # the finding: institution / customer / shared / none / third_party
    SEVERITY = "severity"


class ReturnCode(Strict):
    """One of the regulator's codes, and which of the pack's values it stands for."""

    code: str = Field(min_length=1, max_length=20)
    name: Text
    # Pack values (category, channel, outcome ... codes) reported under this code; for a
    # product dimension, codes of the pack's `products` (a group takes its products).
    values: list[str] = []
    # For a product dimension: words any of which in the product's name select this code
    # (case-insensitive); the first code whose words match wins.
    words: list[str] = []
    no_product: bool = False  # the code for a complaint that names no product


class ReturnDimension(Strict):
    """A breakdown the regulator defines: its codes and the mapping from the pack's values."""

    code: Code
    name: Text
    source: ReturnSource
    codes: list[ReturnCode] = Field(min_length=1)
    # The code a value no other code takes is reported under (a "miscellaneous" code).
    # Unset: such a complaint is left out of the breakdown and listed in a warning.
    otherwise: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ReturnDimension:
        codes = [c.code for c in self.codes]
        if len(codes) != len(set(codes)):
            raise ValueError(f"dimension {self.code!r}: codes must be unique")
        if self.otherwise is not None and self.otherwise not in codes:
            raise ValueError(f"dimension {self.code!r}: otherwise {self.otherwise!r} is not one of its codes")
        values = [v for c in self.codes for v in c.values]
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise ValueError(f"dimension {self.code!r}: {twice} mapped to more than one code")
        if self.source == ReturnSource.PRODUCT:
            if sum(c.no_product for c in self.codes) > 1:
                raise ValueError(f"dimension {self.code!r}: one code at most is the no-product code")
        elif any(c.words or c.no_product for c in self.codes):
            raise ValueError(f"dimension {self.code!r}: words and no_product are for a product dimension")
        return self


class Measure(StrEnum):
    """What a column counts, each over the period (the institution's time zone)."""

    RECEIVED = "received"  # complaints received in the period
    CLOSED = "closed"  # complaints closed in the period
    CLOSED_ON_TIME = "closed_on_time"  # closed in the period, no clock (or `clock`) ever late
    CLOSED_WITHIN = "closed_within"  # closed in the period within `within` of receipt
    OPEN_AT_END = "open_at_end"  # received by the period's end and not closed by then
    COMPENSATED = "compensated"  # complaints with a payment executed in the period
    COMPENSATION_AMOUNT = "compensation_amount"  # the payments executed in the period, added up


# The findings of responsibility a proposal records (services.handling checks them); a
# return narrows by them (DISP 1.10 "upheld": the institution's or a shared fault).
RESPONSIBILITIES = ("institution", "customer", "shared", "third_party", "none")

# Complaint fields a column may be narrowed by (`where`), and the value lists it takes.
WHERE_FIELDS = ("channel", "referral_source", "severity", "responsibility", "outcome", "category")


class ReturnColumn(Strict):
    """A column of a return table: a measure (optionally narrowed), one column per code
    of a dimension (`by`), or one column as a percentage of another (`ratio`)."""

    code: Code
    name: Text | None = None
    measure: Measure | None = None
    where: dict[str, list[str]] = Field(default_factory=dict)
    clock: Code | None = None  # closed_on_time: only this clock counts
    within: Duration | None = None  # closed_within
    by: Code | None = None  # a dimension: one column per code, each counting `measure`
    ratio: tuple[Code, Code] | None = None  # [part, whole]: part as a percentage of whole

    @model_validator(mode="after")
    def _consistent(self) -> ReturnColumn:
        if (self.measure is None) == (self.ratio is None):
            raise ValueError(f"column {self.code!r}: give a measure or a ratio")
        if self.ratio is not None and (self.by or self.where):
            raise ValueError(f"column {self.code!r}: a ratio takes neither by nor where")
        if self.by is None and self.name is None:
            raise ValueError(f"column {self.code!r} needs a name")
        if (self.measure == Measure.CLOSED_WITHIN) != (self.within is not None):
            raise ValueError(f"column {self.code!r}: within goes with, and only with, closed_within")
        if self.within is not None and self.within.unit not in (Unit.WORKING_DAYS, Unit.CALENDAR_DAYS):
            raise ValueError(f"column {self.code!r}: within counts working_days or calendar_days")
        if self.clock is not None and self.measure != Measure.CLOSED_ON_TIME:
            raise ValueError(f"column {self.code!r}: clock goes with closed_on_time")
        unknown = sorted(set(self.where) - set(WHERE_FIELDS))
        if unknown:
            raise ValueError(f"column {self.code!r}: where may name {list(WHERE_FIELDS)}; not {unknown}")
        return self


class ReturnTable(Strict):
    """A table of the return as the regulator lays it out: a row per code of `rows` (or
    one row when none) and the columns in order, with a total row when asked."""

    code: Code
    name: Text
    rows: Code | None = None  # a dimension
    columns: list[ReturnColumn] = Field(min_length=1)
    total_row: bool = True

    @model_validator(mode="after")
    def _consistent(self) -> ReturnTable:
        codes = [c.code for c in self.columns]
        if len(codes) != len(set(codes)):
            raise ValueError(f"table {self.code!r}: column codes must be unique")
        for col in self.columns:
            if col.ratio and any(part not in codes or part == col.code for part in col.ratio):
                raise ValueError(f"table {self.code!r}: ratio of column {col.code!r} must name two other columns")
            if col.ratio and any(next(c for c in self.columns if c.code == p).by for p in col.ratio):
                raise ValueError(f"table {self.code!r}: ratio of column {col.code!r} cannot name a by-column")
        return self


class RegulatorReturn(Strict):
    """A periodic return to a regulator (FINRA 4530(d) statistics, the FCA's DISP 1.10
    return, the quarterly statistics a CSRC office asks for): its period, when it is due
    and its tables, all data, so an institution adjusts the layout without code."""

    code: Code
    name: Text
    regulator: Code | None = None  # one of the pack's authorities
    period: PeriodKind
    due: ReturnDue
    # Which complaints it is about: by default complaints (not inquiries), without those
    # redirected as out of scope; `channels` keeps only those (FINRA: written complaints).
    include_inquiries: bool = False
    include_redirected: bool = False
    channels: list[Code] = []
    # When the return counts a complaint closed: by default when it is closed; a clock's
    # code: when that clock stopped (DISP: the final response or summary resolution sent,
    # the final_response clock's stop, whether or not a callback or remedy is still due).
    closed_when: Code | None = None
    # The language the file is written in (the regulator's); unset: the reader's.
    language: str | None = Field(None, pattern=r"^(en|zh-hans)$")
    dimensions: list[ReturnDimension] = []
    tables: list[ReturnTable] = Field(min_length=1)

    @model_validator(mode="after")
    def _references_resolve(self) -> RegulatorReturn:
        dims = [d.code for d in self.dimensions]
        if len(dims) != len(set(dims)):
            raise ValueError(f"return {self.code!r}: dimension codes must be unique")
        tables = [t.code for t in self.tables]
        if len(tables) != len(set(tables)):
            raise ValueError(f"return {self.code!r}: table codes must be unique")
        for table in self.tables:
            named = [table.rows] + [c.by for c in table.columns]
            for code in filter(None, named):
                if code not in dims:
                    raise ValueError(f"return {self.code!r}, table {table.code!r}: {code!r} is not one of "
                                     f"the dimensions {dims}")
            if table.rows and table.rows in [c.by for c in table.columns]:
                raise ValueError(f"return {self.code!r}, table {table.code!r}: rows and columns both by {table.rows!r}")
            if sum(1 for c in table.columns if c.by) > 1:
                raise ValueError(f"return {self.code!r}, table {table.code!r}: one by-column at most")
        return self

    def dimension(self, code: str) -> ReturnDimension:
        return next(d for d in self.dimensions if d.code == code)
