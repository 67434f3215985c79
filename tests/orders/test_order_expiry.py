"""Unpaid online orders hold stock for a while, then expire and put it back on sale."""

from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from catalog.models import Product
from market.dbtypes import utcnow
from market.extensions import db
from orders import services
from orders.checkout import place_order
from orders.fulfilment import accept_part
from orders.models import CancelKind, Order, PartStatus, PaymentMethod
from orders.transitions import Actor
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout, only_order, order_request


def _stock(product_id: int) -> int:
    return db.session.scalar(sa.select(Product.stock).where(Product.id == product_id))


def _backdate(minutes: int) -> None:
    """Pretend the order was placed ``minutes`` ago."""
    for order in db.session.scalars(sa.select(Order)):
        order.created_at -= timedelta(minutes=minutes)
        order.expires_at -= timedelta(minutes=minutes)
    db.session.commit()


def test_an_online_order_holds_stock_for_the_configured_time(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    app.config["ORDER_HOLD_MINUTES"] = 45
    add_to_cart(client, shop.tea, 3)
    checkout(client)
    with app.app_context():
        order = only_order()
        assert order.expires_at - order.created_at == timedelta(minutes=45)
        assert _stock(shop.tea) == 7


def test_the_cron_command_expires_overdue_orders_and_releases_stock(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 3)
    add_to_cart(client, shop.orange, 2)
    checkout(client)
    result = runner.invoke(args=["orders", "expire"])
    assert "Expired 0" in result.output
    with app.app_context():
        _backdate(31)
    result = runner.invoke(args=["orders", "expire"])
    assert result.exit_code == 0
    assert "Expired 2" in result.output
    with app.app_context():
        order = only_order()
        assert {p.status for p in order.parts} == {PartStatus.CANCELLED}
        assert {p.cancel_kind for p in order.parts} == {CancelKind.EXPIRED}
        assert [e.actor_role.value for e in order.parts[0].events] == ["shopper", "system"]
        assert _stock(shop.tea) == 10 and _stock(shop.orange) == 100
    mail = app.extensions["mail_outbox"][-1]
    assert "đã bị hủy" in mail["Subject"]
    assert "không thanh toán kịp hạn" in mail.get_content()
    # Running it again finds nothing more to do.
    assert "Expired 0" in runner.invoke(args=["orders", "expire"]).output


def test_expiry_is_applied_when_the_order_is_read(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.honey, 5)
    link = checkout(client).headers["Location"]
    with app.app_context():
        _backdate(60)
        assert _stock(shop.honey) == 0
    page = client.get(link).get_data(as_text=True)
    assert "Đã hủy: không thanh toán kịp hạn" in page
    assert "Chờ thanh toán" not in page
    with app.app_context():
        assert _stock(shop.honey) == 5


def test_expiry_is_applied_when_the_producer_reads_the_orders(
    app: Flask, client: FlaskClient, shop: Shop, login_as
) -> None:
    add_to_cart(client, shop.tea, 2)
    checkout(client)
    with app.app_context():
        _backdate(60)
    login_as(user=shop.owner_a)
    client.get(f"/ban-hang/{shop.producer_a}/don-hang/")
    with app.app_context():
        assert only_order().parts[0].status is PartStatus.CANCELLED
        assert _stock(shop.tea) == 10


def test_accepted_cash_orders_and_paid_orders_never_expire(app: Flask, shop: Shop) -> None:
    with app.app_context():
        cash = place_order(
            order_request([(shop.tea, 1, 120_000)], [shop.producer_a], PaymentMethod.CASH)
        )
        accept_part(cash.parts[0], Actor.of(shop.owner_a, "owner"))
        paid = place_order(order_request([(shop.orange, 1, 45_000)], [shop.producer_b]))
        services.mark_order_paid(paid, 45_000, "FT1")
        later = utcnow() + timedelta(days=2)
        assert services.expire_overdue(now=later) == 0
        assert cash.parts[0].status is PartStatus.AWAITING_FULFILMENT
        assert paid.parts[0].status is PartStatus.AWAITING_FULFILMENT
        assert _stock(shop.tea) == 9 and _stock(shop.orange) == 99
