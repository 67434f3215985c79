"""Sign-in, sign-up and password-reset forms are rate-limited per client address."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from market.accounts.models import User


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
