"""The benchmark harness: a fresh database, gunicorn on a free port, load from another process.

A benchmark module typically does::

    with fresh_database(args.database_url) as database:
        app = loading_app(database)
        with app.app_context():
            upgrade()                       # the real migrations, so the real indexes
            ...bulk-insert rows...
            refresh_statistics()
            db.engine.dispose()
        with gunicorn(server_environment(database), workers=2) as port:
            rows = [(label, measure(port, paths, args.requests)) for label, paths in pages]
        print_report(rows, baseline="trivial Flask route")
"""

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from bench.loadgen import HOST, LoadResult
from market import create_app
from market.extensions import db

ROOT = Path(__file__).resolve().parent.parent
APP_SPEC = "bench.trivial_app:create()"
# Production refuses requests for other hosts: the load generator addresses 127.0.0.1.
PUBLIC_BASE_URL = f"http://{HOST}"
STARTUP_SECONDS = 60


@dataclass(frozen=True)
class BenchDatabase:
    """A throwaway database and the instance folder that goes with it."""

    url: str
    instance: Path


@contextmanager
def fresh_database(database_url: str | None = None) -> Iterator[BenchDatabase]:
    """A new SQLite file in a temporary folder, or a new schema on the given PostgreSQL database.

    Nothing that exists is touched: the PostgreSQL schema ``bench_<pid>`` is created for the run
    and dropped afterwards, and the connection URL sets ``search_path`` to it.
    """
    with tempfile.TemporaryDirectory(prefix="choque-bench-") as folder:
        instance = Path(folder)
        if not database_url:
            yield BenchDatabase(f"sqlite:///{instance / 'bench.sqlite3'}", instance)
            return
        if not database_url.startswith("postgresql"):
            raise SystemExit("--database-url must be a postgresql+psycopg:// URL")
        schema = f"bench_{os.getpid()}"
        engine = sa.create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
        separator = "&" if "?" in database_url else "?"
        try:
            yield BenchDatabase(
                f"{database_url}{separator}options=-csearch_path%3D{schema}", instance
            )
        finally:
            with engine.begin() as connection:
                connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            engine.dispose()


def loading_app(database: BenchDatabase, **settings: str) -> Flask:
    """The application bound to the benchmark database, for migrating and loading rows.

    ``settings`` are extra configuration values, the same the server gets through
    ``server_environment`` (a collection account, say), so rows are made as the server sees them.
    """
    return create_app(
        {
            "SECRET_KEY": "benchmark-loader",
            "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "SQLALCHEMY_DATABASE_URI": database.url,
            "INSTANCE_PATH": str(database.instance),
            "MEDIA_ROOT": str(database.instance / "media"),
            **settings,
        }
    )


def refresh_statistics() -> None:
    """On PostgreSQL, ANALYZE after a bulk load, as autovacuum soon would on a live database.

    Without it the planner guesses one row per table and picks nested index scans that a
    running site never sees; with it the figures describe the steady state. (SQLite keeps no
    statistics unless ANALYZE is run, and a real SQLite deployment does not run it.)
    """
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()


def server_environment(database: BenchDatabase, **extra: str) -> dict[str, str]:
    """The environment gunicorn's workers build the app from: production settings."""
    env = dict(os.environ)
    env.update(
        CHOQUE_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        DATABASE_URL=database.url,
        INSTANCE_PATH=str(database.instance),
        MEDIA_ROOT=str(database.instance / "media"),
        **extra,
    )
    return env


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(env: dict[str, str], workers: int = 2, app_spec: str = APP_SPEC) -> Iterator[int]:
    """Run gunicorn with ``workers`` sync workers on a free port; yields the port."""
    port = free_port()
    log_path = Path(env["INSTANCE_PATH"]) / "gunicorn.log"
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"{HOST}:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
        app_spec,
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_until_healthy(port, process, log_path)
            yield port
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """Ask a server or worker to stop (SIGTERM); kill it if it has not within 20 s."""
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _wait_until_healthy(port: int, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log_path.read_text(errors='replace')[-3000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {STARTUP_SECONDS} s")


def measure(
    port: int,
    paths: list[str],
    requests: int,
    concurrency: int = 2,
    max_seconds: float = 30.0,
    warmup: int = 20,
) -> LoadResult:
    """Warm up, then load ``paths`` from a separate load-generator process and return figures."""
    if warmup:
        _load_process(port, paths, warmup, concurrency, max_seconds)
    return _load_process(port, paths, requests, concurrency, max_seconds)


def _load_process(
    port: int, paths: list[str], requests: int, concurrency: int, max_seconds: float
) -> LoadResult:
    command = [
        sys.executable,
        "-m",
        "bench.loadgen",
        "--port",
        str(port),
        "--requests",
        str(requests),
        "--concurrency",
        str(concurrency),
        "--max-seconds",
        str(max_seconds),
        *paths,
    ]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=max_seconds + 60, check=True
    )
    return LoadResult(**json.loads(done.stdout))


def machine_note() -> str:
    """CPUs and load average, printed with the figures: they depend on how busy the machine is."""
    one, five, fifteen = os.getloadavg()
    return f"{os.cpu_count()} CPUs, load average {one:.2f} / {five:.2f} / {fifteen:.2f}"


def print_report(rows: list[tuple[str, LoadResult]], baseline: str) -> None:
    """A table of the figures, with each page's cost as a multiple of the ``baseline`` row."""
    base = dict(rows)[baseline]
    width = max(len(label) for label, _ in rows)
    print(
        f"{'page':<{width}}  {'req/s':>7}  {'p50 ms':>7}  {'p95 ms':>7}  {'p99 ms':>7}  "
        f"{'errors':>6}  {'p50 ×':>6}  {'p95 ×':>6}  {'req/s ÷':>7}"
    )
    for label, result in rows:
        print(
            f"{label:<{width}}  {result.rps:>7.1f}  {result.p50_ms:>7.1f}  {result.p95_ms:>7.1f}  "
            f"{result.p99_ms:>7.1f}  {result.errors:>6}  "
            f"{_ratio(result.p50_ms, base.p50_ms):>6}  {_ratio(result.p95_ms, base.p95_ms):>6}  "
            f"{_ratio(base.rps, result.rps):>7}"
        )
    print(f"(× and ÷: how many times the {baseline}'s latency and throughput)")


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.1f}" if base else "-"
