"""With CSRF protection on (as in production), a POST without a valid token changes nothing."""

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role, User
from market.extensions import db

EXPIRED = "Biểu mẫu đã hết hạn. Vui lòng tải lại trang và thử lại."
SIGNUP = "/tai-khoan/dang-ky"
FORM = {"name": "Lan", "login": "lan@example.vn", "password": "good password", "confirm": ""}
FORM["confirm"] = FORM["password"]


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """CSRF is enforced here, as in production (the rest of the suite turns it off)."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url).text
    found = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found is not None, f"no CSRF token on {url}"
    return found.group(1)


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(User))


def test_signup_without_a_token_is_a_friendly_400_and_creates_nothing(
    app: Flask, client: FlaskClient
) -> None:
    response = client.post(SIGNUP, data=FORM)
    assert response.status_code == 400
    assert EXPIRED in response.get_data(as_text=True)
    assert user_count(app) == 0


def test_signup_with_a_forged_token_is_refused(app: Flask, client: FlaskClient) -> None:
    response = client.post(SIGNUP, data={**FORM, "csrf_token": "forged"})
    assert response.status_code == 400
    assert user_count(app) == 0


def test_a_token_from_another_browser_session_is_refused(app: Flask, client: FlaskClient) -> None:
    token = csrf_token(app.test_client(), SIGNUP)
    response = client.post(SIGNUP, data={**FORM, "csrf_token": token})
    assert response.status_code == 400
    assert user_count(app) == 0


def test_signup_with_the_pages_token_works(app: Flask, client: FlaskClient) -> None:
    token = csrf_token(client, SIGNUP)
    response = client.post(SIGNUP, data={**FORM, "csrf_token": token})
    assert response.status_code == 302
    assert user_count(app) == 1


def test_csrf_failure_answers_json_to_a_json_client(client: FlaskClient) -> None:
    response = client.post(SIGNUP, data=FORM, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json["error"]["message"] == EXPIRED


def test_logout_needs_the_token(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.SHOPPER)
    assert client.post("/tai-khoan/dang-xuat").status_code == 400
    assert client.get("/tai-khoan/ho-so").status_code == 200, "still signed in"
    token = csrf_token(client, "/")
    assert client.post("/tai-khoan/dang-xuat", data={"csrf_token": token}).status_code == 302
    assert client.get("/tai-khoan/ho-so").status_code == 302
