"""What makes re-running an import harmless and an interrupted one resumable: one row
per imported source record, and one per run of `redress import`."""

from __future__ import annotations

from django.db import models


class ImportRun(models.Model):
    """One import of one file. A whole-file import is written with all its rows, in the
    same transaction, already complete. A `--resume` import writes its rows a batch at
    a time; each batch moves `last_row` in the transaction that writes the batch, so
    after any stop the run says exactly which rows are in, and the next `--resume` of
    the same file (the same SHA-256) continues at the row after it."""

    class Status(models.TextChoices):
        RUNNING = "running"  # a --resume import, stopped or still going
        COMPLETE = "complete"
        ABANDONED = "abandoned"  # replaced by a --restart (the file had changed)

    source = models.CharField(max_length=40)
    file_name = models.CharField(max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.BigIntegerField()
    header_row = models.PositiveIntegerField(default=1)
    resumable = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices)
    last_row = models.PositiveIntegerField()  # the row number of the last row in; the header row before any
    rows_written = models.PositiveIntegerField(default=0)  # complaints this run created
    rows_found = models.PositiveIntegerField(default=0)  # rows passed over: imported before, by another run
    actor = models.ForeignKey("complaints.Staff", on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "file_name"], condition=models.Q(status="running"),
                                               name="import_one_running_run_per_file")]

    def __str__(self) -> str:
        return f"import #{self.pk} of {self.file_name} ({self.status}, row {self.last_row})"

    @property
    def rows_in(self) -> int:
        return self.rows_written + self.rows_found


class ImportedRecord(models.Model):
    """The (source, source id) pair is unique, so a row imported once is never imported
    again, even by two imports of the same file running at once."""

    source = models.CharField(max_length=40)
    source_id = models.CharField(max_length=60)
    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.PROTECT, related_name="import_record")
    run = models.ForeignKey(ImportRun, on_delete=models.PROTECT, null=True, related_name="records")  # null: before runs
    file_name = models.CharField(max_length=255)
    row = models.PositiveIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="import_source_id_once")]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} → {self.complaint_id}"
