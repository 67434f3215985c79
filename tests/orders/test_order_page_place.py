"""The order page names a pickup producer's commune and province once each."""

from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Producer
from market.extensions import db
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout


def _pickup_line(app: Flask, client: FlaskClient, shop: Shop, address: str) -> str:
    with app.app_context():
        db.session.get(Producer, shop.producer_b).address = address
        db.session.commit()
    add_to_cart(client, shop.orange, 1)
    response = checkout(client, {shop.producer_b: "pickup_producer"})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return page.split("Nhận tại nơi sản xuất")[1].split("</p>")[0]


def test_an_address_that_names_its_commune_and_province_is_not_followed_by_them_again(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    line = _pickup_line(app, client, shop, "Thôn Khâu Lấu, xã Phù Lưu, tỉnh Tuyên Quang")
    assert line.count("Phù Lưu") == 1 and line.count("Tuyên Quang") == 1


def test_an_address_without_its_province_gets_it_added(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    line = _pickup_line(app, client, shop, "Thôn Khâu Lấu, xã Phù Lưu")
    assert "Thôn Khâu Lấu, xã Phù Lưu, Tuyên Quang" in line
