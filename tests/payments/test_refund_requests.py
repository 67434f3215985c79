"""Who may move the market's money: a producer asks, a provincial manager approves or rejects;
cash the producer took stays the producer's to give back.

Tea 120.000 (producer A, part 1) + 2 oranges 90.000 (producer B, part 2) = 210.000.
"""

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role
from orders.models import PartStatus
from payments.models import EntryKind, PaymentMethod
from tests.orders.conftest import Shop
from tests.payments.conftest import ledger_rows, post_sepay, sepay_body
from tests.payments.placed_orders import TOTAL, complete, order_of


def subjects(app: Flask) -> list[tuple[str, str]]:
    return [(str(m["To"]), str(m["Subject"])) for m in app.extensions.get("mail_outbox", [])]


def request_ids(client: FlaskClient) -> list[str]:
    page = client.get("/quan-ly/doi-soat/yeu-cau-hoan-tien").get_data(as_text=True)
    return re.findall(r"/quan-ly/doi-soat/yeu-cau-hoan-tien/(\d+)", page)


def test_a_transfer_refund_waits_for_a_manager_who_records_the_transfer_back(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    login_as: Callable,
    make_user: Callable,
) -> None:
    manager = make_user(Role.MANAGER, provincial=True, email="tinh@example.vn")
    code = place()
    post_sepay(client, sepay_body(901, TOTAL, f"CQ{code}"))
    part = order_of(app, code).parts[1]  # oranges, producer B
    login_as(user=shop.owner_b)
    url = f"/thanh-toan/nha-san-xuat/{part.producer_id}/hoan-tien/{part.id}"
    assert "Lý do" in client.get(url).get_data(as_text=True) or "reason" in client.get(
        url
    ).get_data(as_text=True)
    response = client.post(url, data={"amount": "20.000", "reason": "Cam bị dập"})
    assert response.status_code == 303
    assert not ledger_rows(app, kind=EntryKind.REFUND)
    assert ("tinh@example.vn", f"Chợ Quê: yêu cầu hoàn tiền cho {code}-2") in subjects(app)
    assert "data-refund-waiting" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"amount": "5.000", "reason": "Lần nữa"}).status_code == 200
    login_as(user=manager)
    (request_id,) = request_ids(client)
    decide = f"/quan-ly/doi-soat/yeu-cau-hoan-tien/{request_id}"
    client.post(decide, data={"decision": "approve"})  # a transfer back needs its reference
    assert not ledger_rows(app, kind=EntryKind.REFUND)
    client.post(decide, data={"decision": "approve", "reference": "FT-HOAN-1"})
    (refund,) = ledger_rows(app, kind=EntryKind.REFUND)
    assert (refund.amount, refund.part_ref, refund.reference) == (20_000, f"{code}-2", "FT-HOAN-1")
    assert refund.actor_id == manager.id
    assert order_of(app, code).parts[1].refunded_amount == 20_000
    assert request_ids(client) == []


def test_a_rejected_request_moves_no_money_and_tells_the_producer_why(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    login_as: Callable,
) -> None:
    code = place()
    post_sepay(client, sepay_body(902, TOTAL, f"CQ{code}"))
    part = order_of(app, code).parts[0]
    login_as(user=shop.owner_a)
    url = f"/thanh-toan/nha-san-xuat/{part.producer_id}/hoan-tien/{part.id}"
    client.post(url, data={"amount": "10.000", "reason": "Giảm giá"})
    login_as(Role.MANAGER, provincial=True)
    (request_id,) = request_ids(client)
    decide = f"/quan-ly/doi-soat/yeu-cau-hoan-tien/{request_id}"
    client.post(decide, data={"decision": "reject"})  # a rejection says why
    assert request_ids(client) == [request_id]
    client.post(decide, data={"decision": "reject", "note": "Không có lý do giảm giá"})
    assert request_ids(client) == []
    assert not ledger_rows(app, kind=EntryKind.REFUND)
    owner_mails = [s for to, s in subjects(app) if to == shop.owner_a.email]
    assert f"Chợ Quê: yêu cầu hoàn tiền cho {code}-1" in owner_mails
    login_as(user=shop.owner_a)
    assert "Không có lý do giảm giá" in client.get(url).get_data(as_text=True)


def test_a_producer_records_its_own_cash_refund_at_once(
    app: Flask, client: FlaskClient, shop: Shop, place: Callable[..., str], login_as: Callable
) -> None:
    code = place("cash")
    part = order_of(app, code).parts[0]
    login_as(user=shop.owner_a)
    with app.app_context():
        from payments.services import record_cash_payment

        record_cash_payment(f"CQ{code}", f"{code}-1", shop.owner_a.id)
    url = f"/thanh-toan/nha-san-xuat/{part.producer_id}/hoan-tien/{part.id}"
    assert client.post(url, data={"amount": "10.000"}).status_code == 303
    (refund,) = ledger_rows(app, kind=EntryKind.REFUND)
    assert (refund.method, refund.amount) == (PaymentMethod.CASH, 10_000)


def test_a_small_card_refund_is_approved_automatically_under_the_limit(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    login_as: Callable,
    fake_stripe,
) -> None:
    app.config["REFUND_AUTO_APPROVE_LIMIT"] = 15_000
    code = place("card")
    complete(client, code)
    part = order_of(app, code).parts[0]
    login_as(user=shop.owner_a)
    url = f"/thanh-toan/nha-san-xuat/{part.producer_id}/hoan-tien/{part.id}"
    client.post(url, data={"amount": "15.000", "reason": "Giao trễ"})
    (sent,) = fake_stripe.sent("/v1/refunds")
    assert sent["form"]["amount"] == "15000"
    client.post(url, data={"amount": "15.001", "reason": "Giao trễ nữa"})
    assert len(fake_stripe.sent("/v1/refunds")) == 1  # above the limit: a manager decides
    assert order_of(app, code).parts[0].status == PartStatus.AWAITING_FULFILMENT


def test_a_part_with_a_request_waiting_is_not_settled_meanwhile(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    place: Callable[..., str],
    login_as: Callable,
) -> None:
    from payments.settlement import open_holds

    code = place()
    post_sepay(client, sepay_body(903, TOTAL, f"CQ{code}"))
    part = order_of(app, code).parts[0]
    key = (f"CQ{code}", f"{code}-1")
    with app.app_context():
        assert open_holds([key]) == {}
    login_as(user=shop.owner_a)
    url = f"/thanh-toan/nha-san-xuat/{part.producer_id}/hoan-tien/{part.id}"
    client.post(url, data={"amount": "30.000", "reason": "Giảm giá"})
    with app.app_context():
        assert open_holds([key])
