"""Picking a part up at a chợ 4.0 stall: only a stall where that producer sells, named on the
order's pages (number, market, address) and in the ready-for-pickup mail."""

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from market.accounts.models import User
from market.extensions import db
from market.markets.models import Stall
from orders.checkout import place_order
from orders.errors import CheckoutError
from orders.models import DeliveryMethod, Order, OrderPart
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout_data, only_order, order_request


def _orders() -> int:
    return db.session.scalar(sa.select(sa.func.count(Order.id)))


def _stall_checkout(client: FlaskClient, shop: Shop, stall: object) -> dict:
    """The checkout form with producer B's part picked up at ``stall``."""
    data = checkout_data(client, {shop.producer_b: "pickup_stall"}, payment_method="cash")
    data[f"pickup_stall_{shop.producer_b}"] = str(stall)
    return data


def test_only_a_producer_selling_at_stalls_offers_its_stalls(
    app: Flask, client: FlaskClient, shop: Shop, stall_of: Callable[..., int]
) -> None:
    open_stall = stall_of(shop.producer_b)
    stall_of(shop.producer_b, active=False)  # a stall no longer in use is not offered
    add_to_cart(client, shop.tea, 1)
    add_to_cart(client, shop.orange, 1)
    page = client.get("/dat-hang/").get_data(as_text=True)
    assert f'name="delivery_{shop.producer_b}" type="radio" value="pickup_stall"' in page
    assert f'name="delivery_{shop.producer_a}" type="radio" value="pickup_stall"' not in page
    offered = re.findall(rf'name="pickup_stall_{shop.producer_b}" type="radio" value="(\d+)"', page)
    assert offered == [str(open_stall)]
    only_one_chosen = (
        rf'<input checked[^>]*name="pickup_stall_{shop.producer_b}"[^>]*value="{open_stall}"'
    )
    assert re.search(only_one_chosen, page)
    assert "Sạp B01, Chợ Tam Cờ" in page and "Sạp B02" not in page
    assert (
        "Đường 17 Tháng 8, Phường Minh Xuân, Tuyên Quang" in page and "Thứ Bảy và Chủ nhật" in page
    )
    assert f"pickup_stall_{shop.producer_a}" not in page


def test_a_part_picked_up_at_a_stall_names_it_on_every_page_and_in_the_mail(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    shop: Shop,
    stall_of: Callable[..., int],
) -> None:
    stall = stall_of(shop.producer_b)
    add_to_cart(client, shop.orange, 2)
    response = client.post("/dat-hang/", data=_stall_checkout(client, shop, stall))
    assert response.status_code == 303
    with app.app_context():
        part = only_order().parts[0]
        assert (part.delivery_method, part.pickup_stall_id) == (DeliveryMethod.PICKUP_STALL, stall)
        assert (part.pickup_point, part.delivery_fee) == ("", 0)
        part_id = part.id
    for page in (
        client.get(response.headers["Location"]).get_data(as_text=True),
        _producer_page(client, login_as, shop, part_id),
    ):
        assert "Nhận tại sạp chợ 4.0" in page
        assert "Sạp B01, Chợ Tam Cờ" in page
        assert "Đường 17 Tháng 8, Phường Minh Xuân, Tuyên Quang" in page
        assert 'href="/s/TC0001"' in page
    base = f"/ban-hang/{shop.producer_b}/don-hang/{part_id}"
    slip = client.get(f"{base}/phieu-giao-hang").get_data(as_text=True)
    assert "Sạp B01, Chợ Tam Cờ" in slip
    client.post(f"{base}/chuyen", data={"action": "pack"})
    client.post(f"{base}/chuyen", data={"action": "ready"})
    mail = app.extensions["mail_outbox"][-1]
    assert mail["To"] == "lan@example.vn"
    assert "Sạp B01, Chợ Tam Cờ — Đường 17 Tháng 8" in mail.get_content()


def _producer_page(
    client: FlaskClient, login_as: Callable[..., User], shop: Shop, part_id: int
) -> str:
    login_as(user=shop.owner_b)
    return client.get(f"/ban-hang/{shop.producer_b}/don-hang/{part_id}").get_data(as_text=True)


@pytest.mark.parametrize(
    ("stall", "message"),
    [
        ("other producer's", "HTX Cam Hàm Yên không bán ở sạp đó"),
        ("closed", "HTX Cam Hàm Yên không bán ở sạp đó"),
        ("99999", "HTX Cam Hàm Yên không bán ở sạp đó"),
        ("abc", "HTX Cam Hàm Yên không bán ở sạp đó"),
        ("", "Chọn sạp nơi bạn sẽ nhận hàng"),
    ],
)
def test_a_stall_where_the_producer_does_not_sell_is_refused_and_nothing_is_ordered(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    stall_of: Callable[..., int],
    stall: str,
    message: str,
) -> None:
    own = stall_of(shop.producer_b)
    stall_of(shop.producer_b)  # B sells at another stall as well
    forged = {"other producer's": stall_of(shop.producer_a), "closed": own}.get(stall, stall)
    add_to_cart(client, shop.orange, 1)
    data = _stall_checkout(client, shop, forged)
    if stall == "closed":  # closed while the shopper was filling in the form
        with app.app_context():
            db.session.execute(sa.update(Stall).where(Stall.id == own).values(active=False))
            db.session.commit()
    response = client.post("/dat-hang/", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert _orders() == 0


def test_the_service_refuses_another_producers_stall_too(
    app: Flask, shop: Shop, stall_of: Callable[..., int]
) -> None:
    others = stall_of(shop.producer_a)
    with app.app_context():
        request = order_request(
            [(shop.orange, 1, 45_000)],
            [shop.producer_b],
            method=DeliveryMethod.PICKUP_STALL,
            stall_id=others,
        )
        with pytest.raises(CheckoutError) as refused:
            place_order(request)
        assert "HTX Cam Hàm Yên không bán ở sạp đó" in refused.value.message
        assert _orders() == 0


def test_an_older_order_shows_the_pickup_place_the_shopper_typed(
    app: Flask, client: FlaskClient, shop: Shop, stall_of: Callable[..., int]
) -> None:
    add_to_cart(client, shop.orange, 1)
    response = client.post(
        "/dat-hang/", data=_stall_checkout(client, shop, stall_of(shop.producer_b))
    )
    with app.app_context():  # as orders were stored before stalls were chosen from a list
        db.session.execute(
            sa.update(OrderPart).values(pickup_stall_id=None, pickup_point="Chợ Tam Cờ, sạp 12")
        )
        db.session.commit()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nhận tại sạp chợ 4.0: Chợ Tam Cờ, sạp 12" in page
    assert "data-pickup-stall" not in page
