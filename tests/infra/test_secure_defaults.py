"""Production is the default of every entry point; development only where a developer asks.

The servers and commands are started as an operator would start them (gunicorn, ``flask``, the
wsgi module) in a subprocess, with the environment of a fresh shell: no CHOQUE_ENV, no SECRET_KEY.
"""

import json
import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from market import create_app
from market.accounts.models import User
from market.config import ROOT, ConfigurationError
from market.extensions import db

SETTINGS = ("CHOQUE_ENV", "SECRET_KEY", "PUBLIC_BASE_URL", "TRUSTED_HOSTS", "TRUSTED_PROXIES")
NO_KEY = "SECRET_KEY is not set"


def bare_environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a shell in which the operator set only ``settings``."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS and not k.startswith("FLASK")}
    env.update(
        INSTANCE_PATH=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        PYTHONPATH=str(ROOT),
        **settings,
    )
    return env


def run(
    command: list[str], env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize(
    "options",
    [[], ["--preload", "--workers", "2"]],
    ids=["as-in-the-attack", "as-documented"],
)
def test_gunicorn_without_a_secret_key_stops_with_one_clear_line(
    tmp_path: Path, options: list[str]
) -> None:
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{free_port()}", *options]
    server = subprocess.Popen(
        [*command, "--no-control-socket", "market.wsgi:app"],
        env=bare_environment(tmp_path),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _, errors = server.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        server.terminate()
        server.communicate(timeout=30)
        pytest.fail("gunicorn started serving without SECRET_KEY")
    # gunicorn's "App failed to load": the master stops too, rather than restarting workers.
    assert server.returncode == 4, errors
    assert errors.count(f"Chợ Quê cannot start: {NO_KEY}") == 1
    assert "Traceback" not in errors


def test_flask_commands_without_a_secret_key_stop_with_one_clear_line(tmp_path: Path) -> None:
    result = run(
        [sys.executable, "-m", "flask", "--app", "market", "routes"], bare_environment(tmp_path)
    )
    assert result.returncode == 1
    assert result.stderr.startswith(f"Error: {NO_KEY}")
    assert "Traceback" not in result.stderr
    assert "CHOQUE_ENV=development" in result.stderr  # what a developer does instead


def test_the_wsgi_app_runs_production_settings_unless_told_otherwise(tmp_path: Path) -> None:
    probe = (
        "import json; from market.wsgi import app; c = app.config; print(json.dumps({"
        "'env': c['ENV_NAME'], 'secure': c['SESSION_COOKIE_SECURE'], "
        "'account': c['COLLECTION_ACCOUNT'], 'hosts': c['TRUSTED_HOSTS']}))"
    )
    env = bare_environment(tmp_path, SECRET_KEY="k" * 64, PUBLIC_BASE_URL="https://choque.vn")
    result = run([sys.executable, "-c", probe], env)
    assert result.returncode == 0, result.stderr
    # Logs go to stdout too (the start-up warning about TRUSTED_PROXIES): the probe prints last.
    assert json.loads(result.stdout.splitlines()[-1]) == {
        "env": "production",
        "secure": True,
        "account": "",  # never the demo collection account
        "hosts": ["choque.vn"],
    }


def test_demo_load_refuses_on_a_server_that_did_not_ask_for_development(tmp_path: Path) -> None:
    env = bare_environment(tmp_path, SECRET_KEY="k" * 64, PUBLIC_BASE_URL="https://choque.vn")
    result = run([sys.executable, "-m", "flask", "--app", "market", "demo", "load"], env)
    assert result.returncode == 1
    assert "--allow-production" in result.stderr
    assert "Traceback" not in result.stderr


def test_development_is_chosen_only_by_name(
    monkeypatch: pytest.MonkeyPatch, app_config: dict
) -> None:
    settings = {k: v for k, v in app_config.items() if k != "ENV_NAME"}
    monkeypatch.delenv("CHOQUE_ENV", raising=False)
    assert create_app(settings).config["SESSION_COOKIE_SECURE"] is True
    monkeypatch.setenv("CHOQUE_ENV", "development")
    assert create_app(settings).config["SESSION_COOKIE_SECURE"] is False
    monkeypatch.setenv("CHOQUE_ENV", "dev")
    with pytest.raises(ConfigurationError, match="CHOQUE_ENV is 'dev'"):
        create_app(settings)


def test_production_needs_the_public_address(
    monkeypatch: pytest.MonkeyPatch, app_config: dict
) -> None:
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    production = {**app_config, "ENV_NAME": "production"}
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL is not set"):
        create_app({**production, "PUBLIC_BASE_URL": ""})
    with pytest.raises(ConfigurationError, match="origin only"):
        create_app({**production, "PUBLIC_BASE_URL": "choque.vn/shop"})


def test_production_cookies_are_secure_and_remembered_for_thirty_days(
    app_config: dict, make_user: Callable[..., User]
) -> None:
    production = create_app({**app_config, "ENV_NAME": "production"})
    user = make_user(email="an@example.vn")
    response = production.test_client().post(
        "/tai-khoan/dang-nhap",
        data={"login": user.email, "password": "correct horse", "remember": "y"},
    )
    with production.app_context():
        db.engine.dispose()
    assert response.status_code == 302
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert "Secure" in cookies["session"] and "HttpOnly" in cookies["session"]
    assert "Secure" in cookies["remember_token"]
    expires = re.search(r"Expires=([^;]+)", cookies["remember_token"]).group(1)
    lasts = parsedate_to_datetime(expires) - datetime.now(UTC)
    assert timedelta(days=29) < lasts <= timedelta(days=30)
