"""Real orders paid by card (Stripe Checkout through the offline HTTP client and signed events),
refunded per part, and paid in cash confirmed by the producer."""

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import Role
from orders.models import PartStatus
from payments.models import EntryKind, EntryStatus, PaymentMethod
from tests.orders.conftest import Shop
from tests.payments.conftest import (
    FakeStripe,
    ledger_rows,
    post_stripe,
    refund_object,
    refunded_charge,
    stripe_event,
)
from tests.payments.placed_orders import TOTAL, complete, order_of, statuses


def pay_by_card(app: Flask, client: FlaskClient, code: str) -> str:
    """Press the card button on the order page; the Stripe URL the shopper is sent to."""
    path = f"/don-hang/xem/{order_of(app, code).access_token}"
    page = client.get(path).get_data(as_text=True)
    action = re.search(r'action="(/thanh-toan/[^"]+/the)"', page)
    assert action, "no card button"
    response = client.post(action.group(1), data={"next": path})
    assert response.status_code == 303
    return response.headers["Location"]


def test_card_is_not_offered_at_checkout_without_stripe_keys(
    client: FlaskClient, shop: Shop
) -> None:
    client.post("/gio-hang/them", data={"product_id": shop.tea, "quantity": 1})
    assert 'value="card"' not in client.get("/dat-hang/").get_data(as_text=True)


def test_a_card_order_opens_a_vnd_checkout_session_and_a_signed_event_pays_it(
    app: Flask, client: FlaskClient, place: Callable[..., str], fake_stripe: FakeStripe
) -> None:
    code = place("card")
    assert pay_by_card(app, client, code).startswith("https://checkout.stripe.com/")
    (sent,) = fake_stripe.sent("/v1/checkout/sessions")
    assert sent["form"]["client_reference_id"] == f"CQ{code}"
    assert sent["form"]["line_items[0][price_data][currency]"] == "vnd"
    assert sent["form"]["line_items[0][price_data][unit_amount]"] == str(TOTAL)
    assert sent["form"]["success_url"].endswith(
        f"/don-hang/xem/{order_of(app, code).access_token}?the=xong"
    )
    assert sent["headers"]["Idempotency-Key"]
    complete(client, code)
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]
    complete(client, code, event="evt_2")  # the same session again, as another event
    assert len(ledger_rows(app, kind="payment")) == 1


def test_card_return_addresses_come_from_the_public_address_not_the_request_host(
    app: Flask, client: FlaskClient, place: Callable[..., str], fake_stripe: FakeStripe
) -> None:
    code = place("card")
    path = f"/don-hang/xem/{order_of(app, code).access_token}"
    action = re.search(r'action="(/thanh-toan/[^"]+/the)"', client.get(path).text).group(1)
    forged = {"Host": "evil.example"}
    assert client.post(action, data={"next": path}, headers=forged).status_code == 303
    (sent,) = fake_stripe.sent("/v1/checkout/sessions")
    base = app.config["PUBLIC_BASE_URL"]
    assert sent["form"]["success_url"] == f"{base}{path}?the=xong"
    assert sent["form"]["cancel_url"] == f"{base}{path}?the=huy"


def test_charge_refunded_in_stripe_refunds_a_cancelled_part(
    app: Flask,
    client: FlaskClient,
    place: Callable[..., str],
    fake_stripe: FakeStripe,
    login_as: Callable,
    shop: Shop,
) -> None:
    code = place("card")
    complete(client, code)
    first = order_of(app, code).parts[0]
    login_as(user=shop.owner_a)
    client.post(
        f"/ban-hang/{first.producer_id}/don-hang/{first.id}/huy", data={"reason": "Hết hàng"}
    )
    charge = refunded_charge("ch_1", "pi_1", TOTAL, first.total)
    assert post_stripe(client, stripe_event("evt_r", "charge.refunded", charge)).status_code == 200
    parts = order_of(app, code).parts
    assert parts[0].status == PartStatus.REFUNDED and parts[0].refunded_amount == first.total
    assert parts[1].status == PartStatus.AWAITING_FULFILMENT and parts[1].refunded_amount == 0


def test_a_producer_asks_to_refund_its_cancelled_card_part_and_a_manager_approves(
    app: Flask,
    client: FlaskClient,
    place: Callable[..., str],
    fake_stripe: FakeStripe,
    login_as: Callable,
    shop: Shop,
) -> None:
    code = place("card")
    complete(client, code)
    part = order_of(app, code).parts[0]
    login_as(user=shop.owner_a)
    url = f"/thanh-toan/nha-san-xuat/{part.producer_id}/hoan-tien/{part.id}"
    asked = {"amount": str(part.total), "reason": "Hết hàng"}
    refused = client.post(url, data=asked)
    assert refused.status_code == 200 and "Hoàn tiền" in refused.get_data(as_text=True)
    client.post(f"/ban-hang/{part.producer_id}/don-hang/{part.id}/huy", data={"reason": "Hết hàng"})
    assert client.post(url, data=asked).status_code == 303
    assert not fake_stripe.sent("/v1/refunds")  # the market's money: a manager decides
    login_as(Role.MANAGER, provincial=True)
    page = client.get("/quan-ly/doi-soat/yeu-cau-hoan-tien").get_data(as_text=True)
    (request_id,) = re.findall(r"/quan-ly/doi-soat/yeu-cau-hoan-tien/(\d+)", page)
    client.post(f"/quan-ly/doi-soat/yeu-cau-hoan-tien/{request_id}", data={"decision": "approve"})
    (sent,) = fake_stripe.sent("/v1/refunds")
    assert (sent["form"]["payment_intent"], sent["form"]["amount"]) == ("pi_1", str(part.total))
    assert order_of(app, code).parts[0].status == PartStatus.REFUNDED


def test_another_producer_cannot_refund_a_part(
    app: Flask,
    client: FlaskClient,
    place: Callable[..., str],
    login_as: Callable,
    shop: Shop,
) -> None:
    code = place()
    part = order_of(app, code).parts[0]
    login_as(user=shop.owner_b)
    url = f"/thanh-toan/nha-san-xuat/{part.producer_id}/hoan-tien/{part.id}"
    assert client.get(url).status_code == 404
    assert (
        client.get(f"/thanh-toan/nha-san-xuat/{shop.producer_b}/hoan-tien/{part.id}").status_code
        == 404
    )


def test_cash_confirmed_by_the_producer_is_in_the_ledger_and_the_part_is_paid(
    app: Flask, client: FlaskClient, place: Callable[..., str], login_as: Callable, shop: Shop
) -> None:
    code = place("cash")
    assert statuses(app, code) == ["awaiting_fulfilment", "awaiting_fulfilment"]
    part = order_of(app, code).parts[0]
    login_as(user=shop.owner_a)
    page_url = f"/ban-hang/{part.producer_id}/don-hang/{part.id}"
    page = client.get(page_url).get_data(as_text=True)
    action = re.search(r'action="(/thanh-toan/nha-san-xuat/tien-mat/[^"]+)"', page)
    assert action, "no cash button on the part page"
    response = client.post(action.group(1), data={"next": page_url})
    assert response.status_code == 302 and response.headers["Location"].endswith(page_url)
    (payment,) = ledger_rows(app, kind=EntryKind.PAYMENT)
    assert payment.method == PaymentMethod.CASH and payment.amount == part.total
    parts = order_of(app, code).parts
    assert parts[0].paid_amount == part.total and parts[1].paid_amount == 0
    assert parts[0].status == PartStatus.AWAITING_FULFILMENT
    assert "Cash received" not in client.get(page_url).get_data(as_text=True)
    assert "/hoan-tien/" in client.get(page_url).get_data(as_text=True)
    orders_list = client.get(f"/ban-hang/{part.producer_id}/don-hang/").get_data(as_text=True)
    assert f'href="/thanh-toan/nha-san-xuat/{part.producer_id}"' in orders_list  # earnings


def test_a_part_refund_stripe_fails_puts_the_part_back_to_be_refunded_again(
    app: Flask,
    client: FlaskClient,
    place: Callable[..., str],
    fake_stripe: FakeStripe,
    login_as: Callable,
    shop: Shop,
) -> None:
    app.config["REFUND_AUTO_APPROVE_LIMIT"] = 1_000_000  # such refunds are approved at once
    code = place("card")
    complete(client, code)
    part = order_of(app, code).parts[0]
    login_as(user=shop.owner_a)
    client.post(f"/ban-hang/{part.producer_id}/don-hang/{part.id}/huy", data={"reason": "Hết hàng"})
    refund_url = f"/thanh-toan/nha-san-xuat/{part.producer_id}/hoan-tien/{part.id}"
    asked = {"amount": str(part.total), "reason": "Hết hàng"}
    fake_stripe.refund_status = "pending"
    assert client.post(refund_url, data=asked).status_code == 303
    assert order_of(app, code).parts[0].status == PartStatus.REFUNDED
    (line,) = ledger_rows(app, kind=EntryKind.REFUND)
    failed = refund_object(line.reference, "pi_1", part.total, "failed", line.id)
    assert post_stripe(client, stripe_event("evt_rf", "refund.failed", failed)).status_code == 200
    again = order_of(app, code).parts[0]
    assert (again.status, again.refunded_amount) == (PartStatus.CANCELLED, 0)
    page = client.get(f"/ban-hang/{part.producer_id}/don-hang/{part.id}").get_data(as_text=True)
    assert "Hoàn tiền cho người mua" in page  # "Refund the shopper" is offered again
    assert "không đến được người mua" in page  # the history says the refund failed
    fake_stripe.refund_status = "succeeded"
    assert client.post(refund_url, data=asked).status_code == 303
    final = order_of(app, code).parts[0]
    assert (final.status, final.refunded_amount) == (PartStatus.REFUNDED, part.total)
    statuses = [r.status for r in ledger_rows(app, kind=EntryKind.REFUND)]
    assert statuses == [EntryStatus.FAILED, EntryStatus.DONE]
