"""Which producers deliver where, and the fee, read from the address's official codes: inside the
producer's province its own fee, elsewhere its fee for the rest of Vietnam or no delivery."""

import re
from dataclasses import replace

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from market.extensions import db
from orders.addresses import address_at
from orders.checkout import place_order
from orders.delivery import DeliveryRule, ZoneRate
from orders.delivery_rates import ZoneKind
from orders.errors import CheckoutError
from orders.models import DeliveryMethod, Order
from tests.orders.conftest import Shop
from tests.orders.helpers import (
    add_to_cart,
    checkout_data,
    only_order,
    order_request,
    set_elsewhere,
)

HA_NOI, HOAN_KIEM = "01", "00070"


def _elsewhere(app: Flask, producer_id: int, fee: int | None) -> None:
    with app.app_context():
        set_elsewhere(producer_id, fee)
        db.session.commit()


def _spaced(text: str) -> str:
    """Text as read: template line breaks and indents as one space (non-breaking ones kept)."""
    return re.sub(r"[ \n]+", " ", text).strip()


def _orders() -> int:
    return db.session.scalar(sa.select(sa.func.count(Order.id)))


NEAR = ZoneRate(ZoneKind.PROVINCE, "08", None, 30_000)
FAR = ZoneRate(ZoneKind.EVERYWHERE, "", None, 60_000)


@pytest.mark.parametrize(
    ("rule", "province", "fee"),
    [
        (DeliveryRule("08", (NEAR,)), "08", 30_000),
        (DeliveryRule("08", (NEAR,)), "01", None),
        (DeliveryRule("08", (NEAR, FAR)), "01", 60_000),
        (DeliveryRule("08", (NEAR, FAR)), "08", 30_000),
        (DeliveryRule("08", (NEAR, FAR)), None, None),  # no address yet
    ],
)
def test_the_fee_follows_the_province_of_the_address(
    rule: DeliveryRule, province: str | None, fee: int | None
) -> None:
    assert rule.fee_to(province) == fee
    assert DeliveryRule.from_key("08", rule.key) == rule


def test_a_producer_of_its_province_only_refuses_a_ha_noi_address_and_nothing_is_ordered(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(
        client, {shop.producer_b: "own"}, province=HA_NOI, commune=HOAN_KIEM, street="1 Hàng Bạc"
    )
    response = client.post("/dat-hang/", data=data)
    page = html.fromstring(response.get_data(as_text=True))
    assert response.status_code == 200
    message = (
        "HTX Cam Hàm Yên không giao hàng đến Hà Nội. Hãy chọn nhận tại chỗ, hoặc địa chỉ khác."
    )
    assert page.xpath("string(//*[@data-error-summary]//a)").endswith(message)
    with app.app_context():
        assert _orders() == 0


def test_the_page_shows_each_producers_rule_then_its_options_for_the_address_given(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    _elsewhere(app, shop.producer_b, 60_000)
    add_to_cart(client, shop.tea, 1)
    add_to_cart(client, shop.orange, 1)
    page = html.fromstring(client.get("/dat-hang/").get_data(as_text=True))
    texts = [_spaced(t) for t in page.xpath("//*[@data-delivery-summary]/text()")]
    assert texts == [
        "Tự giao: 30.000\u00a0₫, chỉ trong Tuyên Quang",
        "Tự giao: 25.000\u00a0₫ trong Tuyên Quang, 60.000\u00a0₫ nơi khác trong cả nước",
    ]
    data = checkout_data(
        client,
        {shop.producer_a: "own", shop.producer_b: "own"},
        province=HA_NOI,
        commune=HOAN_KIEM,
        street="1 Hàng Bạc",
        action="update",
    )
    page = html.fromstring(client.post("/dat-hang/", data=data).get_data(as_text=True))
    values = {
        producer: page.xpath(f'//input[@name="delivery_{producer}"]/@value')
        for producer in (shop.producer_a, shop.producer_b)
    }
    assert values == {
        shop.producer_a: ["pickup_producer"],
        shop.producer_b: ["pickup_producer", "own"],
    }
    fee = page.xpath(f'string(//input[@name="delivery_{shop.producer_b}" and @value="own"]/..)')
    assert "+ 60.000\u00a0₫" in fee
    assert page.xpath("string(//*[@data-delivery-total])") == "60.000\u00a0₫"


def test_a_fee_changed_after_the_page_was_shown_is_never_charged_silently(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    _elsewhere(app, shop.producer_b, 60_000)
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(
        client, {shop.producer_b: "own"}, province=HA_NOI, commune=HOAN_KIEM, street="1 Hàng Bạc"
    )
    _elsewhere(app, shop.producer_b, 80_000)
    response = client.post("/dat-hang/", data=data)
    assert response.status_code == 409
    assert "60.000\u00a0₫ → nay là 80.000\u00a0₫" in response.get_data(as_text=True)
    with app.app_context():
        assert _orders() == 0
    # Shown the new fee, the shopper orders at it.
    data = checkout_data(
        client, {shop.producer_b: "own"}, province=HA_NOI, commune=HOAN_KIEM, street="1 Hàng Bạc"
    )
    assert client.post("/dat-hang/", data=data).status_code == 303
    with app.app_context():
        assert only_order().parts[0].delivery_fee == 80_000


def test_place_order_itself_refuses_a_delivery_the_producer_does_not_make(
    app: Flask, shop: Shop
) -> None:
    with app.app_context():
        request = replace(
            order_request(
                [(shop.orange, 1, 45_000)], [shop.producer_b], method=DeliveryMethod.HOME
            ),
            address=address_at(HOAN_KIEM, "1 Hàng Bạc"),
        )
        with pytest.raises(CheckoutError, match="không giao hàng đến Hà Nội"):
            place_order(request)
        assert _orders() == 0
