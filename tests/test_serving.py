"""`redress serve --processes N`: several waitress workers sharing one port, watched by
a parent that replaces a worker that dies and stops them all on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from redress import serving
from tests.web.test_behind_nginx import free_port


def children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(p) for p in path.read_text().split()} if path.exists() else set()


def status_of(url: str) -> int:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        return urllib.request.build_opener(NoRedirect).open(url, timeout=10).status
    except urllib.error.HTTPError as err:
        return err.code


def wait_for(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if found := condition():
                return found
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {condition.__doc__ or condition}")


def test_two_server_processes_share_the_port_and_a_worker_that_dies_is_replaced(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDRESS_DATABASE_URL"}  # its own SQLite file
    env.update(REDRESS_DATA_DIR=str(tmp_path), REDRESS_DEBUG="0")
    server = subprocess.Popen([sys.executable, "-m", "redress.cli", "serve", "--processes", "2", "--threads", "2",
                               "--port", str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: status_of(url) == 302, seconds=120)  # the sign-in page's redirect

        def two_workers(without=0):
            found = children(server.pid)
            return found if len(found) == 2 and without not in found else None

        workers = wait_for(two_workers)
        assert all(status_of(url) == 302 for _ in range(10))

        gone = min(workers)
        os.kill(gone, signal.SIGKILL)
        now = wait_for(lambda: two_workers(without=gone))
        assert len(now - workers) == 1  # one new worker in the dead one's place
        assert all(status_of(url) == 302 for _ in range(10))

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        assert not any(Path(f"/proc/{pid}").exists() for pid in now)  # stopped, and waited for
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
    output = server.stdout.read()
    assert "2 processes" in output and f"worker {gone} ended" in output


def test_workers_that_die_as_they_start_stop_the_server_instead_of_forking_for_ever(capfd):
    def broken():
        raise RuntimeError("the database refuses the connection")

    supervisor = serving.Supervisor(broken, processes=2)
    started = time.monotonic()
    supervisor.run()  # returns once it gave up
    assert time.monotonic() - started < 30
    assert supervisor.early_deaths >= serving.GIVE_UP_AFTER and not supervisor.workers
    err = capfd.readouterr().err
    assert "the database refuses the connection" in err and "stopping" in err


def test_serve_refuses_fewer_than_one_process(capsys):
    from redress import cli

    assert cli.main(["serve", "--processes", "0"]) == 2
    assert "--processes must be 1 or more" in capsys.readouterr().err
