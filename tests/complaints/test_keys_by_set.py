"""Held rows' foreign keys checked a set at a time (complaints/keys_by_set.py): on
PostgreSQL, when the role may, bulk intake copies its rows with the key triggers off and
checks the keys itself. It must refuse what the triggers refuse, lock what they lock,
and leave the triggers to a role that may not turn them off."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError, OperationalError, connection, connections, transaction

from redress.complaints import keys_by_set, rows
from redress.complaints.held_rows import holding
from redress.complaints.models import Institution, OrgUnit

pytestmark = pytest.mark.skipif("connection.vendor != 'postgresql'")  # SQLite checks keys at the outer commit


def _held_unit(code: str, **keys) -> None:
    rows.insert(rows.build(OrgUnit, code=code, name=code, kind=OrgUnit.Kind.BRANCH, **keys))


def _all_keys_now() -> None:
    """What the triggers left pending, checked now (as at commit)."""
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_benchmark_and_test_role_copies_with_the_triggers_off(db):
    with transaction.atomic(), keys_by_set.copying() as off, connection.cursor() as cur:
        cur.execute("SHOW session_replication_role")
        assert (off, cur.fetchone()[0]) == (True, "replica")
    with connection.cursor() as cur:
        cur.execute("SHOW session_replication_role")
        assert cur.fetchone()[0] == "origin"


def test_a_held_row_naming_a_row_that_does_not_exist_is_refused_at_the_flush(db):
    inst = Institution.objects.create(name="示例证券")
    with pytest.raises(IntegrityError, match=r"complaints_orgunit .*id=987654321"), transaction.atomic():
        with holding() as held:
            _held_unit("branch_a", institution_id=inst.pk, parent_id=987654321)
            held.flush()
    assert not OrgUnit.objects.filter(code="branch_a").exists()


def test_keys_to_rows_the_same_flush_copied_need_no_lock_and_pass(db):
    inst = Institution.objects.create(name="示例证券")
    with transaction.atomic(), holding() as held:
        parent = rows.build(OrgUnit, code="hq", name="hq", kind=OrgUnit.Kind.HEADQUARTERS, institution_id=inst.pk)
        rows.insert(parent)
        rows.insert(rows.build(OrgUnit, code="branch_b", name="b", kind=OrgUnit.Kind.BRANCH,
                               institution_id=inst.pk, related={"parent": parent}))
        held.flush()
        _all_keys_now()
    assert OrgUnit.objects.get(code="branch_b").parent.code == "hq"


def test_without_the_check_the_triggers_would_not_have_caught_it(db, monkeypatch):
    """The check is what guards the copied rows: with it skipped, nothing refuses a
    dangling key, not even at commit (so the check must never be skipped)."""
    inst = Institution.objects.create(name="示例证券")
    monkeypatch.setattr(keys_by_set, "check", lambda keys, own: None)
    with transaction.atomic(), holding() as held:
        _held_unit("branch_c", institution_id=inst.pk, parent_id=987654321)
        held.flush()
        _all_keys_now()  # no pending trigger: nothing raised
        transaction.set_rollback(True)


def test_a_role_that_may_not_turn_the_triggers_off_leaves_the_keys_to_them(db, monkeypatch):
    inst = Institution.objects.create(name="示例证券")
    monkeypatch.setattr(keys_by_set, "_may_turn_off", lambda: False)
    with pytest.raises(IntegrityError, match="violates foreign key constraint"), transaction.atomic():
        with holding() as held:
            _held_unit("branch_d", institution_id=inst.pk, parent_id=987654321)
            held.flush()  # copied with the triggers on: pending until commit
            _all_keys_now()


def test_no_table_has_a_trigger_on_insert_but_its_foreign_keys(db):
    """Copying with session_replication_role = replica skips every ordinary trigger on
    INSERT; today those are only the foreign keys' checks, which keys_by_set does. A
    trigger of another kind on INSERT would be skipped silently: add it here and to the
    check, or keep such a table out of held rows."""
    with connection.cursor() as cur:
        cur.execute("SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                    "WHERE (tgtype & 4) <> 0 AND (NOT tgisinternal OR tgfoid <> '\"RI_FKey_check_ins\"'::regproc) "
                    "AND tgrelid::regclass::text NOT LIKE 'pg_%'")
        assert cur.fetchall() == []


@pytest.mark.django_db(transaction=True)
def test_a_row_a_held_row_names_cannot_be_deleted_before_the_commit():
    """The trigger locks the row a key names FOR KEY SHARE; so does the set check: a
    colleague deleting that unit in the meantime waits (here: gives up after 300 ms)."""
    inst = Institution.objects.create(name="示例证券")
    parent = OrgUnit.objects.create(institution=inst, code="hq", name="hq", kind=OrgUnit.Kind.HEADQUARTERS)
    errors: list[BaseException] = []

    def colleague_deletes():
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute("SET LOCAL lock_timeout = '300ms'")
                cur.execute("DELETE FROM complaints_orgunit WHERE id = %s", [parent.pk])
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    with transaction.atomic(), holding() as held:
        _held_unit("branch_e", institution_id=inst.pk, parent_id=parent.pk)
        held.flush()
        other = threading.Thread(target=colleague_deletes)
        other.start()
        other.join()
    assert len(errors) == 1 and isinstance(errors[0], OperationalError)
    assert "lock timeout" in str(errors[0])
    assert OrgUnit.objects.get(code="branch_e").parent_id == parent.pk
