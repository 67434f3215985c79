"""Issue #18 done: a shopper signs up with a phone number and an SMS code, resets the password by
SMS, chooses channels, orders, and hears "paid" and "ready for pickup" on the channels chosen.

SMS (eSMS) and Zalo (ZNS) are configured and answered from the recordings in
``tests/notices/recorded``; the live server runs in this process with ``JOBS_EAGER``, so every
notice's job runs right after the commit that recorded it, and the codes are read back from the
recorded SMS requests.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from market.accounts.models import Role, User
from orders.notice_templates import ZNS_ORDER_PAID, ZNS_PART_READY
from tests import factories
from tests.browser.conftest import LiveServer, no_horizontal_scroll, open_account_menu, sign_in
from tests.notices.conftest import RECORDED, sms_sent, zalo_templates
from tests.payments.conftest import post_sepay, sepay_body, with_payment_keys
from tests.recorded_http import RecordedTransport, load

pytestmark = pytest.mark.browser

NUMBER = "0912345678"
PASSWORD = "mật khẩu tốt 123"
NEW = "mật khẩu mới 2026"


@dataclass
class Farm:
    """A cooperative selling oranges, picked up at the farm, and its owner's login."""

    slug: str
    owner: str


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Bank transfers (a collection account and the bank webhook's key), eSMS and Zalo ZNS."""
    return {
        **with_payment_keys(app_config),
        "ESMS_API_KEY": "notices-api-key",
        "ESMS_SECRET_KEY": "notices-secret",
        "ESMS_BRANDNAME": "CHOQUE",
        "ZALO_OA_ACCESS_TOKEN": "notices-oa-token",
    }


@pytest.fixture
def gateways(recorded_http: RecordedTransport) -> RecordedTransport:
    """eSMS and ZNS answers from the recordings; the live app sends through this transport."""
    recorded_http.add(*load(RECORDED / "esms.json"), *load(RECORDED / "zalo_zns.json"))
    return recorded_http


@pytest.fixture
def farm(live_server: LiveServer, make_user: Callable[..., User]) -> Farm:
    owner = make_user(Role.SHOPPER, name="Anh Tuấn", email="tuan@htx-cam.vn")
    with live_server.app.app_context():
        producer = factories.producer("HTX Cam Hàm Yên", owner=owner)
        orange = factories.product(producer, "Cam sành Hàm Yên", price=45_000, stock=50)
        return Farm(orange.slug, owner.email or "")


def last_code(gateways: RecordedTransport) -> str:
    """The six digits of the last SMS eSMS was asked to send to the shopper."""
    found = re.search(r"\b(\d{6})\b", sms_sent(gateways, NUMBER)[-1])
    assert found is not None
    return found.group(1)


def _sign_up_and_reset(page: Page, gateways: RecordedTransport) -> None:
    page.goto("/tai-khoan/dang-ky")
    page.get_by_label("Họ và tên").fill("Hoàng Thị Lan")
    page.get_by_label("Email hoặc số di động").fill("0912 345 678")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Tạo tài khoản").click()
    page.get_by_label("Mã trong SMS").fill(last_code(gateways))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Chào mừng Hoàng Thị Lan đến với Chợ Quê!")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/tai-khoan/quen-mat-khau")
    page.get_by_label("Email hoặc số di động").fill(NUMBER)
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Mã trong SMS").fill(last_code(gateways))
    page.get_by_label("Mật khẩu mới").fill(NEW)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW)
    page.get_by_role("button", name="Xác nhận").click()
    expect(
        page.get_by_text("Mật khẩu đã được đổi. Hãy đăng nhập bằng mật khẩu mới.")
    ).to_be_visible()
    page.get_by_label("Email hoặc số di động").fill(NUMBER)
    page.get_by_label("Mật khẩu", exact=True).fill(NEW)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator(".account-menu > summary")).to_be_visible()


def _choose_channels(page: Page) -> None:
    """Orders: nothing; payments: SMS and Zalo; pickups: Zalo only."""
    open_account_menu(page).get_by_role("link", name=re.compile("Hồ sơ|Tài khoản")).first.click()
    page.get_by_role("link", name="Chọn cách nhận thông báo").click()
    orders = page.locator("#topic-orders")
    orders.get_by_label("SMS").uncheck()
    page.locator("#topic-payments").get_by_label("SMS").check()
    page.locator("#topic-payments").get_by_label("Zalo").check()
    page.locator("#topic-pickups").get_by_label("SMS").uncheck()
    page.locator("#topic-pickups").get_by_label("Zalo").check()
    recalls = page.locator("#topic-recalls")
    expect(recalls.get_by_label("SMS")).to_be_disabled()
    expect(recalls.get_by_label("SMS")).to_be_checked()
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Lưu").click()
    expect(page.locator(".flash-success")).to_contain_text("Đã lưu lựa chọn nhận thông báo")


def _order(page: Page, farm: Farm) -> str:
    page.goto(f"/san-pham/{farm.slug}")
    page.get_by_role("button", name="Thêm vào giỏ").click()
    page.goto("/dat-hang/")
    page.fill("#name", "Hoàng Thị Lan")
    page.fill("#phone", "0912 345 678")
    page.check('input[name^="delivery_"][value="pickup_producer"]')
    page.check('input[name="payment_method"][value="bank_transfer"]')
    page.get_by_role("button", name="Xác nhận đặt hàng").click()
    expect(page.locator(".pay-panel")).to_contain_text("45.000 ₫")
    return page.locator(".pay-panel .memo").inner_text()


def _make_ready(new_page: Callable[..., Page], farm: Farm) -> None:
    producer = new_page()
    sign_in(producer, farm.owner)
    open_account_menu(producer).get_by_role("link", name=re.compile("Đơn bán hàng")).click()
    producer.locator(".part-row a").first.click()
    for button in ("Đánh dấu đã đóng gói", "Đánh dấu sẵn sàng để nhận"):
        producer.get_by_role("button", name=button).click()
        expect(producer.locator(".flash-success")).to_contain_text("Đã xong")


def test_a_phone_shopper_hears_paid_and_ready_for_pickup_on_the_channels_chosen(
    live_server: LiveServer,
    page: Page,
    new_page: Callable[..., Page],
    farm: Farm,
    gateways: RecordedTransport,
    console_errors: list[str],
) -> None:
    _sign_up_and_reset(page, gateways)
    _choose_channels(page)
    codes = len(sms_sent(gateways, NUMBER))  # the sign-up and reset codes

    memo = _order(page, farm)
    assert len(sms_sent(gateways, NUMBER)) == codes  # orders: no channel chosen
    assert zalo_templates(gateways, NUMBER) == []

    body = sepay_body(26007001, 45_000, f"CK {memo}")
    assert post_sepay(live_server.app.test_client(), body).status_code == 200
    paid = sms_sent(gateways, NUMBER)[codes:]
    assert paid == [
        f"Cho Que: da nhan 45.000d cho don {memo.removeprefix('CQ')}. Nguoi ban dang chuan bi hang."
    ]
    assert zalo_templates(gateways, NUMBER) == [ZNS_ORDER_PAID]

    _make_ready(new_page, farm)
    assert zalo_templates(gateways, NUMBER) == [ZNS_ORDER_PAID, ZNS_PART_READY]
    assert len(sms_sent(gateways, NUMBER)) == codes + 1  # pickups: Zalo only
    assert console_errors == []
