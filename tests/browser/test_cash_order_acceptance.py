"""In a real browser at phone width: a guest's cash order waits for its producer, who accepts or
declines it with a reason the shopper then reads."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from market.accounts.models import Role, User
from tests import factories
from tests.browser.conftest import no_horizontal_scroll, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def shop(live_server, make_user: Callable[..., User]) -> tuple[str, int]:
    """A producer (owner hoa@htx-che.vn) selling tea; the tea's slug and the producer's id."""
    owner = make_user(Role.SHOPPER, name="Chị Hoa", email="hoa@htx-che.vn")
    with live_server.app.app_context():
        producer = factories.producer("HTX Chè Sử Anh", owner=owner)
        tea = factories.product(producer, "Chè xanh Ngọc Thuý", price=120_000, stock=10)
        return tea.slug, producer.id


def _guest_cash_order(page: Page, slug: str, producer_id: int) -> str:
    page.goto(f"/san-pham/{slug}")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.goto("/dat-hang/")
    page.fill("#name", "Nguyễn Thị Lan")
    page.fill("#phone", "0912345678")
    page.check(f'input[name="delivery_{producer_id}"][value="pickup_producer"]')
    page.check('input[name="payment_method"][value="cash"]')
    page.get_by_role("button", name="Xác nhận đặt hàng").click()
    expect(page.locator("[data-awaits-confirmation]")).to_contain_text("Đang chờ HTX Chè Sử Anh")
    return page.url


def _open_the_part(page: Page, producer_id: int) -> None:
    sign_in(page, "hoa@htx-che.vn")
    page.goto(f"/ban-hang/{producer_id}/don-hang/")
    page.locator(".part-list a").filter(has_text="-1").first.click()
    expect(page.get_by_role("heading", name="Nhận hoặc từ chối đơn này")).to_be_visible()
    assert no_horizontal_scroll(page)


def test_a_producer_accepts_a_guests_cash_order(
    new_page: Callable[..., Page], shop: tuple[str, int], console_errors: list[str]
) -> None:
    slug, producer_id = shop
    shopper = new_page(java_script_enabled=False)
    order_url = _guest_cash_order(shopper, slug, producer_id)

    producer = new_page()
    _open_the_part(producer, producer_id)
    producer.get_by_role("button", name="Nhận đơn").click()
    expect(producer.locator(".flash-success")).to_contain_text("Đã nhận đơn")
    expect(producer.locator(".timeline")).to_contain_text("Đã nhận đơn")

    shopper.goto(order_url)
    expect(shopper.get_by_text("Nhà sản xuất đã nhận đơn lúc")).to_be_visible()
    assert console_errors == []


def test_a_producer_declines_a_cash_order_and_the_shopper_reads_why(
    new_page: Callable[..., Page], shop: tuple[str, int], console_errors: list[str]
) -> None:
    slug, producer_id = shop
    shopper = new_page(java_script_enabled=False)
    order_url = _guest_cash_order(shopper, slug, producer_id)

    producer = new_page()
    _open_the_part(producer, producer_id)
    producer.fill("#reason", "Chè vừa hết, xin lỗi bạn")
    producer.get_by_role("button", name="Từ chối đơn").click()
    expect(producer.locator(".status").first).to_have_text("đã hủy")

    shopper.goto(order_url)
    expect(shopper.locator(".order-part .notice.bad")).to_contain_text("Chè vừa hết, xin lỗi bạn")
    assert console_errors == []
