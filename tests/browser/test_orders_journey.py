"""In a real browser: two producers in one cart, checkout, and both parts through to the end."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from market.accounts.models import Role, User
from tests import factories
from tests.browser.conftest import open_account_menu, sign_in
from tests.payments.conftest import post_sepay, sepay_body, with_payment_keys

pytestmark = pytest.mark.browser


@dataclass
class Market:
    """Two producers with one product each, their owners' logins, and a shopper's login."""

    tea: str
    orange: str
    producer_a: int
    producer_b: int
    owner_a: str
    owner_b: str
    shopper: str


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """A collection account for the VietQR, and the bank webhook's key."""
    return with_payment_keys(app_config)


@pytest.fixture
def market(live_server, make_user: Callable[..., User]) -> Market:
    owner_a = make_user(Role.SHOPPER, name="Chị Hoa", email="hoa@htx-che.vn")
    owner_b = make_user(Role.SHOPPER, name="Anh Tuấn", email="tuan@htx-cam.vn")
    shopper = make_user(Role.SHOPPER, name="Trần Minh", email="minh@example.vn")
    with live_server.app.app_context():
        a = factories.producer("HTX Chè Sử Anh", owner=owner_a, delivery_fee=30_000)
        b = factories.producer("HTX Cam Hàm Yên", owner=owner_b, delivery_fee=25_000)
        tea = factories.product(a, "Chè xanh Ngọc Thuý", price=120_000, stock=10)
        orange = factories.product(b, "Cam sành Hàm Yên", price=45_000, stock=50)
        return Market(
            tea.slug, orange.slug, a.id, b.id, owner_a.email, owner_b.email, shopper.email
        )


def _fill_cart(page: Page, market: Market) -> None:
    page.goto(f"/san-pham/{market.tea}")
    page.fill("#buy-quantity", "2")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    expect(page.locator(".flash-success")).to_contain_text("Chè xanh Ngọc Thuý")
    page.goto(f"/san-pham/{market.orange}")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    expect(page.get_by_role("link", name="Giỏ hàng (3)")).to_be_visible()


def _checkout(page: Page, market: Market, payment: str) -> None:
    page.get_by_role("link", name="Giỏ hàng (3)").click()
    expect(page.locator(".cart-group")).to_have_count(2)
    page.get_by_role("link", name="Tiến hành đặt hàng").click()
    page.fill("#name", "Trần Minh")
    page.fill("#phone", "0912 345 678")
    # The address first, then the options priced for it (#17).
    page.select_option("#province", "08")
    page.select_option("#commune", "02392")  # Xã Phù Lưu, once the province's list arrives
    page.fill("#street", "Thôn 3")
    page.get_by_role("button", name="Xem cách giao hàng").click()
    # Tea comes home (30.000 ₫ delivery), oranges are picked up at the cooperative.
    page.check(f'input[name="delivery_{market.producer_a}"][value="own"]')
    page.check(f'input[name="delivery_{market.producer_b}"][value="pickup_producer"]')
    page.check(f'input[name="payment_method"][value="{payment}"]')
    expect(page.locator("[data-grand-total]")).to_have_text("315.000 ₫")
    page.get_by_role("button", name="Xác nhận đặt hàng").click()
    expect(page.locator("h1")).to_contain_text("Đơn hàng")


def _fulfil(new_page: Callable[..., Page], email: str, steps: list[tuple[str, str]]) -> None:
    producer = new_page()
    sign_in(producer, email)
    open_account_menu(producer).get_by_role("link", name=re.compile("Đơn bán hàng")).click()
    producer.locator(".part-row a").first.click()
    for button, note in steps:
        if note:
            producer.get_by_label("Ghi chú hoặc mã vận đơn (không bắt buộc)").fill(note)
        producer.get_by_role("button", name=button).click()
        expect(producer.locator(".flash-success")).to_contain_text("Đã xong")


def _deliver_both(new_page: Callable[..., Page], market: Market) -> None:
    _fulfil(
        new_page,
        market.owner_a,
        [
            ("Đánh dấu đã đóng gói", ""),
            ("Đánh dấu đã gửi đi", "VNPost EB123456789VN"),
            ("Đánh dấu đã giao", ""),
        ],
    )
    _fulfil(
        new_page,
        market.owner_b,
        [
            ("Đánh dấu đã đóng gói", ""),
            ("Đánh dấu sẵn sàng để nhận", ""),
            ("Đánh dấu đã nhận hàng", ""),
        ],
    )


def test_a_guest_buys_from_two_producers_and_both_parts_arrive(
    page: Page, new_page: Callable[..., Page], market: Market, console_errors: list[str]
) -> None:
    _fill_cart(page, market)
    _checkout(page, market, "cash")
    expect(page.locator(".order-part")).to_have_count(2)
    private_link = page.url
    assert "/don-hang/xem/" in private_link

    _deliver_both(new_page, market)

    page.reload()
    statuses = page.locator(".order-part h2 .status")
    expect(statuses).to_have_text(["đã giao", "đã nhận hàng"])
    expect(page.get_by_text("Ghi chú của nhà sản xuất: VNPost EB123456789VN")).to_be_visible()
    assert console_errors == []


def test_a_signed_in_shopper_pays_and_follows_the_order_to_delivery(
    live_server,
    page: Page,
    new_page: Callable[..., Page],
    market: Market,
    console_errors: list[str],
) -> None:
    _fill_cart(page, market)  # as a guest: the cart follows the shopper into the account
    sign_in(page, market.shopper)
    _checkout(page, market, "bank_transfer")
    expect(page.locator(".pay-panel")).to_contain_text("315.000 ₫")
    memo = page.locator(".pay-panel .memo").inner_text()
    code = memo.removeprefix("CQ")
    body = sepay_body(26001234, 315_000, f"CK {memo}")
    assert post_sepay(live_server.app.test_client(), body).status_code == 200

    _deliver_both(new_page, market)

    open_account_menu(page).get_by_role("link", name="Đơn hàng của tôi").click()
    row = page.locator(".order-list li", has_text=code)
    expect(row.locator(".status")).to_have_text(["đã giao", "đã nhận hàng"])
    row.get_by_role("link", name=code).click()
    expect(page.locator(".timeline").first).to_contain_text("Đã nhận thanh toán 270.000 ₫")
    assert console_errors == []
