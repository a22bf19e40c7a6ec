"""Signed checkpoint heads taken out of the database, and the proof that today's ledger
extends them.

Signatures stop the database's owner from recomputing a checkpoint, but not from
removing the newest checkpoints and rewriting what came after the ones left. What an
auditor or a regulator keeps outside — `redress checkpoint export`, a JSON file of every
checkpoint's id, hash and signature — closes that: `redress verify --against FILE`
finds each exported checkpoint in today's ledger unchanged, so nothing up to the newest
exported head was rewritten or removed since the file was written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction

from redress.complaints import ledger, ledger_key
from redress.complaints.models import CheckpointSignature, LedgerCheckpoint

FORMAT = "redress-ledger-heads/1"


def heads(since: int = 0) -> Iterator[dict]:
    rows = LedgerCheckpoint.objects.filter(id__gt=since).order_by("id").values_list(
        "id", "created_at", "max_event_id", "entry_count", "prev_hash", "hash", "signature__key_id",
        "signature__signature")
    for cp_id, created_at, max_id, count, prev_hash, digest, key_id, signature in rows.iterator(chunk_size=5000):
        yield {"id": cp_id, "created_at": ledger._ts(created_at), "max_event_id": max_id, "entry_count": count,
               "prev_hash": prev_hash, "hash": digest, "key_id": key_id or "", "signature": signature or ""}


def export(out, *, exported_at: datetime) -> int:
    """Write the signed heads as one JSON document; returns how many. The public key is
    in the file so an auditor can check each signature with any Ed25519 tool (message:
    ledger_key.message), and `verify --against` refuses a file made under another key."""
    public = ledger_key.load().public
    out.write(json.dumps({"format": FORMAT, "exported_at": ledger._ts(exported_at), "key_id": public.key_id,
                          "public_key": public.as_text(),
                          "signed_message": "redress-ledger-checkpoint-v1|<id>|<hash>"},
                         ensure_ascii=False)[:-1])
    out.write(', "checkpoints": [\n')
    count = 0
    for head in heads():
        out.write((",\n" if count else "") + json.dumps(head, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


class BadExport(ValueError):
    pass


@dataclass
class AgainstResult:
    exported_at: str
    exported: int
    since: int  # checkpoints taken after the newest exported one
    problem: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def _read(path: Path) -> dict:
    try:
        doc = json.loads(path.read_text())
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadExport(f"{path}: cannot be read as an export ({type(exc).__name__}: {exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise BadExport(f"{path}: not a file written by `redress checkpoint export` (format {FORMAT})")
    if not isinstance(doc.get("checkpoints"), list) or not all(isinstance(h, dict) for h in doc["checkpoints"]):
        raise BadExport(f"{path}: its checkpoints are not a list of heads")
    return doc


def against(path: Path) -> AgainstResult:
    """Whether today's ledger holds every checkpoint of the export unchanged. The caller
    runs ledger.verify() too: this checks the export against the ledger, that the ledger
    against itself."""
    doc = _read(path)
    public = ledger_key.load().public
    exported = doc["checkpoints"]
    result = AgainstResult(exported_at=str(doc.get("exported_at", "")), exported=len(exported), since=0)
    if doc.get("key_id") != public.key_id or doc.get("public_key") != public.as_text():
        result.problem = (f"the export was signed by key {doc.get('key_id')}, this ledger's key is "
                          f"{public.key_id}: it is another ledger's export, or the key was replaced")
        return result
    today = {h["id"]: h for h in heads()}
    for head in exported:
        cp_id, digest = head.get("id"), head.get("hash")
        if not isinstance(cp_id, int) or not isinstance(digest, str):
            raise BadExport(f"{path}: a head without an id and a hash: {head!r}"[:300])
        if not public.verifies(cp_id, digest, str(head.get("signature", ""))):
            result.problem = f"checkpoint {cp_id} in the export: its signature does not match (the file was altered)"
            return result
        now = today.get(cp_id)
        if now is None:
            result.problem = (f"checkpoint {cp_id} (exported {result.exported_at}, hash {digest[:16]}) is gone "
                              "from today's ledger: checkpoints were removed since the export")
            return result
        if now["hash"] != digest:
            result.problem = (f"checkpoint {cp_id}: exported {result.exported_at} with hash {digest[:16]}, today "
                              f"{now['hash'][:16]} — the ledger up to it was rewritten since the export")
            return result
    newest = max((h["id"] for h in exported), default=0)
    result.since = sum(1 for cp_id in today if cp_id > newest)
    return result


def sign_existing() -> int:
    """Sign the checkpoints of a ledger from before signing, once, after checking every
    hash. Refused when any checkpoint is signed already: otherwise whoever removed
    signatures could have the rest signed again after rewriting them."""
    key = ledger_key.load()
    with transaction.atomic():
        if CheckpointSignature.objects.exists():
            raise BadExport("this ledger's checkpoints are signed already; signing again would vouch for "
                            "whatever was changed since — nothing signed")
        checked = ledger.verify(signatures=False)
        if not checked.ok:
            raise BadExport(f"the ledger is broken, nothing signed: {checked.problem}")
        signed = 0
        for cp_id, digest in LedgerCheckpoint.objects.order_by("id").values_list("id", "hash").iterator():
            CheckpointSignature.objects.create(checkpoint_id=cp_id, key_id=key.public.key_id,
                                               signature=key.sign(cp_id, digest))
            signed += 1
    return signed
