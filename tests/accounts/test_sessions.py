"""Other sessions of an account end when its password changes or is reset, on "sign out on all
devices" and on signing out; signing out drops the device's remember-me cookie."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import User
from tests.accounts.conftest import PASSWORD

PROFILE = "/tai-khoan/ho-so"
CHANGE = "/tai-khoan/doi-mat-khau"
EVERYWHERE = "/tai-khoan/dang-xuat-moi-thiet-bi"
NEW = "mật khẩu mới 2026"
EMAIL = "lan@example.vn"


@pytest.fixture
def account(signup: Callable, client: FlaskClient) -> str:
    """An account made through the sign-up form; the owner's own client stays signed in."""
    assert signup(EMAIL).status_code == 302
    return EMAIL


@pytest.fixture
def device(app: Flask, account: str) -> Callable[..., FlaskClient]:
    """Another phone or computer that signs in to the account through the form."""

    def sign_in(remember: bool = False, password: str = PASSWORD) -> FlaskClient:
        other = app.test_client()
        data = {"login": account, "password": password}
        if remember:
            data["remember"] = "y"
        assert other.post("/tai-khoan/dang-nhap", data=data).status_code == 302
        return other

    return sign_in


def signed_in(client: FlaskClient) -> bool:
    return client.get(PROFILE).status_code == 200


def stolen_remember_cookie(app: Flask, victim: FlaskClient) -> FlaskClient:
    """A fresh client holding only a copy of ``victim``'s remember-me cookie."""
    thief = app.test_client()
    cookie = victim.get_cookie("remember_token")
    thief.set_cookie("remember_token", cookie.value)
    return thief


def test_changing_the_password_signs_out_every_other_device(
    client: FlaskClient, device: Callable[..., FlaskClient], login: Callable
) -> None:
    phone = device()
    assert signed_in(phone)
    response = client.post(CHANGE, data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert not signed_in(phone)
    assert signed_in(client), "the device that changed it stays signed in"
    client.post("/tai-khoan/dang-xuat")
    assert login(EMAIL, NEW).status_code == 302


def test_a_wrong_current_password_changes_nothing(
    client: FlaskClient, device: Callable[..., FlaskClient]
) -> None:
    phone = device()
    page = client.post(CHANGE, data={"current": "đoán bừa 123", "password": NEW, "confirm": NEW})
    assert page.status_code == 200
    assert "Đây không phải mật khẩu hiện tại của bạn." in page.text
    assert signed_in(phone)
    assert device(password=PASSWORD)


def test_resetting_the_password_signs_out_every_device(
    app: Flask, device: Callable[..., FlaskClient]
) -> None:
    phone = device(remember=True)
    thief = stolen_remember_cookie(app, phone)
    stranger = app.test_client()
    stranger.post("/tai-khoan/quen-mat-khau", data={"login": EMAIL})
    [message] = app.extensions["mail_outbox"]
    path = urlsplit(re.search(r"https?://\S+", message.get_content()).group(0)).path
    assert stranger.post(path, data={"password": NEW, "confirm": NEW}).status_code == 302
    assert not signed_in(phone)
    assert not signed_in(thief)


def test_sign_out_on_all_devices_ends_a_stolen_remember_me_cookie(
    app: Flask, client: FlaskClient, device: Callable[..., FlaskClient]
) -> None:
    laptop = device(remember=True)
    thief = stolen_remember_cookie(app, laptop)
    assert signed_in(thief), "the copied cookie works until the owner acts"
    response = client.post(EVERYWHERE, follow_redirects=True)
    assert "Bạn đã đăng xuất trên mọi thiết bị." in response.text
    assert not signed_in(thief)
    assert not signed_in(laptop)
    assert not signed_in(client)
    assert signed_in(device()), "signing in again works"


def test_the_profile_offers_sign_out_on_all_devices(client: FlaskClient, account: str) -> None:
    page = client.get(PROFILE).text
    assert f'action="{EVERYWHERE}"' in page
    assert "Đăng xuất trên mọi thiết bị" in page
    assert f'href="{CHANGE}"' in page


def test_signing_out_drops_the_remember_me_cookie_of_that_device(
    device: Callable[..., FlaskClient],
) -> None:
    phone = device(remember=True)
    assert phone.get_cookie("remember_token") is not None
    phone.post("/tai-khoan/dang-xuat")
    assert phone.get_cookie("remember_token") is None
    assert not signed_in(phone)


def test_signing_out_ends_a_stolen_copy_of_the_session_and_of_the_remember_me_cookie(
    app: Flask, device: Callable[..., FlaskClient]
) -> None:
    phone = device(remember=True)
    session_copy = app.test_client()
    session_copy.set_cookie("session", phone.get_cookie("session").value)
    cookie_copy = stolen_remember_cookie(app, phone)
    assert signed_in(session_copy) and signed_in(cookie_copy), "copies work until the owner acts"
    page = phone.post("/tai-khoan/dang-xuat", follow_redirects=True)
    assert "Bạn đã đăng xuất, trên thiết bị này và các thiết bị khác." in page.text
    assert not signed_in(session_copy)
    assert not signed_in(cookie_copy)
    assert signed_in(device()), "signing in again works"


def test_a_cookie_from_before_session_versions_signs_nobody_in(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user()
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)  # what a session held before this change
    assert not signed_in(client)


class TestWithCsrf:
    """With CSRF protection on, as in production."""

    @pytest.fixture
    def app_config(self, app_config: dict) -> dict:
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_sign_out_everywhere_without_a_token_changes_nothing(
        self, app: Flask, make_user: Callable[..., User]
    ) -> None:
        user = make_user(email="an@example.vn")
        owner = app.test_client()
        page = owner.get("/tai-khoan/dang-nhap").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        owner.post(
            "/tai-khoan/dang-nhap",
            data={"login": user.email, "password": "correct horse", "csrf_token": token},
        )
        assert signed_in(owner)
        assert owner.post(EVERYWHERE).status_code == 400
        assert signed_in(owner)
        token = re.search(r'name="csrf_token" value="([^"]+)"', owner.get(PROFILE).text).group(1)
        assert owner.post(EVERYWHERE, data={"csrf_token": token}).status_code == 302
        assert not signed_in(owner)
