"""Checkout over HTTP: one order, one part per producer, prices never changed silently."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from market.codes import ALPHABET as CODE_ALPHABET
from market.extensions import db
from orders.delivery_rates import ZoneKind
from orders.models import DeliveryMethod, Order, PartStatus, PaymentMethod
from tests.orders.conftest import Shop
from tests.orders.helpers import (
    add_to_cart,
    checkout,
    checkout_data,
    only_order,
    set_elsewhere,
    set_zone_fee,
)


def _stock(product_id: int) -> int:
    return db.session.get(Product, product_id).stock


def test_one_checkout_with_two_producers_makes_one_order_with_two_parts(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 2)
    add_to_cart(client, shop.orange, 3)
    response = checkout(client, {shop.producer_a: "own", shop.producer_b: "pickup_producer"})
    assert response.status_code == 303
    with app.app_context():
        order = only_order()
        assert response.headers["Location"] == f"/don-hang/xem/{order.access_token}"
        a, b = order.parts
        assert (a.producer_id, b.producer_id) == (shop.producer_a, shop.producer_b)
        assert (a.items_total, a.delivery_fee, a.total) == (240_000, 30_000, 270_000)
        assert (b.items_total, b.delivery_fee, b.total) == (135_000, 0, 135_000)
        assert order.total == 405_000
        assert a.delivery_method is DeliveryMethod.HOME
        assert b.delivery_method is DeliveryMethod.PICKUP_PRODUCER
        assert {p.status for p in order.parts} == {PartStatus.AWAITING_PAYMENT}
        assert (order.commune_name, order.commune_code) == ("Xã Phù Lưu", "02392")
        assert (order.province_name, order.province_code) == ("Tuyên Quang", "08")
        assert _stock(shop.tea) == 8 and _stock(shop.orange) == 97
    assert "(0)" in client.get("/gio-hang/").get_data(as_text=True)


def test_order_code_is_short_and_unambiguous(app: Flask, client: FlaskClient, shop: Shop) -> None:
    add_to_cart(client, shop.tea)
    checkout(client)
    with app.app_context():
        code = only_order().code
    assert len(code) == 8
    assert set(code) <= set(CODE_ALPHABET)
    assert not set(code) & set("0O1I")


def test_submitting_the_same_form_twice_makes_one_order(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 2)
    data = checkout_data(client)
    first = client.post("/dat-hang/", data=data)
    second = client.post("/dat-hang/", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 1
        assert _stock(shop.tea) == 8


def test_a_changed_price_is_shown_and_never_charged_silently(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 1)
    data = checkout_data(client)
    with app.app_context():
        db.session.get(Product, shop.tea).price = 150_000
        db.session.commit()
    response = client.post("/dat-hang/", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'data-problem="price-changed"' in page
    assert "120.000 ₫" in page and "150.000 ₫" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
        assert _stock(shop.tea) == 10
    # Confirming on the page that shows the new price orders at the new price.
    assert checkout(client).status_code == 303
    with app.app_context():
        assert only_order().total == 150_000


def test_a_changed_delivery_fee_is_shown_before_ordering(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 1)
    data = checkout_data(client, {shop.producer_a: "own"})
    with app.app_context():
        set_zone_fee(shop.producer_a, ZoneKind.PROVINCE, 40_000)
        db.session.commit()
    response = client.post("/dat-hang/", data=data)
    assert response.status_code == 409
    assert "40.000 ₫" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def test_sold_out_between_opening_and_ordering_is_a_clear_answer(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.honey, 3)
    data = checkout_data(client)
    with app.app_context():
        db.session.get(Product, shop.honey).stock = 2
        db.session.commit()
    response = client.post("/dat-hang/", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert 'data-problem="sold-out"' in page
    assert "Mật ong Hương rừng" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
        assert _stock(shop.honey) == 2


def test_a_tampered_quote_is_refused_without_an_error_page(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 1)
    response = client.post("/dat-hang/", data=checkout_data(client, quote="1x@@|zz"))
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"phone": "12345"}, "Số di động có 10 chữ số"),
        ({"name": ""}, "Nhập họ tên"),
        ({"email": "not-an-email"}, "email hợp lệ"),
        ({"payment_method": "bitcoin"}, "Chọn cách thanh toán"),
        ({"payment_method": "card"}, "Chọn cách thanh toán"),
    ],
)
def test_bad_contact_or_payment_is_explained_and_orders_nothing(
    app: Flask, client: FlaskClient, shop: Shop, fields: dict, message: str
) -> None:
    add_to_cart(client, shop.tea, 1)
    response = client.post("/dat-hang/", data=checkout_data(client, **fields))
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


@pytest.mark.parametrize(
    ("delivery", "fields", "message"),
    [
        ("own", {"commune": ""}, "Chọn xã"),
        ("own", {"commune": "00070"}, "Chọn xã"),  # a ward of Hà Nội, not of the province chosen
        ("own", {"street": ""}, "số nhà"),
        ("own", {"province": "99"}, "Chọn tỉnh"),
        ("pickup_stall", {}, "Chọn cách nhận"),  # producer A sells at no stall
        ("by-drone", {}, "Chọn cách nhận"),
    ],
)
def test_incomplete_delivery_details_are_explained(
    app: Flask, client: FlaskClient, shop: Shop, delivery: str, fields: dict, message: str
) -> None:
    add_to_cart(client, shop.tea, 1)
    data = checkout_data(client, {shop.producer_a: delivery}, **fields)
    response = client.post("/dat-hang/", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def test_an_address_in_another_province_is_chosen_from_its_communes(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    with app.app_context():
        set_elsewhere(shop.producer_b, 55_000)
        db.session.commit()
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(
        client, {shop.producer_b: "own"}, province="01", commune="00070", street="12 Hàng Bạc"
    )
    assert client.post("/dat-hang/", data=data).status_code == 303
    with app.app_context():
        order = only_order()
        assert order.address_lines == ["12 Hàng Bạc", "Phường Hoàn Kiếm, Thành phố Hà Nội"]
        assert (order.province_code, order.commune_code) == ("01", "00070")
        assert order.parts[0].delivery_fee == 55_000


def test_card_is_offered_only_when_stripe_is_configured(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 1)
    assert 'value="card"' not in client.get("/dat-hang/").get_data(as_text=True)
    app.config["STRIPE_SECRET_KEY"] = "sk_test_offline"
    assert 'value="card"' in client.get("/dat-hang/").get_data(as_text=True)
    assert checkout(client, payment_method="card").status_code == 303
    with app.app_context():
        assert only_order().payment_method is PaymentMethod.CARD


def test_a_cash_order_goes_straight_to_fulfilment_and_tells_the_producer(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 1)
    assert checkout(client, payment_method="cash").status_code == 303
    with app.app_context():
        order = only_order()
        # Held until the producer accepts it, for at most CASH_HOLD_HOURS.
        assert order.expires_at - order.created_at == timedelta(hours=24)
        assert order.parts[0].status is PartStatus.AWAITING_FULFILMENT
    outbox = app.extensions["mail_outbox"]
    assert {m["To"] for m in outbox} == {"lan@example.vn", "owner-a@example.vn"}


def test_an_online_order_page_shows_the_amount_and_code_to_pay(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 2)
    page = client.get(checkout(client).headers["Location"]).get_data(as_text=True)
    with app.app_context():
        code = only_order().code
    assert "Chờ thanh toán" in page
    assert "240.000 ₫" in page
    assert f"CQ{code}" in page  # the transfer memo: the payment code
    mail = app.extensions["mail_outbox"][0]
    assert mail["To"] == "lan@example.vn" and code in mail["Subject"]
    assert "/don-hang/xem/" in mail.get_content()


def test_a_signed_in_shopper_orders_from_the_saved_cart(
    app: Flask, client: FlaskClient, shop: Shop, login_as
) -> None:
    user = login_as(phone="0987654321")
    add_to_cart(client, shop.orange, 2)
    page = client.get("/dat-hang/").get_data(as_text=True)
    assert "0987654321" in page  # contact filled in from the account
    response = checkout(client)
    with app.app_context():
        order = only_order()
        assert order.user_id == user.id
        assert response.headers["Location"] == f"/don-hang/{order.code}"
    assert "(0)" in client.get("/gio-hang/").get_data(as_text=True)


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client: FlaskClient) -> None:
    response = client.get("/dat-hang/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/gio-hang/"


def test_a_key_the_site_did_not_issue_is_refused(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 1)
    response = client.post("/dat-hang/", data=checkout_data(client, idempotency_key="mine"))
    assert response.status_code == 409
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
