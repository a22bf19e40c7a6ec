"""DESIGN rule 2: every action leaves a chained event; tampering behind the
application's back is detected and named; the database refuses UPDATE and DELETE."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import DatabaseError, connection, transaction

from redress.cli import main
from redress.complaints import ledger, ledger_guard
from redress.complaints import services as svc
from redress.complaints.models import Complaint, Event
from redress.complaints.timesource import frozen
from tests.conftest import at, complaint_input

SQLITE_TRIGGERS = [f"{table}_no_{op}" for table in ledger_guard.TABLES for op in ("update", "delete")]


def _without_triggers(sql: str, params=()) -> None:
    """Tamper the way an intruder with DDL rights would: drop the guard, edit, and
    (the test transaction rolls back) leave."""
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # A superuser session can switch user triggers off without DDL (ALTER TABLE
            # would clash with the test transaction's deferred foreign-key checks).
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute(sql, params)
            cur.execute("SET LOCAL session_replication_role = origin")
        else:
            for name in SQLITE_TRIGGERS:
                cur.execute(f"DROP TRIGGER IF EXISTS {name}")  # a test may tamper twice
            cur.execute(sql, params)


def test_every_action_appends_a_chained_event(org, walk):
    w = walk().assess().dispatch()
    chain = list(w.c.events.order_by("seq"))
    assert [e.seq for e in chain] == [1, 2, 3, 4]
    assert chain[0].prev_hash == ledger.GENESIS
    assert all(b.prev_hash == a.hash for a, b in zip(chain, chain[1:], strict=False))
    assert chain[2].actor == org.office and chain[2].actor_role == "complaints_office"
    assert '"state":["registered","assessed"]' in chain[2].payload
    assert w.c.ledger_head == chain[-1].hash


def test_database_refuses_to_update_an_event(org, walk):
    walk()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.update(payload="{}")


def test_database_refuses_to_delete_an_event(org, walk):
    walk()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Event.objects.filter(seq=2).delete()


def test_verify_names_an_altered_event(org, walk):
    w = walk().assess()
    target = w.c.events.get(seq=2)
    _without_triggers("UPDATE complaints_event SET payload = %s WHERE id = %s", ['{"forged":true}', target.pk])
    result = ledger.verify()
    assert not result.ok
    assert result.problem == (f"event id {target.pk} (complaint {w.c.pk}, #2): content does not match its hash"
                              " — the event was altered")
    # What was checked before the break; and no head to publish from a broken ledger.
    assert (result.events, result.complaints, result.checkpoints, result.head) == (1, 1, 0, "")


def test_verify_names_a_deleted_event(org, walk):
    w = walk().assess()
    after = w.c.events.get(seq=3)
    _without_triggers("DELETE FROM complaints_event WHERE complaint_id = %s AND seq = 2", [w.c.pk])
    result = ledger.verify()
    assert result.problem == f"event id {after.pk} (complaint {w.c.pk}, #3): expected #2 of the chain — an event is missing"


def test_verify_detects_a_removed_last_event(org, walk):
    w = walk().assess()
    head, before = w.c.events.get(seq=3).hash, w.c.events.get(seq=2).hash
    _without_triggers("DELETE FROM complaints_event WHERE complaint_id = %s AND seq = 3", [w.c.pk])
    result = ledger.verify()
    assert result.problem == (f"complaint {w.c.pk}: its record says 3 events ending {head[:12]}, the ledger has 2 "
                              f"ending {before[:12]} — events were removed or the record was edited")


@pytest.mark.behind_the_services
@pytest.mark.parametrize("which", ["the older", "the newer"])
def test_checkpoint_exposes_a_whole_complaint_deleted(org, walk, which):
    older, newer = walk(), walk()
    gone = older if which == "the older" else newer
    with frozen(at(2026, 3, 2, 12)):
        cp = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
        assert cp.entry_count == 2
    with connection.cursor() as cur:
        # Remove every trace of one complaint, its row included.
        _without_triggers("DELETE FROM complaints_event WHERE complaint_id = %s", [gone.c.pk])
        for table in ("complaints_complaintclock", "complaints_communication", "notify_outboxmessage",
                      "portal_portalaccess"):
            cur.execute(f"DELETE FROM {table} WHERE complaint_id = %s", [gone.c.pk])
        cur.execute("DELETE FROM complaints_complaint WHERE id = %s", [gone.c.pk])
    assert Complaint.objects.count() == 1
    result = ledger.verify()
    assert result.problem == f"checkpoint {cp.pk}: complaint {gone.c.pk} event #2 is gone"


def test_intact_ledger_verifies_with_checkpoints(org, walk):
    walk().assess()
    ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    walk().assess().dispatch()
    ledger.take_checkpoint(now=at(2026, 3, 2, 13))
    result = ledger.verify()
    assert result.ok, result.problem
    assert result.events == 7 and result.checkpoints == 2 and len(result.head) == 64


def test_a_checkpoint_records_the_chains_that_moved_and_those_just_before_it(org, walk, monkeypatch):
    """The look-back (10 000 ids in production) scaled down to one event so a small ledger
    shows it: the next checkpoint re-records the chain of the event just before its start
    (a late commit is still covered) and the chains that moved, not the ones left alone;
    when nothing moved there is no checkpoint."""
    monkeypatch.setattr(ledger, "LOOKBACK_IDS", 1)
    a, untouched, b = walk(), walk(), walk()
    assert ledger.take_checkpoint(now=at(2026, 3, 2, 12)).entry_count == 3
    assert ledger.take_checkpoint(now=at(2026, 3, 2, 12, 30)) is None
    a.assess()
    second = ledger.take_checkpoint(now=at(2026, 3, 2, 13))
    assert sorted(second.entries.values_list("complaint_id_ref", "length")) == sorted([(b.c.pk, 2), (a.c.pk, 3)])
    assert untouched.c.pk not in second.entries.values_list("complaint_id_ref", flat=True)
    result = ledger.verify()  # the two checkpoints' entries for the same chains are told apart
    assert result.ok, result.problem
    assert (result.checkpoints, result.complaints, result.events) == (2, 3, 7)


@pytest.mark.behind_the_services
def test_verify_names_a_checkpoint_that_no_longer_follows_the_one_before(org, walk):
    walk()
    ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    walk()
    second = ledger.take_checkpoint(now=at(2026, 3, 2, 13))
    _without_triggers("UPDATE complaints_ledgercheckpoint SET prev_hash = %s WHERE id = %s",
                      [ledger.GENESIS, second.pk])  # as if the first were gone
    problem = ledger.verify().problem
    assert problem == f"checkpoint {second.pk}: does not follow checkpoint 1 — one was removed or inserted"


@pytest.mark.behind_the_services
def test_verify_names_a_checkpoint_whose_own_fields_were_edited(org, walk):
    """The entries still match the events; the checkpoint's recorded max id does not match its hash."""
    walk()
    cp = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    _without_triggers("UPDATE complaints_ledgercheckpoint SET max_event_id = %s WHERE id = %s",
                      [cp.max_event_id + 1, cp.pk])
    assert ledger.verify().problem == f"checkpoint {cp.pk}: its entries do not match its hash"


@pytest.mark.behind_the_services
def test_verify_names_entries_left_behind_by_a_removed_checkpoint(org, walk):
    walk()
    ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    walk(), walk()
    second = ledger.take_checkpoint(now=at(2026, 3, 2, 13))
    assert second.entries.order_by("complaint_id_ref").first().complaint_id_ref != second.pk
    _without_triggers("DELETE FROM complaints_checkpointsignature WHERE checkpoint_id = %s", [second.pk])
    _without_triggers("DELETE FROM complaints_ledgercheckpoint WHERE id = %s", [second.pk])
    problem = ledger.verify().problem
    # Leave no orphan behind: the foreign keys are checked when the test ends.
    _without_triggers("DELETE FROM complaints_checkpointentry WHERE checkpoint_id = %s", [second.pk])
    assert problem == f"checkpoint entry for checkpoint {second.pk}, which does not exist"


@pytest.mark.django_db(transaction=True)
def test_verify_runs_outside_any_transaction_as_the_command_line_runs_it():
    """`redress verify` is not inside a transaction: verify opens its own, and only on
    PostgreSQL asks for one read-only snapshot (so concurrent intake does not look like
    tampering); SQLite has no such statement."""
    assert not connection.in_atomic_block
    result = ledger.verify()
    assert result.ok and result.events == 0


@pytest.mark.behind_the_services
@pytest.mark.parametrize("which", ["the older", "the newer"])
def test_verify_names_a_complaint_whose_events_are_all_gone(org, walk, which):
    older, newer = walk(), walk()
    emptied = older if which == "the older" else newer
    _without_triggers("DELETE FROM complaints_event WHERE complaint_id = %s", [emptied.c.pk])
    assert ledger.verify().problem == f"complaint {emptied.c.pk}: its record says 2 events, the ledger has none"


@pytest.mark.behind_the_services
def test_verify_names_events_whose_complaint_record_no_longer_counts_them(org, walk):
    w = walk()
    Complaint.objects.filter(pk=w.c.pk).update(ledger_length=0)
    assert ledger.verify().problem == f"complaint {w.c.pk}: the ledger has 2 events but the complaint record is gone"


@pytest.mark.behind_the_services
def test_verify_names_a_chain_head_rewritten_in_a_checkpoint(org, walk):
    w = walk()
    cp = ledger.take_checkpoint(now=at(2026, 3, 2, 12))
    _without_triggers("UPDATE complaints_checkpointentry SET head = %s WHERE checkpoint_id = %s", ["f" * 64, cp.pk])
    assert ledger.verify().problem == f"checkpoint {cp.pk}: complaint {w.c.pk} event #2 was changed"


def test_the_canonical_payload_is_the_same_text_whatever_order_the_keys_came_in():
    """Anyone recomputing a hash from the payload's data must get the same text: sorted
    keys, no spaces, Chinese kept as written."""
    assert ledger.canonical({"reason": "客户要求", "amount": 1}) == '{"amount":1,"reason":"客户要求"}'
    assert ledger.canonical({"amount": 1, "reason": "客户要求"}) == '{"amount":1,"reason":"客户要求"}'


def test_redress_verify_exits_nonzero_naming_the_broken_event(org, walk, capsys):
    w = walk()
    assert main(["verify"]) == 0
    assert capsys.readouterr().out.startswith("ledger intact: 2 events in 1 complaints, 0 signed checkpoints; head ")
    target = w.c.events.get(seq=2)
    _without_triggers("UPDATE complaints_event SET actor_role = 'forged' WHERE id = %s", [target.pk])
    assert main(["verify"]) == 1
    assert capsys.readouterr().err.startswith(f"LEDGER BROKEN after 1 good events: event id {target.pk} ")


@pytest.mark.parametrize("micro", [0, 1, 999_999])
def test_database_renders_event_time_exactly_as_the_hash_does(org, micro):
    # verify() reads Event.at as text rendered by the database; any difference from the
    # Python rendering used when hashing would make an intact ledger look altered.
    when = at(2026, 3, 2, 10).replace(microsecond=micro)
    with frozen(when):
        svc.complaint_receive(actor=org.intake, data=complaint_input(), register=True)
    text = Event.objects.annotate(t=ledger._at_as_text()).values_list("t", flat=True).first()
    assert text == ledger._ts(when)
    assert ledger.verify().ok


def test_an_event_hash_covers_the_previous_event_hash(org, walk):
    # An intruder who knows the hash rule rewrites a middle event, gives it a valid hash
    # of its own and repoints the next event's link at it. The next event's hash covers
    # its link, so the rewrite still shows there.
    w = walk().assess().dispatch()
    middle, after = w.c.events.get(seq=2), w.c.events.get(seq=3)
    forged_payload = '{"forged":true}'
    forged_hash = ledger.event_hash(complaint_id=w.c.pk, seq=2, type_code=middle.type, at=middle.at,
                                    actor_id=middle.actor_id, actor_role=middle.actor_role,
                                    channel=middle.channel, payload=forged_payload, prev_hash=middle.prev_hash)
    _without_triggers("UPDATE complaints_event SET payload = %s, hash = %s WHERE id = %s",
                      [forged_payload, forged_hash, middle.pk])
    _without_triggers("UPDATE complaints_event SET prev_hash = %s WHERE id = %s", [forged_hash, after.pk])
    result = ledger.verify()
    assert not result.ok
    assert f"event id {after.pk}" in result.problem and "altered" in result.problem


def test_verify_names_a_broken_link(org, walk):
    w = walk().assess()
    target = w.c.events.get(seq=3)
    _without_triggers("UPDATE complaints_event SET prev_hash = %s WHERE id = %s", ["f" * 64, target.pk])
    result = ledger.verify()
    assert result.problem == f"event id {target.pk} (complaint {w.c.pk}, #3): prev_hash does not match the previous event's hash"


def _documented_hash(*fields) -> str:
    """The hash rule as docs/architecture.md states it, written out again here so that an
    auditor with only the export and the documentation gets the stored hashes."""
    return hashlib.sha256("|".join(["v1", *fields]).encode()).hexdigest()


def test_an_auditor_recomputes_every_stored_hash_from_the_documented_rule(org, walk):
    w = walk().assess().dispatch()
    chain = list(w.c.events.order_by("seq"))
    assert [e.actor_id for e in chain] == [org.intake.pk, org.intake.pk, org.office.pk, org.office.pk]
    for event in chain:
        when = event.at.astimezone(UTC).isoformat(timespec="microseconds")
        assert event.hash == _documented_hash(
            str(w.c.pk), str(event.seq), str(event.type), when, str(event.actor_id), event.actor_role,
            event.channel, event.payload, event.prev_hash)


def test_an_event_nobody_did_hashes_an_empty_actor_and_its_time_in_utc():
    shanghai = ZoneInfo("Asia/Shanghai")
    digest = ledger.event_hash(complaint_id=7, seq=3, type_code=92, at=datetime(2026, 3, 2, 10, tzinfo=shanghai),
                               actor_id=None, actor_role="", channel="system", payload='{"clock":"resolution"}',
                               prev_hash="a" * 64)
    assert digest == _documented_hash("7", "3", "92", "2026-03-02T02:00:00.000000+00:00", "", "", "system",
                                      '{"clock":"resolution"}', "a" * 64)


def test_amounts_dates_and_times_in_a_payload_are_written_as_plain_text():
    shanghai = ZoneInfo("Asia/Shanghai")
    payload = {"amount": Decimal("100000.50"), "until": date(2026, 3, 30),
               "at": datetime(2026, 3, 2, 10, 0, 0, 5, tzinfo=shanghai)}
    assert ledger.canonical(payload) == (
        '{"amount":"100000.50","at":"2026-03-02T02:00:00.000005+00:00","until":"2026-03-30"}')


def test_a_payload_holding_anything_but_plain_data_is_refused_naming_its_type():
    with pytest.raises(TypeError, match=r"^ledger payloads hold plain data; got object$"):
        ledger.canonical({"who": object()})


def test_an_event_appended_on_its_own_is_written_at_once_with_no_actor_or_role(org, walk):
    """The services write a step's events together (save=False); called on its own,
    append writes the event and moves the chain's head, and an event nobody did (a
    sweep's) carries no actor and an empty role."""
    w = walk()
    complaint = Complaint.objects.get(pk=w.c.pk)
    head = complaint.ledger_head
    with transaction.atomic():
        event = ledger.append(complaint, ledger.EventType.CLOCK_BREACHED, at=at(2026, 3, 3, 9),
                              channel="system", payload={"clock": "resolution"})
        Complaint.objects.filter(pk=complaint.pk).update(ledger_length=complaint.ledger_length,
                                                         ledger_head=complaint.ledger_head)
    stored = Event.objects.get(complaint=complaint, seq=3)
    assert (stored.pk, stored.actor_id, stored.actor_role, stored.prev_hash) == (event.pk, None, "", head)
    assert complaint.ledger_head == stored.hash
    assert ledger.verify().ok
