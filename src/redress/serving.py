"""`redress serve`: waitress, in one process or in several sharing one listening socket.

One Python process runs one thread of Python at a time, so a single waitress process
uses one core however many threads it has: the batch API (issue 13 item 10) spent about
1 ms of the server's CPU a complaint and stopped near a thousand a second while the
second core idled. With `processes` > 1 the socket is bound once, then that many workers
are forked, each a waitress server accepting from it (the kernel hands each connection to
one of them). The parent only watches: a worker that dies is replaced, and SIGTERM or
SIGINT stops them all.
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import time

# Workers that die this soon after starting, this many times in a row (a broken setting,
# a database that refuses them), stop the server instead of forking in a loop.
EARLY_DEATH_SECONDS = 10
GIVE_UP_AFTER = 5


def serve(app, *, host: str, port: int, threads: int, processes: int = 1, **options) -> None:
    from waitress import serve as waitress_serve

    if processes <= 1:
        waitress_serve(app, host=host, port=port, threads=threads, **options)
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.create_server((host, port), family=family, backlog=1024)
    listening.setblocking(False)
    _close_connections()  # a connection must not be shared by the workers: each opens its own
    Supervisor(lambda: waitress_serve(app, sockets=[listening], threads=threads, **options), processes).run()


def _close_connections() -> None:
    from django.db import connections

    connections.close_all()


class Supervisor:
    """Forks `processes` workers running `work`, replaces a worker that dies, and stops
    them all on SIGTERM or SIGINT (then returns)."""

    def __init__(self, work, processes: int):
        self.work, self.processes = work, processes
        self.workers: dict[int, float] = {}  # pid -> when it started
        self.stopping = False
        self.early_deaths = 0

    def run(self) -> None:
        previous = {sig: signal.signal(sig, self._stop) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            for _ in range(self.processes):
                self._fork()
            while self.workers:
                try:
                    pid, status = os.wait()
                except ChildProcessError:
                    break
                except InterruptedError:
                    continue
                started = self.workers.pop(pid, None)
                if self.stopping or started is None:
                    continue
                early = time.monotonic() - started < EARLY_DEATH_SECONDS
                self.early_deaths = self.early_deaths + 1 if early else 0
                print(f"redress serve: worker {pid} ended (exit {os.waitstatus_to_exitcode(status)}); "
                      "starting another", file=sys.stderr)
                if self.early_deaths >= GIVE_UP_AFTER:
                    print(f"redress serve: {self.early_deaths} workers ended within {EARLY_DEATH_SECONDS} s of "
                          "starting; stopping", file=sys.stderr)
                    self._stop(signal.SIGTERM, None)
                    continue
                self._fork()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _fork(self) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            for sig in (signal.SIGTERM, signal.SIGINT):
                signal.signal(sig, signal.SIG_DFL)
            code = 0
            try:
                self.work()
            except BaseException:  # noqa: BLE001 — reported, then the worker's exit says it failed
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                os._exit(code)
        self.workers[pid] = time.monotonic()

    def _stop(self, signum, frame) -> None:
        self.stopping = True
        for pid in list(self.workers):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                self.workers.pop(pid, None)
