"""Real server processes for tests: gunicorn with the repository's config, on loopback ports."""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
PR_SET_PDEATHSIG = 1
# Looked up here, not in the child between fork and exec, where loading a library could hang.
_prctl = ctypes.CDLL(None, use_errno=True).prctl


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def site_environment(instance: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a production server whose instance folder is ``instance``."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("CHOQUE_", "FLASK_", "GUNICORN_", "TEST_"))
    }
    environment.update(
        CHOQUE_ENV="production",
        SECRET_KEY="test-servers-" + "x" * 40,
        PUBLIC_BASE_URL="http://127.0.0.1",
        TRUSTED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        INSTANCE_PATH=str(instance),
        MEDIA_ROOT=str(instance / "media"),
        LOG_LEVEL="warning",
        PYTHONUNBUFFERED="1",
    )
    environment.update(extra)
    return environment


def die_with_parent() -> None:
    """In a child, before it runs: be killed when the test process dies, however it dies.

    A server or worker that outlived a killed test run would go on claiming jobs and holding
    locks in the next run's database (Linux's ``PR_SET_PDEATHSIG``; the signal comes when the
    thread that started the child ends, so start them from the main thread, as fixtures do).
    """
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def start_gunicorn(
    environment: Mapping[str, str], port: int, log: Path, app: str = "market.wsgi:app"
) -> subprocess.Popen:
    """gunicorn as deploy/ runs it (its config file), bound to ``port``, in a session of its own."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                str(GUNICORN_CONFIG),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                app,
            ],
            cwd=ROOT,
            env=dict(environment),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )


def start_worker(environment: Mapping[str, str], log: Path) -> subprocess.Popen:
    """``flask --app market worker`` as deploy/ runs it, in a session of its own."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [str(Path(sys.executable).parent / "flask"), "--app", "market", "worker"],
            cwd=ROOT,
            env=dict(environment),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )


def wait_until_healthy(
    process: subprocess.Popen, port: int, log: Path, seconds: float = 30
) -> None:
    """Wait for ``GET /healthz`` to answer 200; fail with the server's log if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise AssertionError(f"gunicorn never answered /healthz:\n{log.read_text()}")


def kill_hard(process: subprocess.Popen, whole_group: bool = False) -> None:
    """SIGKILL the process (and, like systemd's cgroup clean-up, its children) and reap it."""
    if whole_group:
        os.killpg(process.pid, signal.SIGKILL)
    else:
        process.kill()
    process.wait(timeout=10)


def stop(process: subprocess.Popen) -> None:
    """End a process group started here, gently first."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
    elif not Path(f"/proc/{process.pid}").exists():
        # Orphaned workers of a killed master keep its group. Once they are gone too, the number
        # may already lead another test run's process group: never signal a living leader's.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def wait_for(check: Callable[[], object], seconds: float = 90, what: str = "") -> None:
    """Poll ``check`` until it is true; fail after ``seconds`` (a hang, not a speed test)."""
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what or check}"
        time.sleep(0.05)
