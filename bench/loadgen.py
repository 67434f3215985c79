"""A small HTTP load generator for benchmarks, run in its own process.

Threads share the work of a fixed number of GET requests, each thread on its own keep-alive
``http.client`` connection (reopened when the server closes it), until the count is reached or
the time is up. Only 127.0.0.1 is ever contacted.

    python -m bench.loadgen --port 8000 --requests 400 --concurrency 2 /san-pham /

prints one JSON object: requests, errors, seconds, rps, p50_ms, p95_ms, p99_ms, max_ms.
"""

import argparse
import http.client
import itertools
import json
import math
import sys
import threading
import time
from dataclasses import asdict, dataclass

HOST = "127.0.0.1"


@dataclass(frozen=True)
class LoadResult:
    """What one load run measured; latencies are in milliseconds."""

    requests: int
    errors: int
    seconds: float
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float


def percentile(sorted_values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of already sorted values (0.0 when there are none)."""
    if not sorted_values:
        return 0.0
    rank = min(len(sorted_values), max(1, math.ceil(fraction * len(sorted_values))))
    return sorted_values[rank - 1]


def run_load(
    port: int,
    paths: list[str],
    requests: int,
    concurrency: int = 2,
    max_seconds: float = 30.0,
    timeout: float = 10.0,
) -> LoadResult:
    """GET ``paths`` in turn, ``requests`` times in all, from ``concurrency`` threads."""
    tickets = itertools.count()
    deadline = time.monotonic() + max_seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker() -> None:
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            while time.monotonic() < deadline:
                ticket = next(tickets)
                if ticket >= requests:
                    return
                path = paths[ticket % len(paths)]
                started = time.perf_counter()
                ok = _get(connection, path)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors[0] += 0 if ok else 1
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max_seconds + timeout + 5)
    seconds = time.perf_counter() - started
    ordered = sorted(latencies)
    return LoadResult(
        requests=len(ordered),
        errors=errors[0],
        seconds=round(seconds, 3),
        rps=round(len(ordered) / seconds, 1) if seconds else 0.0,
        p50_ms=round(percentile(ordered, 0.50), 2),
        p95_ms=round(percentile(ordered, 0.95), 2),
        p99_ms=round(percentile(ordered, 0.99), 2),
        max_ms=round(ordered[-1], 2) if ordered else 0.0,
    )


def _get(connection: http.client.HTTPConnection, path: str) -> bool:
    """One GET on a kept-alive connection, retried once on a fresh one if the server closed it."""
    for attempt in (1, 2):
        try:
            connection.request("GET", path, headers={"Accept-Language": "vi"})
            response = connection.getresponse()
            response.read()
            if response.will_close:
                connection.close()
            return response.status == 200
        except (http.client.HTTPException, ConnectionError, TimeoutError, OSError):
            connection.close()
            if attempt == 2:
                return False
    return False


def main(argv: list[str] | None = None) -> int:
    """Command line: run the load and print the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=30.0)
    parser.add_argument("paths", nargs="+", help="paths on 127.0.0.1, e.g. /san-pham")
    args = parser.parse_args(argv)
    if any(not path.startswith("/") for path in args.paths):
        parser.error("paths must start with / (only 127.0.0.1 is contacted)")
    result = run_load(args.port, args.paths, args.requests, args.concurrency, args.max_seconds)
    json.dump(asdict(result), sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
