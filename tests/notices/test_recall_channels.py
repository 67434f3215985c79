"""A recall reaches every buyer of the lot through every channel they have (e-mail, SMS through
eSMS, Zalo ZNS, answered from recordings), whatever they chose for other notices."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.trace.models import LotRecall
from catalog.trace.services import ZNS_RECALL, send_recall_notices
from market.accounts.models import User
from market.extensions import db
from market.notify import Channel, Message, MessageStatus, Topic, set_channels
from orders import fulfilment
from orders.lifecycle import Action
from orders.models import ActorRole, Order, OrderPart
from orders.transitions import Actor
from tests.farm import Farm
from tests.notices.conftest import sms_sent, zalo_sent
from tests.recorded_http import RecordedTransport

REASON = "Dư lượng thuốc bảo vệ thực vật vượt ngưỡng"
NO_ZALO = "0977000118"  # Zalo answers -118: no Zalo account uses this number


def ship(app: Flask, order: Order) -> None:
    """The producer packs and hands the part over for pickup: its lot is recorded as sold."""
    with app.app_context():
        part = db.session.scalars(sa.select(OrderPart).where(OrderPart.order_id == order.id)).one()
        fulfilment.advance_part(part, Action.PACK, Actor(ActorRole.OWNER, None))
        fulfilment.advance_part(part, Action.READY, Actor(ActorRole.OWNER, None))


def test_a_recall_reaches_every_buyer_by_sms_and_zalo(
    app: Flask,
    client: FlaskClient,
    farm: Farm,
    buy: Callable[..., Order],
    signed_in: Callable[[User], FlaskClient],
    make_user: Callable[..., User],
    gateways: RecordedTransport,
) -> None:
    # Hà turned every notice to e-mail only; a recall ignores that and uses her phone too.
    ha = make_user(name="Lý Thị Hà", email="ha@example.vn", phone="0912345678")
    with app.app_context():
        person = db.session.get(User, ha.id)
        for topic in (Topic.ORDERS, Topic.PAYMENTS, Topic.PICKUPS, Topic.NEWS):
            set_channels(person, topic, [Channel.EMAIL])
        db.session.commit()
    # Someone bought the whole earlier lot L-OLD (2 kg): not a buyer of the recalled L-MID.
    earlier = buy(app.test_client(), farm.product_id, 2, payment_method="cash", phone="0966000001")
    ship(app, earlier)
    orders = [
        buy(signed_in(ha), farm.product_id, 1, payment_method="cash", email="ha@example.vn"),
        buy(client, farm.product_id, 1, payment_method="cash", email="", phone="0987654321"),
        buy(app.test_client(), farm.product_id, 1, payment_method="cash", email="", phone=NO_ZALO),
    ]
    for order in orders:
        ship(app, order)
    gateways.sent.clear()

    owner = signed_in(farm.owner)
    url = f"/ban-hang/{farm.producer_id}/lo/L-MID/thu-hoi"
    assert owner.post(url, data={"reason": REASON, "confirm": "y"}).status_code == 302

    for order, phone in zip(orders, ("0912345678", "0987654321", NO_ZALO), strict=True):
        [text] = sms_sent(gateways, phone)
        assert text.startswith("Cho Que THU HOI: dung dung Cam sanh Ham Yen lo L-MID")
        assert f"{order.code}-1" in text
        [zns] = zalo_sent(gateways, phone)
        assert zns.json["template_id"] == ZNS_RECALL
        assert zns.json["template_data"]["lot_code"] == "L-MID"
        assert zns.json["template_data"]["order_code"] == f"{order.code}-1"
    assert sms_sent(gateways, "0966000001") == []
    assert [m["To"] for m in app.extensions["mail_outbox"] if "Thu hồi" in m["Subject"]] == [
        "ha@example.vn"
    ]
    with app.app_context():
        assert db.session.scalar(sa.select(LotRecall.buyers_emailed)) == 3
        recorded = {
            (m.channel, m.recipient): m.status
            for m in db.session.scalars(sa.select(Message).where(Message.template == "lot_recall"))
        }
    assert recorded[(Channel.ZALO, "0912345678")] == MessageStatus.SENT
    assert recorded[(Channel.SMS, NO_ZALO)] == MessageStatus.SENT
    assert recorded[(Channel.ZALO, NO_ZALO)] == MessageStatus.FAILED  # shown to managers
    assert len(recorded) == 7  # Hà: e-mail, SMS, Zalo; each guest: SMS and Zalo


def test_running_the_recall_job_again_warns_nobody_twice(
    app: Flask,
    client: FlaskClient,
    farm: Farm,
    buy: Callable[..., Order],
    signed_in: Callable[[User], FlaskClient],
    gateways: RecordedTransport,
) -> None:
    order = buy(client, farm.product_id, 1, payment_method="cash", email="", phone="0987654321")
    ship(app, order)
    gateways.sent.clear()
    signed_in(farm.owner).post(
        f"/ban-hang/{farm.producer_id}/lo/L-OLD/thu-hoi", data={"reason": REASON, "confirm": "y"}
    )
    with app.app_context():
        recall_id = db.session.scalar(sa.select(LotRecall.id))
        send_recall_notices({"recall_id": recall_id})
        count = db.session.scalar(
            sa.select(sa.func.count()).select_from(Message).where(Message.template == "lot_recall")
        )
    assert count == 2
    assert len(sms_sent(gateways, "0987654321")) == 1
