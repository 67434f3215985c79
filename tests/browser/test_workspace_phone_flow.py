"""On a 360 px phone: sign up, open a shop, list a product with photos; a helper adds one;
once the shop is verified, shoppers find both through the search box, typed without accents."""

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image
from playwright.sync_api import Page

from catalog.models import Producer, ProducerStatus, Product, ProductStatus
from market.accounts.models import Role, User
from market.extensions import db
from tests.accounts.conftest import last_code
from tests.browser.conftest import LiveServer, no_horizontal_scroll, open_account_menu


def _photo(path: Path, color: str) -> str:
    Image.new("RGB", (1200, 900), color).save(path, "JPEG")
    return str(path)


@pytest.mark.browser
def test_a_household_and_its_helper_list_products_with_photos_from_a_phone(
    app: Flask, live_server: LiveServer, new_page: Callable[..., Page], tmp_path: Path
) -> None:
    with app.app_context():
        helper = User(name="Anh Tùng", email="tung@example.vn", role=Role.HELPER)
        helper.set_password("matkhau123")
        db.session.add(helper)
        db.session.commit()
    photos = [_photo(tmp_path / f"{n}.jpg", color) for n, color in enumerate(["orange", "green"])]

    live_url = live_server.url
    page = new_page()

    def submit(selector: str) -> None:
        with page.expect_navigation():
            page.click(selector)

    page.goto(f"{live_url}/tai-khoan/dang-ky")
    page.fill("#name", "Bà Hoa")
    page.fill("#login", "0912345678")
    page.fill("#password", "matkhau123")
    page.fill("#confirm", "matkhau123")
    submit("button.primary")
    page.fill("#code", last_code(live_server.app, "0912345678"))  # the SMS code (#18)
    submit("button.primary")
    open_account_menu(page)
    submit("header >> text=Bán hàng")
    submit("a:has-text('Đăng ký gian hàng')")
    page.select_option("#kind", "household")
    page.fill("#name", "Hộ bà Hoa")
    page.select_option("#place", "02392")
    page.fill("#phone", "0912 345 678")
    page.select_option("#bank_bin", "970436")
    page.fill("#bank_account", "0011001234567")
    page.fill("#bank_holder", "Nguyễn Thị Hoa")
    submit("button.primary")
    assert "Sản phẩm mới" in page.content()

    page.fill("#name", "Cam sành Hàm Yên")
    page.select_option("#category_id", label="I.1.a · Rau, củ, quả, hạt tươi")
    page.fill("#price", "35.000")
    page.fill("#stock", "200")
    page.set_input_files("#photos", photos)
    submit("form.ws-form button.primary")
    submit("button:has-text('Mở bán')")
    producer_id = int(page.url.split("/ban-hang/")[1].split("/")[0])
    assert no_horizontal_scroll(page)

    page.goto(f"{live_url}/ban-hang/{producer_id}/nhom")
    page.fill("#helper-login", "tung@example.vn")
    submit("button:has-text('Cấp quyền')")
    open_account_menu(page)
    submit("button:has-text('Đăng xuất')")

    page.goto(f"{live_url}/tai-khoan/dang-nhap")
    page.fill("#login", "tung@example.vn")
    page.fill("#password", "matkhau123")
    submit("button.primary")
    page.goto(f"{live_url}/ban-hang/")
    submit("a.ws-wide:has-text('Hộ bà Hoa')")
    submit("a:has-text('Thêm sản phẩm')")
    page.fill("#name", "Mật ong bạc hà")
    page.select_option("#category_id", label="I.2.b · Mật ong, mật khác, nông sản khác")
    page.fill("#price", "250000")
    page.fill("#unit", "chai")
    page.set_input_files("#photos", photos[1:])
    submit("form.ws-form button.primary")
    submit("button:has-text('Mở bán')")

    with app.app_context():
        db.session.get(Producer, producer_id).status = ProducerStatus.VERIFIED
        db.session.commit()
    page.goto(f"{live_url}/san-pham")
    cards = page.locator(".grid .card")
    assert cards.count() == 2
    assert page.locator(".grid .card img[src*='/anh/']").count() == 2

    shopper = new_page(java_script_enabled=False)
    for typed, name in (
        ("cam sanh ham yen", "Cam sành Hàm Yên"),
        ("mat ong bac ha", "Mật ong bạc hà"),
    ):
        shopper.goto(f"{live_url}/")
        shopper.get_by_label("Tìm sản phẩm").fill(typed)
        with shopper.expect_navigation():
            shopper.get_by_label("Tìm sản phẩm").press("Enter")
        assert "/tim-kiem?q=" in shopper.url
        found = shopper.locator(".search-results .card").first
        assert name in found.inner_text()
        assert found.locator("img[src*='/anh/']").count() == 1

    with app.app_context():
        listed = db.session.scalars(sa.select(Product).order_by(Product.id)).all()
        assert [(p.name, p.status, len(p.images)) for p in listed] == [
            ("Cam sành Hàm Yên", ProductStatus.ACTIVE, 2),
            ("Mật ong bạc hà", ProductStatus.ACTIVE, 1),
        ]
