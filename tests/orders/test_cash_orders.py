"""A cash order holds stock only until its producer accepts or declines it, or time runs out."""

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from catalog.models import Product
from market.accounts.models import User
from market.extensions import db
from orders import services
from orders.models import CancelKind, Order, OrderPart, PartStatus
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout, only_order


def _stock(app: Flask, product_id: int) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Product.stock).where(Product.id == product_id))


def _backdate(app: Flask, hours: float) -> None:
    """Pretend the orders were placed ``hours`` ago."""
    with app.app_context():
        for order in db.session.scalars(sa.select(Order)):
            order.created_at -= timedelta(hours=hours)
            order.expires_at -= timedelta(hours=hours)
        db.session.commit()


def _cash_order(app: Flask, client: FlaskClient, shop: Shop, units: int = 3) -> tuple[str, int]:
    """A guest's cash order of tea; its page and producer A's part id."""
    add_to_cart(client, shop.tea, units)
    response = checkout(client, payment_method="cash")
    assert response.status_code == 303
    with app.app_context():
        return response.headers["Location"], only_order().parts[0].id


def _part(app: Flask, part_id: int) -> OrderPart:
    with app.app_context():
        part = db.session.get(OrderPart, part_id)
        db.session.expunge(part)
        return part


def test_a_cash_order_nobody_accepts_expires_after_the_hold_and_frees_its_stock(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, shop: Shop
) -> None:
    app.config["CASH_HOLD_HOURS"] = 12
    _page, part_id = _cash_order(app, client, shop, units=10)
    assert _stock(app, shop.tea) == 0

    _backdate(app, 11.9)
    assert "Expired 0" in runner.invoke(args=["orders", "expire"]).output
    _backdate(app, 0.2)
    assert "Expired 1" in runner.invoke(args=["orders", "expire"]).output

    part = _part(app, part_id)
    assert part.status is PartStatus.CANCELLED and part.cancel_kind is CancelKind.EXPIRED
    assert _stock(app, shop.tea) == 10
    outbox = app.extensions["mail_outbox"]
    to_shopper = [m for m in outbox if m["To"] == "lan@example.vn"][-1].get_content()
    assert "không nhận đơn kịp hạn" in to_shopper
    assert "đừng gửi" in [m for m in outbox if m["To"] == "owner-a@example.vn"][-1].get_content()


def test_the_shopper_is_told_how_long_the_producer_has_to_accept(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    page_url, _part_id = _cash_order(app, client, shop)
    with app.app_context():
        deadline = only_order().expires_at
    local = (deadline + timedelta(hours=7)).strftime("%H:%M")
    page = client.get(page_url).get_data(as_text=True)
    assert "data-awaits-confirmation" in page and local in page
    placed_mail = app.extensions["mail_outbox"][0]
    assert placed_mail["To"] == "lan@example.vn"
    assert "để nhận đơn" in placed_mail.get_content() and local in placed_mail.get_content()


def test_a_producer_accepts_a_cash_order_and_it_no_longer_expires(
    app: Flask,
    client: FlaskClient,
    runner: FlaskCliRunner,
    login_as: Callable[..., User],
    shop: Shop,
) -> None:
    page_url, part_id = _cash_order(app, client, shop)
    shopper = app.test_client()
    login_as(user=shop.owner_a)
    base = f"/ban-hang/{shop.producer_a}/don-hang/{part_id}"
    assert "data-awaits-confirmation" in client.get(base).get_data(as_text=True)

    assert client.post(f"{base}/nhan").status_code == 303
    assert client.post(f"{base}/nhan").status_code == 303  # twice: refused, nothing changes

    part = _part(app, part_id)
    assert part.confirmed_at is not None and part.status is PartStatus.AWAITING_FULFILMENT
    assert "data-awaits-confirmation" not in shopper.get(page_url).get_data(as_text=True)
    accepted = [m for m in app.extensions["mail_outbox"] if "đã được nhận" in m["Subject"]]
    assert [m["To"] for m in accepted] == ["lan@example.vn"]
    _backdate(app, 48)
    assert "Expired 0" in runner.invoke(args=["orders", "expire"]).output
    assert _stock(app, shop.tea) == 7


def test_a_producer_declines_a_cash_order_with_a_reason_the_shopper_sees(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    page_url, part_id = _cash_order(app, client, shop)
    shopper = app.test_client()  # the guest's private link works in any browser
    login_as(user=shop.owner_a)
    base = f"/ban-hang/{shop.producer_a}/don-hang/{part_id}"
    assert "Từ chối đơn" in client.get(base).get_data(as_text=True)

    response = client.post(f"{base}/huy", data={"reason": "Hết chè <loại 1>, xin lỗi bạn"})

    assert response.status_code == 303
    part = _part(app, part_id)
    assert part.status is PartStatus.CANCELLED and part.cancel_kind is CancelKind.PRODUCER
    assert _stock(app, shop.tea) == 10
    page = shopper.get(page_url).get_data(as_text=True)
    assert "Hết chè &lt;loại 1&gt;, xin lỗi bạn" in page
    mail = app.extensions["mail_outbox"][-1]
    assert mail["To"] == "lan@example.vn"
    assert "Hết chè <loại 1>, xin lỗi bạn" in mail.get_content()


def test_an_accepted_cash_order_cannot_be_expired_by_the_system(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    _page, part_id = _cash_order(app, client, shop)
    login_as(user=shop.owner_a)
    client.post(f"/ban-hang/{shop.producer_a}/don-hang/{part_id}/nhan")
    with app.app_context():
        order = only_order()
        assert services.expire_if_due(order, now=order.expires_at + timedelta(days=1)) == 0
        assert order.parts[0].status is PartStatus.AWAITING_FULFILMENT


def test_cash_the_producer_recorded_as_received_keeps_the_order_from_expiring(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    _page, part_id = _cash_order(app, client, shop)
    with app.app_context():
        part = db.session.get(OrderPart, part_id)
        services.mark_part_paid(part, part.total, "tiền mặt")
        order = only_order()
        assert services.expire_overdue(now=order.expires_at + timedelta(hours=1)) == 0
        assert order.parts[0].status is PartStatus.AWAITING_FULFILMENT
