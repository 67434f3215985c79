"""In a real Chromium, a shopper's payment page turns to paid by itself once a verified
notification (bank transfer) or a signed Stripe event (card) arrives — without reloading."""

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from payments.targets import register_target
from tests.browser.conftest import LiveServer
from tests.payments.conftest import (
    FakeTarget,
    paid_session,
    post_sepay,
    post_stripe,
    sepay_body,
    stripe_event,
    token,
    with_payment_keys,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Payments keys and a known collection account (CSRF stays on, as in the folder)."""
    return with_payment_keys(app_config)


@pytest.fixture
def target(app: Flask) -> FakeTarget:
    """A fake order target (orders are not on this branch yet)."""
    fake = FakeTarget()
    register_target(app, "order", fake)
    return fake


@pytest.fixture
def live_url(live_server: LiveServer) -> str:
    """The shared live server's base URL."""
    return live_server.url


def open_payment(page: Page, live_url: str, signed: str) -> None:
    page.goto(f"{live_url}/thanh-toan/{signed}")
    expect(page.locator("[data-pay-label]")).to_have_text("Chờ thanh toán")
    page.evaluate("window.__notReloaded = true")


def test_a_bank_transfer_shows_as_paid_without_reloading(
    app: Flask, target: FakeTarget, live_url: str, page: Page
) -> None:
    target.add("CQ7K3F9A", 150_000)
    open_payment(page, live_url, token(app, "CQ7K3F9A"))
    assert page.evaluate("document.querySelector('.vietqr img').naturalWidth") > 0
    expect(page.locator("button[data-copy='CQ7K3F9A']")).to_be_visible()
    assert post_sepay(app.test_client(), sepay_body(1, 150_000, "CQ7K3F9A")).status_code == 200
    expect(page.locator("[data-pay-label]")).to_have_text("Đã thanh toán", timeout=20_000)
    expect(page.locator("[data-pay-paid]")).to_be_visible()
    expect(page.locator(".vietqr")).to_be_hidden()
    assert page.evaluate("window.__notReloaded") is True


def test_a_card_payment_shows_as_paid_without_reloading(
    app: Flask, target: FakeTarget, live_url: str, page: Page
) -> None:
    target.add("CQCARD22", 300_000)
    open_payment(page, live_url, token(app, "CQCARD22"))
    event = stripe_event(
        "evt_1", "checkout.session.completed", paid_session("cs_1", "CQCARD22", 300_000, "pi_1")
    )
    assert post_stripe(app.test_client(), event).status_code == 200
    expect(page.locator("[data-pay-label]")).to_have_text("Đã thanh toán", timeout=20_000)
    assert page.evaluate("window.__notReloaded") is True
