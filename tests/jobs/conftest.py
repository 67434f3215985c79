"""Jobs tests run with a real queue: nothing runs until a worker (or the test) claims it."""

from collections.abc import Iterator

import pytest

from market.jobs.queue import HANDLERS


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Jobs wait in the table for a worker, as in production."""
    return {**app_config, "JOBS_EAGER": False, "JOBS_RETRY_BASE_SECONDS": 10}


@pytest.fixture
def calls() -> Iterator[list[dict]]:
    """A ``test.record`` handler that appends each payload it runs; removed afterwards."""
    seen: list[dict] = []
    HANDLERS["test.record"] = seen.append
    yield seen
    HANDLERS.pop("test.record", None)
