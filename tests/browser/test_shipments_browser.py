"""In a real browser at phone width, JavaScript off: a producer packs a part for a carrier and
finds its label beside the packing slip; the carrier's updates appear on both order pages."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from market.accounts.models import User
from market.extensions import db
from orders.models import OrderPart
from tests.browser.conftest import LiveServer, no_horizontal_scroll, sign_in
from tests.orders.conftest import Shop, shop  # noqa: F401  (the two-producer shop fixture)
from tests.orders.test_shipments import TOKEN, FakeCarrier, carrier_part, fake  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_carrier_part_is_packed_labelled_and_followed_on_both_order_pages(
    live_server: LiveServer,
    new_page: Callable[..., Page],
    shop: Shop,  # noqa: F811
    fake: FakeCarrier,  # noqa: F811
    make_user: Callable[..., User],
    console_errors: list[str],
) -> None:
    app = live_server.app
    part_id = carrier_part(app, shop, tea=2)
    with app.app_context():
        token = db.session.get_one(OrderPart, part_id).order.access_token

    producer = new_page(java_script_enabled=False)
    sign_in(producer, "owner-a@example.vn")
    producer.goto(f"/ban-hang/{shop.producer_a}/don-hang/{part_id}")
    expect(producer.locator(".buyer")).to_contain_text("Gửi qua Fake Express")
    expect(producer.locator("main")).to_contain_text("Fake Express thu 270.000 ₫ tiền mặt")
    producer.get_by_role("button", name="Đánh dấu đã đóng gói").click()

    expect(producer.locator(".shipment")).to_contain_text("FK000001")
    expect(producer.locator(".shipment")).to_contain_text("chờ đơn vị vận chuyển đến lấy")
    label = producer.get_by_role("link", name="Nhãn vận chuyển (PDF)")
    expect(label).to_have_attribute(
        "href", f"/ban-hang/{shop.producer_a}/don-hang/{part_id}/tem-van-chuyen"
    )
    expect(producer.get_by_role("link", name="Phiếu đóng gói")).to_be_visible()
    assert no_horizontal_scroll(producer)

    carrier = app.test_client()
    for event_id, status, at, text in [
        ("e1", "picked_up", "2026-12-07T03:00:00", "Đã lấy hàng"),
        ("e2", "in_transit", "2026-12-07T10:00:00", "Đang luân chuyển"),
    ]:
        body = {"id": event_id, "code": "FK000001", "status": status, "at": at, "text": text}
        answer = carrier.post("/webhooks/carriers/fake", json=body, headers={"X-Token": TOKEN})
        assert answer.status_code == 200

    shopper = new_page(java_script_enabled=False)
    shopper.goto(f"/don-hang/xem/{token}")
    events = shopper.locator(".shipment-events li")
    expect(events).to_have_count(2)
    expect(events.first).to_contain_text("10:00")
    expect(events.first).to_contain_text("Đã lấy hàng")
    expect(events.last).to_contain_text("đang vận chuyển")
    expect(shopper.locator(".shipment")).to_contain_text("Mã vận đơn: FK000001")
    assert no_horizontal_scroll(shopper)
    producer.reload()
    expect(producer.locator(".shipment-events li")).to_have_count(2)
    expect(producer.locator(".part-actions")).not_to_contain_text("Đánh dấu đã giao")
    assert console_errors == []
