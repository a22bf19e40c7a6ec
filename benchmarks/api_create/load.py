"""The load: C client threads, each with its own HTTP connection, taking the next
request from a shared counter until N are sent. Latency is measured per request
from sending to the last byte of the answer.

http.client (stdlib) rather than a richer client, because the client shares the 2
cores with the server: the less CPU it takes, the less it steals from either
system. gunicorn's sync workers close the connection after each answer, so the
client reconnects as needed (http.client does this by itself)."""

from __future__ import annotations

import http.client
import json
import math
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Outcome:
    index: int
    status: int  # 0: no HTTP answer (connection error, timeout)
    seconds: float
    body: dict | None
    error: str = ""


@dataclass
class Result:
    outcomes: list[Outcome]
    wall: float
    statuses: Counter = field(default_factory=Counter)

    @property
    def accepted(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == 201]

    @property
    def rate(self) -> float:
        return len(self.accepted) / self.wall if self.wall else 0.0

    def percentile(self, q: float) -> float:
        """Nearest-rank percentile of all latencies, in milliseconds."""
        times = sorted(o.seconds for o in self.outcomes)
        if not times:
            return 0.0
        rank = min(len(times), max(1, math.ceil(q / 100 * len(times))))
        return times[rank - 1] * 1000

    @property
    def errors(self) -> dict[str, int]:
        return {str(k): v for k, v in sorted(self.statuses.items()) if k not in (200, 201)}


Request = tuple[str, dict[str, str], bytes]  # path, headers, body


def post(conn: http.client.HTTPConnection, request: Request) -> tuple[int, dict | None, str]:
    path, headers, body = request
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException) as exc:
        conn.close()
        return 0, None, type(exc).__name__
    try:
        parsed = json.loads(raw) if raw else None
    except ValueError:
        parsed = None
    return response.status, parsed, "" if response.status < 400 else raw[:300].decode(errors="replace")


def run(port: int, requests: list[Request], clients: int, timeout: float = 60.0,
        on_error: Callable[[Outcome], None] | None = None) -> Result:
    outcomes: list[Outcome | None] = [None] * len(requests)
    lock = threading.Lock()
    next_index = iter(range(len(requests)))

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        while True:
            with lock:
                i = next(next_index, None)
            if i is None:
                break
            started = time.perf_counter()
            status, body, error = post(conn, requests[i])
            outcome = Outcome(i, status, time.perf_counter() - started, body, error)
            outcomes[i] = outcome
            if status not in (200, 201) and on_error:
                on_error(outcome)
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    done = [o for o in outcomes if o is not None]
    return Result(done, wall, Counter(o.status for o in done))


def json_request(path: str, payload: dict, headers: dict[str, str]) -> Request:
    body = json.dumps(payload, ensure_ascii=False).encode()
    return path, {"Content-Type": "application/json", "Content-Length": str(len(body)), **headers}, body
