"""Start and stop a gunicorn serving one of the two systems on a loopback port."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start(gunicorn: Path, app: str, *, port: int, workers: int, worker_class: str, threads: int,
          env: dict[str, str], cwd: Path, log: Path, probe: str) -> Server:
    """Start gunicorn and wait until `probe` (a GET path) answers."""
    args = [str(gunicorn), app, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
            "--worker-class", worker_class, "--timeout", "120", "--error-logfile", "-",
            "--log-level", "warning"]
    if worker_class == "gthread":
        args += ["--threads", str(threads)]
    # gunicorn's messages and the application's (Django logs errors to stderr) in one file
    with log.open("ab") as out:
        process = subprocess.Popen(args, cwd=cwd, env={**os.environ, **env}, stdout=out, stderr=out,
                                   start_new_session=True)
    server = Server(process, port, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn for {app} exited with {process.returncode}; see {log}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", probe)
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.3)
    server.stop()
    raise RuntimeError(f"gunicorn for {app} did not answer on port {port}; see {log}")
