"""Reference numbers (SPEC §4): human-friendly, unique, and safe when many desks take
complaints at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from redress.complaints.references import allocate_block, ensure_years, next_reference


def test_reference_has_prefix_year_and_six_digits(db):
    assert next_reference("TS", 2026) == "TS-2026-000001"
    assert next_reference("TS", 2026) == "TS-2026-000002"


def test_each_year_starts_its_own_series(db):
    next_reference("TS", 2026)
    assert next_reference("TS", 2027) == "TS-2027-000001"


def test_each_prefix_has_its_own_series(db):
    next_reference("TS", 2026)
    assert next_reference("QH", 2026) == "QH-2026-000001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_never_share_a_reference():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race only exists on PostgreSQL")
    got: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def desk():
        try:
            start.wait()
            for _ in range(25):
                with transaction.atomic():
                    got.append(next_reference("TS", 2031))
        except BaseException as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=desk) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(got) == 200 and len(set(got)) == 200
    assert max(got) == "TS-2031-000200"


def _other_desk_allocates(year: int, got: list, errors: list) -> None:
    """Another connection, at the same moment: a block of the year's numbers, giving up
    after a lock wait of 3 s instead of waiting for the first transaction's end."""
    try:
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL lock_timeout = '3s'")
            got.extend(allocate_block("TS", year, 2))
    except BaseException as exc:  # surfaced by the test; a thread cannot fail it itself
        errors.append(exc)
    finally:
        connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_a_year_made_ready_first_lets_two_long_transactions_take_its_numbers_side_by_side():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the sequences are PostgreSQL's")
    # An import's one long transaction creating the year's sequence itself would make a
    # second import of the same year wait until it commits:
    got: list[str] = []
    errors: list[BaseException] = []
    with transaction.atomic():
        assert allocate_block("TS", 2033, 3) == ["TS-2033-000001", "TS-2033-000002", "TS-2033-000003"]
        other = threading.Thread(target=_other_desk_allocates, args=(2033, got, errors))
        other.start()
        other.join()
    assert not got and "lock timeout" in str(errors[0])

    # made ready (committed) before the transaction, it is only taken from in there:
    ensure_years("TS", [2034, 2034, 2035])
    ensure_years("TS", [2034])  # already there: nothing happens
    got, errors = [], []
    with transaction.atomic():
        assert allocate_block("TS", 2034, 3) == ["TS-2034-000001", "TS-2034-000002", "TS-2034-000003"]
        other = threading.Thread(target=_other_desk_allocates, args=(2034, got, errors))
        other.start()
        other.join()
    assert not errors and got == ["TS-2034-000004", "TS-2034-000005"]
    assert next_reference("TS", 2035) == "TS-2035-000001"


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_the_first_number_makes_the_year_as_always():
    with transaction.atomic():
        ensure_years("TS", [2036])  # nothing committed on the side of the caller's transaction
        transaction.set_rollback(True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT to_regclass('redress_ref_ts_2036') IS NOT NULL")
            assert cur.fetchone()[0] is False
    assert next_reference("TS", 2036) == "TS-2036-000001"
