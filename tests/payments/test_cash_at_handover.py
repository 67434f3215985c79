"""Handing a cash part over records its cash in the same transaction (#16.12): once, in the
ledger, so the sale is in the reports and its order never expires with that money flagged."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import User
from market.dbtypes import utcnow
from market.extensions import db
from orders import services
from orders.models import Order, PartStatus
from payments.balance import verify
from payments.models import EntryKind, PaymentMethod
from payments.services import record_cash_payment
from tests.orders.conftest import Shop
from tests.payments.conftest import ledger_rows
from tests.payments.placed_orders import order_of


def _hand_over_by_http(
    client: FlaskClient, login_as: Callable[..., User], shop: Shop, part_id: int
) -> None:
    """The producer's own buttons: packed, ready for pickup, picked up."""
    login_as(user=shop.owner_a)
    base = f"/ban-hang/{shop.producer_a}/don-hang/{part_id}/chuyen"
    for action in ("pack", "ready", "hand_over"):
        assert client.post(base, data={"action": action}).status_code == 303


def _cash_entries(app: Flask) -> list:
    return [e for e in ledger_rows(app, kind=EntryKind.PAYMENT) if e.method == PaymentMethod.CASH]


def test_a_cash_part_picked_up_has_its_cash_recorded_with_the_handover(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], place, shop: Shop
) -> None:
    code = place("cash")
    tea = order_of(app, code).parts[0]
    _hand_over_by_http(client, login_as, shop, tea.id)
    (entry,) = _cash_entries(app)
    assert (entry.amount, entry.part_ref) == (tea.total, f"{code}-{tea.number}")
    handed = order_of(app, code).parts[0]
    assert (handed.status, handed.paid_amount) == (PartStatus.PICKED_UP, tea.total)
    assert order_of(app, code).parts[1].paid_amount == 0  # the other producer's part
    with app.app_context():
        assert verify().problems == []


def test_cash_recorded_before_the_handover_is_not_recorded_twice(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], place, shop: Shop
) -> None:
    code = place("cash")
    tea = order_of(app, code).parts[0]
    with app.app_context():
        record_cash_payment(f"CQ{code}", f"{code}-{tea.number}", shop.owner_a.id)
    _hand_over_by_http(client, login_as, shop, tea.id)
    assert len(_cash_entries(app)) == 1


def test_a_handed_over_cash_part_keeps_its_order_when_the_other_part_expires(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], place, shop: Shop
) -> None:
    code = place("cash")
    tea = order_of(app, code).parts[0]
    _hand_over_by_http(client, login_as, shop, tea.id)
    with app.app_context():
        db.session.execute(sa.update(Order).where(Order.code == code).values(expires_at=utcnow()))
        db.session.commit()
        services.expire_overdue()
    parts = order_of(app, code).parts
    assert [p.status for p in parts] == [PartStatus.PICKED_UP, PartStatus.CANCELLED]
    with app.app_context():
        proof = verify()
        assert proof.problems == []
        assert proof.total("refunds_due") == 0  # the cash taken is not flagged to go back
        assert proof.total("kept_in_cash") == tea.total
