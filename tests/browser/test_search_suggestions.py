"""Search in a real Chromium: suggestions as you type, and the whole flow with JavaScript off."""

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import LiveServer
from tests.search.conftest import build_catalog

pytestmark = pytest.mark.browser


@pytest.fixture
def live_url(live_server: LiveServer) -> str:
    """The shared live server, with the fixed search catalog loaded."""
    with live_server.app.app_context():
        build_catalog()
    return live_server.url


def test_suggestions_appear_as_you_type_and_open_with_the_keyboard(
    live_url: str, browser: Browser
) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(live_url + "/")
    box = page.get_by_role("combobox", name="Tìm sản phẩm")
    box.press_sequentially("mien d", delay=40)
    option = page.get_by_role("option").first
    expect(option).to_contain_text("Miến dong Na Hang")
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(option.locator("mark").first).to_have_text("Miến")
    box.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url("**/san-pham/*")
    expect(page.get_by_role("heading", level=1)).to_have_text("Miến dong Na Hang")


def test_search_and_facets_work_with_javascript_off(live_url: str, browser: Browser) -> None:
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.goto(live_url + "/")
    page.get_by_label("Tìm sản phẩm").fill("dac san")
    page.get_by_label("Tìm sản phẩm").press("Enter")
    page.wait_for_url("**/tim-kiem?q=dac+san")
    expect(page.locator(".search-results .card").first).to_contain_text("Cá đặc sản sông Lô")
    page.locator("#facets").get_by_role("link", name="Hàm Yên").click()
    expect(page.locator(".search-results .card")).to_have_count(1)
    expect(page.locator(".search-results .card")).to_contain_text("Cam sành Hàm Yên")
    context.close()
