"""One shopper cannot take a whole product: guest orders are capped, orders are counted per
account and per phone number as well as per address."""

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from market.accounts.models import Role, User
from market.extensions import db
from orders.models import Order
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout


def _orders_and_stock(app: Flask, product_id: int) -> tuple[int, int]:
    with app.app_context():
        orders = db.session.scalar(sa.select(sa.func.count()).select_from(Order))
        stock = db.session.scalar(sa.select(Product.stock).where(Product.id == product_id))
        return orders, stock


@pytest.fixture
def limits(app: Flask) -> None:
    app.config.update(
        GUEST_MAX_UNITS=3,
        GUEST_MAX_ORDER_VALUE=500_000,
        ORDERS_PER_ACCOUNT_PER_HOUR=2,
        ORDERS_PER_PHONE_PER_HOUR=2,
    )


def test_a_guest_cannot_order_more_units_of_a_product_than_the_cap(
    app: Flask, client: FlaskClient, shop: Shop, limits: None
) -> None:
    add_to_cart(client, shop.tea, 4)
    response = checkout(client, payment_method="cash")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "tối đa 3" in page and "Chè xanh Ngọc Thuý" in page
    assert _orders_and_stock(app, shop.tea) == (0, 10)


def test_a_guest_cannot_order_more_value_than_the_cap(
    app: Flask, client: FlaskClient, shop: Shop, limits: None
) -> None:
    add_to_cart(client, shop.honey, 3)  # 750.000 ₫
    response = checkout(client, payment_method="cash")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "500.000 ₫" in page and "750.000 ₫" in page
    assert _orders_and_stock(app, shop.honey) == (0, 5)


def test_the_checkout_page_tells_a_guest_the_caps_before_ordering(
    client: FlaskClient, shop: Shop, limits: None
) -> None:
    add_to_cart(client, shop.tea, 1)
    page = client.get("/dat-hang/").get_data(as_text=True)
    assert "data-guest-limits" in page and "500.000 ₫" in page


def test_a_signed_in_shopper_may_order_beyond_the_guest_caps(
    app: Flask, client: FlaskClient, shop: Shop, limits: None, login_as
) -> None:
    login_as(Role.SHOPPER)
    add_to_cart(client, shop.honey, 4)
    assert checkout(client, payment_method="cash").status_code == 303
    assert _orders_and_stock(app, shop.honey) == (1, 1)


def test_one_phone_number_places_only_so_many_orders_an_hour_from_any_address(
    app: Flask, shop: Shop, limits: None
) -> None:
    statuses = []
    for n in range(3):
        client = app.test_client()  # a new browser each time: nothing shared but the phone
        add_to_cart(client, shop.orange, 1)
        response = checkout(client, payment_method="cash", name=f"Khách {n}")
        statuses.append(response.status_code)
    assert statuses == [303, 303, 429]
    assert "0912345678" in response.get_data(as_text=True)
    assert _orders_and_stock(app, shop.orange) == (2, 98)


def test_one_account_places_only_so_many_orders_an_hour_whatever_the_phone(
    app: Flask, client: FlaskClient, shop: Shop, limits: None, login_as
) -> None:
    user: User = login_as(Role.SHOPPER)
    statuses = []
    for n in range(3):
        add_to_cart(client, shop.orange, 1)
        statuses.append(checkout(client, payment_method="cash", phone=f"091234500{n}").status_code)
    assert statuses == [303, 303, 429]
    with app.app_context():
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).select_from(Order).where(Order.user_id == user.id)
            )
            == 2
        )
