"""Sign-in, sign-up and password-reset forms are rate-limited per client address."""

from collections.abc import Callable

import pytest
from flask import Flask
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
        ("/tai-khoan/quen-mat-khau", {"login": "nobody@example.vn"}),
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


def _signup_form(login: str) -> dict[str, str]:
    return {"name": "Lan", "login": login, "password": "mật khẩu tốt", "confirm": "mật khẩu tốt"}


def test_a_number_gets_three_codes_in_ten_minutes_whoever_asks(app: Flask) -> None:
    statuses = []
    for n, (url, data) in enumerate(
        [
            ("/tai-khoan/dang-ky", _signup_form("0912345678")),
            ("/tai-khoan/quen-mat-khau", {"login": "+84 912 345 678"}),
            ("/tai-khoan/dang-ky", _signup_form("0912.345.678")),
            ("/tai-khoan/quen-mat-khau", {"login": "0912345678"}),
        ]
    ):
        client = app.test_client()
        address = {"REMOTE_ADDR": f"203.0.113.{n + 1}"}
        statuses.append(client.post(url, data=data, environ_base=address).status_code)
    assert statuses == [302, 302, 302, 429]
    other = app.test_client().post("/tai-khoan/dang-ky", data=_signup_form("0987654321"))
    assert other.status_code == 302, "another number is not held up"


def test_an_address_asks_for_a_few_codes_in_ten_minutes_but_email_forms_are_not_counted(
    app: Flask, client: FlaskClient
) -> None:
    app.config["PHONE_CODE_ADDRESS_RATE_LIMIT"] = "3 per 10 minutes"
    numbers = ["0912000001", "0912000002", "0912000003", "0912000004"]
    statuses = [
        client.post("/tai-khoan/dang-ky", data=_signup_form(n)).status_code for n in numbers
    ]
    assert statuses == [302, 302, 302, 429]
    resend = client.post("/tai-khoan/ma-xac-nhan/gui-lai")
    assert resend.status_code == 429
    email = client.post("/tai-khoan/quen-mat-khau", data={"login": "lan@example.vn"})
    assert email.status_code == 302
