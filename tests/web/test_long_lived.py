"""A server's process freezes what its first requests loaded out of the cyclic
collector's walks (redress.web.long_lived), after a full collection, three times."""

from __future__ import annotations

import pytest
from django.core.signals import request_finished

from redress.web import long_lived


class FakeGC:
    def __init__(self):
        self.calls = []

    def collect(self):
        self.calls.append("collect")

    def freeze(self):
        self.calls.append("freeze")


@pytest.fixture
def fake_gc(monkeypatch):
    fake = FakeGC()
    monkeypatch.setattr(long_lived, "gc", fake)
    monkeypatch.setattr(long_lived, "_served", 0)
    long_lived.connect()
    assert connected()
    yield fake
    request_finished.disconnect(dispatch_uid=long_lived.__name__)


def connected() -> bool:
    return long_lived.__name__ in {key[0] for key, *_ in request_finished.receivers}


def serve(n):
    """n requests finished, as the signal tells its receiver (sent to it alone: sending
    request_finished itself would also close the test's database connection)."""
    for _ in range(n):
        if connected():
            long_lived._served_one(sender=None)


def test_a_server_freezes_after_a_full_collection_once_its_first_requests_are_served(fake_gc):
    serve(long_lived.FREEZE_AFTER[0] - 1)
    assert fake_gc.calls == []
    serve(1)
    assert fake_gc.calls == ["collect", "freeze"]  # collected first: no garbage cycle is frozen


def test_what_later_pages_load_is_frozen_too_and_then_nothing_more_is_counted(fake_gc):
    serve(long_lived.FREEZE_AFTER[-1])
    assert fake_gc.calls == ["collect", "freeze"] * len(long_lived.FREEZE_AFTER)
    serve(10_000)
    assert fake_gc.calls == ["collect", "freeze"] * len(long_lived.FREEZE_AFTER)
    assert not connected()  # no lock taken per request from then on


def test_the_tests_own_process_does_not_freeze():
    """Only redress.wsgi connects it: a test run keeps collecting as usual."""
    assert not connected()
