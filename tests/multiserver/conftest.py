"""Two app servers on one site (#13.6): PostgreSQL and Redis shared, instance folders apart.

The folder runs in the PostgreSQL run of the suite (``TEST_DATABASE_URL``); `tests/conftest.py`
leaves it out of the SQLite run, where several servers are not supported. Servers A and B each
have a gunicorn and a worker; their mail goes by SMTP to a sink in the test process, which
counts what arrives. Server A runs ``crash_app`` (the production app with a kill trap).
Redis: ``MULTISERVER_REDIS_URL`` (default database 12), flushed before and after.
"""

import http.client
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import pytest
import redis
import sqlalchemy as sa
from flask import Flask

from tests.multiserver.smtp_sink import SmtpSink
from tests.servers import (
    free_port,
    kill_hard,
    site_environment,
    start_gunicorn,
    start_worker,
    stop,
    wait_until_healthy,
)

REDIS_URL = os.environ.get("MULTISERVER_REDIS_URL", "redis://127.0.0.1:6379/12")
LOGIN_LIMIT = 6
# Short leases so a killed worker's job is taken over within seconds; the heartbeat renews them.
LEASE_SECONDS = 4
# What every connection to the test database is doing (a worker waiting on a lock shows here).
ACTIVITY = sa.text(
    "SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS in_transaction, "
    "left(query, 160) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
)


class Browser:
    """A client of one server that keeps its cookies (Secure ones too: the test speaks HTTP)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: dict | None = None, remember: bool = True
    ) -> tuple[int, str]:
        """Send one request; return the status and the body.

        ``remember=False`` ignores the cookies the answer sets (a flash message each time would
        otherwise grow the session cookie past what a browser keeps).
        """
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "https://127.0.0.1/"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            if remember:
                for header in response.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    self.cookies[name] = rest.split(";", 1)[0]
            return response.status, response.read().decode()
        finally:
            connection.close()

    def csrf_token(self, path: str) -> str:
        """The CSRF token of the form on ``path``."""
        status, page = self.request("GET", path)
        assert status == 200, page
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert found, page
        return found.group(1)

    def sign_in(self, login: str, password: str) -> int:
        """Post the sign-in form; return the status."""
        token = self.csrf_token("/tai-khoan/dang-nhap")
        status, _ = self.request(
            "POST",
            "/tai-khoan/dang-nhap",
            {"csrf_token": token, "login": login, "password": password},
        )
        return status


@dataclass
class Worker:
    """One ``flask worker`` process of a server, restartable with the same environment."""

    environment: dict[str, str]
    log: Path
    process: subprocess.Popen = field(init=False)
    offset: int = 0  # where the current test's part of the log begins

    def start(self) -> None:
        """Start (or start again after a kill) the worker process."""
        self.process = start_worker(self.environment, self.log)

    def mark(self) -> None:
        """Read the log only from here on (job ids start again at 1 in every test)."""
        self.offset = self.log.stat().st_size

    def describe(self, lines: int = 40) -> str:
        """Whether the process lives, and the end of its log (printed when a test fails)."""
        code = self.process.poll()
        state = "running" if code is None else f"exited with {code}"
        with self.log.open("rb") as log:
            tail = log.read().decode(errors="replace").splitlines()[-lines:]
        return "\n".join([f"worker pid {self.process.pid}: {state}", *tail])

    def logged(self, text: str) -> bool:
        """Whether this worker's log, since the mark, has a line containing ``text``."""
        with self.log.open("rb") as log:
            log.seek(self.offset)
            return any(line.endswith(text) for line in log.read().decode().splitlines())


@dataclass
class Site:
    """Servers A and B, their workers, the mail sink and A's kill trap."""

    workers: list[Worker]
    sink: SmtpSink
    trap: Path
    gunicorns: list[tuple[subprocess.Popen, int, Path]]

    def browsers(self) -> tuple[Browser, Browser]:
        """New clients (no cookies yet) of servers A and B."""
        return Browser(self.gunicorns[0][1]), Browser(self.gunicorns[1][1])

    def kill_after_commit(self, path: str) -> None:
        """Make server A's next request to ``path`` die right after its first commit."""
        self.trap.write_text(path)

    def wait_until_healthy(self) -> None:
        """Wait until both servers answer (gunicorn replaces a killed worker process)."""
        for process, port, log in self.gunicorns:
            wait_until_healthy(process, port, log, seconds=60)

    def kill_worker(self, worker: Worker) -> None:
        """``kill -9`` one worker process."""
        kill_hard(worker.process)


@pytest.fixture(scope="module")
def shared_redis() -> Iterator[redis.Redis]:
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture
def _workers_stopped(site: Site) -> None:
    """Stop both workers (each ends its current job first) before the tables are emptied."""
    for worker in site.workers:
        stop(worker.process)


@pytest.fixture
def app(_workers_stopped: None, app: Flask, site: Site) -> Flask:
    """The suite's app on emptied tables, with both workers started again afterwards.

    A worker running while a test empties the tables and restarts their id sequences would
    keep a row the emptying did not see (a scheduled job recorded meanwhile) and the next
    insert would take its id again.
    """
    for worker in site.workers:
        worker.start()
    return app


@pytest.fixture(autouse=True)
def _workers_described_after_each_test(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print the workers' state and logs after a test (pytest shows it when the test failed)."""
    yield
    if "site" not in request.fixturenames:
        return
    for worker in request.getfixturevalue("site").workers:
        print(worker.describe())
    engine = sa.create_engine(request.getfixturevalue("database_url"))
    try:
        with engine.connect() as connection:
            for row in connection.execute(ACTIVITY):
                print(" | ".join(str(value) for value in row))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def site(
    _schema: None,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    shared_redis: redis.Redis,
) -> Iterator[Site]:
    """Servers A and B: one gunicorn and one worker each, instance folders of their own.

    Module scope: a worker left running would claim the jobs of the tests that follow (a
    "package" fixture in a folder without ``__init__.py`` would live until the session ends).
    """
    tmp_path = tmp_path_factory.mktemp("servers")
    sink = SmtpSink().start()
    trap = tmp_path / "crash-after-commit"
    gunicorns: list[tuple[subprocess.Popen, int, Path]] = []
    workers: list[Worker] = []
    try:
        for name in ("a", "b"):
            instance = tmp_path / name
            instance.mkdir()
            environment = site_environment(
                instance,
                database_url,
                REDIS_URL=REDIS_URL,
                SEARCH_BACKEND="postgres",
                LOGIN_RATE_LIMIT=f"{LOGIN_LIMIT} per minute",
                MAIL_BACKEND="smtp",
                MAIL_SERVER="127.0.0.1",
                MAIL_PORT=str(sink.port),
                MAIL_USE_TLS="0",
                JOBS_LEASE_SECONDS=str(LEASE_SECONDS),
                JOBS_POLL_SECONDS="0.1",
                CRASH_TRAP_FILE=str(trap),
            )
            port, log = free_port(), instance / "gunicorn.log"
            app = "tests.multiserver.crash_app:app" if name == "a" else "market.wsgi:app"
            gunicorns.append((start_gunicorn(environment, port, log, app), port, log))
            worker = Worker({**environment, "LOG_LEVEL": "info"}, instance / "worker.log")
            worker.start()
            workers.append(worker)
        built = Site(workers, sink, trap, gunicorns)
        built.wait_until_healthy()
        yield built
    finally:
        for process, _, _ in gunicorns:
            stop(process)
        for worker in workers:
            stop(worker.process)
        sink.close()
