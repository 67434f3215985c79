"""Sign-up with a mobile number, proved by a one-time code sent by SMS, and the code's rules:
short-lived, single use, a few tries, hashed at rest, limited per number and address, never logged.
"""

import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from werkzeug.test import TestResponse

from market import notify
from market.accounts import phone_codes
from market.accounts.models import CodePurpose, PhoneCode, User
from market.dbtypes import utcnow
from market.extensions import db
from market.jobs import enqueue
from tests.accounts.conftest import (
    CODE_PAGE,
    PASSWORD,
    code_in,
    code_sent_through,
    last_code,
    sent_sms,
)
from tests.recorded_http import RecordedTransport

NUMBER = "0912345678"
SENT = "Chúng tôi đã gửi mã 6 chữ số qua SMS tới 0912 345 678."
SPENT = "Mã này đã hết hạn, đã dùng hoặc đã nhập sai quá nhiều lần. Hãy yêu cầu mã mới."


def is_signed_in(client: FlaskClient) -> bool:
    return client.get("/tai-khoan/ho-so").status_code == 200


def codes(app: Flask) -> list[PhoneCode]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(PhoneCode).order_by(PhoneCode.id)))
        db.session.expunge_all()
        return found


def expire_codes(app: Flask) -> None:
    with app.app_context():
        db.session.execute(sa.update(PhoneCode).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


@pytest.mark.parametrize(
    "spelling", ["0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678"]
)
def test_signup_with_a_number_sends_a_code_and_the_code_creates_the_account(
    app: Flask,
    client: FlaskClient,
    signup: Callable[..., TestResponse],
    users: Callable[[], list[User]],
    spelling: str,
) -> None:
    response = signup(spelling)
    assert response.status_code == 302
    assert response.headers["Location"] == CODE_PAGE
    assert users() == [], "no account before the code is back"
    [(to, text)] = sent_sms(app)
    assert to == NUMBER
    assert text.startswith("Cho Que: ")
    page = client.get(CODE_PAGE).text
    assert SENT in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page

    response = client.post(CODE_PAGE, data={"code": code_in(text)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    [user] = users()
    assert (user.phone, user.email, user.name) == (NUMBER, None, "Hoàng Thị Lan")
    assert user.phone_verified_at is not None
    assert user.check_password(PASSWORD)
    assert "Chào mừng Hoàng Thị Lan đến với Chợ Quê!" in client.get("/").text
    assert is_signed_in(client)


def test_a_phone_account_signs_in_with_its_number_and_password(
    app: Flask, client: FlaskClient, signup: Callable[..., TestResponse], login: Callable
) -> None:
    signup(NUMBER)
    client.post(CODE_PAGE, data={"code": last_code(app, NUMBER)})
    client.post("/tai-khoan/dang-xuat")
    assert login("+84 912 345 678").status_code == 302
    assert is_signed_in(client)


def test_a_code_typed_with_spaces_is_accepted(
    app: Flask, client: FlaskClient, signup: Callable[..., TestResponse]
) -> None:
    signup(NUMBER)
    code = last_code(app, NUMBER)
    client.post(CODE_PAGE, data={"code": f" {code[:3]} {code[3:]} "})
    assert is_signed_in(client)


def test_a_wrong_code_says_how_many_tries_are_left_and_creates_nothing(
    app: Flask,
    client: FlaskClient,
    signup: Callable[..., TestResponse],
    users: Callable[[], list[User]],
) -> None:
    signup(NUMBER)
    wrong = "000000" if last_code(app, NUMBER) != "000000" else "111111"
    page = client.post(CODE_PAGE, data={"code": wrong})
    assert page.status_code == 200
    assert "Đây không phải mã chúng tôi đã gửi. Bạn còn thử được 4 lần." in page.text
    assert users() == []
    assert codes(app)[0].attempts == 1


@pytest.mark.parametrize("typed", ["", "12345", "12a456", "1234567"])
def test_a_code_that_is_not_six_digits_is_explained_and_not_counted(
    app: Flask, client: FlaskClient, signup: Callable[..., TestResponse], typed: str
) -> None:
    signup(NUMBER)
    page = client.post(CODE_PAGE, data={"code": typed})
    assert page.status_code == 200
    assert ("Mã gồm 6 chữ số." in page.text) or ("Hãy nhập mã trong SMS." in page.text)
    assert codes(app)[0].attempts == 0


def test_after_five_wrong_codes_even_the_right_one_is_refused(
    app: Flask,
    client: FlaskClient,
    signup: Callable[..., TestResponse],
    users: Callable[[], list[User]],
) -> None:
    signup(NUMBER)
    right = last_code(app, NUMBER)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert client.post(CODE_PAGE, data={"code": wrong}).status_code == 200
    response = client.post(CODE_PAGE, data={"code": wrong}, follow_redirects=True)
    assert SPENT in response.text
    assert client.post(CODE_PAGE, data={"code": right}).status_code == 404
    assert users() == []


def test_an_expired_code_is_refused(
    app: Flask,
    client: FlaskClient,
    signup: Callable[..., TestResponse],
    users: Callable[[], list[User]],
) -> None:
    signup(NUMBER)
    expire_codes(app)
    assert SPENT in client.get(CODE_PAGE).text, "the page says so before anything is typed"
    response = client.post(CODE_PAGE, data={"code": last_code(app, NUMBER)}, follow_redirects=True)
    assert SPENT in response.text
    assert users() == []


def test_a_code_works_once_even_from_a_copy_of_the_session(
    app: Flask, client: FlaskClient, signup: Callable[..., TestResponse]
) -> None:
    signup(NUMBER)
    copy = app.test_client()
    copy.set_cookie("session", client.get_cookie("session").value)
    code = last_code(app, NUMBER)
    assert client.post(CODE_PAGE, data={"code": code}).status_code == 302
    assert copy.post(f"{CODE_PAGE}/gui-lai").status_code == 404, "nor can it ask again"
    response = copy.post(CODE_PAGE, data={"code": code}, follow_redirects=True)
    assert SPENT in response.text
    assert not is_signed_in(copy)
    assert len(sent_sms(app)) == 1


def test_a_new_code_replaces_the_earlier_one(
    app: Flask,
    client: FlaskClient,
    signup: Callable[..., TestResponse],
    users: Callable[[], list[User]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drawn = iter([111111, 222222])
    monkeypatch.setattr("market.accounts.phone_codes.secrets.randbelow", lambda _n: next(drawn))
    signup(NUMBER)
    response = client.post(f"{CODE_PAGE}/gui-lai", follow_redirects=True)
    assert "Chúng tôi đã gửi mã mới. Mã trước không còn dùng được." in response.text
    assert [code_in(text) for _, text in sent_sms(app)] == ["111111", "222222"]
    page = client.post(CODE_PAGE, data={"code": "111111"})
    assert "Đây không phải mã chúng tôi đã gửi." in page.text
    assert users() == []
    client.post(CODE_PAGE, data={"code": "222222"})
    assert [u.phone for u in users()] == [NUMBER]


def test_the_code_page_without_a_code_asked_for_is_not_found(client: FlaskClient) -> None:
    assert client.get(CODE_PAGE).status_code == 404
    assert client.post(f"{CODE_PAGE}/gui-lai").status_code == 404


def test_a_number_that_has_an_account_gets_a_notice_and_the_asker_learns_nothing(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    signup: Callable[..., TestResponse],
    users: Callable[[], list[User]],
) -> None:
    make_user(email=None, phone=NUMBER, name="Chủ số")
    fresh = signup("0987654321")
    taken = app.test_client().post(
        "/tai-khoan/dang-ky",
        data={"name": "Kẻ lạ", "login": NUMBER, "password": PASSWORD, "confirm": PASSWORD},
    )
    assert taken.status_code == fresh.status_code == 302
    assert taken.headers["Location"] == fresh.headers["Location"] == CODE_PAGE
    [_, (to, notice)] = sent_sms(app)
    assert to == NUMBER
    assert "da co tai khoan" in notice
    assert not any(ch.isdigit() for ch in notice), "no code in the notice"
    assert [u.name for u in users()] == ["Chủ số"]


def test_the_holder_of_a_taken_number_who_gets_a_code_is_sent_to_sign_in(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    signup: Callable[..., TestResponse],
    users: Callable[[], list[User]],
) -> None:
    signup(NUMBER)
    make_user(email=None, phone=NUMBER, name="Nhanh tay hơn")  # an account appears meanwhile
    response = client.post(CODE_PAGE, data={"code": last_code(app, NUMBER)}, follow_redirects=True)
    assert "Số này đã có tài khoản." in response.text
    assert [u.name for u in users()] == ["Nhanh tay hơn"]
    assert not is_signed_in(client)


def test_a_number_gets_at_most_five_codes_a_day(
    app: Flask, client: FlaskClient, signup: Callable[..., TestResponse]
) -> None:
    for _ in range(5):
        assert signup(NUMBER).status_code == 302
    page = signup(NUMBER)
    assert page.status_code == 200
    assert "Số này hoặc kết nối này đã yêu cầu quá nhiều mã hôm nay." in page.text
    assert len(sent_sms(app)) == 5
    refused = client.post(f"{CODE_PAGE}/gui-lai", follow_redirects=True)
    assert "quá nhiều mã hôm nay" in refused.text
    assert len(sent_sms(app)) == 5
    with app.app_context():
        db.session.execute(
            sa.update(PhoneCode).values(created_at=utcnow() - timedelta(hours=24, seconds=1))
        )
        db.session.commit()
    assert signup(NUMBER).status_code == 302, "a day later it may have codes again"


def test_an_address_asks_for_at_most_thirty_codes_a_day(
    app: Flask, signup: Callable[..., TestResponse]
) -> None:
    app.config["PHONE_CODES_PER_ADDRESS_PER_DAY"] = 3
    for number in ("0912000001", "0912000002", "0912000003"):
        assert signup(number).status_code == 302
    page = signup("0912000004")
    assert "quá nhiều mã hôm nay" in page.text
    assert [to for to, _ in sent_sms(app)] == ["0912000001", "0912000002", "0912000003"]


def test_the_code_is_stored_only_as_a_keyed_hash(
    app: Flask, client: FlaskClient, signup: Callable[..., TestResponse]
) -> None:
    signup(NUMBER)
    code = last_code(app, NUMBER)
    [row] = codes(app)
    expected = hmac.new(
        b"test-secret-key", f"{NUMBER}|signup|{code}".encode(), hashlib.sha256
    ).hexdigest()
    assert row.code_hash == expected
    assert row.password_hash is not None and PASSWORD not in row.password_hash
    client.post(CODE_PAGE, data={"code": code})
    [row] = codes(app)
    assert row.used_at is not None
    assert row.password_hash is None, "the account holds the only copy now"
    with app.app_context(), db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            for record in connection.execute(table.select()):
                assert code not in repr(tuple(record)), f"the code is stored in {table.name}"


def test_the_code_is_never_logged(
    app: Flask,
    client: FlaskClient,
    signup: Callable[..., TestResponse],
    esms: RecordedTransport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    signup(NUMBER)
    code = code_sent_through(esms, NUMBER)
    client.post(CODE_PAGE, data={"code": "999999" if code != "999999" else "888888"})
    client.post(CODE_PAGE, data={"code": code})
    assert is_signed_in(client)
    assert caplog.records, "the steps are logged"
    for record in caplog.records:
        assert code not in record.getMessage()
        assert code not in repr(record.args)


def test_without_an_sms_gateway_sign_up_by_number_is_refused_and_email_still_works(
    app: Flask, signup: Callable[..., TestResponse], users: Callable[[], list[User]]
) -> None:
    app.config["ENV_NAME"] = "production"  # development's log channel stands in for SMS
    page = signup(NUMBER)
    assert page.status_code == 200
    assert "Hiện chưa gửi được mã qua SMS. Hãy dùng địa chỉ email" in page.text
    assert codes(app) == []
    assert signup("lan@example.vn").status_code == 302
    assert [u.email for u in users()] == ["lan@example.vn"]


def test_codes_over_two_days_old_are_pruned_with_an_abandoned_signups_password_hash(
    app: Flask, signup: Callable[..., TestResponse]
) -> None:
    signup(NUMBER)
    signup("0987654321")
    with app.app_context():
        db.session.execute(
            sa.update(PhoneCode)
            .where(PhoneCode.phone == NUMBER)
            .values(created_at=utcnow() - timedelta(days=2, seconds=1))
        )
        enqueue("accounts.phone_codes_prune", {})
        db.session.commit()
    assert [row.phone for row in codes(app)] == ["0987654321"]


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_every_code_sms_and_the_notice_fit_one_unaccented_sms(app: Flask, locale: str) -> None:
    with app.test_request_context(), force_locale(locale):
        texts = [phone_codes._sms_text(purpose, "123456") for purpose in CodePurpose]
        texts.append(phone_codes._notice_text())
    for text in texts:
        sent = notify.templates.sms_text(text)
        assert len(sent) <= 160
        assert not sent.endswith("..."), "whole, not cut short"
