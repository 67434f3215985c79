"""With TRUSTED_PROXIES=0 behind a proxy every visitor shares one address and one rate limit: the
site says so at start-up in production, and once when forwarded headers arrive unheeded."""

import logging
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from market import create_app
from market.extensions import db


@pytest.fixture
def build(app_config: dict, _schema: None) -> Iterator[Callable[..., Flask]]:
    """Build an app with extra settings; its connections are closed afterwards."""
    built: list[Flask] = []

    def make(**settings: object) -> Flask:
        site = create_app({**app_config, **settings})
        built.append(site)
        return site

    yield make
    for site in built:
        with site.app_context():
            db.engine.dispose()


def proxy_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "market.security" and r.levelno == logging.WARNING
    ]


def test_production_without_trusted_proxies_warns_at_start_up(
    build: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="market.security"):
        build(ENV_NAME="production", TRUSTED_PROXIES=0)
    [warning] = proxy_warnings(caplog)
    assert "TRUSTED_PROXIES=0" in warning and "TRUSTED_PROXIES=1" in warning


def test_production_behind_a_trusted_proxy_does_not_warn(
    build: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="market.security"):
        client = build(ENV_NAME="production", TRUSTED_PROXIES=1).test_client()
        client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.5"})
    assert proxy_warnings(caplog) == []


@pytest.mark.parametrize(
    "header",
    [("X-Forwarded-For", "203.0.113.5"), ("Forwarded", "for=203.0.113.5;proto=https")],
)
def test_forwarded_headers_that_are_not_trusted_are_reported_once(
    build: Callable[..., Flask], caplog: pytest.LogCaptureFixture, header: tuple[str, str]
) -> None:
    client = build(TRUSTED_PROXIES=0).test_client()
    with caplog.at_level(logging.WARNING, logger="market.security"):
        client.get("/healthz")
        assert proxy_warnings(caplog) == [], "no forwarded header yet"
        for _ in range(3):
            client.get("/healthz", headers=[header])
    [warning] = proxy_warnings(caplog)
    assert f"came with {header[0]}" in warning
    assert "TRUSTED_PROXIES" in warning
