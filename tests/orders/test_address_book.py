"""The shopper's address book: add (province, then commune, without JavaScript), edit, delete,
choose at checkout; another shopper's address is a 404 and stays as it was."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from lxml import html

from market.accounts.models import User
from market.extensions import db
from orders.address_book import AddressEntry, SavedAddress, add_address
from orders.addresses import address_at
from tests.orders.conftest import Shop
from tests.orders.helpers import add_to_cart, checkout_data, hidden, only_order, set_elsewhere

BOOK = "/tai-khoan/dia-chi/"
HOAN_KIEM = "00070"  # Phường Hoàn Kiếm, Hà Nội
PHU_LUU = "02392"  # Xã Phù Lưu, Tuyên Quang


def _saved(app: Flask, user: User, commune: str = HOAN_KIEM, **fields: str) -> int:
    with app.app_context():
        entry = AddressEntry(
            fields.get("label", "Nhà"), address_at(commune, fields.get("street", "12 Hàng Bạc"))
        )
        return add_address(user.id, entry).id


def _all(app: Flask) -> list[tuple[int, str, str, str]]:
    with app.app_context():
        return [
            (a.user_id, a.label, a.commune_code, a.street)
            for a in db.session.scalars(sa.select(SavedAddress).order_by(SavedAddress.id))
        ]


def _form_token(client: FlaskClient, url: str) -> str:
    return hidden(client.get(url).get_data(as_text=True), "csrf_token")


def test_the_address_book_is_for_signed_in_shoppers(client: FlaskClient) -> None:
    response = client.get(BOOK)
    assert response.status_code == 302
    assert "/tai-khoan/dang-nhap" in response.headers["Location"]


def test_adding_an_address_without_javascript_is_province_then_commune_then_street(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    user = login_as()
    # Step 1: the province, then "Show the communes" (it saves nothing and judges nothing).
    first = client.post(f"{BOOK}them", data={"province": "01", "action": "update"})
    page = html.fromstring(first.get_data(as_text=True))
    communes = page.xpath('//select[@name="commune"]/option/@value')
    assert len(communes) == 1 + 126 and HOAN_KIEM in communes  # "Choose…" and Hà Nội's 126
    assert page.xpath('//*[@class="error"]') == []
    assert _all(app) == []
    # Step 2: the ward and the street.
    response = client.post(
        f"{BOOK}them",
        data={"label": "Cơ quan", "province": "01", "commune": HOAN_KIEM, "street": "12 Hàng Bạc"},
    )
    assert response.status_code == 303
    assert _all(app) == [(user.id, "Cơ quan", HOAN_KIEM, "12 Hàng Bạc")]
    listing = client.get(BOOK).get_data(as_text=True)
    assert "Cơ quan" in listing and "Phường Hoàn Kiếm, Hà Nội" in listing


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"province": ""}, "province", "Chọn tỉnh/thành phố."),
        ({"commune": PHU_LUU}, "commune", "Chọn xã/phường của bạn."),  # not a ward of Hà Nội
        ({"street": " "}, "street", "Nhập số nhà và tên đường hoặc thôn/xóm."),
        ({"label": "x" * 61}, "label", "Nội dung quá dài."),
    ],
)
def test_an_incomplete_address_is_explained_and_not_kept(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    fields: dict,
    field: str,
    message: str,
) -> None:
    login_as()
    data = {"province": "01", "commune": HOAN_KIEM, "street": "12 Hàng Bạc", **fields}
    response = client.post(f"{BOOK}them", data=data)
    page = html.fromstring(response.get_data(as_text=True))
    assert response.status_code == 200
    assert page.xpath(f'string(//*[@id="{field}-err"])') == message
    assert page.xpath("//*[@data-error-summary]//a/@href") == [f"#{field}"]
    assert _all(app) == []


def test_a_shopper_edits_and_deletes_their_own_address(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    user = login_as()
    address_id = _saved(app, user)
    form = client.get(f"{BOOK}{address_id}/sua").get_data(as_text=True)
    assert 'value="12 Hàng Bạc"' in form
    response = client.post(
        f"{BOOK}{address_id}/sua",
        data={"label": "Nhà mẹ", "province": "08", "commune": PHU_LUU, "street": "Thôn 3"},
    )
    assert response.status_code == 303
    assert _all(app) == [(user.id, "Nhà mẹ", PHU_LUU, "Thôn 3")]
    token = _form_token(client, BOOK)
    assert client.post(f"{BOOK}{address_id}/xoa", data={"csrf_token": token}).status_code == 303
    assert _all(app) == []


def test_another_shoppers_address_is_not_found_and_stays_as_it_was(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
) -> None:
    owner = make_user(name="Chủ địa chỉ")
    theirs = _saved(app, owner)
    login_as()
    before = _all(app)
    change = {"label": "Của tôi", "province": "08", "commune": PHU_LUU, "street": "Thôn 3"}
    assert client.get(f"{BOOK}{theirs}/sua").status_code == 404
    assert client.post(f"{BOOK}{theirs}/sua", data=change).status_code == 404
    assert client.post(f"{BOOK}{theirs}/xoa", data={}).status_code == 404
    assert client.get(f"{BOOK}{theirs + 1000}/sua").status_code == 404
    assert "Hàng Bạc" not in client.get(BOOK).get_data(as_text=True)
    assert _all(app) == before


def test_communes_of_a_province_come_as_json_for_the_pickers_script(client: FlaskClient) -> None:
    response = client.get("/dia-chi/xa-phuong?tinh=08")
    assert response.status_code == 200
    data = response.get_json()
    assert len(data["communes"]) == 124  # Tuyên Quang with former Hà Giang
    assert {"code": PHU_LUU, "name": "Xã Phù Lưu"} in data["communes"]
    assert data["choose"] == "Chọn…"
    assert "public" in response.headers["Cache-Control"]
    assert client.get("/dia-chi/xa-phuong?tinh=99").status_code == 404


def test_a_saved_address_is_chosen_at_checkout_and_prices_its_delivery(
    app: Flask, client: FlaskClient, shop: Shop, login_as: Callable[..., User]
) -> None:
    with app.app_context():
        set_elsewhere(shop.producer_b, 55_000)
        db.session.commit()
    user = login_as()
    address_id = _saved(app, user)
    add_to_cart(client, shop.orange, 1)
    page = html.fromstring(client.get("/dat-hang/").get_data(as_text=True))
    # The most recently used address comes chosen; a new one is the other choice.
    assert page.xpath('//input[@name="saved_address" and @checked]/@value') == [str(address_id)]
    data = checkout_data(client, {shop.producer_b: "own"}, saved_address=str(address_id))
    for name in ("province", "commune", "street"):
        data.pop(name)
    assert client.post("/dat-hang/", data=data).status_code == 303
    with app.app_context():
        order = only_order()
        assert (order.commune_code, order.street) == (HOAN_KIEM, "12 Hàng Bạc")
        assert order.parts[0].delivery_fee == 55_000


def test_another_shoppers_saved_address_cannot_be_chosen_at_checkout(
    app: Flask,
    client: FlaskClient,
    shop: Shop,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
) -> None:
    theirs = _saved(app, make_user(name="Người khác"))
    user = login_as()
    _saved(app, user, PHU_LUU, street="Thôn 3")
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(client, {shop.producer_b: "own"}, saved_address=str(theirs))
    response = client.post("/dat-hang/", data=data)
    assert response.status_code == 200
    assert "Chọn một địa chỉ của bạn." in response.get_data(as_text=True)
    assert "Hàng Bạc" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SavedAddress)) == 2


def test_a_new_address_is_kept_in_the_book_only_when_asked(
    app: Flask, client: FlaskClient, shop: Shop, login_as: Callable[..., User]
) -> None:
    user = login_as()
    add_to_cart(client, shop.orange, 1)
    assert (
        client.post("/dat-hang/", data=checkout_data(client, {shop.producer_b: "own"})).status_code
        == 303
    )
    assert _all(app) == []
    add_to_cart(client, shop.orange, 1)
    data = checkout_data(client, {shop.producer_b: "own"}, save_address="y")
    assert client.post("/dat-hang/", data=data).status_code == 303
    assert _all(app) == [(user.id, "", PHU_LUU, "Thôn 3")]
