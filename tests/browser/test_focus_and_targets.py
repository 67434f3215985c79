"""Keyboard focus is visible against the page, and small stand-alone links are big enough to tap."""

import re

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import LiveServer
from tests.browser.test_product_lots_and_formats import _product_with_lots

pytestmark = pytest.mark.browser


def _luminance(css_colour: str) -> float:
    red, green, blue = (int(v) / 255 for v in re.findall(r"\d+", css_colour)[:3])

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _tab_to(page: Page, selector: str) -> None:
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(f"!!document.activeElement.closest({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_focus_ring_stands_out_from_the_page_and_the_header(
    page: Page, live_server: LiveServer
) -> None:
    slug = _product_with_lots(live_server.app)
    page.goto(f"/san-pham/{slug}")
    body = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
    _tab_to(page, ".crumbs")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    assert _contrast(ring, body) >= 3

    page.goto(f"/san-pham/{slug}")
    _tab_to(page, ".main-nav")
    ring = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    nav = page.evaluate("getComputedStyle(document.querySelector('.main-nav')).backgroundColor")
    assert _contrast(ring, nav) >= 3


@pytest.mark.parametrize("width", [360, 1280])
def test_breadcrumbs_and_lot_links_are_at_least_24_px_tall(
    page: Page, live_server: LiveServer, width: int
) -> None:
    slug = _product_with_lots(live_server.app)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"/san-pham/{slug}")
    heights = page.evaluate(
        "[...document.querySelectorAll('.crumbs a, .lots a, .site-footer a')]"
        ".map(a => a.getBoundingClientRect().height)"
    )
    assert heights and min(heights) >= 24


@pytest.mark.parametrize("width", [360, 1280])
def test_links_standing_alone_in_a_paragraph_are_at_least_24_px_tall(
    page: Page, live_server: LiveServer, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/tai-khoan/dang-nhap")
    forgot = page.get_by_role("link", name="Quên mật khẩu?").bounding_box()
    assert forgot and forgot["height"] >= 24
