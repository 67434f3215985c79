"""The application shell: health, errors, security headers, language."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market import create_app


def test_healthz_reports_database_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_healthz_reports_unreachable_database(app_config: dict, _schema: None) -> None:
    broken = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": "sqlite:////nonexistent/x.db"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_every_page_carries_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_unknown_page_is_a_404_in_the_site_layout(client: FlaskClient) -> None:
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Không tìm thấy trang" in page
    assert 'class="site-header"' in page


def test_errors_answer_json_when_asked(client: FlaskClient) -> None:
    response = client.get("/khong-co", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"]["code"] == 404


def test_wrong_method_is_405_with_allow_header(client: FlaskClient) -> None:
    response = client.post("/healthz")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_unexpected_error_is_a_friendly_500(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Hệ thống gặp sự cố" in response.get_data(as_text=True)
    assert "kaboom" not in response.get_data(as_text=True)


def test_language_switch_to_english_and_back(client: FlaskClient) -> None:
    assert "Tất cả sản phẩm" in client.get("/").get_data(as_text=True)
    response = client.post("/lang", data={"lang": "en", "next": "/san-pham"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/san-pham"
    assert "All products" in client.get("/").get_data(as_text=True)
    client.post("/lang", data={"lang": "vi", "next": "/"})
    assert "Tất cả sản phẩm" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_language_switch_never_redirects_off_site(client: FlaskClient, target: str) -> None:
    response = client.post("/lang", data={"lang": "en", "next": target})
    assert response.headers["Location"] == "/"


def test_language_switch_rejects_unknown_language(client: FlaskClient) -> None:
    assert client.post("/lang", data={"lang": "fr"}).status_code == 400


def test_secret_key_is_required_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOQUE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": ""})


def test_sqlite_runs_in_wal_mode_with_foreign_keys(app_config: dict, tmp_path: Path) -> None:
    from market.extensions import db

    sqlite_app = create_app(
        {**app_config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.sqlite3'}"}
    )
    with sqlite_app.app_context():
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
