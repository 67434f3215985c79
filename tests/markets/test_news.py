"""Market news: who may send it to whom, the preview's counts and cost, a fan-out that respects
each person's choice and sends once, and bad input that changes nothing."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import User
from market.extensions import db
from market.markets import news
from market.markets.models import MarketNews
from market.notify import Channel, Message, Topic, set_channels
from orders.models import Order, OrderPart
from tests.markets.conftest import World
from tests.notices.conftest import gateways, sms_sent, zalo_templates  # noqa: F401  (fixture)
from tests.recorded_http import RecordedTransport

URL = "/quan-ly/tin-cho"
_codes = count(1)


@dataclass(frozen=True)
class Buyers:
    """People who ordered at market A (and one at market B), each with another news choice."""

    by_email: User  # e-mail, no choice: hears news by e-mail (the default)
    by_phone: User  # phone only, chose SMS and Zalo for news
    phone_default: User  # phone only, no choice: hears no news (the default)
    opted_out: User  # e-mail, chose no channel for news
    at_b: User  # e-mail, ordered from market B's producer only


def _ordered(user_id: int, producer_id: int) -> None:
    n = next(_codes)
    order = Order(
        code=f"N{n:05d}",
        access_token=f"news-token-{n}",
        idempotency_key=f"news-key-{n}",
        user_id=user_id,
        contact_name="Khách",
        contact_phone="0912345678",
        payment_method="bank_transfer",
        items_total=100_000,
        delivery_total=0,
        total=100_000,
    )
    order.parts.append(
        OrderPart(
            producer_id=producer_id,
            number=1,
            status="delivered",
            delivery_method="pickup_producer",
            items_total=100_000,
            delivery_fee=0,
            total=100_000,
            paid_amount=0,
        )
    )
    db.session.add(order)


@pytest.fixture
def buyers(app: Flask, world: World, make_user: Callable[..., User]) -> Buyers:
    people = Buyers(
        by_email=make_user(name="Lan", email="lan@news.example"),
        by_phone=make_user(name="Hùng", email=None, phone="0912000001"),
        phone_default=make_user(name="Mai", email=None, phone="0912000002"),
        opted_out=make_user(name="Tú", email="tu@news.example"),
        at_b=make_user(name="Bình", email="binh@news.example"),
    )
    with app.app_context():
        set_channels(
            db.session.get(User, people.by_phone.id), Topic.NEWS, [Channel.SMS, Channel.ZALO]
        )
        set_channels(db.session.get(User, people.opted_out.id), Topic.NEWS, [])
        for person in (people.by_email, people.by_phone, people.phone_default, people.opted_out):
            _ordered(person.id, world.producer_a)
        _ordered(people.at_b.id, world.producer_b)
        db.session.commit()
    return people


def _news(app: Flask) -> list[MarketNews]:
    with app.app_context():
        return list(db.session.scalars(sa.select(MarketNews)))


def _messages(app: Flask) -> list[tuple[int, Channel]]:
    with app.app_context():
        rows = db.session.execute(sa.select(Message.user_id, Message.channel))
        return sorted((user_id, channel) for user_id, channel in rows)


def test_shoppers_and_producers_may_not_open_the_page(
    client: FlaskClient, login_as: Callable[..., User], world: World
) -> None:
    for person in (world.shopper, world.owner_a, world.helper_a):
        login_as(user=person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, data={"scope": "", "title": "T", "text": "X"}).status_code == 403


def test_a_market_manager_addresses_only_their_market(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, buyers: Buyers
) -> None:
    login_as(user=world.manager_a)
    page = client.get(URL).get_data(as_text=True)
    assert f'<option value="{world.market_a}">Chợ An Phú</option>' in page
    assert "Chợ Thái Hòa" not in page and "Cả tỉnh" not in page
    other = {"scope": str(world.market_b), "title": "Phiên chợ", "text": "Mai họp chợ."}
    assert client.post(URL, data={**other, "action": "send"}).status_code == 404
    province = {**other, "scope": ""}
    answer = client.post(URL, data={**province, "action": "send"})  # not offered: a message
    assert answer.status_code == 200 and "Hãy chọn chợ để gửi tin." in answer.get_data(as_text=True)
    assert client.post(URL, data={**other, "scope": "abc"}).status_code == 404
    assert _news(app) == [] and _messages(app) == []


def test_the_preview_counts_people_per_channel_and_the_cost_and_sends_nothing(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    buyers: Buyers,
    gateways: RecordedTransport,  # noqa: F811
) -> None:
    login_as(user=world.manager_a)
    data = {"scope": str(world.market_a), "title": "Phiên chợ Tết", "text": "Chợ họp sớm."}
    page = client.post(URL, data={**data, "action": "preview"}).get_data(as_text=True)
    assert "2 người sẽ nhận" in page
    assert "<li>E-mail: 1</li>" in page and "<li>SMS: 1</li>" in page and "<li>Zalo: 1</li>" in page
    assert "1.100" in page  # one SMS (800 đ) and one Zalo message (300 đ)
    assert 'value="send"' in page and 'value="Phiên chợ Tết"' in page
    assert _news(app) == [] and _messages(app) == [] and gateways.sent == []


def test_sending_reaches_only_people_who_chose_news_on_their_channels_once(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    buyers: Buyers,
    gateways: RecordedTransport,  # noqa: F811
) -> None:
    login_as(user=world.manager_a)
    data = {"scope": str(world.market_a), "title": "Phiên chợ Tết", "text": "Chợ họp sớm."}
    previewed = client.post(URL, data={**data, "action": "preview"}).get_data(as_text=True)
    token = re.search(r'name="submission" type="hidden" value="([^"]+)"', previewed).group(1)
    response = client.post(URL, data={**data, "submission": token, "action": "send"})
    assert response.status_code == 302
    expected = sorted(
        [
            (buyers.by_email.id, Channel.EMAIL),
            (buyers.by_phone.id, Channel.SMS),
            (buyers.by_phone.id, Channel.ZALO),
        ]
    )
    assert _messages(app) == expected
    assert sms_sent(gateways, "0912000001") == ["Cho An Phu: Phien cho Tet"]
    assert zalo_templates(gateways, "0912000001") == [news.ZNS_MARKET_NEWS]
    assert sms_sent(gateways, "0912000002") == []
    [mail] = app.extensions["mail_outbox"]
    assert (mail["To"], mail["Subject"]) == ("lan@news.example", "Chợ An Phú: Phiên chợ Tết")
    assert "Chợ họp sớm." in mail.get_content()
    assert "https://choque.example/tai-khoan/thong-bao" in mail.get_content()
    [item] = _news(app)
    assert (item.audience, item.messages, item.sender_id) == (2, 3, world.manager_a.id)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Tin đang được gửi tới 2 người." in page
    assert "Phiên chợ Tết" in page and "2 người" in page and "3 tin nhắn" in page

    again = client.post(
        URL, data={**data, "submission": token, "action": "send"}, follow_redirects=True
    )
    assert "Tin này đã được gửi rồi." in again.get_data(as_text=True)  # "Send" pressed twice
    assert len(_news(app)) == 1 and _messages(app) == expected
    with app.app_context():  # the job runs again (a retry, a second worker): nothing new
        news.fan_out({"news_id": item.id})
        db.session.commit()
    assert _messages(app) == expected
    assert len(sms_sent(gateways, "0912000001")) == 1
    assert len(app.extensions["mail_outbox"]) == 1


def test_the_province_hears_province_news_and_other_managers_do_not_see_it(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    buyers: Buyers,
    gateways: RecordedTransport,  # noqa: F811
) -> None:
    login_as(user=world.provincial)
    data = {
        "scope": "",
        "title": "Hội chợ OCOP",
        "text": "Hội chợ ở quảng trường.",
        "submission": "p",
    }
    client.post(URL, data={**data, "action": "send"})
    [item] = _news(app)
    heard = {user_id for user_id, _channel in _messages(app)}
    assert buyers.at_b.id in heard and world.manager_b.id in heard
    assert not heard & {buyers.phone_default.id, buyers.opted_out.id}
    assert item.market_id is None and item.audience == len(heard)
    login_as(user=world.manager_a)
    assert "Hội chợ OCOP" not in client.get(URL).get_data(as_text=True)


@pytest.mark.parametrize(
    ("title", "text", "message"),
    [
        ("", "Chợ họp sớm.", "Hãy viết tiêu đề."),
        ("   ", "Chợ họp sớm.", "Hãy viết tiêu đề."),
        ("T" * 81, "Chợ họp sớm.", "Tiêu đề dài tối đa 80 ký tự."),
        ("Phiên chợ", "", "Hãy viết nội dung tin."),
        ("Phiên chợ", "x" * 301, "Nội dung tin dài tối đa 300 ký tự."),
    ],
)
@pytest.mark.parametrize("action", ["preview", "send"])
def test_bad_input_is_explained_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    world: World,
    buyers: Buyers,
    title: str,
    text: str,
    message: str,
    action: str,
) -> None:
    login_as(user=world.manager_a)
    data = {"scope": str(world.market_a), "title": title, "text": text, "submission": "t"}
    data["action"] = action
    response = client.post(URL, data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and 'value="send"' not in page
    assert _news(app) == [] and _messages(app) == []


def test_sending_without_a_preview_is_refused(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, buyers: Buyers
) -> None:
    login_as(user=world.manager_a)
    data = {"scope": str(world.market_a), "title": "Phiên chợ", "text": "Mai.", "action": "send"}
    page = client.post(URL, data=data).get_data(as_text=True)
    assert "Hãy xem ai sẽ nhận trước khi gửi." in page
    assert _news(app) == [] and _messages(app) == []


def test_a_post_without_its_csrf_token_is_refused(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World, buyers: Buyers
) -> None:
    login_as(user=world.manager_a)
    app.config["WTF_CSRF_ENABLED"] = True
    data = {"scope": str(world.market_a), "title": "Phiên chợ", "text": "Mai.", "action": "send"}
    assert client.post(URL, data={**data, "submission": "t"}).status_code == 400
    assert _news(app) == [] and _messages(app) == []
