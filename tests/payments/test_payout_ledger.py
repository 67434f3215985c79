"""Payouts in the balance proof: sequences the stateful ledger test found, each through the real
interface (bank notifications, the payout run, the manager's actions)."""

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role
from market.dbtypes import utcnow
from market.extensions import db
from orders.fulfilment import advance_part
from orders.lifecycle import Action
from orders.models import ActorRole, Order
from orders.transitions import Actor
from payments.balance import verify
from payments.earning_models import PayoutLine
from payments.order_refunds import refund_whole_part
from payments.payout_runs import create_run
from payments.payouts import producer_balances
from payments.settlement import settle_due_earnings
from tests.orders.conftest import Shop
from tests.payments.conftest import post_sepay, sepay_body

TOTAL = 210_000  # tea 120.000 (producer A, part 1) + 2 oranges 90.000 (producer B, part 2)


def _run_and_send(app: Flask, client: FlaskClient, manager_id: int, tx: int) -> list[PayoutLine]:
    with app.app_context():
        settle_due_earnings(utcnow() + timedelta(days=app.config["SETTLEMENT_DAYS"], minutes=1))
        run = create_run(1, manager_id)
        lines = [(line.code, line.amount) for line in run.lines]
    for n, (code, amount) in enumerate(lines):
        body = sepay_body(tx + n, amount, f"{code} ChoQue chi tra", transferType="out")
        assert post_sepay(client, body).status_code == 200
    return lines


def test_a_payout_that_came_back_is_paid_once_more_and_the_ledger_still_balances(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], make_user
) -> None:
    manager = make_user(Role.MANAGER, provincial=True)
    code = place()
    assert post_sepay(client, sepay_body(1, TOTAL, f"CQ{code}")).status_code == 200
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        tea = min(order.parts, key=lambda part: part.number)
        for action in (Action.PACK, Action.READY, Action.HAND_OVER):
            advance_part(tea, action, Actor(ActorRole.OWNER, shop.owner_a.id))
    [(line_code, amount)] = _run_and_send(app, client, manager.id, 100)
    assert post_sepay(client, sepay_body(200, amount, f"HOAN TRA {line_code}")).status_code == 200
    with app.app_context():
        assert verify().problems == []  # the transfer that came back paid nothing
    [(_code, again)] = _run_and_send(app, client, manager.id, 300)
    assert again == amount
    with app.app_context():
        assert verify().problems == []


def test_a_part_refunded_after_its_payout_is_owed_back_by_the_producer(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], make_user
) -> None:
    manager = make_user(Role.MANAGER, provincial=True)
    code = place()
    assert post_sepay(client, sepay_body(1, TOTAL, f"CQ{code}")).status_code == 200
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        tea = min(order.parts, key=lambda part: part.number)
        for action in (Action.PACK, Action.READY, Action.HAND_OVER):
            advance_part(tea, action, Actor(ActorRole.OWNER, shop.owner_a.id))
        producer = tea.producer_id
    [(_line, amount)] = _run_and_send(app, client, manager.id, 100)
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        tea = min(order.parts, key=lambda part: part.number)
        refund_whole_part(tea, reference="FT-HOAN", reason="Hàng hỏng", actor_id=manager.id)
        proof = verify()
        assert proof.problems == []
        assert proof.owed_back == {producer: amount}
        [balance] = producer_balances(producer)
        assert balance.payable == -amount  # the next earnings pay it off
    result = app.test_cli_runner().invoke(args=["payments", "verify"])
    assert result.exit_code == 0, result.output
    assert f"owes back {amount:,} đồng" in result.output
