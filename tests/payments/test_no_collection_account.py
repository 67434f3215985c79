"""Without the market's collection account, VietQR bank transfer is not offered at checkout and
orders placed before it was removed show no QR; an account set in part does not start."""

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market import create_app
from market.extensions import db
from orders.models import Order
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout
from tests.payments.conftest import FakeStripe, token
from tests.payments.placed_orders import order_of

NOT_AVAILABLE = "Hiện chưa thể thanh toán bằng chuyển khoản."  # "Bank transfer is not available"


def remove_collection_account(app: Flask) -> None:
    for name in ("COLLECTION_BANK_BIN", "COLLECTION_ACCOUNT", "COLLECTION_HOLDER"):
        app.config[name] = ""


def test_checkout_offers_only_cash_and_picks_it_without_a_collection_account(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    remove_collection_account(app)
    add_to_cart(client, shop.tea, 1)
    page = client.get("/dat-hang/").get_data(as_text=True)
    assert 'value="bank_transfer"' not in page
    assert re.findall(r'<input[^>]*name="payment_method"[^>]*>', page) == [
        '<input checked id="payment_method-0" name="payment_method" type="radio" value="cash">'
    ]
    assert "được giữ cho bạn" not in page  # no hold for online payment to explain


def test_a_bank_transfer_order_is_refused_without_a_collection_account(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    remove_collection_account(app)
    add_to_cart(client, shop.tea, 1)
    response = checkout(client, payment_method="bank_transfer")
    assert response.status_code == 200
    assert "Chọn cách thanh toán" in response.get_data(as_text=True)  # "Choose a payment method"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Order)) == 0


def test_card_is_the_first_choice_when_stripe_is_on_and_the_account_is_not(
    app: Flask, client: FlaskClient, shop: Shop, fake_stripe: FakeStripe
) -> None:
    remove_collection_account(app)
    add_to_cart(client, shop.tea, 1)
    page = client.get("/dat-hang/").get_data(as_text=True)
    assert 'value="bank_transfer"' not in page
    assert page.index('value="card"') < page.index('value="cash"')
    assert "được giữ cho bạn" in page  # card orders are held while the shopper pays


def test_an_order_placed_before_the_account_was_removed_shows_no_broken_qr(
    app: Flask, client: FlaskClient, place: Callable[..., str]
) -> None:
    code = place()
    remove_collection_account(app)
    page = client.get(f"/don-hang/xem/{order_of(app, code).access_token}").get_data(as_text=True)
    assert "/qr.png" not in page and "/qr.svg" not in page
    assert NOT_AVAILABLE in page
    signed = token(app, f"CQ{code}")
    assert client.get(f"/thanh-toan/{signed}/qr.png").status_code == 404
    assert client.get(f"/thanh-toan/{signed}/qr.svg").status_code == 404
    payment_page = client.get(f"/thanh-toan/{signed}").get_data(as_text=True)
    assert "/qr.png" not in payment_page and NOT_AVAILABLE in payment_page


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"COLLECTION_HOLDER": ""}, "none of it"),
        ({"COLLECTION_BANK_BIN": "123456"}, "NAPAS BIN"),
        ({"COLLECTION_ACCOUNT": "0011-0123-45678"}, "VietQR"),
    ],
    ids=["holder-missing", "unknown-bank", "account-with-dashes"],
)
def test_a_collection_account_set_in_part_or_unpayable_stops_the_app_starting(
    app_config: dict, settings: dict, problem: str
) -> None:
    with pytest.raises(RuntimeError, match=problem):
        create_app({**app_config, **settings})
