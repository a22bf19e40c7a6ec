"""Idempotency-Key on create: a retry after a timeout is not a second complaint."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from redress.api import idempotency
from redress.api.models import IdempotencyRecord
from redress.complaints.models import Complaint
from tests.api.conftest import new_complaint


def test_the_same_key_and_body_returns_the_first_answer(api_as):
    api = api_as("intake")
    first = api.post("/complaints", new_complaint(), **{"Idempotency-Key": "cc-7f3a"})
    again = api.post("/complaints", new_complaint(), **{"Idempotency-Key": "cc-7f3a"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert Complaint.objects.count() == 1


def test_the_replay_is_the_original_response_even_after_the_complaint_moved_on(api_as):
    api = api_as("intake")
    first = api.post("/complaints", new_complaint(), **{"Idempotency-Key": "k1"}).json()
    api_as("office").act(first["reference"], "assess", first["version"], category="counter", severity="low")
    again = api.post("/complaints", new_complaint(), **{"Idempotency-Key": "k1"}).json()
    assert again["state"] == "registered" and again["version"] == first["version"]


def test_the_same_key_with_another_body_is_409(api_as):
    api = api_as("intake")
    api.post("/complaints", new_complaint(), **{"Idempotency-Key": "k2"})
    response = api.post("/complaints", new_complaint(subject="另一件事"), **{"Idempotency-Key": "k2"})
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused" and response.json()["field"] == "Idempotency-Key"
    assert Complaint.objects.count() == 1


def test_keys_are_per_token(issue):
    _, website = issue("intake", name="website")
    _, app = issue("intake", name="app")
    a = website.post("/complaints", new_complaint(), **{"Idempotency-Key": "same"})
    b = app.post("/complaints", new_complaint(), **{"Idempotency-Key": "same"})
    assert a.status_code == b.status_code == 201
    assert a.json()["reference"] != b.json()["reference"]


def test_a_refused_create_does_not_use_up_the_key(api_as):
    api = api_as("intake")
    bad = api.post("/complaints", new_complaint(channel="carrier_pigeon"), **{"Idempotency-Key": "k3"})
    assert bad.status_code == 422
    assert not IdempotencyRecord.objects.exists()
    good = api.post("/complaints", new_complaint(), **{"Idempotency-Key": "k3"})
    assert good.status_code == 201


def test_a_key_with_spaces_or_too_long_is_422(api_as):
    api = api_as("intake")
    assert api.post("/complaints", new_complaint(), **{"Idempotency-Key": "has space"}).json()["field"] == \
        "Idempotency-Key"
    assert api.post("/complaints", new_complaint(), **{"Idempotency-Key": "k" * 201}).status_code == 422
    assert Complaint.objects.count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_two_concurrent_requests_with_one_key_create_one_complaint(issue):
    _, api = issue("intake")
    barrier = threading.Barrier(4)
    results = []

    def send():
        try:
            barrier.wait()
            results.append(api.post("/complaints", new_complaint(), **{"Idempotency-Key": "race-1"}))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.status_code for r in results) == [200, 200, 200, 201]
    assert len({r.json()["reference"] for r in results}) == 1
    assert Complaint.objects.count() == 1


def test_the_sweep_forgets_keys_older_than_the_retention_and_keeps_the_rest(api_as, settings):
    """REDRESS_IDEMPOTENCY_DAYS (7): a retry eight days on is a new request."""
    from datetime import timedelta

    from redress.complaints.sweep import sweep
    from redress.complaints.timesource import frozen
    from redress.complaints.timesource import now as current_time

    api = api_as("intake")
    api.post("/complaints", new_complaint(), **{"Idempotency-Key": "old"})
    start = current_time()
    with frozen(start + timedelta(days=6)):
        api.post("/complaints", new_complaint(subject="六天后"), **{"Idempotency-Key": "recent"})
    with frozen(start + timedelta(days=7, hours=1)):
        assert "1 idempotency keys forgotten" in sweep()
        assert set(IdempotencyRecord.objects.values_list("key", flat=True)) == {"recent"}
        assert idempotency.purge() == 0  # what is left is within the week
        again = api.post("/complaints", new_complaint(), **{"Idempotency-Key": "old"})
    assert again.status_code == 201 and Complaint.objects.count() == 3
    settings.REDRESS_IDEMPOTENCY_DAYS = 30
    with frozen(start + timedelta(days=20)):
        assert idempotency.purge() == 0
