"""The application shell: health, errors, security headers, language."""

import hashlib
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market import create_app
from market.config import ConfigurationError


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


@pytest.mark.own_app
def test_unexpected_error_is_a_friendly_500(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Hệ thống gặp sự cố" in response.get_data(as_text=True)
    assert "kaboom" not in response.get_data(as_text=True)


def test_english_is_the_same_page_under_en_and_the_switch_is_a_link(client: FlaskClient) -> None:
    vietnamese = client.get("/san-pham?sort=price_asc").text
    assert "Tất cả sản phẩm" in vietnamese
    assert '<a href="/en/san-pham?sort=price_asc" hreflang="en" lang="en">English</a>' in vietnamese
    english = client.get("/en/san-pham?sort=price_asc")
    assert english.status_code == 200
    assert "All products" in english.text
    assert '<a href="/san-pham?sort=price_asc" hreflang="vi" lang="vi">' in english.text
    assert 'href="/en/nha-san-xuat"' in english.text, "links stay in English"
    assert "Set-Cookie" not in english.headers
    assert "Tất cả sản phẩm" in client.get("/").text, "nothing remembered: the URL decides"


def test_every_page_names_its_language_and_its_alternates(client: FlaskClient) -> None:
    for path, language in (("/san-pham?q=ch%C3%A8", "vi"), ("/en/san-pham?q=ch%C3%A8", "en")):
        page = client.get(path).text
        assert f'<html lang="{language}">' in page
        assert (
            '<link rel="alternate" hreflang="vi" href="http://localhost/san-pham?q=ch%C3%A8">'
            in page
        )
        assert (
            '<link rel="alternate" hreflang="en" href="http://localhost/en/san-pham?q=ch%C3%A8">'
            in page
        )
        assert (
            '<link rel="alternate" hreflang="x-default" href="http://localhost/san-pham?q=ch%C3%A8">'
            in page
        )


def test_files_keep_one_url_in_every_language(client: FlaskClient) -> None:
    english = client.get("/en/").text
    assert 'href="/static/css/site.css?v=' in english
    assert "/en/static" not in english


def test_the_english_root_has_one_address_and_other_prefixes_are_not_languages(
    client: FlaskClient,
) -> None:
    response = client.get("/en?x=1")
    assert response.status_code == 301
    assert response.headers["Location"] == "/en/?x=1"
    assert client.get("/fr/san-pham").status_code == 404
    assert client.get("/english").status_code == 404


def test_secret_key_is_required_outside_development(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHOQUE_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
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


def test_static_links_carry_a_hash_of_the_file_so_they_can_be_cached_for_a_year(
    client: FlaskClient, app: Flask
) -> None:
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'href="(/static/css/site\.css\?v=([0-9a-f]+))"', page)
    assert link is not None
    content = (Path(app.static_folder) / "css" / "site.css").read_bytes()
    assert link.group(2) == hashlib.sha256(content).hexdigest()[:12]
    with client.get(link.group(1)) as response:
        assert response.status_code == 200


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"MEDIA_STORAGE": "s3"}, "MEDIA_STORAGE=s3 needs MEDIA_S3_BUCKET and MEDIA_BASE_URL."),
        ({"MEDIA_STORAGE": "ftp"}, "MEDIA_STORAGE must be 'local' or 's3', not 'ftp'."),
    ],
)
def test_an_incomplete_media_storage_setting_stops_the_app_with_one_clear_line(
    app_config: dict, settings: dict, message: str
) -> None:
    with pytest.raises(RuntimeError) as refused:
        create_app({**app_config, **settings})
    assert str(refused.value) == message


def test_the_sign_in_link_on_the_home_page_comes_back_to_the_bare_home_page(
    client: FlaskClient,
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/tai-khoan/dang-nhap?next=/"' in page  # not "?next=/?"
