"""Real orders paid by bank transfer: a signed SePay or Casso notification with the memo pays
the order; short, over, late and duplicate payments; unknown codes assigned by a manager."""

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from market.accounts.models import Role
from market.dbtypes import utcnow
from market.extensions import db
from orders.models import Order
from orders.services import expire_overdue
from payments.models import BankNotification, NotificationStatus, Outcome
from payments.reconciliation import refunds_due
from payments.refunds import refund_payment
from tests.orders.conftest import Shop
from tests.payments.conftest import casso_body, ledger_rows, post_casso, post_sepay, sepay_body
from tests.payments.placed_orders import order_of, statuses

# Tea 120.000 + 2 oranges 90.000, both picked up at the producer.
TOTAL = 210_000


def mails(app: Flask) -> list:
    return app.extensions.get("mail_outbox", [])


def subjects(app: Flask) -> list[str]:
    return [str(m["Subject"]) for m in mails(app)]


def recipients(app: Flask, text: str) -> set[str]:
    return {str(m["To"]) for m in mails(app) if text in str(m["Subject"])}


def expire(app: Flask, code: str) -> None:
    """Let the order's hold run out and the expiry job cancel it."""
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        order.expires_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
        assert expire_overdue() == 2


def stock(app: Flask, product_id: int) -> int:
    with app.app_context():
        return db.session.get(Product, product_id).stock


def test_order_page_shows_the_vietqr_with_the_payment_code_as_memo(
    app: Flask, client: FlaskClient, place: Callable[..., str]
) -> None:
    code = place()
    page = client.get(f"/don-hang/xem/{order_of(app, code).access_token}").get_data(as_text=True)
    assert f'data-copy="CQ{code}"' in page
    assert 'data-copy="210000"' in page
    assert "/qr.png" in page and "Chờ thanh toán" in page


def test_a_signed_sepay_notification_pays_both_parts_and_tells_everyone(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str]
) -> None:
    code = place()
    mails(app).clear()
    body = sepay_body(101, TOTAL, f"NGUYEN THI LAN CK CQ{code} don hang")
    assert post_sepay(client, body).status_code == 200
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]
    assert [p.paid_amount for p in order_of(app, code).parts] == [120_000, 90_000]
    assert recipients(app, "đã thanh toán") == {"lan@example.vn"}  # "order … paid"
    assert recipients(app, "đơn hàng mới") == {"owner-a@example.vn", "owner-b@example.vn"}
    page = client.get(f"/don-hang/xem/{order_of(app, code).access_token}").get_data(as_text=True)
    assert "Đã thanh toán" in page and "/qr.png" not in page


def test_a_signed_casso_notification_pays_the_order(
    app: Flask, client: FlaskClient, place: Callable[..., str], clock: Callable
) -> None:
    code = place()
    body = casso_body(202, TOTAL, f"cq{code.lower()} chuyen tien")
    assert post_casso(client, body, 1_764_000_000_000).status_code == 200
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]


def test_the_same_notification_twice_is_credited_once(
    app: Flask, client: FlaskClient, place: Callable[..., str]
) -> None:
    code = place()
    body = sepay_body(303, TOTAL, f"CQ{code}")
    assert post_sepay(client, body).status_code == 200
    assert post_sepay(client, body).status_code == 200
    assert len(ledger_rows(app, kind="payment")) == 1
    assert sum(1 for s in subjects(app) if "đã thanh toán" in s) == 1


def test_a_short_payment_shows_as_partial_then_a_top_up_pays(
    app: Flask, client: FlaskClient, place: Callable[..., str]
) -> None:
    code = place()
    post_sepay(client, sepay_body(401, 100_000, f"CQ{code}"))
    assert statuses(app, code) == ["awaiting_payment", "awaiting_payment"]
    page = client.get(f"/don-hang/xem/{order_of(app, code).access_token}").get_data(as_text=True)
    assert "100.000 ₫" in page and "210.000 ₫" in page  # partly paid: 100.000 of 210.000
    assert 'data-copy="110000"' in page  # the QR asks for what remains
    post_sepay(client, sepay_body(402, 110_000, f"CQ{code}"))
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]


def test_a_short_payment_is_listed_for_the_manager(
    app: Flask, client: FlaskClient, place: Callable[..., str], login_as: Callable
) -> None:
    code = place()
    post_sepay(client, sepay_body(451, 100_000, f"CQ{code}"))
    login_as(Role.MANAGER, provincial=True)
    page = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    assert f"CQ{code}" in page


def test_an_overpayment_pays_and_flags_the_excess(
    app: Flask, client: FlaskClient, place: Callable[..., str], login_as: Callable
) -> None:
    code = place()
    post_sepay(client, sepay_body(501, TOTAL + 40_000, f"CQ{code}"))
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]
    (payment,) = ledger_rows(app, kind="payment")
    assert payment.outcome == Outcome.OVERPAID and payment.refund_due == 40_000
    login_as(Role.MANAGER, provincial=True)
    assert "40.000" in client.get("/quan-ly/doi-soat").get_data(as_text=True)


def test_a_payment_after_expiry_takes_the_stock_again_when_it_is_there(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str]
) -> None:
    code = place()
    expire(app, code)
    assert statuses(app, code) == ["cancelled", "cancelled"] and stock(app, shop.tea) == 10
    assert post_sepay(client, sepay_body(601, TOTAL, f"CQ{code}")).status_code == 200
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]
    assert stock(app, shop.tea) == 9 and stock(app, shop.orange) == 98
    (payment,) = ledger_rows(app, kind="payment")
    assert payment.refund_due == 0


def test_a_payment_after_expiry_without_stock_is_flagged_for_refund(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str]
) -> None:
    code = place()
    expire(app, code)
    with app.app_context():
        db.session.get(Product, shop.tea).stock = 0
        db.session.commit()
    assert post_sepay(client, sepay_body(701, TOTAL, f"CQ{code}")).status_code == 200
    assert statuses(app, code) == ["cancelled", "cancelled"]
    assert stock(app, shop.orange) == 100  # nothing was taken back
    (payment,) = ledger_rows(app, kind="payment")
    assert payment.outcome == Outcome.LATE and payment.refund_due == TOTAL


def test_an_unknown_code_waits_for_a_manager_who_assigns_it(
    app: Flask, client: FlaskClient, place: Callable[..., str], login_as: Callable
) -> None:
    code = place()
    assert post_sepay(client, sepay_body(801, TOTAL, "chuyen tien mua che")).status_code == 200
    assert statuses(app, code) == ["awaiting_payment", "awaiting_payment"]
    login_as(Role.MANAGER, provincial=True)
    assert "chuyen tien mua che" in client.get("/quan-ly/doi-soat").get_data(as_text=True)
    with app.app_context():
        note_id = db.session.scalar(sa.select(BankNotification.id))
    response = client.post(f"/quan-ly/doi-soat/chuyen-khoan/{note_id}", data={"code": f"cq{code}"})
    assert response.status_code == 302
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]
    with app.app_context():
        assert db.session.get(BankNotification, note_id).status == NotificationStatus.ASSIGNED


def refunds_due_for(app: Flask, code: str) -> list[int]:
    """What reconciliation lists as still to give back for the order's payment code."""
    with app.app_context():
        return [d.outstanding for d in refunds_due() if d.entry.target_code == f"CQ{code}"]


def test_a_part_payment_is_flagged_for_refund_when_the_order_expires(
    app: Flask, client: FlaskClient, place: Callable[..., str], login_as: Callable
) -> None:
    code = place()
    post_sepay(client, sepay_body(901, 100_000, f"CQ{code}"))
    assert refunds_due_for(app, code) == []
    expire(app, code)
    assert statuses(app, code) == ["cancelled", "cancelled"]
    (payment,) = ledger_rows(app, kind="payment")
    assert (payment.outcome, payment.refund_due) == (Outcome.PARTIAL, 100_000)
    assert refunds_due_for(app, code) == [100_000]
    page = client.get(f"/don-hang/xem/{order_of(app, code).access_token}").get_data(as_text=True)
    assert "Đã hết hạn: 100.000 ₫ đã nhận sẽ được hoàn lại" in page
    assert "/qr.png" not in page
    login_as(Role.MANAGER, provincial=True)
    overview = client.get("/quan-ly/doi-soat").get_data(as_text=True)
    assert f"/quan-ly/doi-soat/hoan-tien/{payment.id}" in overview


def test_the_rest_paid_after_expiry_takes_the_order_back_and_pays_it(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str]
) -> None:
    code = place()
    post_sepay(client, sepay_body(911, 100_000, f"CQ{code}"))
    expire(app, code)
    assert post_sepay(client, sepay_body(912, 110_000, f"CQ{code}")).status_code == 200
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]
    assert [p.paid_amount for p in order_of(app, code).parts] == [120_000, 90_000]
    payments = ledger_rows(app, kind="payment")
    assert [(p.amount, p.refund_due) for p in payments] == [(100_000, 0), (110_000, 0)]
    assert refunds_due_for(app, code) == []
    assert stock(app, shop.tea) == 9


def test_the_rest_paid_after_expiry_without_stock_is_flagged_with_the_first_part(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str]
) -> None:
    code = place()
    post_sepay(client, sepay_body(921, 100_000, f"CQ{code}"))
    expire(app, code)
    with app.app_context():
        db.session.get(Product, shop.tea).stock = 0
        db.session.commit()
    post_sepay(client, sepay_body(922, 110_000, f"CQ{code}"))
    assert statuses(app, code) == ["cancelled", "cancelled"]
    assert sorted(refunds_due_for(app, code)) == [100_000, 110_000]


def test_a_part_payment_given_back_stays_given_back_when_the_order_is_paid_later(
    app: Flask, client: FlaskClient, place: Callable[..., str]
) -> None:
    code = place()
    post_sepay(client, sepay_body(931, 100_000, f"CQ{code}"))
    expire(app, code)
    (payment,) = ledger_rows(app, kind="payment")
    with app.app_context():
        refund_payment(payment.id, 100_000, reference="FT-hoan-100k")
    assert refunds_due_for(app, code) == []
    post_sepay(client, sepay_body(932, TOTAL, f"CQ{code}"))
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]
    assert refunds_due_for(app, code) == []


def test_a_part_paid_order_the_shopper_cancels_has_its_money_flagged(
    app: Flask, client: FlaskClient, place: Callable[..., str]
) -> None:
    code = place()
    post_sepay(client, sepay_body(941, 100_000, f"CQ{code}"))
    link = f"/don-hang/xem/{order_of(app, code).access_token}"
    assert client.post(f"{link}/huy").status_code in (302, 303)
    assert statuses(app, code) == ["cancelled", "cancelled"]
    assert refunds_due_for(app, code) == [100_000]
    assert "Đã hủy: 100.000 ₫ đã nhận sẽ được hoàn lại" in client.get(link).get_data(as_text=True)
