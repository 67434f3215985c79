"""The cart: guests in the session, shoppers in the database, by producer, problems shown."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Producer, ProducerStatus, Product, ProductStatus
from market.accounts.models import Role, User
from market.extensions import db
from orders.models import CartItem
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart


def _cart(client: FlaskClient) -> str:
    return client.get("/gio-hang/").get_data(as_text=True)


def test_the_product_page_has_an_add_to_cart_form(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    with app.app_context():
        slug = db.session.get(Product, shop.honey).slug
    page = client.get(f"/san-pham/{slug}").get_data(as_text=True)
    assert 'action="/gio-hang/them"' in page
    assert 'max="5"' in page
    response = client.post(
        "/gio-hang/them",
        data={"product_id": shop.honey, "quantity": 2, "next": f"/san-pham/{slug}"},
    )
    assert response.headers["Location"] == f"/san-pham/{slug}"
    page = client.get(f"/san-pham/{slug}").get_data(as_text=True)
    assert "Đã thêm Mật ong Hương rừng vào giỏ hàng." in page
    assert "Giỏ hàng (2)" in page


def test_a_sold_out_product_page_offers_no_cart_form(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    with app.app_context():
        product = db.session.get(Product, shop.honey)
        product.stock = 0
        db.session.commit()
        slug = product.slug
    page = client.get(f"/san-pham/{slug}").get_data(as_text=True)
    assert 'action="/gio-hang/them"' not in page
    assert "Tạm hết hàng" in page


def test_the_cart_groups_lines_by_producer(client: FlaskClient, shop: Shop) -> None:
    add_to_cart(client, shop.tea, 2)
    add_to_cart(client, shop.orange, 3)
    add_to_cart(client, shop.honey, 1)
    whole = _cart(client)
    assert "Giỏ hàng (6)" in whole
    page = whole[whole.index("<h1") :]
    assert page.count('class="cart-group"') == 2
    assert page.index("Chè xanh") < page.index("Mật ong") < page.index("Cam sành")
    assert "490.000 ₫" in page  # 2 × 120.000 + 250.000
    assert "625.000 ₫" in page  # items total


def test_adding_more_than_the_stock_is_refused_and_changes_nothing(
    client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.honey, 4)
    response = add_to_cart(client, shop.honey, 2)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Chỉ còn 5 kg Mật ong Hương rừng." in page
    assert "Giỏ hàng (4)" in page


@pytest.mark.parametrize(
    "data",
    [
        {"product_id": "abc", "quantity": 1},
        {"product_id": 1, "quantity": "many"},
        {"product_id": 1, "quantity": 0},
        {"product_id": 1, "quantity": 100},
        {"quantity": 1},
        {"product_id": 999_999, "quantity": 1},
    ],
)
def test_bad_cart_input_gets_a_message_not_an_error(
    client: FlaskClient, shop: Shop, data: dict
) -> None:
    response = client.post("/gio-hang/them", data=data, follow_redirects=True)
    assert response.status_code == 200
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert "Giỏ hàng (0)" in response.get_data(as_text=True)
    for url in ("/gio-hang/cap-nhat", "/gio-hang/xoa"):
        assert client.post(url, data=data, follow_redirects=True).status_code == 200


def test_products_not_for_sale_cannot_be_added(app: Flask, client: FlaskClient, shop: Shop) -> None:
    with app.app_context():
        db.session.get(Product, shop.tea).status = ProductStatus.PAUSED
        db.session.get(Producer, shop.producer_b).status = ProducerStatus.SUSPENDED
        db.session.commit()
    for product_id in (shop.tea, shop.orange):
        add_to_cart(client, product_id)
    assert "Giỏ hàng (0)" in _cart(client)


def test_quantities_change_and_zero_removes_the_line(client: FlaskClient, shop: Shop) -> None:
    add_to_cart(client, shop.tea, 1)
    add_to_cart(client, shop.orange, 1)
    client.post("/gio-hang/cap-nhat", data={"product_id": shop.tea, "quantity": 4})
    assert "Giỏ hàng (5)" in _cart(client)
    client.post("/gio-hang/cap-nhat", data={"product_id": shop.tea, "quantity": 0})
    client.post("/gio-hang/xoa", data={"product_id": shop.orange})
    assert "Giỏ hàng của bạn đang trống." in _cart(client)


def test_price_and_stock_problems_are_shown_and_block_checkout(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 3)
    add_to_cart(client, shop.honey, 2)
    with app.app_context():
        db.session.get(Product, shop.tea).price = 130_000
        db.session.get(Product, shop.honey).stock = 1
        db.session.commit()
    page = _cart(client)
    assert "Giá đã đổi từ 120.000 ₫ thành 130.000 ₫" in page
    assert "Chỉ còn 1: hãy giảm số lượng." in page
    assert 'href="/dat-hang/"' not in page
    response = client.get("/dat-hang/")
    assert response.headers["Location"] == "/gio-hang/"
    client.post("/gio-hang/cap-nhat", data={"product_id": shop.honey, "quantity": 1})
    assert 'href="/dat-hang/"' in _cart(client)


def test_a_signed_in_shoppers_cart_is_kept_in_the_database(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], shop: Shop
) -> None:
    user = login_as(Role.SHOPPER)
    add_to_cart(client, shop.tea, 2)
    add_to_cart(client, shop.tea, 1)
    with app.app_context():
        item = db.session.scalars(sa.select(CartItem)).one()
        assert (item.user_id, item.product_id, item.quantity) == (user.id, shop.tea, 3)


def test_the_guest_cart_is_merged_into_the_account_at_sign_in(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], shop: Shop
) -> None:
    user = make_user(Role.SHOPPER, email="lan@example.vn")
    with app.app_context():
        db.session.add(CartItem(user_id=user.id, product_id=shop.tea, quantity=2, price_seen=1))
        db.session.commit()
    add_to_cart(client, shop.tea, 3)
    add_to_cart(client, shop.orange, 1)
    response = client.post(
        "/tai-khoan/dang-nhap", data={"login": "lan@example.vn", "password": "correct horse"}
    )
    assert response.status_code == 302
    with app.app_context():
        items = {
            i.product_id: i.quantity
            for i in db.session.scalars(sa.select(CartItem).where(CartItem.user_id == user.id))
        }
    assert items == {shop.tea: 5, shop.orange: 1}
    assert "Giỏ hàng (6)" in _cart(client)
    client.post("/tai-khoan/dang-xuat")
    assert "Giỏ hàng (0)" in _cart(client)  # the guest cart was moved, not copied
