"""Fixtures for the demo data tests: a market loaded through the real CLI command."""

from collections.abc import Callable

import pytest
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner

TINY_PHOTOS = ["--photo-width", "64"]


@pytest.fixture
def load_demo(runner: FlaskCliRunner) -> Callable[..., Result]:
    """Run ``flask demo load`` with extra arguments; fails the test if the command fails."""

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        result = runner.invoke(args=["demo", "load", *args], env=env)
        assert result.exit_code == 0, result.output + repr(result.exception)
        return result

    return run


@pytest.fixture
def demo(app: Flask, load_demo: Callable[..., Result]) -> Flask:
    """An app whose database holds the demo market, without photos (fast)."""
    load_demo("--no-photos")
    return app
