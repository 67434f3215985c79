"""The phone header is one row with an account menu that needs no script, the nav and category
strips show that they scroll, and the manager report reads at 1,280 and 360 px (#16.14, #16.15).
"""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from market.accounts.models import User
from market.extensions import db
from tests.browser.conftest import LiveServer, no_horizontal_scroll, open_account_menu, sign_in
from tests.browser.test_focus_and_targets import _contrast
from tests.markets.conftest import World, world  # noqa: F401  (fixture)
from tests.markets.test_reports import sales  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser

# One row of 44 px targets and its padding; the three header rows (bar, search, nav) together.
ONE_ROW = 60
HEADER = 160
LONG_NAME = "Nguyễn Thị Phương Thảo Hoàng"
REPORT = "/quan-ly/bao-cao?start=2026-11-01&end=2026-11-30"


def _renamed(live_server: LiveServer, user: User) -> str:
    """Give the account a long name (the worst case for one row); returns its e-mail."""
    with live_server.app.app_context():
        db.session.get(User, user.id).name = LONG_NAME
        db.session.commit()
    return user.email or ""


@pytest.mark.parametrize("who", ["shopper", "producer", "manager"])
def test_the_signed_in_header_is_one_compact_row_at_360_px(
    page: Page,
    live_server: LiveServer,
    world: World,  # noqa: F811
    who: str,
) -> None:
    user = {"shopper": world.shopper, "producer": world.owner_a, "manager": world.provincial}[who]
    sign_in(page, _renamed(live_server, user))
    page.goto("/")
    assert page.locator(".bar").bounding_box()["height"] <= ONE_ROW
    assert page.locator(".site-header").bounding_box()["height"] <= HEADER
    assert no_horizontal_scroll(page)
    # Everything the role had in the header is one tap away, inside the menu.
    menu = open_account_menu(page)
    expected = {
        "shopper": ["Đơn hàng của tôi", "Bán hàng", "Tài khoản của bạn"],
        "producer": ["Đơn hàng của tôi", "Đơn bán hàng", "Sạp của tôi", "Bán hàng"],
        "manager": ["Đơn hàng của tôi", "Đối soát", "Quản lý", "Bán hàng"],
    }[who]
    for name in expected:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    expect(menu.get_by_role("button", name="Đăng xuất")).to_be_visible()
    assert no_horizontal_scroll(page)


def test_the_account_menu_opens_and_works_with_javascript_off(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    world: World,  # noqa: F811
) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page, world.shopper.email or "")
    sign_out = page.get_by_role("button", name="Đăng xuất")
    expect(sign_out).to_be_hidden()
    page.locator(".account-menu > summary").click()
    expect(sign_out).to_be_visible()
    page.get_by_role("link", name="Đơn hàng của tôi").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Đơn hàng của tôi")
    open_account_menu(page).get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_the_menu_items_and_its_button_show_a_focus_ring_that_stands_out(
    page: Page,
    live_server: LiveServer,
    world: World,  # noqa: F811
) -> None:
    sign_in(page, world.shopper.email or "")
    page.goto("/")
    summary = page.locator(".account-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")  # opens the <details>
    expect(page.locator(".account-links")).to_be_visible()
    header = page.evaluate(
        "getComputedStyle(document.querySelector('.site-header')).backgroundColor"
    )
    ring = summary.evaluate("e => getComputedStyle(e).outlineColor")
    assert _contrast(ring, header) >= 3
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('.account-links') !== null")
    assert focused
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    menu = page.evaluate(
        "getComputedStyle(document.querySelector('.account-links')).backgroundColor"
    )
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert _contrast(ring, menu) >= 3


def test_the_nav_strip_shows_it_scrolls_and_tab_brings_each_link_into_view(
    page: Page, live_server: LiveServer
) -> None:
    page.goto("/")
    strip = page.locator(".main-nav .strip")
    assert strip.evaluate("s => s.scrollWidth > s.clientWidth")  # cut at 360 px, so...
    assert "linear-gradient" in strip.evaluate("s => getComputedStyle(s).maskImage")  # ...a fade
    assert strip.evaluate("s => getComputedStyle(s).scrollSnapType").startswith("x")
    last = strip.locator("a").last
    for _ in range(30):
        page.keyboard.press("Tab")
        if last.evaluate("a => a === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the last link of the strip")
    box, link = strip.bounding_box(), last.bounding_box()
    assert link["x"] < box["x"] + box["width"]  # in view, at least in part...
    assert strip.evaluate("s => getComputedStyle(s).maskImage") == "none"  # ...and not faded
    page.keyboard.press("ArrowRight")  # the arrow keys scroll the strip on (smoothly: wait)
    page.wait_for_function(
        "([s, a]) => a.getBoundingClientRect().right <= s.getBoundingClientRect().right + 1",
        arg=[strip.element_handle(), last.element_handle()],
    )


def _header_cells_cut(page: Page) -> list[str]:
    """Header cells whose text is cut: by the cell itself or by its scroll box's edge."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main .table-wrap th')].filter(th => {
            const box = th.closest('.table-wrap').getBoundingClientRect();
            const cell = th.getBoundingClientRect();
            return th.scrollWidth > th.clientWidth || cell.right > box.right + 1;
          }).map(th => th.textContent.trim())"""
    )


def test_the_report_at_1280_px_has_full_width_tables_with_whole_headings(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    sales: World,  # noqa: F811
) -> None:
    page = new_page(width=1280, height=800)
    sign_in(page, sales.provincial.email or "")
    page.goto(REPORT + "&sections=all")
    tables = page.locator("main .table-wrap")
    assert tables.count() == page.locator("main details.mk-fold").count() >= 9  # one a section
    assert _header_cells_cut(page) == []
    markets = page.locator("details:has(#by_market-h) .table-wrap th")
    expect(markets.last).to_have_text("Không tiền mặt")  # the cashless column, whole (was "Khôn…")
    # Each table as wide as its chart: one under the other, never squeezed beside it.
    widths = page.evaluate(
        """() => [...document.querySelectorAll('main details.mk-fold')].map(d => [
            d.querySelector('.mk-chart-box')?.getBoundingClientRect(),
            d.querySelector('.table-wrap')?.getBoundingClientRect()]).filter(p => p[0] && p[1])
            .map(([c, t]) => [Math.round(c.width), Math.round(t.width), t.top >= c.bottom])"""
    )
    assert widths and all(chart == table and below for chart, table, below in widths)
    assert no_horizontal_scroll(page)


def test_the_report_at_360_px_folds_and_its_tables_scroll_from_the_keyboard(
    new_page: Callable[..., Page],
    live_server: LiveServer,
    sales: World,  # noqa: F811
) -> None:
    page = new_page(java_script_enabled=False)
    sign_in(page, sales.provincial.email or "")
    page.goto(REPORT + "&sections=all")
    unfolded = page.evaluate("document.documentElement.scrollHeight")
    page.goto(REPORT)
    folded = page.evaluate("document.documentElement.scrollHeight")
    assert folded < unfolded / 2 and folded < 3000
    assert no_horizontal_scroll(page)
    # A folded section opens with a tap, no script needed.
    by_market = page.locator("details.mk-fold", has=page.locator("#by_market-h"))
    expect(by_market.locator(".table-wrap")).to_be_hidden()
    by_market.locator("summary").click()
    expect(by_market.locator(".table-wrap")).to_be_visible()

    page = new_page()  # with JavaScript, which the wait below needs (the report does not)
    sign_in(page, sales.provincial.email or "")
    page.goto(REPORT + "&sections=all")
    regions = page.locator("main .table-wrap")
    for index in range(regions.count()):
        region = regions.nth(index)
        assert region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region"
        assert (region.get_attribute("aria-label") or "").startswith("Bảng: ")
    wide = page.locator("details:has(#by_market-h) .table-wrap")
    assert wide.evaluate("w => w.scrollWidth > w.clientWidth")  # wider than a phone
    for _ in range(60):
        page.keyboard.press("Tab")
        if wide.evaluate("w => w === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the market table's scroll region")
    page.keyboard.press("ArrowRight")  # the focused region scrolls with the arrow keys
    page.wait_for_function("w => w.scrollLeft > 0", arg=wide.element_handle())
