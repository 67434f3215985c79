"""#11.10: the documented way to run the site starts again after the server was killed with -9."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import (
    free_port,
    kill_hard,
    site_environment,
    start_gunicorn,
    stop,
    wait_until_healthy,
)


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    """A production server on a throwaway SQLite file (health needs only the connection)."""
    return site_environment(tmp_path, f"sqlite:///{tmp_path / 'site.sqlite3'}")


@pytest.fixture
def started() -> Iterator[list]:
    processes: list = []
    yield processes
    for process in processes:
        stop(process)


@pytest.mark.parametrize("whole_group", [False, True], ids=["master-only", "master-and-workers"])
def test_gunicorn_killed_with_sigkill_starts_again_with_the_same_config(
    environment: dict[str, str], tmp_path: Path, started: list, whole_group: bool
) -> None:
    port, log = free_port(), tmp_path / "gunicorn.log"
    started.append(first := start_gunicorn(environment, port, log))
    wait_until_healthy(first, port, log)
    assert not list(tmp_path.rglob("*.pid")), "the config must not write a pid file"

    kill_hard(first, whole_group=whole_group)

    started.append(second := start_gunicorn(environment, port, log))
    wait_until_healthy(second, port, log)
    assert second.poll() is None
