"""The three ledger defects, each through the real interface, and the balance proof after them.

Tea 120.000 (producer A, part 1) + 2 oranges 90.000 (producer B, part 2) = 210.000, both picked
up at the producer, paid by bank transfer.
"""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role
from market.extensions import db
from payments.balance import verify
from payments.models import BankNotification, EntryKind, NotificationStatus, Outcome
from payments.payouts import producer_balance
from payments.reconciliation import part_refunds_due
from tests.orders.conftest import Shop
from tests.payments.conftest import casso_body, ledger_rows, post_casso, post_sepay, sepay_body
from tests.payments.placed_orders import order_of, statuses

TOTAL = 210_000


def balanced(app: Flask) -> list[tuple[str, str]]:
    """The balance proof's problems (none when every đồng is accounted for)."""
    with app.app_context():
        return verify().problems


def owed(app: Flask, producer_id: int) -> int:
    with app.app_context():
        balance = producer_balance(producer_id)
        return balance.owed if balance else 0


def test_a_managers_refund_of_a_whole_payment_names_the_parts_and_the_order_follows(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    login_as: Callable,
) -> None:
    code = place()
    post_sepay(client, sepay_body(801, TOTAL, f"CQ{code}"))
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    login_as(Role.MANAGER, provincial=True)
    url = f"/quan-ly/doi-soat/hoan-tien/{payment.id}"
    # Money that is not flagged cannot be given back without saying what it is for.
    refused = client.post(url, data={"flagged": str(TOTAL), "reference": "FT-BACK"})
    assert refused.status_code == 200
    assert not ledger_rows(app, kind=EntryKind.REFUND)
    page = client.get(url).get_data(as_text=True)
    refs = [f"{code}-{part.number}" for part in order_of(app, code).parts]
    assert all(ref in page for ref in refs)
    response = client.post(
        url, data={"parts": refs, "reason": "Khách đổi ý", "reference": "FT-BACK"}
    )
    assert response.status_code == 302
    assert statuses(app, code) == ["refunded", "refunded"]  # cancelled, then refunded in full
    refunds = ledger_rows(app, kind=EntryKind.REFUND)
    assert sorted(r.part_ref for r in refunds) == sorted(refs)
    assert sum(r.amount for r in refunds) == TOTAL
    order = order_of(app, code)
    shopper_page = client.get(f"/don-hang/xem/{order.access_token}").get_data(as_text=True)
    assert f'data-copy="CQ{code}"' not in shopper_page  # no QR to pay again
    assert owed(app, shop.producer_a) == 0 and owed(app, shop.producer_b) == 0
    assert balanced(app) == []


def test_a_paid_part_cancelled_by_its_producer_is_a_refund_due_not_a_payout(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    login_as: Callable,
) -> None:
    code = place()
    post_sepay(client, sepay_body(802, TOTAL, f"CQ{code}"))
    part = next(p for p in order_of(app, code).parts if p.producer_id == shop.producer_a)
    login_as(user=shop.owner_a)
    response = client.post(
        f"/ban-hang/{shop.producer_a}/don-hang/{part.id}/huy", data={"reason": "Hết hàng"}
    )
    assert response.status_code == 303
    assert statuses(app, code) == ["cancelled", "awaiting_fulfilment"]
    with app.app_context():
        assert producer_balance(shop.producer_a).payable == 0  # never settled: not delivered
        [due] = part_refunds_due()
        assert (due.part_ref, due.amount) == (f"{code}-{part.number}", part.total)
    login_as(Role.MANAGER, provincial=True)
    overview = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    assert "data-part-refunds" in overview and f"{code}-{part.number}" in overview
    assert balanced(app) == []


def test_one_transfer_reported_by_sepay_and_by_casso_is_credited_once(
    app: Flask, client: FlaskClient, place: Callable[..., str], clock: Callable
) -> None:
    code = place()
    post_sepay(
        client,
        sepay_body(
            803,
            TOTAL,
            f"CQ{code}",
            referenceCode="FT26328123456",
            transactionDate="2026-11-24 14:02:37",
        ),
    )
    body = casso_body(
        9803,
        TOTAL,
        f"CQ{code} chuyen tien",
        reference="FT26328123456",
        transactionDateTime="2026-11-24 14:02:37",
    )
    assert post_casso(client, body, 1_764_000_000_000).status_code == 200
    payments = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert [(p.amount, p.outcome) for p in payments] == [(TOTAL, Outcome.EXACT)]
    with app.app_context():
        notes = db.session.scalars(sa.select(BankNotification).order_by(BankNotification.id)).all()
        assert [n.status for n in notes] == [
            NotificationStatus.CREDITED,
            NotificationStatus.IGNORED,
        ]
        assert notes[1].note == "duplicate"
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]
    assert balanced(app) == []


def test_two_transfers_of_the_same_amount_with_different_bank_references_both_count(
    app: Flask, client: FlaskClient, place: Callable[..., str], clock: Callable
) -> None:
    code = place()
    post_sepay(client, sepay_body(804, 100_000, f"CQ{code}", referenceCode="FT1"))
    body = casso_body(9804, 100_000, f"CQ{code}", reference="FT2")
    post_casso(client, body, 1_764_000_000_000)
    assert [p.amount for p in ledger_rows(app, kind=EntryKind.PAYMENT)] == [100_000, 100_000]
    assert balanced(app) == []


def test_payments_verify_passes_a_balanced_ledger_and_names_the_order_that_breaks_it(
    app: Flask, client: FlaskClient, runner, place: Callable[..., str]
) -> None:
    code = place()
    post_sepay(client, sepay_body(805, TOTAL, f"CQ{code}"))
    clean = runner.invoke(args=["payments", "verify"])
    assert clean.exit_code == 0, clean.output
    assert "Balanced" in clean.output and "210,000" in clean.output
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    with app.app_context():  # what the old whole-payment refund wrote: money back, no part named
        from payments.ledger import add_entry

        add_entry(
            kind=EntryKind.REFUND,
            method=payment.method,
            amount=TOTAL,
            target_code=f"CQ{code}",
            refund_of_id=payment.id,
        )
        db.session.commit()
    broken = runner.invoke(args=["payments", "verify"])
    assert broken.exit_code == 1
    assert f"BROKEN CQ{code}: -210000 đồng received but not accounted for" in broken.output
