"""Sign-in, sign-up and password-reset forms are rate-limited per client address."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from market import create_app
from market.accounts.models import User
from market.extensions import db


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """The limiter is on here (the rest of the suite runs with it off)."""
    return {**app_config, "RATELIMIT_ENABLED": True}


def test_eleventh_login_attempt_within_a_minute_gets_a_429_page(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    wrong = {"login": "an@example.vn", "password": "guess"}
    for attempt in range(10):
        response = client.post("/tai-khoan/dang-nhap", data=wrong)
        assert response.status_code == 200, attempt
    response = client.post(
        "/tai-khoan/dang-nhap", data={"login": "an@example.vn", "password": "correct horse"}
    )
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Bạn đã thử quá nhiều lần. Vui lòng chờ một lát rồi thử lại." in page
    assert 'class="site-header"' in page
    assert int(response.headers["Retry-After"]) > 0
    assert client.get("/tai-khoan/ho-so").status_code == 302, "the blocked attempt signed in"


def test_rate_limited_login_answers_json_to_a_json_client(client: FlaskClient) -> None:
    for _ in range(10):
        client.post("/tai-khoan/dang-nhap", data={"login": "x@example.vn", "password": "guess"})
    response = client.post(
        "/tai-khoan/dang-nhap",
        data={"login": "x@example.vn", "password": "guess"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 429
    assert response.json["error"]["code"] == 429
    assert response.json["error"]["message"]


def test_reading_the_login_page_is_not_limited(client: FlaskClient) -> None:
    for _ in range(15):
        assert client.get("/tai-khoan/dang-nhap").status_code == 200


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/tai-khoan/dang-ky", {"name": "X", "login": "bad", "password": "p", "confirm": "p"}),
        ("/tai-khoan/quen-mat-khau", {"email": "nobody@example.vn"}),
        ("/tai-khoan/dat-lai-mat-khau/not-a-token", {"password": "x", "confirm": "x"}),
    ],
)
def test_signup_and_password_reset_are_limited_too(
    client: FlaskClient, url: str, data: dict
) -> None:
    statuses = [client.post(url, data=data).status_code for _ in range(11)]
    assert 429 not in statuses[:10]
    assert statuses[10] == 429


@pytest.mark.parametrize("trusted_proxies", [0, 1])
def test_forwarded_addresses_count_only_behind_a_trusted_proxy(
    app_config: dict, _schema: None, trusted_proxies: int
) -> None:
    application = create_app({**app_config, "TRUSTED_PROXIES": trusted_proxies})
    client = application.test_client()
    wrong = {"login": "x@example.vn", "password": "guess"}
    for _ in range(10):
        client.post("/tai-khoan/dang-nhap", data=wrong, headers={"X-Forwarded-For": "203.0.113.5"})
    other_shopper = client.post(
        "/tai-khoan/dang-nhap", data=wrong, headers={"X-Forwarded-For": "203.0.113.6"}
    )
    with application.app_context():
        db.engine.dispose()
    if trusted_proxies:
        # Behind nginx, each shopper has their own allowance.
        assert other_shopper.status_code == 200
    else:
        # Served directly, a made-up X-Forwarded-For cannot dodge the limit.
        assert other_shopper.status_code == 429
