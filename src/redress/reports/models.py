"""Who exported what from the register (DESIGN rule 6: every export of personal data is
logged). The ledger's events each belong to one complaint's chain (models.ledger), and
an export is about a filter over many complaints, so it gets a table of its own:
written by `export.record` before the first byte leaves; when the last byte is made,
export.response fills in the file's hash and the rows written, once (admin shows it
read-only).
The lead may fold it into the ledger once the ledger has institution-level events."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportRecord(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (xlsx)"
        JSON = "json", "JSON (API)"  # a page of the register through the API, with personal data

    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The role that let the person export (personal data needs a contact role), as a
    # ledger event records its actor's role.
    role = models.CharField(max_length=30, blank=True)
    at = models.DateTimeField()
    report = models.CharField(max_length=30, default="register")
    format = models.CharField(max_length=5, choices=Format.choices)
    # The filter exactly as the register applied it (register.Filters.as_json).
    filters = models.JSONField(default=dict)
    language = models.CharField(max_length=10)
    rows = models.PositiveIntegerField()
    personal_data = models.BooleanField()
    # SHA-256 of the file as sent, CSV or xlsx; empty while it is being written and
    # for an export whose reader stopped before the end.
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["at"], name="export_record_at")]

    def __str__(self) -> str:
        return f"{self.report} export by {self.staff_id} at {self.at:%Y-%m-%d %H:%M} ({self.rows} rows)"


class ReturnProduction(models.Model):
    """One regulator return as produced (reports/returns): who, which return, which period,
    and the files themselves with their SHA-256, so what was filed can be shown and checked
    again. Written once by `returns.produce.return_produce`; the database refuses UPDATE and
    DELETE on it, as on the ledger (complaints.ledger_guard)."""

    return_code = models.CharField(max_length=40)
    policy_code = models.CharField(max_length=40)
    period = models.CharField(max_length=10)  # its label: 2026-Q3, 2026-H1, 2026-07, 2026
    period_start = models.DateField()
    period_end = models.DateField()  # the last day
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=30)
    at = models.DateTimeField()
    language = models.CharField(max_length=10)
    rows = models.PositiveIntegerField()  # table rows written, totals included
    # Complaints the mapping could not place: [{dimension, value, count, references}].
    unmapped = models.JSONField(default=list)
    xlsx = models.BinaryField()
    xlsx_sha256 = models.CharField(max_length=64)
    csv = models.BinaryField()
    csv_sha256 = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["return_code", "period", "at"], name="return_production_period")]

    def __str__(self) -> str:
        return f"{self.return_code} {self.period} by {self.staff_id} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def unmapped_count(self) -> int:
        return sum(item.get("count", 0) for item in self.unmapped)
