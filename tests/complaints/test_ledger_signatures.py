"""Issue 14 item 2: a ledger the database's owner cannot silently rewrite.

The attack, as it was run against the hash chain alone: the database superuser turns
the triggers off (session_replication_role = replica on PostgreSQL; dropping them on
SQLite), changes an event, recomputes every hash after it, the complaint's head, the
checkpoint entries and every checkpoint — and `redress verify` said intact. Checkpoints
are now signed with a key outside the database; what signatures alone cannot show
(checkpoints removed and the rest rewritten) the exported heads show.
"""

from __future__ import annotations

import json
import os
import stat
from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction

from redress.cli import _ledger_key_ready, main
from redress.complaints import ledger, ledger_export, ledger_guard, ledger_key
from redress.complaints.models import (
    CheckpointEntry,
    CheckpointSignature,
    Complaint,
    Event,
    LedgerCheckpoint,
)
from redress.complaints.timesource import frozen
from tests.conftest import at

pytestmark = pytest.mark.behind_the_services


@contextmanager
def as_database_owner():
    """The superuser's way round the append-only triggers, inside the test's transaction
    (which rolls it all back)."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET LOCAL session_replication_role = replica")
        else:
            for table in ledger_guard.TABLES:
                for op in ("update", "delete"):
                    cur.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
    yield
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = origin")


def rewrite_event(event: Event, **changes) -> None:
    """Change one event and recompute everything that depends on it, as an owner who
    knows the hashing (it is in the source) would: the rest of its chain, the complaint's
    head, the checkpoint entries and every checkpoint's hash and link."""
    complaint = event.complaint
    prev = event.prev_hash
    for ev in complaint.events.filter(seq__gte=event.seq).order_by("seq"):
        for name, value in (changes if ev.pk == event.pk else {}).items():
            setattr(ev, name, value)
        ev.prev_hash = prev
        ev.hash = ledger.event_hash(complaint_id=complaint.pk, seq=ev.seq, type_code=ev.type, at=ev.at,
                                    actor_id=ev.actor_id, actor_role=ev.actor_role, channel=ev.channel,
                                    payload=ev.payload, prev_hash=prev)
        Event.objects.filter(pk=ev.pk).update(prev_hash=ev.prev_hash, hash=ev.hash, payload=ev.payload,
                                              actor_role=ev.actor_role)
        CheckpointEntry.objects.filter(complaint_id_ref=complaint.pk, length=ev.seq).update(head=ev.hash)
        prev = ev.hash
    Complaint.objects.filter(pk=complaint.pk).update(ledger_head=prev)
    prev_cp = ledger.GENESIS
    for cp in LedgerCheckpoint.objects.order_by("id"):
        entries = cp.entries.order_by("complaint_id_ref").values_list("complaint_id_ref", "length", "head")
        digest = ledger._checkpoint_hash(prev_cp, cp.created_at, cp.max_event_id, list(entries))
        LedgerCheckpoint.objects.filter(pk=cp.pk).update(prev_hash=prev_cp, hash=digest)
        prev_cp = digest


def remove_checkpoints(from_id: int) -> None:
    CheckpointSignature.objects.filter(checkpoint_id__gte=from_id).delete()
    CheckpointEntry.objects.filter(checkpoint_id__gte=from_id).delete()
    LedgerCheckpoint.objects.filter(id__gte=from_id).delete()


def test_each_checkpoint_is_signed_with_the_key_outside_the_database(org, walk):
    walk()
    cp = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    public = ledger_key.load().public
    assert cp.signature.key_id == public.key_id
    assert public.verifies(cp.pk, cp.hash, cp.signature.signature)
    assert not public.verifies(cp.pk, "0" * 64, cp.signature.signature)


def test_the_superusers_rewrite_with_chain_and_checkpoints_recomputed_is_caught(org, walk):
    w = walk().assess()
    walk()
    first = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    w.dispatch()
    ledger.take_checkpoint(now=at(2026, 3, 2, 13))
    target = w.c.events.get(seq=2)
    with as_database_owner():
        rewrite_event(target, payload=target.payload.replace("registered", "received"), actor_role="forged")
    # The hashes alone now agree: this is what `redress verify` said before signing.
    assert ledger.verify(signatures=False).ok
    problem = ledger.verify().problem
    assert problem == (f"checkpoint {first.pk}: its signature does not match its hash — the checkpoint was "
                       "recomputed or the signature altered")
    assert main(["verify"]) == 1


def test_a_checkpoint_whose_signature_was_removed_is_caught(org, walk):
    walk()
    cp = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    with as_database_owner():
        CheckpointSignature.objects.filter(checkpoint=cp).delete()
    assert ledger.verify().problem.startswith(f"checkpoint {cp.pk}: not signed")


def test_a_checkpoint_signed_with_another_key_is_caught(org, walk, settings, tmp_path):
    walk()
    cp = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    ours = ledger_key.load().public.key_id
    settings.REDRESS_LEDGER_KEY, settings.REDRESS_LEDGER_KEY_FILE = "", tmp_path / "another.pem"
    theirs = ledger_key.ensure()[0].public.key_id
    assert ledger.verify().problem == f"checkpoint {cp.pk}: signed by key {ours}, not by this ledger's key {theirs}"


def test_no_checkpoint_is_taken_without_the_key(org, walk, settings, tmp_path):
    walk()
    settings.REDRESS_LEDGER_KEY, settings.REDRESS_LEDGER_KEY_FILE = "", tmp_path / "gone.pem"
    with pytest.raises(ledger_key.NoLedgerKey, match="gone.pem does not exist"):
        ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    assert not LedgerCheckpoint.objects.exists()
    assert main(["verify"]) == 2


def test_the_key_may_come_from_the_environment_as_a_seed(org, walk, settings, tmp_path):
    seed = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="  # 32 bytes, base64
    settings.REDRESS_LEDGER_KEY, settings.REDRESS_LEDGER_KEY_FILE = seed, tmp_path / "unused.pem"
    walk()
    ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    assert ledger.verify().ok
    assert not (tmp_path / "unused.pem").exists()
    settings.REDRESS_LEDGER_KEY = "not a key"
    with pytest.raises(ledger_key.NoLedgerKey, match="REDRESS_LEDGER_KEY: not an Ed25519 private key"):
        ledger_key.load()


def test_init_creates_the_key_file_readable_by_its_owner_only_and_says_where(settings, tmp_path, capsys):
    settings.REDRESS_LEDGER_KEY, settings.REDRESS_LEDGER_KEY_FILE = "", tmp_path / "keys" / "ledger.pem"
    _ledger_key_ready()
    path = tmp_path / "keys" / "ledger.pem"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert path.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    said = capsys.readouterr().out
    assert f"ledger signing key created: {path} (mode 0600" in said
    before = path.read_bytes()
    _ledger_key_ready()  # a second init keeps the key
    assert path.read_bytes() == before
    assert capsys.readouterr().out.startswith(f"ledger signing key: {path} (key ")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's; SQLite has none")
@pytest.mark.parametrize("table", ledger_guard.TABLES)
def test_postgresql_refuses_to_truncate_a_ledger_table(org, walk, table):
    walk()
    ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    with connection.cursor() as cur:
        # The test's own inserts leave deferred foreign-key checks pending, and PostgreSQL
        # refuses any TRUNCATE while they are; run them now so the guard is what answers.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="append-only: TRUNCATE"), transaction.atomic():
            cur.execute(f"TRUNCATE {table} CASCADE")
    assert Event.objects.exists()


# ---- the exported heads ----------------------------------------------------------


def exported(path) -> None:
    with frozen(at(2026, 3, 2, 14)):
        assert main(["checkpoint", "export", "--output", str(path)]) == 0


def test_the_export_holds_every_checkpoints_signed_head_and_the_public_key(org, walk, tmp_path):
    walk()
    first = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    walk()
    second = ledger.take_checkpoint(now=at(2026, 3, 2, 13))
    exported(tmp_path / "heads.json")
    doc = json.loads((tmp_path / "heads.json").read_text())
    public = ledger_key.PublicKey.from_text(doc["public_key"])
    assert public.key_id == doc["key_id"] == ledger_key.load().public.key_id
    assert [(h["id"], h["hash"]) for h in doc["checkpoints"]] == [(first.pk, first.hash), (second.pk, second.hash)]
    assert all(public.verifies(h["id"], h["hash"], h["signature"]) for h in doc["checkpoints"])
    assert doc["checkpoints"][1]["prev_hash"] == first.hash
    assert main(["checkpoint", "export", "--output", str(tmp_path / "heads.json")]) == 2  # never overwritten


def test_a_ledger_that_only_grew_since_the_export_passes(org, walk, tmp_path, capsys):
    walk()
    ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    exported(tmp_path / "heads.json")
    walk().assess()
    ledger.take_checkpoint(now=at(2026, 3, 3, 12))
    capsys.readouterr()
    assert main(["verify", "--against", str(tmp_path / "heads.json")]) == 0
    out = capsys.readouterr().out
    assert "its 1 checkpoints are all here unchanged; 1 taken since" in out


def test_a_ledger_rewritten_before_the_exported_head_is_caught(org, walk, tmp_path, capsys):
    """Signatures cannot show checkpoints removed: the owner rewrites an event, removes
    the checkpoints from the first that covered it and lets the next sweep sign the rest.
    The ledger then verifies on its own; the export kept outside says otherwise."""
    walk()
    first = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    w = walk()
    second = ledger.take_checkpoint(now=at(2026, 3, 2, 13))
    exported(tmp_path / "heads.json")
    target = w.c.events.get(seq=2)
    with as_database_owner():
        remove_checkpoints(second.pk)
        rewrite_event(target, actor_role="forged")
    ledger.take_checkpoint(now=at(2026, 3, 2, 15))  # the sweep, signing what it finds
    assert ledger.verify().ok
    assert LedgerCheckpoint.objects.filter(pk=first.pk, hash=first.hash).exists()
    capsys.readouterr()
    assert main(["verify", "--against", str(tmp_path / "heads.json")]) == 1
    err = capsys.readouterr().err
    assert f"checkpoint {second.pk} (exported 2026-03-02T06:00:00.000000+00:00, hash {second.hash[:16]}) " \
           "is gone from today's ledger" in err


def test_an_export_checked_against_a_checkpoint_recomputed_in_place_names_it(org, walk, tmp_path):
    w = walk()
    cp = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    exported(tmp_path / "heads.json")
    with as_database_owner():
        rewrite_event(w.c.events.get(seq=1), actor_role="forged")
    result = ledger_export.against(tmp_path / "heads.json")
    assert result.problem.startswith(f"checkpoint {cp.pk}: exported 2026-03-02T06:00:00.000000+00:00 with hash "
                                     f"{cp.hash[:16]}, today ")


def test_an_altered_export_or_another_ledgers_is_refused(org, walk, tmp_path, settings):
    walk()
    cp = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    exported(tmp_path / "heads.json")
    doc = json.loads((tmp_path / "heads.json").read_text())
    doc["checkpoints"][0]["hash"] = "f" * 64
    (tmp_path / "altered.json").write_text(json.dumps(doc))
    assert ledger_export.against(tmp_path / "altered.json").problem == (
        f"checkpoint {cp.pk} in the export: its signature does not match (the file was altered)")
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(ledger_export.BadExport, match="not a file written by `redress checkpoint export`"):
        ledger_export.against(tmp_path / "other.json")
    settings.REDRESS_LEDGER_KEY, settings.REDRESS_LEDGER_KEY_FILE = "", tmp_path / "another.pem"
    ledger_key.ensure()
    assert "it is another ledger's export, or the key was replaced" in ledger_export.against(
        tmp_path / "heads.json").problem


def test_a_ledger_from_before_signing_is_signed_once_after_its_hashes_are_checked(org, walk, capsys):
    walk()
    cp = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    with as_database_owner():
        CheckpointSignature.objects.all().delete()  # as taken before signing existed
    assert "`redress checkpoint sign-existing`, once" in ledger.verify().problem
    assert main(["checkpoint", "sign-existing"]) == 0
    assert "signed 1 checkpoints taken before signing" in capsys.readouterr().out
    assert ledger.verify().ok
    assert main(["checkpoint", "sign-existing"]) == 2  # never again: it would vouch for a rewrite
    assert "signed already" in capsys.readouterr().err
    assert CheckpointSignature.objects.get().checkpoint_id == cp.pk


def test_a_broken_ledger_from_before_signing_is_not_signed(org, walk):
    w = walk()
    ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    with as_database_owner():
        CheckpointSignature.objects.all().delete()
        Event.objects.filter(pk=w.c.events.get(seq=1).pk).update(actor_role="forged")
    with pytest.raises(ledger_export.BadExport, match="the ledger is broken, nothing signed"):
        ledger_export.sign_existing()
    assert not CheckpointSignature.objects.exists()


def test_the_sweep_without_the_key_still_sends_notifications_and_then_fails_loudly(org, walk, settings, tmp_path,
                                                                                   capsys):
    from redress.notify.models import OutboxMessage

    walk()
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
    settings.REDRESS_LEDGER_KEY, settings.REDRESS_LEDGER_KEY_FILE = "", tmp_path / "gone.pem"
    with frozen(at(2026, 3, 2, 12)):
        assert main(["sweep"]) == 2
    err = capsys.readouterr().err
    assert "NO CHECKPOINT" in err and "The ledger checkpoint was not taken: no ledger signing key" in err
    assert not LedgerCheckpoint.objects.exists()
    assert not OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).exists()
