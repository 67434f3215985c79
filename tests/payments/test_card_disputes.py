"""Card disputes from Stripe: the order is flagged, its producers' earnings held, and the outcome
settled in the ledger (won: released; lost: the money given back, named by part).

Tea 120.000 (producer A, part 1) + 2 oranges 90.000 (producer B, part 2) = 210.000, by card.
"""

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role
from payments.balance import verify
from payments.models import EntryKind
from payments.payouts import producer_balance
from payments.settlement import open_holds
from tests.orders.conftest import Shop
from tests.payments.conftest import FakeStripe, post_stripe, stripe_event
from tests.payments.placed_orders import TOTAL, complete, order_of


def dispute(event_id: str, kind: str, amount: int = TOTAL, status: str = "needs_response") -> str:
    obj = {
        "id": "dp_1",
        "object": "dispute",
        "amount": amount,
        "currency": "vnd",
        "charge": "ch_1",
        "payment_intent": "pi_1",
        "reason": "fraudulent",
        "status": status,
    }
    return stripe_event(event_id, f"charge.dispute.{kind}", obj)


def ledger(app: Flask, kind: EntryKind) -> list:
    from tests.payments.conftest import ledger_rows

    return ledger_rows(app, kind=kind)


def test_an_open_dispute_flags_the_order_and_holds_its_producers_earnings_until_won(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    fake_stripe: FakeStripe,
    login_as: Callable,
    make_user: Callable,
) -> None:
    manager = make_user(Role.MANAGER, provincial=True)
    code = place("card")
    complete(client, code)
    assert post_stripe(client, dispute("evt_d1", "created")).status_code == 200
    login_as(user=manager)
    page = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    assert "data-disputes" in page and f"CQ{code}" in page.split("data-disputes")[1]
    with app.app_context():
        assert open_holds([(f"CQ{code}", f"{code}-1")])  # not settled while disputed
    won = dispute("evt_d2", "closed", status="won")
    assert post_stripe(client, won).status_code == 200
    assert post_stripe(client, won).status_code == 200  # a replay changes nothing
    assert "data-disputes" not in client.get("/quan-ly/doi-soat").get_data(as_text=True)
    with app.app_context():
        assert open_holds([(f"CQ{code}", f"{code}-1")]) == {}
        assert verify().problems == []
    assert not ledger(app, EntryKind.REFUND)


def test_a_lost_dispute_is_the_money_given_back_part_by_part(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], fake_stripe: FakeStripe
) -> None:
    code = place("card")
    complete(client, code)
    post_stripe(client, dispute("evt_d1", "created"))
    post_stripe(client, dispute("evt_d2", "closed", status="lost"))
    post_stripe(client, dispute("evt_d3", "closed", status="lost"))  # another delivery
    refunds = ledger(app, EntryKind.REFUND)
    assert sorted((r.part_ref, r.amount) for r in refunds) == [
        (f"{code}-1", 120_000),
        (f"{code}-2", 90_000),
    ]
    assert [p.refunded_amount for p in order_of(app, code).parts] == [120_000, 90_000]
    with app.app_context():
        assert producer_balance(shop.producer_a).owed == 0
        assert producer_balance(shop.producer_b).owed == 0
        assert verify().problems == []


def test_a_dispute_before_its_payment_waits_for_it(
    app: Flask, client: FlaskClient, place: Callable[..., str], fake_stripe: FakeStripe
) -> None:
    code = place("card")
    assert post_stripe(client, dispute("evt_d0", "created", amount=50_000)).status_code == 200
    complete(client, code)
    with app.app_context():
        from payments.disputes import open_disputes

        assert [(d.code, d.amount) for d in open_disputes()] == [(f"CQ{code}", 50_000)]
