"""Checkout asks before anything costs money (#16.13): no delivery is chosen for the shopper, the
stall and address fields appear only for the way chosen (without JavaScript through "Continue"),
and a refused form lists its errors at the top, each linked to its field."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from werkzeug.test import TestResponse

from market.extensions import db
from orders.models import Order
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout_data


def _orders() -> int:
    return db.session.scalar(sa.select(sa.func.count(Order.id)))


def _page(response: TestResponse) -> html.HtmlElement:
    return html.fromstring(response.get_data(as_text=True))


def test_nothing_that_costs_money_is_chosen_when_checkout_opens(
    client: FlaskClient, shop: Shop, stall_of: Callable[..., int]
) -> None:
    stall_of(shop.producer_b)
    add_to_cart(client, shop.tea, 2)
    add_to_cart(client, shop.orange, 1)
    page = _page(client.get("/dat-hang/"))
    assert page.xpath('//input[starts-with(@name, "delivery_")]')
    assert page.xpath('//input[starts-with(@name, "delivery_") and @checked]') == []
    assert page.xpath("string(//*[@data-delivery-total])") == "0\u00a0₫"
    assert page.xpath("string(//*[@data-grand-total])") == "285.000\u00a0₫"
    # The stall picker waits until a stall pickup is chosen; the address comes first (#17.4).
    assert page.xpath("//*[@data-stall]/@hidden") == [""]
    assert page.xpath("//*[@data-address]/@hidden") == []
    assert page.xpath("//*[@data-error-summary]") == []


def test_continue_shows_the_stall_picker_for_a_stall_pickup_and_orders_nothing(
    app: Flask, client: FlaskClient, shop: Shop, stall_of: Callable[..., int]
) -> None:
    stall_of(shop.producer_b)
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(client, {shop.producer_b: "pickup_stall"}, action="update", phone="")
    response = client.post("/dat-hang/", data=data)
    page = _page(response)
    assert response.status_code == 200
    assert page.xpath("//*[@data-stall]/@hidden") == []
    # Nothing is judged yet: the empty phone is not an error before "Place order".
    assert page.xpath("//*[@data-error-summary]") == []
    assert page.xpath('//*[contains(@class, "error")]') == []
    with app.app_context():
        assert _orders() == 0


def test_continue_shows_the_address_for_home_delivery_with_its_fee(
    client: FlaskClient, shop: Shop, stall_of: Callable[..., int]
) -> None:
    stall_of(shop.producer_b)
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(client, {shop.producer_b: "own"}, action="update")
    page = _page(client.post("/dat-hang/", data=data))
    assert page.xpath("//*[@data-stall]/@hidden") == [""]
    assert page.xpath("//*[@data-address]/@hidden") == []
    checked = page.xpath(f'//input[@name="delivery_{shop.producer_b}" and @checked]/@value')
    assert checked == ["own"]
    assert page.xpath("string(//*[@data-delivery-total])") == "25.000\u00a0₫"


def test_a_refused_checkout_lists_every_error_at_the_top_linked_to_its_field(
    app: Flask, client: FlaskClient, shop: Shop, stall_of: Callable[..., int]
) -> None:
    stall_of(shop.producer_b)
    stall_of(shop.producer_b)
    add_to_cart(client, shop.tea, 1)
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(client, {shop.producer_b: "pickup_stall"}, phone="0207 3822 999")
    del data[f"delivery_{shop.producer_a}"]
    response = client.post("/dat-hang/", data=data)
    page = _page(response)
    assert response.status_code == 200
    [summary] = page.xpath("//*[@data-error-summary]")
    assert summary.get("role") == "alert"
    assert summary.xpath("string(h2)") == "Vui lòng sửa 3 mục trước khi tiếp tục"
    links = {a.get("href"): a.text_content() for a in summary.xpath(".//a")}
    assert links == {
        "#phone": "Số di động: Đây có vẻ là số máy bàn. Hãy nhập số di động, ví dụ 0912 345 678.",
        f"#delivery_{shop.producer_a}-0": (
            "Cách nhận phần hàng của HTX Chè Sử Anh: Chọn cách nhận phần hàng này."
        ),
        f"#pickup_stall_{shop.producer_b}-0": (
            "Sạp nhận hàng của HTX Cam Hàm Yên: Chọn sạp nơi bạn sẽ nhận hàng."
        ),
    }
    # Every link leads to a field on the page.
    for target in links:
        assert page.xpath(f'//*[@id="{target[1:]}"]'), target
    with app.app_context():
        assert _orders() == 0
