"""Password reset by a signed link that expires and works only once."""

import re
from collections.abc import Callable
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous.timed import TimestampSigner

from market.accounts.models import User

REQUEST = "/tai-khoan/quen-mat-khau"
INVALID = "Đường dẫn đặt lại không hợp lệ, đã dùng hoặc đã hết hạn. Hãy yêu cầu đường dẫn mới."
NEW = {"password": "mật khẩu mới 2025", "confirm": "mật khẩu mới 2025"}


def outbox(app: Flask) -> list[EmailMessage]:
    """Mail captured by the memory backend."""
    return app.extensions.setdefault("mail_outbox", [])


def reset_path(app: Flask, client: FlaskClient, email: str) -> str:
    """Ask for a reset link for ``email`` and return its path."""
    client.post(REQUEST, data={"login": email})
    [message] = outbox(app)
    link = re.search(r"https?://\S+", message.get_content())
    assert link is not None
    return urlsplit(link.group(0)).path


def can_sign_in(client: FlaskClient, login: str, password: str) -> bool:
    response = client.post("/tai-khoan/dang-nhap", data={"login": login, "password": password})
    signed_in = response.status_code == 302
    client.post("/tai-khoan/dang-xuat")
    return signed_in


def test_reset_request_mails_a_link_to_the_account_address(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    response = client.post(REQUEST, data={"login": " AN@example.vn "}, follow_redirects=True)
    assert "Nếu địa chỉ này có tài khoản" in response.get_data(as_text=True)
    [message] = outbox(app)
    assert message["To"] == "an@example.vn"
    assert "/tai-khoan/dat-lai-mat-khau/" in message.get_content()


def test_reset_request_for_an_unknown_address_sends_nothing_and_says_the_same(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn", active=False)
    for email in ("nobody@example.vn", "an@example.vn"):
        response = client.post(REQUEST, data={"login": email}, follow_redirects=True)
        assert "Nếu địa chỉ này có tài khoản" in response.get_data(as_text=True)
    assert outbox(app) == []


def test_reset_request_with_a_malformed_address_explains(client: FlaskClient) -> None:
    response = client.post(REQUEST, data={"login": "not an address"})
    assert response.status_code == 200
    assert "Nhập địa chỉ email hoặc số di động." in response.get_data(as_text=True)


def test_reset_link_sets_a_new_password_once(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    path = reset_path(app, client, "an@example.vn")
    assert client.get(path).status_code == 200
    response = client.post(path, data=NEW, follow_redirects=True)
    assert "Mật khẩu đã được đổi. Hãy đăng nhập bằng mật khẩu mới." in response.get_data(
        as_text=True
    )
    assert can_sign_in(client, "an@example.vn", NEW["password"])
    assert not can_sign_in(client, "an@example.vn", "correct horse")

    again = client.get(path, follow_redirects=True)
    assert INVALID in again.get_data(as_text=True)
    client.post(path, data={"password": "third password", "confirm": "third password"})
    assert can_sign_in(client, "an@example.vn", NEW["password"])


def test_reset_form_rejects_a_short_or_mismatched_password_and_keeps_the_old_one(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    path = reset_path(app, client, "an@example.vn")
    response = client.post(path, data={"password": "short", "confirm": "short"})
    assert "Dùng ít nhất 8 ký tự." in response.get_data(as_text=True)
    client.post(path, data={"password": "long enough 1", "confirm": "long enough 2"})
    assert can_sign_in(client, "an@example.vn", "correct horse")
    assert client.get(path).status_code == 200, "a refused attempt must not spend the link"


@pytest.mark.parametrize(("age", "works"), [(3599, True), (3601, False)])
def test_reset_link_expires_after_an_hour(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    monkeypatch: pytest.MonkeyPatch,
    age: int,
    works: bool,
) -> None:
    make_user(email="an@example.vn")
    path = reset_path(app, client, "an@example.vn")
    issued = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + age)
    client.post(path, data=NEW)
    assert can_sign_in(client, "an@example.vn", NEW["password"]) is works
    assert can_sign_in(client, "an@example.vn", "correct horse") is not works


def test_expiry_follows_the_configured_maximum_age(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], monkeypatch: pytest.MonkeyPatch
) -> None:
    app.config["PASSWORD_RESET_MAX_AGE"] = 600
    make_user(email="an@example.vn")
    path = reset_path(app, client, "an@example.vn")
    issued = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: issued(self) + 601)
    assert INVALID in client.get(path, follow_redirects=True).get_data(as_text=True)


@pytest.mark.parametrize("mangle", [lambda t: t[:-2] + "xx", lambda t: "x" + t, lambda t: "abc"])
def test_a_tampered_reset_link_is_refused(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    mangle: Callable[[str], str],
) -> None:
    make_user(email="an@example.vn")
    path = reset_path(app, client, "an@example.vn")
    prefix, token = path.rsplit("/", 1)
    response = client.post(f"{prefix}/{mangle(token)}", data=NEW, follow_redirects=True)
    assert INVALID in response.get_data(as_text=True)
    assert can_sign_in(client, "an@example.vn", "correct horse")


def test_a_link_for_one_account_cannot_reset_another(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    make_user(email="binh@example.vn")
    path = reset_path(app, client, "an@example.vn")
    client.post(path, data=NEW)
    assert can_sign_in(client, "binh@example.vn", "correct horse")
    assert can_sign_in(client, "an@example.vn", NEW["password"])


def test_a_link_made_with_another_secret_key_is_refused(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    path = reset_path(app, client, "an@example.vn")
    app.config["SECRET_KEY"] = "a different key"
    assert INVALID in client.get(path, follow_redirects=True).get_data(as_text=True)
