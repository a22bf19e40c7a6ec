"""pytest-django's live server on the in-memory SQLite test database. Its request threads
open their own connections to that database, and an in-memory database shared between
connections locks whole tables and does not wait for them: a request that saved its
session while the test recorded a call (tests/browser/test_complaint_forms.py does
exactly that, with the phrase check's request still in flight) failed with "database
table is locked" or "cannot start a transaction within a transaction", a 400 on the
page, a test that failed one run in a few hundred under load.

On SQLite the live server's requests and the test's thread take turns: a request holds
one lock for as long as the application handles it, and the test thread takes the same
lock for each atomic block and each query. PostgreSQL gives every thread a connection
that waits for another's locks, and nothing changes there."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection, transaction

# One lock for the session's live server; reentrant, as a request's atomic blocks and
# queries take it again.
TURN = threading.RLock()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server; on SQLite it handles one request at a time, holding
    TURN."""
    if connection.vendor == "sqlite":
        httpd = live_server.thread.httpd
        application = httpd.get_app()

        def one_request_at_a_time(environ, start_response):
            with TURN:
                return application(environ, start_response)

        httpd.set_app(one_request_at_a_time)
    return live_server


@pytest.fixture(autouse=True)
def _test_takes_turns_with_the_live_server(request):
    """While a test that uses the live server runs (and while its tables are flushed
    after), its atomic blocks and queries take TURN. Only then: threads of other tests
    that wait for each other inside a transaction would deadlock on it."""
    if "live_server" not in request.fixturenames or connection.vendor != "sqlite":
        yield
        return
    with _atomic_blocks_and_queries_take(TURN):
        yield


@contextmanager
def _atomic_blocks_and_queries_take(turn: threading.RLock) -> Iterator[None]:
    enter, leave = transaction.Atomic.__enter__, transaction.Atomic.__exit__

    def __enter__(self):
        turn.acquire()
        try:
            return enter(self)
        except BaseException:
            turn.release()
            raise

    def __exit__(self, *exc):
        try:
            return leave(self, *exc)
        finally:
            turn.release()

    def query(execute, sql, params, many, context):
        with turn:
            return execute(sql, params, many, context)

    transaction.Atomic.__enter__, transaction.Atomic.__exit__ = __enter__, __exit__
    try:
        with connection.execute_wrapper(query):
            yield
    finally:
        transaction.Atomic.__enter__, transaction.Atomic.__exit__ = enter, leave
