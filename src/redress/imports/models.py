"""One row per imported source record: what makes re-running an import harmless."""

from __future__ import annotations

from django.db import models


class ImportedRecord(models.Model):
    """The (source, source id) pair is unique, so a row imported once is never imported
    again, even by two imports of the same file running at once."""

    source = models.CharField(max_length=40)
    source_id = models.CharField(max_length=60)
    complaint = models.OneToOneField("complaints.Complaint", on_delete=models.PROTECT, related_name="import_record")
    file_name = models.CharField(max_length=255)
    row = models.PositiveIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "source_id"], name="import_source_id_once")]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} → {self.complaint_id}"
