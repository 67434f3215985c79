"""Password reset by SMS code for phone accounts, and a new number proved by a code to it."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role, User
from market.dbtypes import utcnow
from market.extensions import db
from tests.accounts.conftest import CODE_PAGE, last_code, sent_sms

REQUEST = "/tai-khoan/quen-mat-khau"
PROFILE = "/tai-khoan/ho-so"
NUMBER = "0912345678"
NEW = "mật khẩu mới 2026"
MAYBE_SENT = "Nếu số 0912 345 678 có tài khoản, chúng tôi đã gửi mã 6 chữ số qua SMS tới số đó."


def reload(app: Flask, user: User) -> User:
    with app.app_context():
        fresh = db.session.get(User, user.id)
        db.session.expunge(fresh)
        return fresh


def signs_in(app: Flask, login: str, password: str) -> bool:
    response = app.test_client().post(
        "/tai-khoan/dang-nhap", data={"login": login, "password": password}
    )
    return response.status_code == 302


def device(app: Flask, login: str) -> FlaskClient:
    """Another phone signed in to the account, remembered."""
    other = app.test_client()
    data = {"login": login, "password": "correct horse", "remember": "y"}
    assert other.post("/tai-khoan/dang-nhap", data=data).status_code == 302
    return other


def signed_in(client: FlaskClient) -> bool:
    return client.get(PROFILE).status_code == 200


def test_a_phone_account_resets_its_password_with_a_code_and_other_devices_are_signed_out(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(email=None, phone=NUMBER, locale="en")
    other = device(app, NUMBER)
    response = client.post(REQUEST, data={"login": "+84 912 345 678"})
    assert response.headers["Location"] == CODE_PAGE
    page = client.get(CODE_PAGE).text
    assert MAYBE_SENT in page
    assert 'autocomplete="one-time-code"' in page and 'name="password"' in page
    [(to, text)] = sent_sms(app)
    assert to == NUMBER
    assert "is your code to choose a new password" in text, "in the account's language"
    data = {"code": last_code(app, NUMBER), "password": NEW, "confirm": NEW}
    response = client.post(CODE_PAGE, data=data, follow_redirects=True)
    assert "Mật khẩu đã được đổi. Hãy đăng nhập bằng mật khẩu mới." in response.text
    assert signs_in(app, NUMBER, NEW)
    assert not signs_in(app, NUMBER, "correct horse")
    assert not signed_in(other), "every session of the account ended"
    assert reload(app, user).session_version == 1


def test_a_wrong_code_or_a_bad_new_password_changes_nothing(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email=None, phone=NUMBER)
    client.post(REQUEST, data={"login": NUMBER})
    code = last_code(app, NUMBER)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    page = client.post(CODE_PAGE, data={"code": wrong, "password": NEW, "confirm": NEW})
    assert "Đây không phải mã chúng tôi đã gửi. Bạn còn thử được 4 lần." in page.text
    page = client.post(CODE_PAGE, data={"code": code, "password": "ngắn", "confirm": "ngắn"})
    assert "Dùng ít nhất 8 ký tự." in page.text
    assert signs_in(app, NUMBER, "correct horse")
    data = {"code": code, "password": NEW, "confirm": NEW}
    assert client.post(CODE_PAGE, data=data).status_code == 302, "the code still works"
    assert signs_in(app, NUMBER, NEW)


@pytest.mark.parametrize(
    "account",
    [
        None,  # no account has the number
        {"email": None, "phone": NUMBER, "active": False},
        # An email and a number nobody ever proved (typed in the profile before codes): the
        # number's holder may not be the account's owner; the reset goes by email.
        {"email": "lan@example.vn", "phone": NUMBER},
    ],
)
def test_no_code_is_sent_where_a_reset_by_sms_is_not_allowed_and_the_page_says_the_same(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], account: dict | None
) -> None:
    if account is not None:
        make_user(**account)
    response = client.post(REQUEST, data={"login": NUMBER})
    assert response.headers["Location"] == CODE_PAGE
    assert MAYBE_SENT in client.get(CODE_PAGE).text
    assert sent_sms(app) == []
    page = client.post(CODE_PAGE, data={"code": "123456", "password": NEW, "confirm": NEW})
    assert "Đây không phải mã chúng tôi đã gửi." in page.text


def test_an_account_with_an_email_and_a_proved_number_may_reset_by_sms(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="lan@example.vn", phone=NUMBER, phone_verified_at=utcnow())
    client.post(REQUEST, data={"login": NUMBER})
    data = {"code": last_code(app, NUMBER), "password": NEW, "confirm": NEW}
    assert client.post(CODE_PAGE, data=data).status_code == 302
    assert signs_in(app, "lan@example.vn", NEW)


def test_a_new_number_in_the_profile_is_saved_only_with_the_code_sent_to_it(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    user = login_as(Role.SHOPPER, email="sang@example.vn", phone="0987654321")
    data = {"name": "Sáng", "email": "sang@example.vn", "phone": "0912 345 678", "locale": "vi"}
    response = client.post(PROFILE, data=data)
    assert response.headers["Location"] == CODE_PAGE
    saved = reload(app, user)
    assert (saved.name, saved.phone) == ("Sáng", "0987654321"), "the rest is saved, not the number"
    [(to, text)] = sent_sms(app)
    assert to == NUMBER
    assert "la ma de them so nay vao tai khoan cua ban" in text
    assert "Chúng tôi đã gửi mã 6 chữ số qua SMS tới 0912 345 678." in client.get(CODE_PAGE).text
    response = client.post(CODE_PAGE, data={"code": last_code(app, NUMBER)}, follow_redirects=True)
    assert "Số di động của bạn đã được đổi." in response.text
    saved = reload(app, user)
    assert saved.phone == NUMBER
    assert saved.phone_verified_at is not None
    assert signs_in(app, NUMBER, "correct horse")


def test_a_number_another_account_has_is_refused_only_to_whoever_holds_it(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    login_as: Callable[..., User],
) -> None:
    make_user(email=None, phone=NUMBER)
    user = login_as(Role.SHOPPER, email="sang@example.vn")
    data = {"name": "Sáng", "email": "sang@example.vn", "phone": NUMBER, "locale": "vi"}
    assert client.post(PROFILE, data=data).headers["Location"] == CODE_PAGE
    response = client.post(CODE_PAGE, data={"code": last_code(app, NUMBER)}, follow_redirects=True)
    assert "Tài khoản khác đã dùng email hoặc số này." in response.text
    assert reload(app, user).phone is None


def test_a_number_change_code_works_only_for_the_account_that_asked(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], make_user: Callable[..., User]
) -> None:
    login_as(Role.SHOPPER, email="sang@example.vn")
    data = {"name": "Sáng", "email": "sang@example.vn", "phone": NUMBER, "locale": "vi"}
    client.post(PROFILE, data=data)
    client.post("/tai-khoan/dang-xuat")
    assert client.get(CODE_PAGE).status_code == 404
    login_as(Role.SHOPPER, user=make_user(email="other@example.vn"))
    assert client.post(CODE_PAGE, data={"code": last_code(app, NUMBER)}).status_code == 404


def test_removing_the_number_needs_no_code_and_forgets_it_was_proved(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    user = login_as(Role.SHOPPER, email="sang@example.vn", phone=NUMBER, phone_verified_at=utcnow())
    data = {"name": "Sáng", "email": "sang@example.vn", "phone": "", "locale": "vi"}
    assert client.post(PROFILE, data=data).headers["Location"] == PROFILE
    saved = reload(app, user)
    assert (saved.phone, saved.phone_verified_at) == (None, None)
    assert sent_sms(app) == []


def test_without_an_sms_gateway_reset_and_number_change_by_code_are_refused(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], make_user: Callable[..., User]
) -> None:
    app.config["ENV_NAME"] = "production"  # development's log channel stands in for SMS
    make_user(email=None, phone=NUMBER)
    page = client.post(REQUEST, data={"login": NUMBER})
    assert page.status_code == 200
    assert "Hiện chưa gửi được mã qua SMS." in page.text
    user = login_as(Role.SHOPPER, email="sang@example.vn")
    data = {"name": "Sáng mới", "email": "sang@example.vn", "phone": "0987654321", "locale": "vi"}
    page = client.post(PROFILE, data=data)
    assert "Hiện chưa gửi được mã qua SMS." in page.text
    saved = reload(app, user)
    assert (saved.name, saved.phone) == (user.name, None), "nothing saved"
