"""What every browser test shares: Debian's Chromium under Playwright, and the ledger
guard lifted only for the live server's closing flush.

Playwright's sync API keeps an asyncio loop running in the test's thread while the
browser is open, and Django refuses database work in a thread with a running loop.
The tests set up cases with the services while the browser is open, so
DJANGO_ALLOW_ASYNC_UNSAFE is set for as long as the browser runs and put back after
(nothing async touches the database). Browser tests never pass by being skipped: a
missing Chromium or Playwright fails them, saying what to install.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connection

from redress.complaints import ledger_guard

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def sync_api():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Debian's Chromium is not at {CHROMIUM}: install it with `apt-get install chromium` "
                    "(the browser tests never download one).", pytrace=False)
    try:
        from playwright import sync_api as api
    except ImportError:
        pytest.fail("The playwright package is missing from the virtualenv: `pip install playwright` "
                    "(its browser download is not needed; Debian's Chromium is used).", pytrace=False)
    return api


@contextmanager
def chromium(shots: Path) -> Iterator[object]:
    """A headless Chromium for as long as the block runs; screenshots go to `shots`."""
    api = sync_api()
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    shots.mkdir(parents=True, exist_ok=True)
    try:
        with api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def put_guard_back(django_db_blocker) -> None:
    """After the last flush of a browser module or package the ledger guard goes back,
    for the tests that run after it."""
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        ledger_guard.install(cursor, connection.vendor, ledger_guard.ALL_TABLES)


@contextmanager
def guard_lifted_for_flush() -> Iterator[None]:
    """A live-server test ends by emptying every table, which the append-only ledger
    refuses (DESIGN rule 2): the guard is on while the test runs and lifted for the
    flush (pytest-django flushes after every fixture of the test has been torn down)."""
    with connection.cursor() as cursor:
        ledger_guard.install(cursor, connection.vendor, ledger_guard.ALL_TABLES)
    yield
    with connection.cursor() as cursor:
        ledger_guard.remove(cursor, connection.vendor, ledger_guard.ALL_TABLES)


def browser_fixtures(scope: str, shots: Path):
    """The three fixtures a browser module or package needs, at its own scope: the
    browser, the guard put back after its last flush, the guard lifted for each flush."""

    @pytest.fixture(scope=scope, name="browser")
    def browser_():
        with chromium(shots) as opened:
            yield opened

    @pytest.fixture(scope=scope, name="_guard_put_back")
    def guard_put_back_(django_db_blocker):
        yield
        put_guard_back(django_db_blocker)

    @pytest.fixture(name="_guard_lifted_for_flush")
    def guard_lifted_(_guard_put_back, transactional_db):
        with guard_lifted_for_flush():
            yield

    return browser_, guard_put_back_, guard_lifted_
