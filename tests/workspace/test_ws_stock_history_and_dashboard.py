"""Orders' stock changes show in the workspace's stock history and sales dashboard."""

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from catalog.stock_history import StockMovement, StockReason
from market.dbtypes import utcnow
from market.extensions import db
from orders.models import Order
from tests.farm import PRICE, Farm


def _movements(app: Flask) -> list[tuple]:
    with app.app_context():
        return [
            (m.reason, m.delta, m.stock_after, m.order_ref, m.unit_price, m.actor_id)
            for m in db.session.scalars(sa.select(StockMovement).order_by(StockMovement.id))
        ]


def _stock(app: Flask, farm: Farm) -> int:
    with app.app_context():
        return db.session.get(Product, farm.product_id).stock


def test_checkout_records_a_sale_with_the_order_reference_price_and_buyer(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    order = buy(signed_in(farm.shopper), farm.product_id, 3, payment_method="cash")
    reference = f"{order.code}-1"
    assert _movements(app) == [
        (StockReason.SALE, -3, 47, reference, PRICE, farm.shopper.id),
    ]
    history = signed_in(farm.owner).get(f"/ban-hang/{farm.producer_id}/kho")
    page = history.get_data(as_text=True)
    assert history.status_code == 200
    assert "Bán hàng" in page and reference in page and "Nguyễn Thị Lan" in page


def test_an_expired_order_records_a_return_and_nets_to_zero_on_the_dashboard(
    app: Flask, farm: Farm, client: FlaskClient, buy: Callable, signed_in: Callable, runner
) -> None:
    order = buy(client, farm.product_id, 2)  # a guest paying by bank transfer
    with app.app_context():
        found = db.session.get(Order, order.id)
        found.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    result = runner.invoke(args=["orders", "expire"])
    assert result.exit_code == 0, result.output
    reference = f"{order.code}-1"
    assert _movements(app) == [
        (StockReason.SALE, -2, 48, reference, PRICE, None),
        (StockReason.RETURN, 2, 50, reference, PRICE, None),
    ]
    assert _stock(app, farm) == 50
    page = signed_in(farm.owner).get(f"/ban-hang/{farm.producer_id}/tong-quan?period=today")
    assert _figures(page.get_data(as_text=True)) == ("0 ₫", "0")


def _figures(html: str) -> tuple[str, str]:
    """Revenue and the orders count from the dashboard's figures."""
    dds = html.split('class="ws-figures"')[1].split("</dl>")[0].split("<dd>")
    return dds[1].split("</dd>")[0].strip(), dds[2].split("</dd>")[0].strip()


def test_a_shopper_cancellation_returns_the_units_as_the_shopper(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    shopper = signed_in(farm.shopper)
    order = buy(shopper, farm.product_id, 4)
    response = shopper.post(f"/don-hang/{order.code}/huy", data={"reason": "Đặt nhầm"})
    assert response.status_code in (302, 303)
    reason, delta, left, reference, price, actor = _movements(app)[-1]
    assert (reason, delta, left, reference, price, actor) == (
        StockReason.RETURN,
        4,
        50,
        f"{order.code}-1",
        PRICE,
        farm.shopper.id,
    )


def test_the_dashboard_shows_revenue_units_and_orders_to_fulfil_from_a_real_order(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    order = buy(signed_in(farm.shopper), farm.product_id, 3, payment_method="cash")
    _cash_received(app, order.id)
    owner = signed_in(farm.owner)
    html = owner.get(f"/ban-hang/{farm.producer_id}/tong-quan?period=today").get_data(as_text=True)
    assert _figures(html) == ("135.000 ₫", "1")
    figures = html.split('class="ws-figures"')[1].split("</dl>")[0]
    assert "<dd>3</dd>" in figures  # units sold
    fulfil = f'href="/ban-hang/{farm.producer_id}/don-hang/"'
    assert f"{fulfil}>1 " in figures  # orders to fulfil, linked to the fulfilment list
    menu = html.split('class="ws-nav"')[1].split("</nav>")[0]
    assert fulfil in menu
    assert "Cam sành Hàm Yên" in html.split('id="top-h"')[1]  # best seller


def test_a_cancelled_order_is_not_counted_on_the_dashboard(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable
) -> None:
    shopper = signed_in(farm.shopper)
    kept = buy(shopper, farm.product_id, 1, payment_method="cash")
    _cash_received(app, kept.id)
    dropped = buy(shopper, farm.product_id, 5, payment_method="cash")
    shopper.post(f"/don-hang/{dropped.code}/huy", data={"reason": ""})
    html = (
        signed_in(farm.owner)
        .get(f"/ban-hang/{farm.producer_id}/tong-quan?period=today")
        .get_data(as_text=True)
    )
    assert _figures(html) == ("45.000 ₫", "1")
    assert kept.code != dropped.code


def _cash_received(app: Flask, order_id: int) -> None:
    """The producer received the cash of the order's part."""
    with app.app_context():
        part = db.session.get(Order, order_id).parts[0]
        part.paid_amount = part.total
        db.session.commit()


def test_revenue_is_money_received_and_unpaid_orders_are_shown_apart(
    app: Flask, farm: Farm, signed_in: Callable, buy: Callable, client: FlaskClient
) -> None:
    paid = buy(signed_in(farm.shopper), farm.product_id, 1, payment_method="cash")
    _cash_received(app, paid.id)
    buy(signed_in(farm.shopper), farm.product_id, 2, payment_method="cash")  # cash not handed over
    buy(client, farm.product_id, 3)  # a guest's bank transfer not arrived yet
    html = (
        signed_in(farm.owner)
        .get(f"/ban-hang/{farm.producer_id}/tong-quan?period=today")
        .get_data(as_text=True)
    )
    assert _figures(html) == ("45.000 ₫", "1")
    pending = html.split('class="ws-pending"')[1].split("</div>")[0]
    assert "225.000 ₫" in pending and "2 đơn" in pending
