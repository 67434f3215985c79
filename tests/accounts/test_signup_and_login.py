"""Sign-up with email (a mobile number: test_phone_signup.py), sign-in, sign-out and remember me."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from market.accounts.models import Role, User
from tests.accounts.conftest import PASSWORD

PROFILE = "/tai-khoan/ho-so"


def is_signed_in(client: FlaskClient) -> bool:
    """The profile page opens only for a signed-in user."""
    return client.get(PROFILE).status_code == 200


def test_signup_with_email_creates_a_shopper_and_signs_in(
    client: FlaskClient, signup: Callable[..., TestResponse], users: Callable[[], list[User]]
) -> None:
    response = signup("  Lan.Hoang@Example.VN ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    [user] = users()
    assert user.email == "lan.hoang@example.vn"
    assert user.phone is None
    assert user.role == Role.SHOPPER
    assert user.check_password(PASSWORD)
    assert PASSWORD not in user.password_hash
    assert "Chào mừng Hoàng Thị Lan đến với Chợ Quê!" in client.get("/").get_data(as_text=True)
    assert is_signed_in(client)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("0212 345 678", "Đây có vẻ là số máy bàn. Hãy nhập số di động, ví dụ 0912 345 678."),
        ("0912 345 67", "Số di động có 10 chữ số, bắt đầu bằng 0 (bạn đã nhập 9)."),
        ("12345", "Số di động có 10 chữ số, bắt đầu bằng 0 (bạn đã nhập 5)."),
        ("+1 650 555 0100", "Nhập số di động Việt Nam, ví dụ 0912 345 678."),
    ],
)
def test_signup_with_a_number_that_is_not_a_vietnamese_mobile_is_refused(
    signup: Callable[..., TestResponse], users: Callable[[], list[User]], number: str, message: str
) -> None:
    response = signup(number)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert users() == []


def test_signup_with_neither_email_nor_number_is_refused(
    signup: Callable[..., TestResponse], users: Callable[[], list[User]]
) -> None:
    response = signup("lan-at-example")
    assert "Nhập địa chỉ email hoặc số di động." in response.get_data(as_text=True)
    assert users() == []


def test_signup_needs_matching_passwords_of_eight_characters(
    signup: Callable[..., TestResponse], users: Callable[[], list[User]]
) -> None:
    short = signup("lan@example.vn", password="ngắn")
    assert "Dùng ít nhất 8 ký tự." in short.get_data(as_text=True)
    differ = signup("lan@example.vn", confirm="something else")
    assert "Hai mật khẩu không khớp." in differ.get_data(as_text=True)
    assert users() == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("lan@example.vn", "LAN@example.VN"),
        ("lan.hoang@example.vn", " Lan.Hoang@Example.VN "),
    ],
)
def test_second_signup_with_the_same_login_in_another_spelling_is_refused(
    app_client_pair: tuple[FlaskClient, FlaskClient],
    users: Callable[[], list[User]],
    first: str,
    second: str,
) -> None:
    one, other = app_client_pair
    form = {"name": "Lan", "password": PASSWORD, "confirm": PASSWORD}
    assert one.post("/tai-khoan/dang-ky", data={**form, "login": first}).status_code == 302
    response = other.post("/tai-khoan/dang-ky", data={**form, "login": second, "name": "Khác"})
    assert response.status_code == 200
    assert "Đã có tài khoản dùng email hoặc số điện thoại này." in response.get_data(as_text=True)
    assert [u.name for u in users()] == ["Lan"]


@pytest.fixture
def app_client_pair(app: Flask) -> tuple[FlaskClient, FlaskClient]:
    """Two browsers: the second sign-up must not come from a signed-in session."""
    return app.test_client(), app.test_client()


def test_login_with_email_or_any_spelling_of_the_number(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., TestResponse]
) -> None:
    make_user(email="an@example.vn", phone="0987654321")
    for spelling in ("AN@example.vn", "+84 987 654 321", "0987.654.321"):
        response = login(spelling, "correct horse")
        assert response.status_code == 302, spelling
        assert is_signed_in(client)
        client.post("/tai-khoan/dang-xuat")
        assert not is_signed_in(client)


@pytest.mark.parametrize(
    ("who", "password"),
    [("an@example.vn", "wrong horse"), ("nobody@example.vn", "correct horse")],
)
def test_wrong_password_or_unknown_login_get_the_same_message(
    client: FlaskClient,
    make_user: Callable[..., User],
    login: Callable[..., TestResponse],
    who: str,
    password: str,
) -> None:
    make_user(email="an@example.vn")
    response = login(who, password)
    assert response.status_code == 200
    assert "Sai email, số điện thoại hoặc mật khẩu." in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_a_deactivated_account_cannot_sign_in(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., TestResponse]
) -> None:
    make_user(email="an@example.vn", active=False)
    response = login("an@example.vn", "correct horse")
    assert "Sai email, số điện thoại hoặc mật khẩu." in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_login_records_the_time_of_the_last_sign_in(
    make_user: Callable[..., User],
    login: Callable[..., TestResponse],
    users: Callable[[], list[User]],
) -> None:
    make_user(email="an@example.vn")
    assert users()[0].last_login_at is None
    login("an@example.vn", "correct horse")
    assert users()[0].last_login_at is not None


def test_logout_is_a_post_and_a_link_cannot_sign_people_out(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.SHOPPER)
    assert client.get("/tai-khoan/dang-xuat").status_code == 405
    assert is_signed_in(client)
    response = client.post("/tai-khoan/dang-xuat", follow_redirects=True)
    signed_out = "Bạn đã đăng xuất, trên thiết bị này và các thiết bị khác."
    assert signed_out in response.get_data(as_text=True)
    assert not is_signed_in(client)


def test_without_remember_me_no_lasting_cookie_is_set(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., TestResponse]
) -> None:
    make_user(email="an@example.vn")
    login("an@example.vn", "correct horse")
    assert client.get_cookie("remember_token") is None
    client.delete_cookie("session")
    assert not is_signed_in(client)


def test_remember_me_keeps_the_user_signed_in_after_the_browser_session_ends(
    client: FlaskClient, make_user: Callable[..., User], login: Callable[..., TestResponse]
) -> None:
    make_user(email="an@example.vn")
    response = login("an@example.vn", "correct horse", remember="y")
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.expires is not None
    set_cookie = next(h for h in response.headers.getlist("Set-Cookie") if "remember_token" in h)
    assert "SameSite=Lax" in set_cookie
    client.delete_cookie("session")
    assert is_signed_in(client)
    client.post("/tai-khoan/dang-xuat")
    assert not is_signed_in(client)


def test_signed_in_user_opening_login_or_signup_is_sent_on(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.SHOPPER)
    assert client.get("/tai-khoan/dang-nhap?next=/san-pham").headers["Location"] == "/san-pham"
    assert client.get("/tai-khoan/dang-ky").headers["Location"] == "/"


def test_login_page_sends_the_user_back_where_they_were(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    response = client.get(PROFILE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/tai-khoan/dang-nhap?next=")
    response = client.post(
        response.headers["Location"], data={"login": "an@example.vn", "password": "correct horse"}
    )
    assert response.headers["Location"] == PROFILE


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_next_never_redirects_to_another_site(
    client: FlaskClient, make_user: Callable[..., User], target: str
) -> None:
    make_user(email="an@example.vn")
    response = client.post(
        "/tai-khoan/dang-nhap",
        query_string={"next": target},
        data={"login": "an@example.vn", "password": "correct horse"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_keeps_a_same_site_path_with_its_query(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="an@example.vn")
    response = client.post(
        "/tai-khoan/dang-nhap",
        query_string={"next": "/san-pham?group=i-che&page=2"},
        data={"login": "an@example.vn", "password": "correct horse"},
    )
    assert response.headers["Location"] == "/san-pham?group=i-che&page=2"


def test_signup_honours_a_safe_next_and_ignores_an_unsafe_one(
    signup: Callable[..., TestResponse], client: FlaskClient
) -> None:
    form = {"name": "Lan", "password": PASSWORD, "confirm": PASSWORD}
    response = client.post(
        "/tai-khoan/dang-ky?next=//evil.example", data={**form, "login": "a@example.vn"}
    )
    assert response.headers["Location"] == "/"
    client.post("/tai-khoan/dang-xuat")
    response = client.post(
        "/tai-khoan/dang-ky?next=/san-pham", data={**form, "login": "b@example.vn"}
    )
    assert response.headers["Location"] == "/san-pham"


def test_the_remember_me_checkbox_points_at_no_error_until_there_is_one(
    client: FlaskClient,
) -> None:
    page = client.get("/tai-khoan/dang-nhap").get_data(as_text=True)
    assert 'name="remember"' in page
    assert 'aria-describedby="None"' not in page and "aria-invalid" not in page
