"""Checkout with delivery across Vietnam (#17.4): the address first, then each producer's options
with price and days (none chosen for the shopper), the choice recorded on the part, the fee held
like a price (a changed fee is shown before anything is ordered), and a carrier that does not
answer drops only its own option, with a note."""

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from catalog.models import Producer, Product
from market.extensions import cache, db
from orders.delivery_rates import EnabledCarrier
from orders.models import Order, OrderPart
from tests.carriers.conftest import CREDENTIALS, RECORDED
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout_data, set_elsewhere
from tests.recorded_http import RecordedTransport, interaction, load

HA_NOI, BA_DINH, STREET = "01", "00004", "12 phố Đội Cấn"
GHN_FEE = 36_300  # tests/carriers/recorded/ghn/quote.json
GHN_KEY = "carrier:ghn:standard"
GHN_FEE_URL = "https://online-gateway.ghn.vn/shiip/public-api/v2/shipping-order/fee"
TO_BA_DINH = {"province": HA_NOI, "commune": BA_DINH, "street": STREET}


@pytest.fixture
def ghn(app: Flask, shop: Shop, recorded_http: RecordedTransport) -> Iterator[RecordedTransport]:
    """GHN set up on the site and enabled by producer B (Xã Hàm Yên), which also delivers
    itself anywhere for 60,000 đ; oranges weigh 1,050 g."""
    app.config.update({k: v for k, v in CREDENTIALS.items() if k.startswith("GHN_")})
    with app.app_context():
        db.session.get(Producer, shop.producer_b).commune_code = "02374"
        db.session.get(Product, shop.orange).weight_grams = 1050
        db.session.add(EnabledCarrier(producer_id=shop.producer_b, carrier="ghn"))
        set_elsewhere(shop.producer_b, 60_000)
        db.session.commit()
    recorded_http.add(*load(RECORDED / "ghn" / "quote.json"))
    yield recorded_http


def _page(client: FlaskClient, data: dict) -> html.HtmlElement:
    return html.fromstring(client.post("/dat-hang/", data=data).get_data(as_text=True))


def _values(page: html.HtmlElement, producer_id: int) -> list[str]:
    return page.xpath(f'//input[@name="delivery_{producer_id}"]/@value')


def _forget_quotes(app: Flask) -> None:
    """The carriers' cached quotes expire (this app's cache)."""
    with app.app_context():
        cache.clear()


def _orders(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Order.id)))


def test_the_page_asks_for_the_address_then_shows_each_option_with_price_and_days(
    client: FlaskClient, shop: Shop, ghn: RecordedTransport
) -> None:
    add_to_cart(client, shop.orange, 2)
    first = html.fromstring(client.get("/dat-hang/").get_data(as_text=True))
    assert _values(first, shop.producer_b) == ["pickup_producer"]  # no address: no quote yet
    assert first.xpath("//*[@data-needs-address]")
    assert ghn.sent == []
    data = checkout_data(client, **TO_BA_DINH, action="update")
    page = _page(client, {k: v for k, v in data.items() if not k.startswith("delivery_")})
    assert _values(page, shop.producer_b) == ["pickup_producer", "own", GHN_KEY]
    assert page.xpath('//input[starts-with(@name, "delivery_") and @checked]') == []
    ghn_label = page.xpath(f'string(//input[@value="{GHN_KEY}"]/..)')
    assert "GHN" in ghn_label and "+ 36.300\u00a0₫" in ghn_label and "ngày" in ghn_label
    (asked,) = ghn.sent_to("/shipping-order/fee")
    assert asked.json["weight"] >= 2 * 1050


def test_the_chosen_carrier_is_recorded_on_the_part_with_its_fee_and_days(
    app: Flask, client: FlaskClient, shop: Shop, ghn: RecordedTransport
) -> None:
    add_to_cart(client, shop.orange, 2)
    data = checkout_data(client, {shop.producer_b: GHN_KEY}, **TO_BA_DINH)
    assert client.post("/dat-hang/", data=data).status_code == 303
    with app.app_context():
        part = db.session.scalars(sa.select(OrderPart)).one()
        assert (part.delivery_option, part.carrier, part.carrier_service) == (
            GHN_KEY,
            "ghn",
            "standard",
        )
        assert part.delivery_fee == GHN_FEE and part.total == 2 * 45_000 + GHN_FEE
        assert part.days_min is not None and part.days_min <= part.days_max
        assert part.order.delivery_total == GHN_FEE


def test_a_fee_that_changed_since_the_page_is_shown_and_ordered_only_once_confirmed(
    app: Flask, client: FlaskClient, shop: Shop, ghn: RecordedTransport
) -> None:
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(client, {shop.producer_b: GHN_KEY}, **TO_BA_DINH)
    _forget_quotes(app)  # the quote expires; GHN now asks more
    ghn.add(interaction("POST", GHN_FEE_URL, answer={"code": 200, "data": {"total": 41_000}}))
    response = client.post("/dat-hang/", data=data)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "36.300\u00a0₫ → nay là 41.000\u00a0₫" in text
    assert _orders(app) == 0
    # The page shown carries the new fee: placing it again orders at that fee.
    page = html.fromstring(text)
    data["quote"] = page.xpath('string(//input[@name="quote"]/@value)')
    assert client.post("/dat-hang/", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalars(sa.select(OrderPart.delivery_fee)).one() == 41_000


def test_a_carrier_not_answering_drops_only_its_option_with_a_note(
    client: FlaskClient, shop: Shop, ghn: RecordedTransport
) -> None:
    add_to_cart(client, shop.tea, 1)
    add_to_cart(client, shop.orange, 1)
    ghn.unreachable = True
    data = checkout_data(client, **TO_BA_DINH, action="update")
    ghn.sent.clear()
    page = _page(client, data)
    assert _values(page, shop.producer_b) == ["pickup_producer", "own"]
    notes = [" ".join(n.split()) for n in page.xpath("//*[@data-delivery-note]/text()")]
    assert len(notes) == 1 and "GHN" in notes[0]
    assert len(ghn.sent_to("/shipping-order/fee")) == 1  # once for the page, not again per part
    assert "pickup_producer" in _values(page, shop.producer_a)  # the other producer as before


def test_a_carrier_gone_at_submit_orders_nothing_and_says_so(
    app: Flask, client: FlaskClient, shop: Shop, ghn: RecordedTransport
) -> None:
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(client, {shop.producer_b: GHN_KEY}, **TO_BA_DINH)
    _forget_quotes(app)
    ghn.unreachable = True
    response = client.post("/dat-hang/", data=data)
    assert response.status_code == 200  # the form asks again: that option is not offered now
    page = html.fromstring(response.get_data(as_text=True))
    assert _values(page, shop.producer_b) == ["pickup_producer", "own"]
    assert "GHN" in page.xpath("string(//*[@data-error-summary])")
    assert _orders(app) == 0


def test_a_tampered_quote_orders_nothing(
    app: Flask, client: FlaskClient, shop: Shop, ghn: RecordedTransport
) -> None:
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(client, {shop.producer_b: GHN_KEY}, **TO_BA_DINH)
    data["quote"] = data["quote"].replace(str(GHN_FEE), "1000")
    assert client.post("/dat-hang/", data=data).status_code == 409
    assert _orders(app) == 0
