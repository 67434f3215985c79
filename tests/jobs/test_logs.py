"""One log line per request with its id (the caller's X-Request-ID or a new one) and the user."""

import logging
from collections.abc import Callable, Iterator

import pytest
from flask.testing import FlaskClient

from market.accounts.models import Role, User
from market.logs import ContextFilter


@pytest.fixture
def caplog(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Captured records carry their context, added as the stdout handler adds it."""
    context = ContextFilter()
    caplog.handler.addFilter(context)
    yield caplog
    caplog.handler.removeFilter(context)


def _request_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        record.context + record.getMessage()
        for record in caplog.records
        if record.name == "market.requests"
    ]


def test_a_request_is_logged_once_with_the_incoming_request_id_and_the_user(
    client: FlaskClient, login_as: Callable[..., User], caplog: pytest.LogCaptureFixture
) -> None:
    user = login_as(Role.SHOPPER)
    with caplog.at_level(logging.INFO, logger="market.requests"):
        response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    [line] = _request_lines(caplog)
    assert line.startswith(f"[rid=abc-123 user={user.id}] GET /healthz 200 ")


def test_a_request_without_an_id_or_with_a_hostile_one_gets_a_new_id(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="market.requests"):
        plain = client.get("/healthz")
        hostile = client.get("/healthz", headers={"X-Request-ID": "<script> " + "a" * 80})
    ids = [plain.headers["X-Request-ID"], hostile.headers["X-Request-ID"]]
    assert all(len(rid) == 32 and rid.isalnum() for rid in ids) and ids[0] != ids[1]
    assert [line.split("]")[0] for line in _request_lines(caplog)] == [f"[rid={i}" for i in ids]
