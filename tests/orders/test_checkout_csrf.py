"""With CSRF protection on (as in production), checkout and cart forms need their token; "add to
cart", on cacheable product pages without a token, is refused only when sent from another site."""

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.extensions import db
from orders.models import Order
from tests.orders.conftest import Shop
from tests.orders.helpers import checkout_data, hidden


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "WTF_CSRF_ENABLED": True}


EVIL = "https://evil.example"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Referer": f"{EVIL}/trap.html"},
    ],
)
def test_adding_to_the_cart_from_another_site_is_refused(
    app: Flask, client: FlaskClient, shop: Shop, headers: dict[str, str]
) -> None:
    data = {"product_id": shop.tea, "quantity": 1}
    assert client.post("/gio-hang/them", data=data, headers=headers).status_code == 400
    assert "(0)" in client.get("/gio-hang/").text
    assert client.get("/").headers.get("Set-Cookie") is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
        {"Origin": "http://localhost"},
        {"Referer": "http://localhost/san-pham/che"},
        {},  # no browser page sent it
    ],
)
def test_adding_to_the_cart_from_our_own_page_needs_no_token(
    client: FlaskClient, shop: Shop, headers: dict[str, str]
) -> None:
    data = {"product_id": shop.tea, "quantity": 1}
    assert client.post("/gio-hang/them", data=data, headers=headers).status_code == 303
    assert "(1)" in client.get("/gio-hang/").text


def test_checkout_without_the_token_is_refused_and_with_it_accepted(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    added = client.post("/gio-hang/them", data={"product_id": shop.tea, "quantity": 1})
    assert added.status_code == 303
    data = checkout_data(client)
    data.pop("csrf_token")
    assert client.post("/dat-hang/", data=data).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
    page = client.get("/dat-hang/").get_data(as_text=True)
    data["csrf_token"] = hidden(page, "csrf_token")
    assert client.post("/dat-hang/", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 1
