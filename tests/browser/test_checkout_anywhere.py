"""With JavaScript off, a shopper in a Hà Nội ward orders home delivery from a producer that
delivers nationwide: nothing costs money until chosen, errors are listed at the top with links,
then province, ward and street, the fee for Hà Nội, and the order."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from market.accounts.models import Role, User
from tests import factories
from tests.browser.conftest import LiveServer, no_horizontal_scroll, sign_in

pytestmark = pytest.mark.browser

HOAN_KIEM = "00070"  # Phường Hoàn Kiếm, Hà Nội


@pytest.fixture
def honey(live_server: LiveServer) -> tuple[str, int]:
    """A producer in Tuyên Quang that delivers anywhere: 30.000 ₫ in its province, 60.000 ₫
    elsewhere; its honey's slug and the producer's id."""
    with live_server.app.app_context():
        producer = factories.producer(
            "HTX Ong mật Đồng Văn", delivery_fee=30_000, delivery_fee_elsewhere=60_000
        )
        product = factories.product(producer, "Mật ong bạc hà", price=250_000, stock=20)
        return product.slug, producer.id


def _to_checkout(page: Page, slug: str) -> None:
    page.goto(f"/san-pham/{slug}")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.get_by_role("link", name="Giỏ hàng (1)").click()
    page.get_by_role("link", name="Tiến hành đặt hàng").click()
    expect(page.locator("h1")).to_have_text("Đặt hàng")


def test_a_shopper_in_a_ha_noi_ward_orders_home_delivery_with_javascript_off(
    new_page: Callable[..., Page], honey: tuple[str, int], make_user: Callable[..., User]
) -> None:
    slug, producer_id = honey
    shopper = make_user(Role.SHOPPER, name="Lê Thu Hà", email="ha@example.vn")
    page = new_page(java_script_enabled=False)
    sign_in(page, shopper.email)
    _to_checkout(page, slug)

    # Before an address, only its own-delivery rule shows; nothing that costs money is chosen.
    expect(page.locator(f'input[name="delivery_{producer_id}"][value="own"]')).to_have_count(0)
    expect(page.locator("[data-grand-total]")).to_have_text("250.000\u00a0₫")
    expect(page.locator("[data-delivery-summary]")).to_contain_text("60.000\u00a0₫ nơi khác")

    # Ordering too early lists what is missing at the top, each a link to its field.
    page.fill("#phone", "0243 826 1234")
    page.get_by_role("button", name="Xác nhận đặt hàng").click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Đây có vẻ là số máy bàn")
    summary.get_by_role("link", name="Cách nhận phần hàng của HTX Ong mật Đồng Văn").click()
    assert page.url.endswith(f"#delivery_{producer_id}-0")

    # Step by step without JavaScript: the province, its wards, the street, then the options.
    page.fill("#phone", "0987 654 321")
    page.select_option("#province", label="Thành phố Hà Nội")
    page.get_by_role("button", name="Hiện danh sách xã/phường").click()
    page.select_option("#commune", label="Phường Hoàn Kiếm")
    page.fill("#street", "12 Hàng Bạc")
    page.get_by_role("button", name="Xem cách giao hàng").click()
    home = page.locator(f'input[name="delivery_{producer_id}"][value="own"]')
    expect(home).not_to_be_checked()
    expect(page.locator("label", has=home)).to_contain_text("+ 60.000\u00a0₫")
    home.check()
    page.get_by_role("button", name="Tiếp tục").click()
    expect(page.locator("[data-grand-total]")).to_have_text("310.000\u00a0₫")
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Xác nhận đặt hàng").click()

    expect(page.locator(".flash-success")).to_contain_text("Cảm ơn")
    body = page.locator("main")
    expect(body).to_contain_text("12 Hàng Bạc")
    expect(body).to_contain_text("Phường Hoàn Kiếm, Thành phố Hà Nội")
    expect(body).to_contain_text("310.000\u00a0₫")


def test_with_javascript_the_wards_arrive_at_once_and_the_total_follows_the_choice(
    page: Page, honey: tuple[str, int], console_errors: list[str]
) -> None:
    slug, producer_id = honey
    _to_checkout(page, slug)
    expect(page.get_by_role("button", name="Tiếp tục")).to_be_hidden()
    expect(page.get_by_role("button", name="Hiện danh sách xã/phường")).to_be_hidden()
    page.select_option("#province", label="Thành phố Hà Nội")
    # The province's wards arrive without sending the form.
    expect(page.locator("#commune option")).to_have_count(1 + 126)
    page.select_option("#commune", label="Phường Hoàn Kiếm")
    page.fill("#street", "12 Hàng Bạc")
    page.get_by_role("button", name="Xem cách giao hàng").click()
    page.check(f'input[name="delivery_{producer_id}"][value="own"]')
    expect(page.locator("[data-delivery-total]")).to_have_text("60.000\u00a0₫")
    expect(page.locator("[data-grand-total]")).to_have_text("310.000\u00a0₫")
    page.check(f'input[name="delivery_{producer_id}"][value="pickup_producer"]')
    expect(page.locator("[data-grand-total]")).to_have_text("250.000\u00a0₫")
    assert console_errors == []
