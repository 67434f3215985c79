"""The profile: name, contact details and language, validated and kept unique."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role, User
from market.extensions import db

PROFILE = "/tai-khoan/ho-so"


def reload(app: Flask, user: User) -> User:
    with app.app_context():
        fresh = db.session.get(User, user.id)
        db.session.expunge(fresh)
        return fresh


def form(user: User, **changes: str) -> dict[str, str]:
    data = {"name": user.name, "email": user.email or "", "phone": user.phone or ""}
    data["locale"] = user.locale
    data.update(changes)
    return data


def test_profile_needs_a_signed_in_user(client: FlaskClient) -> None:
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.headers["Location"] == "/tai-khoan/dang-nhap?next=%2Ftai-khoan%2Fho-so"


def test_profile_shows_the_current_details(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.SHOPPER, name="Lý Văn Sáng", email="sang@example.vn", phone="0987654321")
    page = client.get(PROFILE).get_data(as_text=True)
    assert 'value="Lý Văn Sáng"' in page
    assert 'value="sang@example.vn"' in page
    assert 'value="0987654321"' in page
    assert '<option selected value="vi">' in page


def test_profile_saves_name_email_and_language(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    user = login_as(Role.SHOPPER, email="sang@example.vn", phone="0987654321")
    response = client.post(
        PROFILE,
        data=form(
            user,
            name=" Lý Văn Sáng ",
            email="Sang@Example.vn",
            phone="+84 987 654 321",  # the same number, spelt otherwise: no code needed
            locale="en",
        ),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/tai-khoan/ho-so", "in the language just saved"
    saved = reload(app, user)
    assert (saved.name, saved.email, saved.phone, saved.locale) == (
        "Lý Văn Sáng",
        "sang@example.vn",
        "0987654321",
        "en",
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Your profile" in page


def test_the_saved_language_follows_the_user_to_a_new_session(
    app: Flask, make_user: Callable[..., User]
) -> None:
    make_user(email="sang@example.vn", locale="en")
    browser = app.test_client()
    signed_in = browser.post(
        "/tai-khoan/dang-nhap", data={"login": "sang@example.vn", "password": "correct horse"}
    )
    assert signed_in.headers["Location"] == "/en/"
    page = browser.get(signed_in.headers["Location"]).get_data(as_text=True)
    assert "All products" in page
    assert 'href="/en/san-pham"' in page, "and every link keeps it"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "0212 345 678"}, "Đây có vẻ là số máy bàn. Hãy nhập số di động"),
        ({"email": "not an address"}, "Nhập địa chỉ email hợp lệ."),
        ({"email": "", "phone": ""}, "Cần giữ lại email hoặc số di động."),
        ({"name": ""}, ""),
        ({"locale": "fr"}, ""),
    ],
)
def test_profile_refuses_bad_details_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    changes: dict[str, str],
    message: str,
) -> None:
    user = login_as(Role.SHOPPER, name="Sáng", email="sang@example.vn")
    response = client.post(PROFILE, data=form(user, **changes))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert 'class="error"' in response.get_data(as_text=True)
    saved = reload(app, user)
    assert (saved.name, saved.email, saved.phone, saved.locale) == (
        "Sáng",
        "sang@example.vn",
        None,
        "vi",
    )


def test_profile_cannot_take_another_accounts_email(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login_as: Callable[..., User],
) -> None:
    make_user(email="mai@example.vn", phone="0912345678")
    user = login_as(Role.SHOPPER, email="sang@example.vn")
    response = client.post(PROFILE, data=form(user, email="MAI@example.vn"))
    assert "Tài khoản khác đã dùng email hoặc số này." in response.get_data(as_text=True)
    saved = reload(app, user)
    assert (saved.email, saved.phone) == ("sang@example.vn", None)


def test_a_phone_only_account_may_drop_nothing_but_add_an_email(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    user = login_as(Role.SHOPPER, email=None, phone="0987654321")
    client.post(PROFILE, data=form(user, email="sang@example.vn"))
    saved = reload(app, user)
    assert (saved.email, saved.phone) == ("sang@example.vn", "0987654321")
