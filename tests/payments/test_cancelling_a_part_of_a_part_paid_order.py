"""A part of an order paid in part is cancelled while another part still waits for payment: the
order now asks for less, and what was already received may cover the parts left.

Tea 120.000 (producer A, part 1) + 2 oranges 90.000 (producer B, part 2) = 210.000.
"""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.stock_history import StockMovement
from market.accounts.models import Role
from market.extensions import db
from orders.models import PartStatus
from payments.models import EntryKind, Outcome
from payments.reconciliation import partial_payments, refunds_due
from tests.orders.conftest import Shop
from tests.payments.conftest import (
    FakeStripe,
    ledger_rows,
    paid_session,
    post_sepay,
    post_stripe,
    sepay_body,
    stripe_event,
)
from tests.payments.placed_orders import order_of, part_of, statuses

TEA, ORANGES = 120_000, 90_000


def link(app: Flask, code: str) -> str:
    """The order's private page."""
    return f"/don-hang/xem/{order_of(app, code).access_token}"


def producer_cancels(
    client: FlaskClient, app: Flask, login_as: Callable, shop: Shop, code: str, number: int
) -> None:
    """The part's producer cancels it from its fulfilment page, with a reason."""
    part = part_of(app, code, number)
    login_as(user=shop.owner_a if number == 1 else shop.owner_b)
    response = client.post(
        f"/ban-hang/{part.producer_id}/don-hang/{part.id}/huy", data={"reason": "Hết hàng"}
    )
    assert response.status_code == 303
    assert part_of(app, code, number).status == PartStatus.CANCELLED


def shopper_cancels(client: FlaskClient, app: Flask, code: str, number: int) -> None:
    """The shopper cancels one part from the order's private page."""
    part = part_of(app, code, number)
    response = client.post(f"{link(app, code)}/huy", data={"part": part.id})
    assert response.status_code == 303
    assert part_of(app, code, number).status == PartStatus.CANCELLED


def subjects(app: Flask) -> list[tuple[str, str]]:
    return [(str(m["To"]), str(m["Subject"])) for m in app.extensions.get("mail_outbox", [])]


def earnings(app: Flask) -> list[tuple[str | None, int]]:
    return [(e.part_ref, e.amount) for e in ledger_rows(app, kind=EntryKind.EARNING)]


def stock_history(app: Flask) -> dict[int, list[int]]:
    """Each product's stock changes, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(StockMovement.product_id, StockMovement.delta).order_by(StockMovement.id)
        )
        found: dict[int, list[int]] = {}
        for product_id, delta in rows:
            found.setdefault(product_id, []).append(delta)
        return found


def recon(app: Flask, code: str) -> tuple[list[tuple[int, int, int]], list[int]]:
    """What reconciliation lists for the order: (due, paid, missing) if partly paid, and the
    amounts still to give back."""
    with app.app_context():
        partial = [
            (row.amount_due, row.paid, row.missing)
            for row in partial_payments()
            if row.code == f"CQ{code}"
        ]
        owed = [d.outstanding for d in refunds_due() if d.entry.target_code == f"CQ{code}"]
        return partial, owed


def test_a_producer_cancelling_leaves_the_rest_paid_and_the_excess_flagged(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as: Callable
) -> None:
    code = place()
    post_sepay(client, sepay_body(1001, 100_000, f"CQ{code}"))
    assert statuses(app, code) == ["awaiting_payment", "awaiting_payment"]
    app.extensions["mail_outbox"].clear()
    page = link(app, code)

    producer_cancels(client, app, login_as, shop, code, 1)

    oranges = part_of(app, code, 2)
    assert oranges.status == PartStatus.AWAITING_FULFILMENT
    assert (oranges.paid_amount, oranges.paid_reference) == (ORANGES, f"CQ{code}")
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (payment.outcome, payment.refund_due) == (Outcome.OVERPAID, 10_000)
    assert earnings(app) == [(f"{code}-2", ORANGES)]
    assert recon(app, code) == ([], [10_000])
    sent = subjects(app)
    assert any(to == "owner-b@example.vn" and "đơn hàng mới" in subject for to, subject in sent)
    assert any(to == "lan@example.vn" and "đã thanh toán" in subject for to, subject in sent)
    assert stock_history(app) == {shop.tea: [-1, 1], shop.orange: [-2]}

    shown = client.get(page).get_data(as_text=True)
    assert 'data-pay-state="paid"' in shown and "/qr.png" not in shown
    assert "Đã thanh toán: 10.000 ₫ nhận thừa sẽ được hoàn lại" in shown
    login_as(Role.MANAGER, provincial=True)
    overview = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    assert f"/quan-ly/doi-soat/hoan-tien/{payment.id}" in overview
    assert "Không có khoản trả thừa." not in overview  # listed among the overpayments
    login_as(user=shop.owner_b)
    sales = client.get(f"/thanh-toan/nha-san-xuat/{shop.producer_b}").get_data(as_text=True)
    assert "<dd>90.000 ₫</dd>" in sales  # its paid sales
    part = client.get(f"/ban-hang/{shop.producer_b}/don-hang/{oranges.id}").get_data(as_text=True)
    assert 'value="pack"' in part  # to fulfil now


def test_money_that_covers_the_rest_exactly_pays_it_with_nothing_to_give_back(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as: Callable
) -> None:
    code = place()
    post_sepay(client, sepay_body(1011, ORANGES, f"CQ{code}"))
    producer_cancels(client, app, login_as, shop, code, 1)
    assert statuses(app, code) == ["cancelled", "awaiting_fulfilment"]
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (payment.outcome, payment.refund_due) == (Outcome.PARTIAL, 0)
    assert recon(app, code) == ([], [])
    # A later transfer for the old total is all too much.
    post_sepay(client, sepay_body(1012, 120_000, f"CQ{code}"))
    assert ledger_rows(app, kind=EntryKind.PAYMENT)[-1].refund_due == 120_000
    assert statuses(app, code) == ["cancelled", "awaiting_fulfilment"]
    assert len(earnings(app)) == 1


def test_the_shopper_cancelling_one_part_pays_the_other_from_two_transfers(
    app: Flask, client: FlaskClient, place: Callable[..., str]
) -> None:
    code = place()
    post_sepay(client, sepay_body(1021, 80_000, f"CQ{code}"))
    post_sepay(client, sepay_body(1022, 60_000, f"CQ{code}"))
    shopper_cancels(client, app, code, 2)  # the oranges: the tea (120.000) is left
    tea = part_of(app, code, 1)
    assert (tea.status, tea.paid_amount) == (PartStatus.AWAITING_FULFILMENT, TEA)
    payments = ledger_rows(app, kind=EntryKind.PAYMENT)
    # The newest transfer is the one that went over, as if it had arrived after the cancel.
    assert [(p.amount, p.refund_due, p.outcome) for p in payments] == [
        (80_000, 0, Outcome.PARTIAL),
        (60_000, 20_000, Outcome.OVERPAID),
    ]
    assert earnings(app) == [(f"{code}-1", TEA)]
    assert recon(app, code) == ([], [20_000])
    assert "Đã thanh toán" in client.get(link(app, code)).get_data(as_text=True)


def test_money_still_short_leaves_the_order_partly_paid_for_the_new_amount(
    app: Flask, client: FlaskClient, place: Callable[..., str], login_as: Callable
) -> None:
    code = place()
    post_sepay(client, sepay_body(1031, 50_000, f"CQ{code}"))
    shopper_cancels(client, app, code, 2)  # 120.000 left for the tea
    assert statuses(app, code) == ["awaiting_payment", "cancelled"]
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (payment.outcome, payment.refund_due) == (Outcome.PARTIAL, 0)
    assert earnings(app) == []
    assert recon(app, code) == ([(TEA, 50_000, 70_000)], [])
    shown = client.get(link(app, code)).get_data(as_text=True)
    assert "Đã trả một phần: 50.000 ₫ / 120.000 ₫" in shown
    assert 'data-copy="70000"' in shown and "/qr.png" in shown
    login_as(Role.MANAGER, provincial=True)
    assert "70.000 ₫" in client.get("/quan-ly/doi-soat").get_data(as_text=True)
    # The rest arrives: the tea is paid, nothing is flagged.
    post_sepay(client, sepay_body(1032, 70_000, f"CQ{code}"))
    assert statuses(app, code) == ["awaiting_fulfilment", "cancelled"]
    assert recon(app, code) == ([], [])
    assert earnings(app) == [(f"{code}-1", TEA)]


def complete_card(client: FlaskClient, code: str, amount: int) -> None:
    """Stripe's signed event: the Checkout Session for ``amount`` is paid."""
    session = paid_session("cs_test_1", f"CQ{code}", amount, "pi_1")
    payload = stripe_event("evt_1", "checkout.session.completed", session)
    assert post_stripe(client, payload).status_code == 200


def test_a_card_paid_order_losing_a_part_keeps_its_money_for_that_parts_refund(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    fake_stripe: FakeStripe,
    login_as: Callable,
) -> None:
    code = place("card")
    complete_card(client, code, TEA + ORANGES)
    producer_cancels(client, app, login_as, shop, code, 1)
    assert statuses(app, code) == ["cancelled", "awaiting_fulfilment"]
    tea = part_of(app, code, 1)
    assert tea.paid_amount == TEA and tea.refunded_amount == 0
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (payment.outcome, payment.refund_due) == (Outcome.EXACT, 0)
    assert sorted(amount for _ref, amount in earnings(app)) == [ORANGES, TEA]
    assert recon(app, code) == ([], [])
    assert not fake_stripe.sent("/v1/refunds")  # the tea's refund is the producer's to make


def test_a_card_payment_for_the_old_total_after_a_part_was_cancelled_flags_the_excess(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    fake_stripe: FakeStripe,
    login_as: Callable,
) -> None:
    code = place("card")
    producer_cancels(client, app, login_as, shop, code, 1)
    assert statuses(app, code) == ["cancelled", "awaiting_payment"]
    complete_card(client, code, TEA + ORANGES)  # a Checkout Session opened before the cancel
    assert statuses(app, code) == ["cancelled", "awaiting_fulfilment"]
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert (payment.outcome, payment.refund_due) == (Outcome.OVERPAID, TEA)
    assert earnings(app) == [(f"{code}-2", ORANGES)]
    assert recon(app, code) == ([], [TEA])
