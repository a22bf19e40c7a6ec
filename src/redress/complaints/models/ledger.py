"""The ledger: an append-only, hash-chained event log (DESIGN rule 2).

Each complaint has its own chain (an event stores the hash of the previous event of
that complaint), so appending needs only the complaint's own row lock, never a global
one. Chains are tied together by checkpoints: each checkpoint records the heads of the
chains that moved since the previous one and chains to it, so deleting a whole
complaint, or rewriting the ledger, breaks a checkpoint. Each checkpoint is signed with a key the
database never sees (ledger_key.py), so its owner cannot recompute them. Database
triggers refuse UPDATE and DELETE on these tables (migration 0002) and TRUNCATE on
PostgreSQL (0022).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Event(models.Model):
    complaint = models.ForeignKey("complaints.Complaint", on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.PositiveSmallIntegerField()  # ledger.EventType: stable codes, never translated text
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_role = models.CharField(max_length=30, blank=True)
    channel = models.CharField(max_length=20)
    # Canonical JSON exactly as hashed, so verifying never depends on how a database
    # round-trips JSON (PostgreSQL's jsonb reorders keys).
    payload = models.TextField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["complaint", "seq"], name="event_seq_once")]
        indexes = [models.Index(fields=["type", "at"])]

    def __str__(self) -> str:
        return f"event #{self.seq} of complaint {self.complaint_id}"


class LedgerCheckpoint(models.Model):
    created_at = models.DateTimeField()
    # Highest event id seen when the checkpoint was taken (where the next one looks from).
    max_event_id = models.BigIntegerField()
    entry_count = models.PositiveIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"checkpoint {self.pk}"


class CheckpointEntry(models.Model):
    """One chain head as of a checkpoint: complaint, chain length, hash of that event."""

    checkpoint = models.ForeignKey(LedgerCheckpoint, on_delete=models.PROTECT, related_name="entries")
    complaint_id_ref = models.BigIntegerField()  # not a FK: it must survive a deleted complaint to expose it
    length = models.PositiveIntegerField()
    head = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["complaint_id_ref", "length"])]

    def __str__(self) -> str:
        return f"checkpoint {self.checkpoint_id}: complaint {self.complaint_id_ref} #{self.length}"


class CheckpointSignature(models.Model):
    """The Ed25519 signature of one checkpoint's id and hash (ledger_key.message), made
    when the checkpoint was taken with the key outside the database. A table of its own
    so that a ledger from before signing keeps its checkpoints as they were
    (`redress checkpoint sign-existing` vouches for them once)."""

    checkpoint = models.OneToOneField(LedgerCheckpoint, on_delete=models.PROTECT, related_name="signature")
    key_id = models.CharField(max_length=16)  # ledger_key.PublicKey.key_id of the key that signed
    signature = models.CharField(max_length=88)  # base64 of the 64-byte signature

    def __str__(self) -> str:
        return f"signature of checkpoint {self.checkpoint_id} by key {self.key_id}"
