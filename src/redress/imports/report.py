"""What `redress import` tells the person who ran it: how many rows are in, which rows
cannot be imported and why, and what to do next."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

REVIEW_LINES = 200  # the cases for review the summary names one by one


@dataclass(frozen=True)
class Rejection:
    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class ForReview:
    """A case whose text shows a critical trigger, raised to nobody (a historical
    complaint owes no report today): listed for the complaints office to review."""

    row: int
    source_id: str
    triggers: tuple[str, ...]


@dataclass(frozen=True)
class _Counts:
    ready: int
    imported: int
    skipped: int
    rejected: int
    by_state: Counter
    by_category: Counter
    unmapped: Counter
    for_review: int


@dataclass
class Report:
    file: str
    source: str
    pack: str
    dry_run: bool
    resume: bool = False
    first_row: int = 2  # the row after the header
    rows: int = 0  # rows read by this run (a resumed run does not read the rows already in)
    ready: int = 0  # rows that passed the check and were not in yet
    imported: int = 0  # complaints this run wrote (committed)
    skipped: int = 0  # rows already imported before (by their source id)
    rejected: list[Rejection] = field(default_factory=list)
    unmapped: Counter = field(default_factory=Counter)
    by_state: Counter = field(default_factory=Counter)
    by_category: Counter = field(default_factory=Counter)
    for_review: list[ForReview] = field(default_factory=list)
    seconds: float = 0.0
    run_id: int | None = None
    resumed_at: int | None = None  # the row a --resume run continued at
    earlier: int = 0  # rows of this file put in by earlier runs of the same --resume import
    last_row: int = 0  # the last row in (a --resume import)
    stopped_before: int | None = None  # a --resume import stopped by a problem: the first row not in
    failure: str = ""  # writing stopped (a database error, the file changed): what happened

    def counts(self) -> _Counts:
        return _Counts(self.ready, self.imported, self.skipped, len(self.rejected), self.by_state.copy(),
                       self.by_category.copy(), self.unmapped.copy(), len(self.for_review))

    def restore(self, counts: _Counts, *, keep_rejected: bool = False) -> None:
        """Back to the figures of `counts`, after a transaction they went with was rolled
        back. The rows read since stay read; the rejections found stay, if asked."""
        self.ready, self.imported, self.skipped = counts.ready, counts.imported, counts.skipped
        self.by_state, self.by_category = counts.by_state, counts.by_category
        del self.for_review[counts.for_review:]
        if not keep_rejected:
            del self.rejected[counts.rejected:]
            self.unmapped = counts.unmapped

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    @property
    def rows_in(self) -> int:
        """Rows of the file now in the database: written by this run or an earlier one."""
        return self.earlier + self.imported + self.skipped

    @property
    def complete(self) -> bool:
        return not (self.dry_run or self.rejected or self.failure)

    def status(self) -> str:
        problems = len(self.rejected)
        if self.dry_run:
            return f"would import {self.ready:,}; already imported {self.skipped:,}; rejected {problems:,}"
        if self.resume and (self.failure or problems):
            row = self.stopped_before
            rows_in = (f"{self.rows_in:,} rows are in (rows {self.first_row} to {self.last_row})" if self.rows_in
                       else "no row is in yet")
            if self.failure:
                return f"stopped before row {row}: {self.failure}. {rows_in}; run the same command again to continue"
            return f"stopped before row {row}: {rows_in}; fix the problem and run the same command again to continue"
        if self.failure:
            return f"nothing written: {self.failure}"
        if problems:
            return (f"nothing written: {problems:,} row{'s' if problems != 1 else ''} of {self.rows:,} cannot be "
                    f"imported ({self.ready + self.skipped:,} could); fix {'them' if problems != 1 else 'it'} "
                    "and run again")
        text = f"all {self.rows_in:,} rows are in: {self.imported:,} written now, {self.skipped:,} already there"
        return text + (f", {self.earlier:,} by earlier runs" if self.earlier else "")

    def lines(self) -> list[str]:
        head = f"{self.file}: {self.rows:,} rows read (source {self.source}, policy {self.pack})"
        if self.dry_run:
            head += " — DRY RUN, nothing written"
        elif self.resumed_at:
            head += f"; resumed at row {self.resumed_at} (import #{self.run_id})"
        out = [head, f"  {self.status()}"]
        if self.by_state:
            out.append("  by state: " + ", ".join(f"{k} {v:,}" for k, v in self.by_state.most_common()))
        if self.by_category:
            out.append("  by category: " + ", ".join(f"{k} {v:,}" for k, v in self.by_category.most_common()))
        if self.for_review:
            out.append(f"critical triggers found, for review ({len(self.for_review):,} "
                       f"case{'s' if len(self.for_review) != 1 else ''}; reported to nobody: a closed case keeps "
                       "them as critical flags, an open one's are raised when the complaints office assesses it):")
            out.extend(f"  row {r.row}: {self.source} {r.source_id}: {', '.join(r.triggers)}"
                       for r in sorted(self.for_review, key=lambda r: r.row)[:REVIEW_LINES])
            if len(self.for_review) > REVIEW_LINES:
                out.append(f"  ... and {len(self.for_review) - REVIEW_LINES:,} more")
        if self.unmapped:
            out.append("unmapped values (add them to the mapping):")
            for (fld, column, value), count in self.unmapped.most_common():
                out.append(f"  {fld} ← {column} {value!r}: {count:,} row{'s' if count != 1 else ''}")
        if self.rejected:
            out.append("rows that cannot be imported:")
            out.extend(f"  row {r.row}: {r.field}: {r.reason}" for r in sorted(self.rejected, key=lambda r: r.row))
        out.append(f"{self.rows:,} rows in {self.seconds:.1f} s: {self.rows_per_second:,.0f} rows/s")
        return out
