"""Checkouts are rate limited per client address, so nobody can hold all the stock with bots."""

import pytest
from flask.testing import FlaskClient

from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout_data


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "RATELIMIT_ENABLED": True, "CHECKOUT_RATE_LIMIT": "2 per minute"}


def test_too_many_checkouts_from_one_address_are_slowed_down(
    client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.orange, 1)
    statuses = [
        client.post("/dat-hang/", data=checkout_data(client, name="")).status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert client.get("/dat-hang/").status_code == 200  # reading the page is not limited
