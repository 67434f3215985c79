"""Every order notice reaches each person on the channels they chose (eSMS and Zalo ZNS answered
from recordings), through the background work, recorded with its delivery status; producers'
notices reach a helper only when the household agreed."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import HelperGrant
from market.accounts.models import Role, User
from market.extensions import db
from market.notify import Channel, Message, MessageStatus, Topic, set_channels
from orders import fulfilment, services
from orders.lifecycle import Action
from orders.models import ActorRole, Order, OrderPart
from orders.notice_templates import ZNS_ORDER_PAID, ZNS_PART_READY
from orders.transitions import Actor
from tests.farm import Farm
from tests.notices.conftest import sms_sent, zalo_sent, zalo_templates
from tests.recorded_http import RecordedTransport

PHONE = "0912345678"
OWNER = Actor(ActorRole.OWNER, None)


def choose(app: Flask, user: User, **topics: list[Channel]) -> None:
    with app.app_context():
        person = db.session.get(User, user.id)
        for topic, chosen in topics.items():
            set_channels(person, Topic(topic), chosen)
        db.session.commit()


def messages(app: Flask, template: str) -> list[tuple[Channel, str, MessageStatus]]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Message).where(Message.template == template).order_by(Message.id)
        )
        return [(m.channel, m.recipient, m.status) for m in rows]


def pay(app: Flask, order: Order) -> None:
    with app.app_context():
        services.mark_order_paid(db.session.get(Order, order.id), order.total, "FT26341")


def make_ready(app: Flask, order: Order) -> None:
    with app.app_context():
        part = db.session.scalars(sa.select(OrderPart).where(OrderPart.order_id == order.id)).one()
        fulfilment.advance_part(part, Action.PACK, OWNER)
        fulfilment.advance_part(part, Action.READY, OWNER)


def test_a_shopper_hears_paid_and_ready_on_the_channels_chosen(
    app: Flask,
    farm: Farm,
    signed_in: Callable[[User], FlaskClient],
    buy: Callable[..., Order],
    gateways: RecordedTransport,
    make_user: Callable[..., User],
) -> None:
    shopper = make_user(name="Hoàng Văn Sơn", email="son@example.vn", phone=PHONE)
    choose(
        app,
        shopper,
        payments=[Channel.SMS, Channel.ZALO],
        pickups=[Channel.ZALO],
        orders=[Channel.EMAIL],
    )
    order = buy(signed_in(shopper), farm.product_id, 2, name="Hoàng Văn Sơn", email="", phone=PHONE)
    assert [c for c, _to, _s in messages(app, "order_placed")] == [Channel.EMAIL]
    assert sms_sent(gateways, PHONE) == [] and zalo_sent(gateways, PHONE) == []

    pay(app, order)
    [text] = sms_sent(gateways, PHONE)
    assert text == f"Cho Que: da nhan 90.000d cho don {order.code}. Nguoi ban dang chuan bi hang."
    [zns] = zalo_sent(gateways, PHONE)
    assert zns.json["template_id"] == ZNS_ORDER_PAID
    assert zns.json["template_data"] == {
        "customer_name": "Hoàng Văn Sơn",
        "order_code": order.code,
        "amount": "90.000đ",
    }
    assert zns.headers["access_token"] == "notices-oa-token"
    assert messages(app, "order_paid") == [
        (Channel.SMS, PHONE, MessageStatus.SENT),
        (Channel.ZALO, PHONE, MessageStatus.SENT),
    ]
    assert not [m for m in app.extensions.get("mail_outbox", []) if "đã thanh toán" in m["Subject"]]

    make_ready(app, order)
    assert zalo_templates(gateways, PHONE) == [ZNS_ORDER_PAID, ZNS_PART_READY]
    ready = zalo_sent(gateways, PHONE)[-1].json["template_data"]
    assert ready["shop_name"] == "HTX Cam sành Hàm Yên" and ready["order_code"].startswith(
        order.code
    )
    assert len(sms_sent(gateways, PHONE)) == 1  # pickups: Zalo only
    with app.app_context():
        sent = db.session.scalars(sa.select(Message).where(Message.template == "part_ready")).one()
        assert sent.provider == "zalo_zns" and sent.provider_message_id == "9d21b7c4e0a3f5d86a17"


def test_a_guest_with_only_a_phone_hears_by_sms(
    app: Flask,
    client: FlaskClient,
    farm: Farm,
    buy: Callable[..., Order],
    gateways: RecordedTransport,
) -> None:
    order = buy(client, farm.product_id, 1, email="", phone="0987 654 321")
    [placed] = sms_sent(gateways, "0987654321")
    assert placed.startswith(f"Cho Que: da nhan don {order.code}, tong 45.000d.")
    assert "Chuyen khoan voi noi dung" in placed
    assert messages(app, "order_placed") == [(Channel.SMS, "0987654321", MessageStatus.SENT)]
    assert zalo_sent(gateways, "0987654321") == []  # a guest hears by SMS, never Zalo


def test_a_guest_with_an_email_keeps_todays_email(
    app: Flask, client: FlaskClient, farm: Farm, buy: Callable[..., Order], gateways
) -> None:
    order = buy(client, farm.product_id, 1, email="guest@example.vn")
    [mail] = [m for m in app.extensions["mail_outbox"] if m["To"] == "guest@example.vn"]
    assert mail["Subject"] == f"Chợ Quê: đã nhận đơn hàng {order.code}"
    body = mail.get_content()
    assert body.startswith("Chào Nguyễn Thị Lan,\n\nCảm ơn bạn!")
    assert "Theo dõi đơn hàng tại đây (đừng chia sẻ đường dẫn này):\nhttp" in body
    assert sms_sent(gateways, PHONE) == []


def test_a_shopper_who_turned_orders_off_hears_nothing_when_ordering(
    app: Flask,
    farm: Farm,
    signed_in: Callable[[User], FlaskClient],
    buy: Callable[..., Order],
    gateways: RecordedTransport,
    make_user: Callable[..., User],
) -> None:
    shopper = make_user(email="quiet@example.vn", phone=PHONE)
    choose(app, shopper, orders=[])
    buy(signed_in(shopper), farm.product_id, 1, email="", phone=PHONE)
    assert messages(app, "order_placed") == []
    assert gateways.sent == []


def test_producers_hear_new_orders_and_payments_at_once_and_a_helper_only_when_agreed(
    app: Flask,
    client: FlaskClient,
    farm: Farm,
    buy: Callable[..., Order],
    gateways: RecordedTransport,
    make_user: Callable[..., User],
) -> None:
    kept = make_user(Role.HELPER, email=None, phone="0965111222", name="Tổ CNS Phù Lưu")
    not_kept = make_user(Role.HELPER, email=None, phone="0965333444")
    with app.app_context():
        db.session.add(HelperGrant(producer_id=farm.producer_id, helper_id=kept.id, notices=True))
        db.session.add(HelperGrant(producer_id=farm.producer_id, helper_id=not_kept.id))
        db.session.commit()
    choose(app, farm.owner, payments=[Channel.EMAIL], orders=[Channel.EMAIL])
    cash = buy(client, farm.product_id, 1, payment_method="cash")
    [new_order] = sms_sent(gateways, "0965111222")
    assert new_order.startswith(f"Cho Que: don moi {cash.code}-1 tra tien mat, 45.000d.")
    owner_mails = [m for m in app.extensions["mail_outbox"] if m["To"] == farm.owner.email]
    assert owner_mails[-1]["Subject"] == f"Chợ Quê: đơn hàng mới {cash.code}-1"

    transfer = buy(client, farm.product_id, 2)
    assert len(sms_sent(gateways, "0965111222")) == 1  # unpaid: nothing for the producer yet
    pay(app, transfer)
    paid = sms_sent(gateways, "0965111222")[-1]
    assert paid == f"Cho Que: don {transfer.code}-1 da thanh toan (90.000d). Moi dong goi."
    assert zalo_templates(gateways, "0965111222") == []  # the default for a phone: SMS only
    assert sms_sent(gateways, "0965333444") == []
    assert ("producer_order_paid", Topic.PAYMENTS) in {
        (t, topic) for t, topic in _templates(app, "0965111222")
    }


def _templates(app: Flask, recipient: str) -> list[tuple[str, Topic]]:
    with app.app_context():
        return [
            (m.template, m.topic)
            for m in db.session.scalars(sa.select(Message).where(Message.recipient == recipient))
        ]


def test_a_refused_number_is_recorded_failed_for_the_managers(
    app: Flask,
    client: FlaskClient,
    farm: Farm,
    buy: Callable[..., Order],
    gateways: RecordedTransport,
    login_as: Callable[..., User],
) -> None:
    buy(client, farm.product_id, 1, email="", phone="0977000108")
    [(channel, _to, status)] = messages(app, "order_placed")
    assert (channel, status) == (Channel.SMS, MessageStatus.FAILED)
    login_as(Role.MANAGER, provincial=True)
    page = client.get("/quan-ly/tin-nhan").get_data(as_text=True)
    assert "0977000108" in page and "eSMS 99" in page
