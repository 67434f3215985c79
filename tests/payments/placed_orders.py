"""Orders placed over HTTP by the payments tests (the ``place`` fixture), read back and paid."""

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.extensions import db
from orders.models import Order, OrderPart
from tests.payments.conftest import paid_session, post_stripe, stripe_event

# Tea 120.000 (producer A, part 1) + 2 oranges 90.000 (producer B, part 2).
TOTAL = 210_000


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


def complete(client: FlaskClient, code: str, event: str = "evt_1", intent: str = "pi_1") -> None:
    """Stripe's signed event that the card checkout of the whole order (TOTAL) completed."""
    session = paid_session("cs_test_1", f"CQ{code}", TOTAL, intent)
    payload = stripe_event(event, "checkout.session.completed", session)
    assert post_stripe(client, payload).status_code == 200
