"""Running one function in several threads at once, for the races that exist only on
PostgreSQL (SQLite serialises writers)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connections


def at_once(workers: int, work: Callable[[], object]) -> list[object]:
    """Start `work` in `workers` threads together; their results, or the first error
    raised in any of them (a thread cannot fail the test itself)."""
    start = threading.Barrier(workers)
    results: list[object] = []
    errors: list[BaseException] = []

    def run():
        try:
            start.wait()
            results.append(work())
        except BaseException as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results
