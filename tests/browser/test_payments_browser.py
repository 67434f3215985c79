"""In a real Chromium, a shopper orders from two producers and pays by VietQR (the bank's
notification simulated by a signed webhook) or by card (a signed Stripe event); the order page
turns to paid by itself, without reloading."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, Route, expect

from market.extensions import db
from orders.models import Order
from tests import factories
from tests.browser.conftest import LiveServer, image_loads
from tests.payments.conftest import (
    FakeStripe,
    fake_stripe,  # noqa: F401  (fixture)
    paid_session,
    post_sepay,
    post_stripe,
    sepay_body,
    stripe_event,
    with_payment_keys,
)

pytestmark = pytest.mark.browser

TOTAL = 120_000 + 2 * 45_000


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Payments keys and a known collection account (CSRF stays on, as in the folder)."""
    return with_payment_keys(app_config)


@pytest.fixture
def products(live_server: LiveServer) -> tuple[str, str]:
    """Two producers' products (their slugs): tea 120.000 ₫ and oranges 45.000 ₫."""
    with live_server.app.app_context():
        a = factories.producer("HTX Chè Sử Anh")
        b = factories.producer("HTX Cam Hàm Yên")
        tea = factories.product(a, "Chè xanh Ngọc Thuý", price=120_000, stock=10)
        orange = factories.product(b, "Cam sành Hàm Yên", price=45_000, stock=100)
        return tea.slug, orange.slug


def order_from_two_producers(page: Page, products: tuple[str, str], method: str) -> str:
    """Fill the cart with tea and two oranges, pick both up, check out; the order's code."""
    tea, orange = products
    for slug, quantity in ((tea, 1), (orange, 2)):
        page.goto(f"/san-pham/{slug}")
        page.fill("#buy-quantity", str(quantity))
        page.get_by_role("button", name="Thêm vào giỏ").click()
        expect(page.locator(".flash-success")).to_be_visible()
    page.goto("/dat-hang/")
    page.fill("#name", "Nguyễn Thị Lan")
    page.fill("#phone", "0912 345 678")
    for choice in page.locator('input[name^="delivery_"][value="pickup_producer"]').all():
        choice.check()
    page.check(f'input[name="payment_method"][value="{method}"]')
    expect(page.locator("[data-grand-total]")).to_have_text("210.000 ₫")
    page.get_by_role("button", name="Xác nhận đặt hàng").click()
    expect(page.locator("[data-pay-label]")).to_have_text("Chờ thanh toán")
    code = page.locator("h1").inner_text().split()[-1]
    page.evaluate("window.__notReloaded = true")
    return code


def test_a_shopper_pays_by_vietqr_and_sees_it_paid_without_reloading(
    app: Flask, products: tuple[str, str], new_page: Callable[..., Page]
) -> None:
    page = new_page()
    code = order_from_two_producers(page, products, "bank_transfer")
    image_loads(page.locator(".vietqr img"))
    expect(page.locator(f"button[data-copy='CQ{code}']")).to_be_attached()
    body = sepay_body(1, TOTAL, f"CK CQ{code} mua hang")
    assert post_sepay(app.test_client(), body).status_code == 200
    expect(page.locator("[data-pay-label]")).to_have_text("Đã thanh toán", timeout=20_000)
    expect(page.locator("[data-pay-paid]")).to_be_visible()
    assert page.evaluate("window.__notReloaded") is True
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        assert [p.status.value for p in order.parts] == ["awaiting_fulfilment"] * 2


def test_a_shopper_pays_by_card_and_sees_it_paid_without_reloading(
    app: Flask,
    products: tuple[str, str],
    new_page: Callable[..., Page],
    fake_stripe: FakeStripe,  # noqa: F811
) -> None:
    page = new_page()
    code = order_from_two_producers(page, products, "card")

    def stripe_sends_back(route: Route) -> None:  # Stripe's page, after the shopper paid
        success = fake_stripe.sent("/v1/checkout/sessions")[-1]["form"]["success_url"]
        route.fulfill(status=303, headers={"Location": success})

    page.route("https://checkout.stripe.com/**", stripe_sends_back)
    page.locator("form.pay-card button").click()
    expect(page.locator(".flash")).to_be_visible()
    page.evaluate("window.__notReloaded = true")
    event = stripe_event(
        "evt_1", "checkout.session.completed", paid_session("cs_1", f"CQ{code}", TOTAL, "pi_1")
    )
    assert post_stripe(app.test_client(), event).status_code == 200
    expect(page.locator("[data-pay-label]")).to_have_text("Đã thanh toán", timeout=20_000)
    assert page.evaluate("window.__notReloaded") is True
