"""The shopper's order pages: private link, history, cancel while allowed, buy again."""

from collections.abc import Callable

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from market.accounts.models import Role, User
from market.extensions import db
from orders import fulfilment
from orders.lifecycle import Action
from orders.models import ActorRole, Order, PartStatus
from orders.transitions import Actor
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout, only_order


def _stock(product_id: int) -> int:
    return db.session.scalar(sa.select(Product.stock).where(Product.id == product_id))


def test_a_guest_follows_the_order_by_its_private_link(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 1)
    add_to_cart(client, shop.orange, 2)
    link = checkout(client).headers["Location"]
    other_browser = app.test_client()
    response = other_browser.get(link)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HTX Chè Sử Anh" in page and "HTX Cam Hàm Yên" in page
    assert "Đã đặt hàng: chờ thanh toán" in page  # the timeline
    assert response.headers["Cache-Control"] == "private, no-store"
    assert 'name="robots" content="noindex"' in page
    assert other_browser.get(link[:-2] + "xx").status_code == 404
    assert other_browser.get("/don-hang/xem/" + "a" * 200).status_code == 404


def test_a_guest_finds_orders_placed_from_this_browser(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 1)
    checkout(client)
    with app.app_context():
        code = only_order().code
    assert code in client.get("/don-hang/").get_data(as_text=True)
    assert code not in app.test_client().get("/don-hang/").get_data(as_text=True)


def test_a_guest_with_orders_finds_them_in_the_header_menu_beside_sign_in(
    client: FlaskClient, shop: Shop
) -> None:
    header = client.get("/").get_data(as_text=True).split("</header>")[0]
    assert 'class="account-menu"' not in header and "Đăng nhập</a>" in header
    add_to_cart(client, shop.tea, 1)
    checkout(client)
    header = client.get("/").get_data(as_text=True).split("</header>")[0]
    menu = header.split('class="account-menu"')[1].split("</details>")[0]
    assert 'href="/don-hang/"' in menu and "Đăng nhập</a>" in menu


def test_a_signed_in_shopper_sees_only_their_own_orders(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    shop: Shop,
) -> None:
    login_as(Role.SHOPPER)
    add_to_cart(client, shop.tea, 1)
    checkout(client)
    with app.app_context():
        code = only_order().code
    assert code in client.get("/don-hang/").get_data(as_text=True)
    assert client.get(f"/don-hang/{code}").status_code == 200
    assert client.get(f"/don-hang/{code.lower()}").status_code == 200
    login_as(user=make_user(Role.SHOPPER))
    assert client.get(f"/don-hang/{code}").status_code == 404
    assert code not in client.get("/don-hang/").get_data(as_text=True)
    assert client.post(f"/don-hang/{code}/huy").status_code == 404


def test_the_shopper_cancels_a_part_before_packing_and_the_producer_is_told(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 2)
    add_to_cart(client, shop.orange, 1)
    link = checkout(client, payment_method="cash").headers["Location"]
    with app.app_context():
        tea_part, orange_part = only_order().parts
        fulfilment.advance_part(orange_part, Action.PACK, Actor(ActorRole.OWNER))
        tea_id, orange_id = tea_part.id, orange_part.id
    page = client.get(link).get_data(as_text=True)
    assert page.count('class="cancel-box"') == 1  # the packed part cannot be cancelled
    response = client.post(f"{link}/huy", data={"part": tea_id, "reason": "Đặt nhầm"})
    assert response.headers["Location"] == link
    with app.app_context():
        assert db.session.get(Order, only_order().id).parts[0].status is PartStatus.CANCELLED
        assert _stock(shop.tea) == 10
    to_producer = [m for m in app.extensions["mail_outbox"] if m["To"] == "owner-a@example.vn"]
    assert "vui lòng không gửi hàng" in to_producer[-1].get_content()
    refused = client.post(f"{link}/huy", data={"part": orange_id}, follow_redirects=True)
    assert "Không thể hủy phần hàng này nữa" in refused.get_data(as_text=True)
    assert client.post(f"{link}/huy", data={"part": 999_999}).status_code == 404


def test_cancelling_the_whole_order_releases_all_its_stock(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 2)
    add_to_cart(client, shop.orange, 5)
    link = checkout(client).headers["Location"]
    assert "Hủy mọi phần chưa đóng gói" in client.get(link).get_data(as_text=True)
    client.post(f"{link}/huy")
    with app.app_context():
        assert {p.status for p in only_order().parts} == {PartStatus.CANCELLED}
        assert _stock(shop.tea) == 10 and _stock(shop.orange) == 100


def test_buy_again_puts_the_products_back_in_the_cart(
    app: Flask, client: FlaskClient, shop: Shop
) -> None:
    add_to_cart(client, shop.tea, 2)
    add_to_cart(client, shop.honey, 5)
    link = checkout(client).headers["Location"]
    response = client.post(f"{link}/mua-lai", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Đã thêm vào giỏ hàng: Chè xanh Ngọc Thuý." in page
    assert "Mật ong Hương rừng đã hết hàng." in page  # all 5 are in the first order
    assert "Giỏ hàng (2)" in page
