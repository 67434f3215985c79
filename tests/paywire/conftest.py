"""Payments wired to real orders: payment keys, the two-producer shop, orders placed over HTTP."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.extensions import db
from orders.models import Order, OrderPart
from tests.orders.conftest import Shop, shop  # noqa: F401  (the shared shop fixture)
from tests.orders.helpers import add_to_cart, checkout
from tests.payments.conftest import (  # noqa: F401  (fixtures)
    clock,
    fake_stripe,
    with_payment_keys,
)


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Payments keys and a known collection account."""
    return with_payment_keys(app_config)


@pytest.fixture
def place(app: Flask, client: FlaskClient, shop: Shop) -> Callable[..., str]:  # noqa: F811
    """Place an order over HTTP with tea (producer A) and oranges (producer B); its code."""

    def place_order(payment_method: str = "bank_transfer", tea: int = 1, orange: int = 2) -> str:
        add_to_cart(client, shop.tea, tea)
        add_to_cart(client, shop.orange, orange)
        response = checkout(client, payment_method=payment_method)
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        with app.app_context():
            code = db.session.scalars(sa.select(Order.code).order_by(Order.id.desc())).first()
        assert code is not None
        return code

    return place_order


def order_of(app: Flask, code: str) -> Order:
    """The order with its parts, read fresh and detached."""
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        assert order is not None
        for part in order.parts:
            _ = part.producer, part.lines
        db.session.expunge_all()
        return order


def statuses(app: Flask, code: str) -> list[str]:
    """The parts' states, in part order."""
    return [part.status.value for part in order_of(app, code).parts]


def part_of(app: Flask, code: str, number: int) -> OrderPart:
    """One part of an order (detached)."""
    return next(p for p in order_of(app, code).parts if p.number == number)
