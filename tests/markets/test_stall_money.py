"""Stall money in payments' reconciliation: recorded, but never taken for the market's money.

A transfer sale at a stall lands in the stall's own account; payments records it (the bank told
us) but the market's collection account never saw it. Reconciliation sums it apart, and never
offers it for refund, crediting or return.
"""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import User
from market.extensions import db
from market.i18n import local_today
from market.markets.models import SaleStatus, StallSale
from orders.models import Order
from payments import bank_notifications, reconciliation, refunds
from payments.errors import NotMarketMoney, WrongAccount
from payments.models import (
    BankNotification,
    EntryKind,
    LedgerEntry,
    NotificationStatus,
    PaymentMethod,
)
from tests.markets.conftest import COLLECTION_ACCOUNT, World, sepay
from tests.orders.helpers import add_to_cart, checkout

STALL_ACCOUNT = "8800201000101"  # stall A's account (its producer's)


def _stall_transfer(app: Flask, client: FlaskClient, world: World, amount: int) -> str:
    """A transfer sale at stall A recorded by its owner (signed in); its payment code."""
    data = {"amount": str(amount), "method": "bank_transfer"}
    assert client.post(f"/sap/{world.stall_a}/ban", data=data).status_code == 302
    with app.app_context():
        return db.session.scalar(sa.select(StallSale.payment_code).order_by(StallSale.id.desc()))


@pytest.fixture
def day(app: Flask, client: FlaskClient, login_as: Callable[..., User], world: World) -> World:
    """An order paid into the collection account; stall A paid 80.000 + 20.000 too much into
    its own account; an unmatched credit into each account."""
    login_as(user=world.shopper)
    add_to_cart(client, world.honey, 1)
    assert checkout(client).status_code in (302, 303)
    with app.app_context():
        order_code = db.session.scalar(sa.select(Order.code))
    sepay(client, 1, 250_000, f"CQ{order_code}", account=COLLECTION_ACCOUNT)
    login_as(user=world.owner_a)
    code = _stall_transfer(app, client, world, 80_000)
    sepay(client, 2, 100_000, code, account=STALL_ACCOUNT)
    sepay(client, 3, 45_000, "chuyen tien an cuoi", account=COLLECTION_ACCOUNT)
    sepay(client, 4, 33_000, "tien rau", account=STALL_ACCOUNT)
    return world


def test_stall_transfers_are_summed_apart_from_the_markets_money(
    app: Flask, day: World, ctx: None
) -> None:
    today = local_today()
    market = reconciliation.payments_by_day(today, today)
    own = reconciliation.payments_by_day(today, today, own_accounts=True)
    assert [(r.method, r.count, r.amount, r.refund_due) for r in market] == [
        (PaymentMethod.BANK_TRANSFER, 1, 250_000, 0)
    ]
    assert [(r.method, r.count, r.amount, r.refund_due) for r in own] == [
        (PaymentMethod.BANK_TRANSFER, 1, 100_000, 20_000)
    ]


def test_only_the_markets_money_waits_for_a_manager(app: Flask, day: World, ctx: None) -> None:
    assert [n.description for n in reconciliation.unmatched_credits()] == ["chuyen tien an cuoi"]
    assert [n.description for n in reconciliation.unmatched_credits(own_accounts=True)] == [
        "tien rau"
    ]
    # The stall's overpayment is between the buyer and the seller, not the market's to refund.
    assert reconciliation.overpayments() == []
    assert reconciliation.refunds_due() == []
    assert reconciliation.partial_payments() == []
    assert reconciliation.payouts_owed() != []  # the order's producer is owed its share


def test_the_page_labels_stall_money_and_offers_no_action_on_it(
    client: FlaskClient, login_as: Callable[..., User], day: World
) -> None:
    login_as(user=day.provincial)
    page = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    market, own = page.split("data-own-accounts", 1)
    assert "250.000 ₫" in market and "chuyen tien an cuoi" in market
    assert "100.000 ₫" not in market and "tien rau" not in market
    assert "Trả vào tài khoản riêng của người bán" in own
    assert "100.000 ₫" in own and "20.000 ₫" in own and "tien rau" in own and STALL_ACCOUNT in own
    assert "/quan-ly/doi-soat/chuyen-khoan/" not in own and "/hoan-tien/" not in own


def _note(app: Flask, tx_id: str) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(BankNotification.id).where(BankNotification.provider_tx_id == tx_id)
        )


def test_a_credit_into_a_stall_account_cannot_be_credited_or_returned_by_the_market(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], day: World
) -> None:
    login_as(user=day.owner_a)
    code = _stall_transfer(app, client, day, 33_000)
    login_as(user=day.provincial)
    note_id = _note(app, "4")
    url = f"/quan-ly/doi-soat/chuyen-khoan/{note_id}"
    page = client.get(url).get_data(as_text=True)
    assert "data-not-market-money" in page and 'name="code"' not in page
    client.post(f"{url}/tra-lai")
    with app.app_context():
        with pytest.raises(NotMarketMoney):
            bank_notifications.return_to_sender(note_id, day.provincial.id)
        assert db.session.get(BankNotification, note_id).status == NotificationStatus.UNMATCHED
        assert (
            db.session.scalar(sa.select(StallSale.status).where(StallSale.payment_code == code))
            == SaleStatus.AWAITING
        )


def test_a_credit_into_the_collection_account_cannot_pay_a_stall_sale(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], day: World
) -> None:
    login_as(user=day.owner_a)
    code = _stall_transfer(app, client, day, 45_000)
    login_as(user=day.provincial)
    url = f"/quan-ly/doi-soat/chuyen-khoan/{_note(app, '3')}"
    page = client.post(url, data={"code": code}).get_data(as_text=True)
    assert "tài khoản khác" in page
    with app.app_context():
        assert db.session.get(BankNotification, _note(app, "3")).status == "unmatched"
        assert (
            db.session.scalar(sa.select(StallSale.status).where(StallSale.payment_code == code))
            == SaleStatus.AWAITING
        )
        with pytest.raises(WrongAccount):
            bank_notifications.assign(_note(app, "3"), code, day.provincial.id)


def test_a_stall_overpayment_is_not_refunded_by_the_market(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], day: World
) -> None:
    with app.app_context():
        entry_id = db.session.scalar(
            sa.select(LedgerEntry.id).where(
                LedgerEntry.kind == EntryKind.PAYMENT, LedgerEntry.refund_due > 0
            )
        )
    login_as(user=day.provincial)
    response = client.get(f"/quan-ly/doi-soat/hoan-tien/{entry_id}", follow_redirects=True)
    assert "tài khoản riêng của người bán" in response.get_data(as_text=True)
    client.post(
        f"/quan-ly/doi-soat/hoan-tien/{entry_id}", data={"flagged": "20000", "reference": "FT9"}
    )
    with app.app_context():
        with pytest.raises(NotMarketMoney):
            refunds.refund_payment(entry_id, 20_000, reference="FT9")
        assert (
            db.session.scalar(
                sa.select(sa.func.count()).where(LedgerEntry.kind == EntryKind.REFUND)
            )
            == 0
        )
