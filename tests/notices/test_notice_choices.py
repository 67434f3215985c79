"""The profile's notices page: a checkbox per kind of notice and channel the person has, recalls
always on, saved choices respected by notify, CSRF, and bad choices refused."""

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import User
from market.extensions import db
from market.notify import Channel, NotificationPreference, Topic, channels_for
from tests.recorded_http import RecordedTransport

URL = "/tai-khoan/thong-bao"


def boxes(page: str) -> dict[str, str]:
    """Every choice checkbox on the page: value → its attributes after the value."""
    return dict(re.findall(r'name="choice" value="([a-z]+:[a-z]+)"([^>]*)>', page))


def channels(app: Flask, user: User, topic: Topic) -> list[Channel]:
    with app.app_context():
        return channels_for(db.session.get(User, user.id), topic)


def test_the_page_needs_a_signed_in_person(client: FlaskClient) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/tai-khoan/dang-nhap" in response.headers["Location"]


def test_an_email_only_person_chooses_among_email_only_and_recalls_are_locked(
    client: FlaskClient, login_as: Callable[..., User], gateways: RecordedTransport
) -> None:
    login_as(email="chi@example.vn")
    page = client.get(URL).get_data(as_text=True)
    found = boxes(page)
    assert set(found) == {
        f"{t}:email" for t in ("orders", "payments", "pickups", "recalls", "news")
    }
    assert "checked" in found["orders:email"]  # the default: e-mail for everything
    assert "disabled" in found["recalls:email"] and "checked" in found["recalls:email"]
    assert "Thêm số di động trong hồ sơ để nhận thông báo qua SMS hoặc Zalo." in page


def test_a_phone_only_person_gets_sms_by_default_and_may_choose_zalo(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], gateways: RecordedTransport
) -> None:
    user = login_as(email=None, phone="0912345678")
    found = boxes(client.get(URL).get_data(as_text=True))
    assert set(found) == {
        f"{t}:{c}"
        for t in ("orders", "payments", "pickups", "recalls", "news")
        for c in ("sms", "zalo")
    }
    assert "checked" in found["orders:sms"] and "checked" not in found["orders:zalo"]
    assert "checked" not in found["news:sms"]
    response = client.post(
        URL, data={"choice": ["orders:zalo", "payments:sms", "payments:zalo", "pickups:zalo"]}
    )
    assert response.status_code == 302
    assert channels(app, user, Topic.ORDERS) == [Channel.ZALO]
    assert channels(app, user, Topic.PAYMENTS) == [Channel.SMS, Channel.ZALO]
    assert channels(app, user, Topic.PICKUPS) == [Channel.ZALO]
    assert channels(app, user, Topic.NEWS) == []
    page = client.get(URL).get_data(as_text=True)
    assert "Đã lưu lựa chọn nhận thông báo của bạn." in page
    assert "checked" in boxes(page)["pickups:zalo"]


def test_recalls_cannot_be_turned_off(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], gateways: RecordedTransport
) -> None:
    user = login_as(email="an@example.vn", phone="0912345678")
    client.post(URL, data={"choice": ["orders:email"]})
    with app.app_context():
        recall_rows = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(NotificationPreference)
            .where(NotificationPreference.topic == Topic.RECALLS)
        )
    assert recall_rows == 0  # nothing stored: a recall goes to every channel regardless
    assert channels(app, user, Topic.PAYMENTS) == []


@pytest.mark.parametrize("value", ["orders:fax", "account:sms", "orders:sms"])
def test_a_choice_the_person_cannot_have_changes_nothing(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    gateways: RecordedTransport,
    value: str,
) -> None:
    user = login_as(email="an@example.vn")  # no phone: SMS is not theirs to choose
    response = client.post(URL, data={"choice": ["payments:email", value]})
    assert response.status_code == 422
    assert "Lựa chọn này không có. Chưa có gì thay đổi." in response.get_data(as_text=True)
    assert channels(app, user, Topic.ORDERS) == [Channel.EMAIL]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(NotificationPreference.user_id))) == 0


@pytest.fixture
def csrf_on(app_config: dict) -> dict:
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def test_the_form_needs_its_csrf_token(
    csrf_on: dict, app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    user = login_as(email="an@example.vn")
    forged = client.post(URL, data={"choice": []})
    assert forged.status_code == 400
    assert channels(app, user, Topic.ORDERS) == [Channel.EMAIL]
    page = client.get(URL).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(URL, data={"csrf_token": token}).status_code == 302
    assert channels(app, user, Topic.ORDERS) == []


def test_the_profile_links_to_the_notices_page(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as()
    page = client.get("/tai-khoan/ho-so").get_data(as_text=True)
    assert f'href="{URL}"' in page
