"""A farm whose orders meet its lots and stock history: a producer with a product and three lots,
a shopper and a provincial manager, each signed in with their own client (trace and workspace)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Lot
from market.accounts.models import Role, User
from market.extensions import db
from orders.models import Order
from tests import factories
from tests.orders.helpers import add_to_cart, checkout

PRICE = 45_000


@dataclass
class Farm:
    """Ids and people of the farm."""

    producer_id: int
    product_id: int
    owner: User
    shopper: User
    manager: User


@pytest.fixture
def farm(app: Flask, make_user: Callable[..., User]) -> Farm:
    """A verified cooperative selling oranges (50 in stock) from lots of 2, 5 and 100 kg."""
    owner = make_user(name="Chủ HTX Cam")
    shopper = make_user(name="Nguyễn Thị Lan", email="lan@example.vn")
    manager = make_user(Role.MANAGER, name="Ban quản lý chợ", provincial=True)
    with app.app_context():
        maker = factories.producer("HTX Cam sành Hàm Yên", owner=owner)
        orange = factories.product(maker, "Cam sành Hàm Yên", price=PRICE, stock=50, unit="kg")
        for code, month, quantity in (("L-OLD", 1, 2), ("L-MID", 2, 5), ("L-NEW", 3, 100)):
            db.session.add(
                Lot(
                    code=code,
                    product=orange,
                    harvest_date=date(2025, month, 5),
                    quantity=Decimal(quantity),
                )
            )
        db.session.commit()
        return Farm(maker.id, orange.id, owner, shopper, manager)


@pytest.fixture
def signed_in(app: Flask) -> Callable[[User], FlaskClient]:
    """A new test client signed in as ``user`` (each person keeps their own cookies)."""

    def sign_in(user: User) -> FlaskClient:
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
        return client

    return sign_in


@pytest.fixture
def buy(app: Flask) -> Callable[..., Order]:
    """Put ``quantity`` of a product in the client's cart and check out; returns the order."""

    def place(client: FlaskClient, product_id: int, quantity: int, **fields: object) -> Order:
        add_to_cart(client, product_id, quantity)
        response = checkout(client, **fields)
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:2000]
        with app.app_context():
            order = db.session.scalars(sa.select(Order).order_by(Order.id.desc())).first()
            db.session.expunge_all()
            return order

    return place
