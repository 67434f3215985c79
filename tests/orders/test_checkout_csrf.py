"""With CSRF protection on (as in production), cart and checkout forms need their token."""

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


def test_forms_without_the_token_are_refused_and_with_it_accepted(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    refused = client.post("/gio-hang/them", data={"product_id": shop.tea, "quantity": 1})
    assert refused.status_code == 400
    page = client.get("/gio-hang/").get_data(as_text=True)
    token = hidden(page, "csrf_token")
    added = client.post(
        "/gio-hang/them", data={"product_id": shop.tea, "quantity": 1, "csrf_token": token}
    )
    assert added.status_code == 303
    data = checkout_data(client)
    assert client.post("/dat-hang/", data=data).status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
    page = client.get("/dat-hang/").get_data(as_text=True)
    data["csrf_token"] = hidden(page, "csrf_token")
    assert client.post("/dat-hang/", data=data).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 1
