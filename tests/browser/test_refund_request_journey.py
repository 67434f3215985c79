"""In a real Chromium at phone width: a producer asks the market to refund part of a paid
transfer, and a provincial manager approves it, recording the transfer back."""

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from market.accounts.models import Role, User
from market.extensions import db
from orders.checkout import place_order
from payments.models import EntryKind, LedgerEntry
from tests.browser.conftest import LiveServer, sign_in
from tests.orders.conftest import Shop, shop  # noqa: F401  (fixture)
from tests.orders.helpers import order_request
from tests.payments.conftest import post_sepay, sepay_body, with_payment_keys

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Payments keys and a known collection account (CSRF stays on, as in the folder)."""
    return with_payment_keys(app_config)


def test_a_producer_asks_and_a_provincial_manager_approves_a_refund(
    app: Flask,
    live_server: LiveServer,
    shop: Shop,  # noqa: F811
    make_user: Callable[..., User],
    new_page: Callable[..., Page],
) -> None:
    make_user(Role.MANAGER, provincial=True, email="tinh@example.vn")
    with app.app_context():
        order = place_order(order_request([(shop.tea, 1, 120_000)], [shop.producer_a]))
        part_id, code = order.parts[0].id, order.code
    post_sepay(app.test_client(), sepay_body(1, 120_000, f"CQ{code}"))

    producer = new_page()
    sign_in(producer, shop.owner_a.email)
    producer.goto(f"/thanh-toan/nha-san-xuat/{shop.producer_a}/hoan-tien/{part_id}")
    producer.fill("#amount", "20.000")
    producer.fill("#reason", "Chè bị ẩm một phần")
    producer.get_by_role("button", name="Đề nghị sàn hoàn tiền").click()
    expect(producer.locator(".flash-success")).to_contain_text("Đã gửi yêu cầu hoàn tiền")

    manager = new_page()
    sign_in(manager, "tinh@example.vn")
    manager.goto("/quan-ly/doi-soat/yeu-cau-hoan-tien")
    request = manager.locator("[data-refund-request]")
    expect(request).to_contain_text(f"{code}-1")
    request.locator("input[name=reference]").fill("FT-HOAN-001")
    request.get_by_role("button", name="Duyệt và hoàn tiền").click()
    expect(manager.locator(".flash-success")).to_contain_text("20.000")
    with app.app_context():
        refund = db.session.scalar(
            sa.select(LedgerEntry).where(LedgerEntry.kind == EntryKind.REFUND)
        )
        assert (refund.amount, refund.reference) == (20_000, "FT-HOAN-001")
