"""Shopper journeys in a real Chromium at phone width: browse, switch language, sign up and in."""

import io
from collections.abc import Callable

import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import Page, expect

from catalog.images import store_image
from catalog.models import ProductImage
from market.extensions import db
from tests import factories
from tests.accounts.conftest import last_code
from tests.browser.conftest import LiveServer, image_loads, no_horizontal_scroll, open_account_menu

pytestmark = pytest.mark.browser


def stock_the_market(app: Flask) -> dict[str, str]:
    """A verified tea cooperative with a 4★ tea (with a photo) and a few other products."""
    with app.app_context():
        maker = factories.producer(
            name="Hợp tác xã Chè Shan tuyết Hồng Thái", commune_code="02221", area_slug="na-hang"
        )
        tea = factories.product(
            maker,
            name="Chè Shan tuyết cổ thụ Na Hang",
            price=350_000,
            unit="hộp 200 g",
            category_code="I.5.a",
            description="Búp chè Shan tuyết cổ thụ hái trên núi cao Hồng Thái.",
        )
        factories.recognition(tea, stars=4)
        buffer = io.BytesIO()
        Image.new("RGB", (1200, 900), (40, 110, 60)).save(buffer, "JPEG")
        stored = store_image(buffer.getvalue())
        db.session.add(
            ProductImage(product=tea, key=stored.key, width=stored.width, height=stored.height)
        )
        other = factories.producer(name="HTX Cam sành Phù Lưu")
        for n, name in enumerate(["Cam sành Hàm Yên loại 1", "Bưởi Soi Hà", "Mật ong bạc hà"]):
            factories.product(other, name=name, price=30_000 + n * 100_000, category_code="I.1.a")
        db.session.commit()
        return {"tea": tea.name, "tea_slug": tea.slug}


def test_home_to_category_to_product_on_a_phone(
    page: Page, live_server: LiveServer, console_errors: list[str]
) -> None:
    stock = stock_the_market(live_server.app)
    page.goto("/")
    expect(page.get_by_role("heading", name="Sản phẩm OCOP nổi bật")).to_be_visible()
    assert no_horizontal_scroll(page)

    page.get_by_role("link", name="Thực phẩm", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thực phẩm")
    assert "group=" in page.url
    assert no_horizontal_scroll(page)

    page.get_by_role("link", name="Chè", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Chè")
    assert no_horizontal_scroll(page)

    page.get_by_role("link", name=stock["tea"]).click()
    page.wait_for_url(f"**/san-pham/{stock['tea_slug']}")
    expect(page.get_by_role("heading", level=1)).to_have_text(stock["tea"])
    expect(page.locator(".summary .price")).to_have_text("350.000 ₫")
    expect(page.locator(".summary .price")).to_be_in_viewport()
    stars = page.locator(".facts .stars")
    expect(stars).to_be_visible()
    expect(stars).to_have_attribute("aria-label", "OCOP 4 sao")
    expect(stars).to_have_text("★★★★")
    image_loads(page.locator(".gallery img").first)
    assert no_horizontal_scroll(page)
    assert console_errors == []


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_language_switch_to_english_and_back_keeps_the_page(
    new_page: Callable[..., Page], live_server: LiveServer, javascript: bool
) -> None:
    stock_the_market(live_server.app)
    page = new_page(java_script_enabled=javascript)
    page.goto("/san-pham?sort=price_asc")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tất cả sản phẩm")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("All products")
    expect(page.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
    assert page.url == live_server("/en/san-pham?sort=price_asc"), "a link that can be shared"
    assert page.context.cookies() == [], "the choice needs no cookie"

    page.get_by_role("link", name="Producers").click()  # the language lasts for the visit
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert page.url == live_server("/en/nha-san-xuat")

    page.get_by_role("link", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("link", name="Tất cả sản phẩm", exact=True)).to_be_visible()
    assert page.url == live_server("/nha-san-xuat")


def test_sign_up_then_sign_out_and_sign_in_again(
    page: Page, live_server: LiveServer, console_errors: list[str]
) -> None:
    page.goto("/")
    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_role("link", name="Tạo tài khoản").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tạo tài khoản")
    assert no_horizontal_scroll(page)

    page.get_by_label("Họ và tên").fill("Hoàng Thị Lan")
    page.get_by_label("Email hoặc số di động").fill("0912 345 678")
    page.get_by_label("Mật khẩu", exact=True).fill("mật khẩu tốt 123")
    page.get_by_label("Nhập lại mật khẩu").fill("mật khẩu tốt 123")
    page.get_by_role("button", name="Tạo tài khoản").click()
    # A number is the person's only once the code sent to it by SMS comes back (#18).
    page.get_by_label("Mã trong SMS").fill(last_code(live_server.app, "0912345678"))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_role("status")).to_have_text("Chào mừng Hoàng Thị Lan đến với Chợ Quê!")
    expect(page.locator(".account-name")).to_have_text("Hoàng Thị Lan")

    open_account_menu(page).get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("status")).to_have_text(
        "Bạn đã đăng xuất, trên thiết bị này và các thiết bị khác."
    )
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()

    page.get_by_role("link", name="Đăng nhập").click()
    page.get_by_label("Email hoặc số di động").fill("+84 912 345 678")
    page.get_by_label("Mật khẩu").fill("sai mật khẩu")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_text("Sai email, số điện thoại hoặc mật khẩu.")).to_be_visible()

    page.get_by_label("Mật khẩu").fill("mật khẩu tốt 123")
    page.get_by_label("Duy trì đăng nhập").check()
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".account-name")).to_have_text("Hoàng Thị Lan")
    assert page.url == live_server("/")
    assert any(c["name"] == "remember_token" for c in page.context.cookies())
    assert console_errors == []
