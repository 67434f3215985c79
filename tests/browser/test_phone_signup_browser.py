"""A phone-only shopper signs up and later resets the password with SMS codes, JavaScript off."""

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.conftest import last_code
from tests.browser.conftest import LiveServer, no_horizontal_scroll

pytestmark = pytest.mark.browser

NUMBER = "0912345678"
PASSWORD = "mật khẩu tốt 123"
NEW = "mật khẩu mới 2026"


def _shot(page: Page, name: str) -> None:
    # SCREENSHOTS=folder keeps the pages for a person to look at; the test asserts the rest.
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        size = page.viewport_size or {"width": 0}
        page.screenshot(path=str(Path(folder) / f"{name}-{size['width']}.png"), full_page=True)


@pytest.mark.parametrize("width", [360, 1280])
def test_sign_up_with_a_number_and_reset_the_password_by_sms(
    new_page: Callable[..., Page], live_server: LiveServer, width: int
) -> None:
    page = new_page(width=width, java_script_enabled=False)
    page.goto("/tai-khoan/dang-ky")
    page.get_by_label("Họ và tên").fill("Hoàng Thị Lan")
    page.get_by_label("Email hoặc số di động").fill("0912 345 678")
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_label("Nhập lại mật khẩu").fill(PASSWORD)
    _shot(page, "signup")
    page.get_by_role("button", name="Tạo tài khoản").click()

    assert page.url.endswith("/tai-khoan/ma-xac-nhan")
    assert no_horizontal_scroll(page)
    code = page.get_by_label("Mã trong SMS")
    assert code.get_attribute("autocomplete") == "one-time-code"
    assert code.get_attribute("inputmode") == "numeric"
    code.fill("000000" if last_code(live_server.app, NUMBER) != "000000" else "111111")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Bạn còn thử được 4 lần.")).to_be_visible()
    _shot(page, "code")
    page.get_by_label("Mã trong SMS").fill(last_code(live_server.app, NUMBER))
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("Chào mừng Hoàng Thị Lan đến với Chợ Quê!")).to_be_visible()

    page.context.clear_cookies()
    page.goto("/tai-khoan/quen-mat-khau")
    page.get_by_label("Email hoặc số di động").fill(NUMBER)
    page.get_by_role("button", name="Tiếp tục").click()
    page.get_by_label("Mã trong SMS").fill(last_code(live_server.app, NUMBER))
    page.get_by_label("Mật khẩu mới").fill(NEW)
    page.get_by_label("Nhập lại mật khẩu").fill(NEW)
    _shot(page, "reset-code")
    page.get_by_role("button", name="Xác nhận").click()
    expect(
        page.get_by_text("Mật khẩu đã được đổi. Hãy đăng nhập bằng mật khẩu mới.")
    ).to_be_visible()

    page.get_by_label("Email hoặc số di động").fill("+84 912 345 678")
    page.get_by_label("Mật khẩu", exact=True).fill(NEW)
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.url.endswith("/")
    page.goto("/tai-khoan/ho-so")
    assert page.get_by_label("Số di động").input_value() == NUMBER
