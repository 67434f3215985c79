"""With JavaScript off, a producer's owner sets delivery on a phone: packaging and carriers,
a free commune, a weight band for the province, Hà Nội; changes one row and removes another."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from market.accounts.models import Role, User
from tests import factories
from tests.browser.conftest import LiveServer, no_horizontal_scroll, sign_in

pytestmark = pytest.mark.browser


def test_an_owner_prices_delivery_by_place_and_weight_with_javascript_off(
    new_page: Callable[..., Page], live_server: LiveServer, make_user: Callable[..., User]
) -> None:
    owner = make_user(Role.SHOPPER, name="Chủ HTX Cam", email="cam@example.vn")
    live_server.app.config["GHTK_TOKEN"] = "ghtk-test-token"
    with live_server.app.app_context():
        producer = factories.producer("HTX Cam sành Phù Lưu", owner=owner)
        factories.product(producer, "Cam sành Hàm Yên", price=32_000)
        producer_id = producer.id
    page = new_page(java_script_enabled=False)
    sign_in(page, owner.email)
    page.goto(f"/ban-hang/{producer_id}")
    page.get_by_role("link", name="Giao hàng").click()
    expect(page.locator("h1")).to_have_text("Giao hàng")
    expect(page.locator("[data-unweighed]")).to_contain_text("Cam sành Hàm Yên")

    page.fill("#packaging_grams", "600")
    page.get_by_label("GHTK — Giao Hàng Tiết Kiệm").check()
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".flash")).to_contain_text("Đã lưu cài đặt giao hàng.")
    expect(page.locator("#packaging_grams")).to_have_value("600")
    expect(page.get_by_label("GHTK — Giao Hàng Tiết Kiệm")).to_be_checked()

    def add(zone: str, fee: str, up_to: str = "") -> None:
        page.select_option("#zone", label=zone)
        page.fill("#up_to_grams", up_to)
        page.fill("#fee", fee)
        page.get_by_role("button", name="Thêm mức phí này").click()
        expect(page.locator(".flash")).to_contain_text("Đã thêm mức phí giao hàng.")

    add("Xã Phù Lưu", "0")
    add("Tuyên Quang — cả tỉnh", "25.000", up_to="5000")
    add("Thành phố Hà Nội — cả tỉnh", "60000")
    rows = page.locator("li[data-rate]")
    expect(rows).to_have_count(4)  # with the province's former flat fee
    expect(rows.nth(0)).to_contain_text("Phù Lưu")

    # A band already priced is refused next to its field, and nothing is added.
    add_again = page.locator("#zone")
    add_again.select_option(label="Tuyên Quang — cả tỉnh")
    page.fill("#up_to_grams", "")
    page.fill("#fee", "40000")
    page.get_by_role("button", name="Thêm mức phí này").click()
    expect(page.locator(".error").first).to_contain_text("đã có phí cho mức cân này")
    expect(page.locator("li[data-rate]")).to_have_count(4)

    # The former flat fee (any weight) becomes 40,000 đ, the band above 5 kg.
    flat = page.locator("li[data-rate]", has_text="30.000")
    flat.get_by_role("link", name="Thay đổi").click()
    page.fill("#fee", "40000")
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".flash")).to_contain_text("Đã sửa mức phí giao hàng.")
    expect(page.locator("li[data-rate]", has_text="40.000")).to_have_count(1)

    page.locator("li[data-rate]", has_text="Hà Nội").get_by_role("button", name="Xóa").click()
    expect(page.locator(".flash")).to_contain_text("Đã xoá mức phí giao hàng.")
    expect(page.locator("li[data-rate]")).to_have_count(3)
    assert no_horizontal_scroll(page)
