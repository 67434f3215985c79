"""Many buyers at once: the stock sold is exactly the stock there was (SQLite and PostgreSQL).

Each buyer runs in its own thread with its own application context, hence its own database
session and connection, and all start together at a barrier.
"""

import threading
from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask

from catalog.models import Product
from market.extensions import db
from orders import services
from orders.checkout import place_order
from orders.errors import InvalidTransition, OutOfStock
from orders.models import Order, PartStatus
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout_data, order_request

BUYERS = 16


def _together(app: Flask, count: int, work: Callable[[int], str]) -> list[str]:
    """Run ``work(i)`` in ``count`` threads released at the same moment; collect the results."""
    barrier = threading.Barrier(count)
    results: list[str] = []

    def run(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results.append(work(i))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(results) == count
    return results


def _counts(product_id: int) -> tuple[int, int]:
    stock = db.session.scalar(sa.select(Product.stock).where(Product.id == product_id))
    orders = db.session.scalar(sa.select(sa.func.count(Order.id)))
    return stock, orders


def test_concurrent_buyers_of_the_last_units_sell_exactly_the_stock(app: Flask, shop: Shop) -> None:
    def buy(i: int) -> str:
        request = order_request([(shop.honey, 1, 250_000)], [shop.producer_a], key=f"buyer-{i}")
        try:
            place_order(request)
        except OutOfStock:
            return "sold out"
        return "ordered"

    results = _together(app, BUYERS, buy)
    assert results.count("ordered") == 5
    assert results.count("sold out") == BUYERS - 5
    with app.app_context():
        assert _counts(shop.honey) == (0, 5)


def test_concurrent_checkouts_over_http_sell_exactly_the_stock(app: Flask, shop: Shop) -> None:
    buyers = 8
    clients = [app.test_client() for _ in range(buyers)]
    forms = []
    for client in clients:
        add_to_cart(client, shop.honey, 2)
        forms.append(checkout_data(client))

    def buy(i: int) -> str:
        response = clients[i].post("/dat-hang/", data=forms[i])
        sold_out = 'data-problem="sold-out"' in response.get_data(as_text=True)
        return {303: "ordered", 409: "sold out" if sold_out else "409?"}.get(
            response.status_code, str(response.status_code)
        )

    results = _together(app, buyers, buy)
    assert sorted(results) == ["ordered", "ordered"] + ["sold out"] * (buyers - 2)
    with app.app_context():
        assert _counts(shop.honey) == (1, 2)


def test_the_same_checkout_submitted_at_once_makes_one_order(app: Flask, shop: Shop) -> None:
    def submit(_i: int) -> str:
        request = order_request([(shop.tea, 3, 120_000)], [shop.producer_a], key="double-tap")
        return place_order(request).code

    codes = _together(app, 6, submit)
    assert len(set(codes)) == 1
    with app.app_context():
        assert _counts(shop.tea) == (7, 1)


def test_expiry_racing_a_payment_leaves_stock_consistent(app: Flask, shop: Shop) -> None:
    with app.app_context():
        order_id = place_order(order_request([(shop.tea, 2, 120_000)], [shop.producer_a])).id

    def act(i: int) -> str:
        order = db.session.get(Order, order_id)
        try:
            if i == 0:
                return f"expired {services.expire_if_due(order, now=order.expires_at)}"
            return f"paid {len(services.mark_order_paid(order, 240_000, 'FT-race'))}"
        except InvalidTransition:
            return "refused"

    _together(app, 2, act)
    with app.app_context():
        part = db.session.get(Order, order_id).parts[0]
        stock, _orders = _counts(shop.tea)
        if part.status is PartStatus.AWAITING_FULFILMENT:
            assert (stock, part.paid_amount) == (8, 240_000)
        else:
            assert (part.status, stock, part.paid_amount) == (PartStatus.CANCELLED, 10, 0)
