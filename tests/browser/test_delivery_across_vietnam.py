"""Issue #17's journey in a real browser: a shopper in Hà Nội buys from two producers, one part
by GHN and one by the producer's own zone delivery, paying cash; both producers pack; GHN's
status webhooks (with its token) move the carrier part and the shopper sees the timeline; a
manager imports GHN's COD statement and the ledger balances with nothing left at GHN.

The carrier answers from recordings (``tests/carriers/recorded/ghn``) plugged into the live app's
HTTP transport; the webhooks are GHN's recorded callbacks, posted to the live server."""

import json
from collections.abc import Callable
from dataclasses import replace
from urllib.request import Request, urlopen

import pytest
from playwright.sync_api import Page, expect

from catalog.models import Producer, Product
from market.accounts.models import Role, User
from market.extensions import db
from orders.delivery_rates import EnabledCarrier
from orders.models import Order
from payments.balance import verify
from tests.browser.conftest import LiveServer, no_horizontal_scroll, sign_in
from tests.carriers.conftest import CREDENTIALS, RECORDED
from tests.orders.conftest import Shop, shop  # noqa: F401  (the two-producer shop fixture)
from tests.orders.helpers import set_elsewhere
from tests.recorded_http import RecordedTransport, load

pytestmark = pytest.mark.browser

GHN = RECORDED / "ghn"
GHN_FEE = 36_300
OWN_FEE = 50_000
TEA, ORANGE = 120_000, 45_000


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """GHN configured on the site (its recorded answers are for the production URL)."""
    return {**app_config, **{k: v for k, v in CREDENTIALS.items() if k.startswith("GHN_")}}


@pytest.fixture
def ghn(live_server: LiveServer, recorded_http: RecordedTransport, shop: Shop) -> RecordedTransport:  # noqa: F811
    """Producer A delivers itself anywhere in Vietnam for 50,000 đ; producer B (Xã Hàm Yên)
    ships by GHN, its oranges weighing 1,050 g. GHN quotes and creates from recordings."""
    with live_server.app.app_context():
        set_elsewhere(shop.producer_a, OWN_FEE)
        db.session.get(Producer, shop.producer_b).commune_code = "02374"
        db.session.get(Product, shop.orange).weight_grams = 1050
        db.session.add(EnabledCarrier(producer_id=shop.producer_b, carrier="ghn"))
        db.session.commit()
    recorded_http.add(*load(GHN / "quote.json"))
    # Any part reference: the recorded creation was for another order.
    recorded_http.add(*(replace(i, body={}) for i in load(GHN / "create.json")))
    return recorded_http


def _ghn_callback(live_server: LiveServer, recording: str, **changes: object) -> int:
    """GHN posts one of its recorded callbacks, with our token in the registered URL."""
    body = {**json.loads((GHN / recording).read_text(encoding="utf-8")), **changes}
    secret = CREDENTIALS["GHN_WEBHOOK_SECRET"]
    request = Request(
        live_server(f"/webhooks/carriers/ghn?token={secret}"),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urlopen(request, timeout=10) as answer:
        return answer.status


def _pack(page: Page, producer_id: int, part_id: int) -> None:
    page.goto(f"/ban-hang/{producer_id}/don-hang/{part_id}")
    if page.get_by_role("button", name="Nhận đơn").count():
        page.get_by_role("button", name="Nhận đơn").click()
    page.get_by_role("button", name="Đánh dấu đã đóng gói").click()
    expect(page.locator(".flash-success, .flash-info").first).to_be_visible()


def test_two_producers_to_ha_noi_one_by_ghn_one_by_own_delivery_cod_reconciled(
    live_server: LiveServer,
    new_page: Callable[..., Page],
    shop: Shop,  # noqa: F811
    ghn: RecordedTransport,
    make_user: Callable[..., User],
    console_errors: list[str],
) -> None:
    app = live_server.app
    page = new_page(java_script_enabled=False)
    for product_id in (shop.tea, shop.orange):
        added = page.request.post("/gio-hang/them", form={"product_id": product_id, "quantity": 1})
        assert added.ok
    page.goto("/dat-hang/")
    expect(page.locator("h1")).to_have_text("Đặt hàng")

    # The address first; then each producer's options, priced for it, none chosen.
    page.fill("#name", "Nguyễn Thị Lan")
    page.fill("#phone", "0988 000 222")
    page.select_option("#province", label="Thành phố Hà Nội")
    page.get_by_role("button", name="Hiện danh sách xã/phường").click()
    page.select_option("#commune", label="Phường Ba Đình")
    page.fill("#street", "12 phố Đội Cấn")
    page.get_by_role("button", name="Xem cách giao hàng").click()
    carrier = page.locator(
        f'input[name="delivery_{shop.producer_b}"][value="carrier:ghn:standard"]'
    )
    own = page.locator(f'input[name="delivery_{shop.producer_a}"][value="own"]')
    expect(carrier).not_to_be_checked()
    expect(own).not_to_be_checked()
    expect(page.locator("label", has=carrier)).to_contain_text("36.300\u00a0₫")
    expect(page.locator("label", has=carrier)).to_contain_text("ngày")
    expect(page.locator("label", has=own)).to_contain_text("50.000\u00a0₫")
    assert no_horizontal_scroll(page)
    carrier.check()
    own.check()
    page.check('input[name="payment_method"][value="cash"]')
    page.get_by_role("button", name="Xác nhận đặt hàng").click()
    expect(page.locator(".flash-success")).to_contain_text("Cảm ơn")
    order_page = page.url

    with app.app_context():
        order = db.session.query(Order).one()
        parts = {part.producer_id: part for part in order.parts}
        tea_part, orange_part = parts[shop.producer_a], parts[shop.producer_b]
        assert (tea_part.delivery_option, tea_part.carrier, tea_part.delivery_fee) == (
            "own",
            None,
            OWN_FEE,
        )
        assert (orange_part.carrier, orange_part.delivery_fee) == ("ghn", GHN_FEE)
        cod = orange_part.total
        tea_id, orange_id = tea_part.id, orange_part.id
    assert order.total == TEA + ORANGE + OWN_FEE + GHN_FEE

    # Both producers pack; the GHN part gets GHN's shipment (tracking code LBK7FD).
    producer_b = new_page(java_script_enabled=False)
    sign_in(producer_b, "owner-b@example.vn")
    _pack(producer_b, shop.producer_b, orange_id)
    expect(producer_b.locator(".shipment")).to_contain_text("LBK7FD")
    producer_a = new_page(java_script_enabled=False)
    sign_in(producer_a, "owner-a@example.vn")
    _pack(producer_a, shop.producer_a, tea_id)

    # GHN reports picked up, then delivered with the cash it collected.
    assert _ghn_callback(live_server, "webhook_picked.json", OrderCode="LBK7FD") == 200
    assert (
        _ghn_callback(live_server, "webhook_delivered.json", OrderCode="LBK7FD", CODAmount=cod)
        == 200
    )
    page.goto(order_page)
    events = page.locator(".shipment-events li")
    expect(events).to_have_count(2)
    expect(page.locator(".shipment")).to_contain_text("LBK7FD")
    assert no_horizontal_scroll(page)
    with app.app_context():
        proof = verify()
        assert proof.problems == []
        assert proof.carrier_receivable == {"ghn": cod}

    # The manager imports GHN's COD statement: the cash is remitted, the ledger balances.
    manager = make_user(Role.MANAGER, provincial=True, email="quanly@example.vn")
    desk = new_page(width=1280, height=900, java_script_enabled=False)
    sign_in(desk, manager.email)
    desk.goto("/quan-ly/doi-soat/thu-ho")
    expect(desk.locator('[data-carrier="ghn"] [data-held]')).to_have_text(
        f"{cod:,}".replace(",", ".") + "\u00a0₫"
    )
    desk.select_option("#carrier", "ghn")
    statement = f"Mã vận đơn,Số tiền,Ngày\nLBK7FD,{cod},10/12/2026\n".encode()
    desk.set_input_files(
        "#statement", files=[{"name": "ghn-cod.csv", "mimeType": "text/csv", "buffer": statement}]
    )
    desk.get_by_role("button", name="Nhập").click()
    expect(desk.locator(".flash-success")).to_contain_text("Đã ghi 1 dòng")
    expect(desk.locator('[data-carrier="ghn"] [data-held]')).to_have_text("0\u00a0₫")
    with app.app_context():
        proof = verify()
        assert proof.problems == []
        assert proof.carrier_receivable == {"ghn": 0}
    assert console_errors == []
