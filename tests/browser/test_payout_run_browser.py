"""In a real Chromium, a provincial manager runs a payout batch from producers' balances to
transfers confirmed by the bank's debit notification (a signed SePay webhook), and the producer
reads the payout and its statement."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page, expect

from market.accounts.models import Role
from market.dbtypes import utcnow
from market.extensions import db
from orders import fulfilment
from orders.checkout import place_order
from orders.lifecycle import Action
from orders.models import ActorRole, Order
from orders.transitions import Actor
from payments import fees
from payments.earning_models import DEFAULT_SCOPE, PayoutLine
from payments.settlement import settle_due_earnings
from tests import factories
from tests.browser.conftest import LiveServer, image_loads, no_horizontal_scroll, sign_in
from tests.orders.helpers import order_request
from tests.payments.conftest import post_sepay, sepay_body, with_payment_keys

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Payments keys and a known collection account (CSRF stays on, as in the folder)."""
    return with_payment_keys(app_config)


def settled_sales(app: Flask, manager_id: int, owner) -> tuple[int, int]:
    """Two producers with a paid, picked-up and settled order part each (5 % commission)."""
    with app.app_context():
        fees.set_rule(DEFAULT_SCOPE, 500, delivery_carries=False, actor_id=manager_id)
        a = factories.producer("HTX Chè Sử Anh", owner=owner)
        b = factories.producer("HTX Cam Hàm Yên")
        tea = factories.product(a, "Chè xanh Ngọc Thuý", price=120_000, stock=10)
        orange = factories.product(b, "Cam sành Hàm Yên", price=45_000, stock=100)
        order = place_order(
            order_request([(tea.id, 1, 120_000), (orange.id, 2, 45_000)], [a.id, b.id])
        )
        code = order.code
        producer_ids = (a.id, b.id)
    client = app.test_client()
    assert post_sepay(client, sepay_body(1, 210_000, f"CK CQ{code}")).status_code == 200
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.code == code))
        for part in order.parts:
            for step in (Action.PACK, Action.READY, Action.HAND_OVER):
                fulfilment.advance_part(part, step, Actor(ActorRole.OWNER, None))
        assert settle_due_earnings(utcnow() + timedelta(days=4)) == 2
    return producer_ids


def test_a_manager_pays_a_batch_and_the_bank_debit_confirms_it(
    live_server: LiveServer, new_page, make_user, console_errors: list[str]
) -> None:
    app = live_server.app
    manager = make_user(Role.MANAGER, email="quanly@example.vn", provincial=True)
    owner = make_user(Role.SHOPPER, email="owner-a@example.vn")
    tea_producer, _orange_producer = settled_sales(app, manager.id, owner)

    page: Page = new_page()
    sign_in(page, "quanly@example.vn")
    page.goto("/quan-ly/doi-soat/chi-tra")
    expect(page.get_by_role("heading", name="Số dư được chi trả")).to_be_visible()
    expect(page.get_by_text("114.000 ₫")).to_be_visible()
    expect(page.get_by_text("85.500 ₫")).to_be_visible()
    assert no_horizontal_scroll(page)
    page.get_by_role("button", name="Tạo đợt chi trả").click()
    expect(page.locator(".flash-success")).to_be_visible()
    lines = page.locator("[data-line]")
    expect(lines).to_have_count(2)
    expect(page.locator('[data-status="pending"]')).to_have_count(2)
    image_loads(page.locator(".vietqr img").first)
    assert no_horizontal_scroll(page)

    with app.app_context():
        line = db.session.scalar(
            sa.select(PayoutLine).where(PayoutLine.producer_id == tea_producer)
        )
        code, amount = line.code, line.amount
    debit = sepay_body(2, amount, f"{code} ChoQue chi tra", transferType="out")
    assert post_sepay(app.test_client(), debit).status_code == 200
    page.reload()
    expect(page.locator(f'[data-line="{code}"][data-status="confirmed"]')).to_be_visible()
    expect(page.locator('[data-status="pending"]')).to_have_count(1)

    # With JavaScript off, the other line is recorded as paid by hand with its bank reference.
    still_open = new_page(width=1280, height=900, java_script_enabled=False)
    sign_in(still_open, "quanly@example.vn")
    still_open.goto(page.url)
    pending = still_open.locator('[data-status="pending"]')
    pending.get_by_label("Mã giao dịch chuyển khoản").fill("FT-CHI-2")
    pending.get_by_role("button", name="Ghi nhận đã chuyển").click()
    expect(still_open.locator('[data-status="pending"]')).to_have_count(0)

    producer_page = new_page()
    sign_in(producer_page, "owner-a@example.vn")
    producer_page.goto(f"/thanh-toan/nha-san-xuat/{tea_producer}")
    expect(producer_page.get_by_text(code).first).to_be_visible()
    with producer_page.expect_download() as download:
        producer_page.get_by_role("link", name="PDF").first.click()
    assert download.value.suggested_filename == f"sao-ke-{code}.pdf"
    assert console_errors == []
