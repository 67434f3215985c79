"""In a real browser: the service worker keeps a shopper's order page, with its VietQR transfer
details, readable offline, and shows the offline page for pages it does not keep."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from market.accounts.models import Role, User
from orders.addresses import address_at
from orders.checkout import CheckoutRequest, Contact, DeliveryChoice, LineRequest, place_order
from orders.models import DeliveryMethod, PaymentMethod
from tests import factories
from tests.browser.conftest import LiveServer, sign_in
from tests.orders.helpers import PHU_LUU
from tests.payments.conftest import COLLECTION, with_payment_keys

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """A collection account, so the order page shows the VietQR transfer details."""
    return with_payment_keys(app_config)


def _order(live_server: LiveServer, user_id: int | None = None) -> str:
    """An order paid by bank transfer: its private link, or for a shopper its page."""
    with live_server.app.app_context():
        maker = factories.producer("HTX Chè Sử Anh")
        tea = factories.product(maker, "Chè xanh Ngọc Thuý", price=120_000, stock=10)
        order = place_order(
            CheckoutRequest(
                idempotency_key="offline-order",
                lines=(LineRequest(tea.id, 2, 120_000),),
                deliveries={maker.id: DeliveryChoice(DeliveryMethod.PICKUP_PRODUCER)},
                contact=Contact("Nguyễn Thị Lan", "0912345678", "lan@example.vn"),
                payment_method=PaymentMethod.BANK_TRANSFER,
                address=address_at(PHU_LUU, "Thôn 3"),
                user_id=user_id,
            )
        )
        return f"/don-hang/{order.code}" if user_id else f"/don-hang/xem/{order.access_token}"


@pytest.fixture
def order_url(live_server: LiveServer) -> str:
    """A guest's order: its private link."""
    return _order(live_server)


def _worker_ready(page: Page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")


def test_an_order_page_seen_before_opens_offline_with_its_transfer_details(
    page: Page, order_url: str
) -> None:
    page.goto(order_url)  # the first page: it registers the worker, which keeps this page
    _worker_ready(page)
    expect(page.get_by_text(COLLECTION.number).first).to_be_visible()

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_text(COLLECTION.number).first).to_be_visible()
    expect(page.get_by_role("heading", name="Thanh toán bằng chuyển khoản")).to_be_visible()
    qr = page.locator("figure img").first
    qr.scroll_into_view_if_needed()
    page.wait_for_function(  # the QR code is kept too
        "() => { const qr = document.querySelector('figure img');"
        " return qr.complete && qr.naturalWidth > 0; }"
    )
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != "", "styled"
    assert page.evaluate(
        "[...document.styleSheets].some(sheet => sheet.href && sheet.href.includes('site.css'))"
    )


def test_a_page_never_opened_shows_the_offline_page_in_its_language(
    page: Page, order_url: str, live_server: LiveServer
) -> None:
    page.goto("/")
    _worker_ready(page)
    page.context.set_offline(True)
    page.goto("/san-pham?sort=price_asc")
    expect(page.get_by_role("heading", level=1)).to_have_text("Không có kết nối")
    page.goto("/en/nha-san-xuat")
    expect(page.get_by_role("heading", level=1)).to_have_text("No connection")
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).display")


def test_the_worker_is_served_from_the_root_and_asks_nothing_of_other_hosts(
    page: Page, live_server: LiveServer
) -> None:
    hosts: set[str] = set()
    page.context.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto("/")
    _worker_ready(page)
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == live_server("/")
    page.goto("/san-pham")
    assert hosts == {live_server.url.split("/")[2]}


def test_signing_out_forgets_the_kept_orders(
    page: Page, live_server: LiveServer, make_user: Callable[..., User]
) -> None:
    shopper = make_user(Role.SHOPPER, name="Trần Minh", email="minh@example.vn")
    url = _order(live_server, shopper.id)
    sign_in(page, shopper.email)
    _worker_ready(page)
    page.goto(url)
    kept = "caches.open('choque-orders-v1').then(c => c.keys()).then(k => k.length)"
    page.wait_for_function(f"{kept}.then(n => n > 0)")

    with page.expect_navigation():
        page.evaluate("document.querySelector('form[action$=\"/dang-xuat\"]').requestSubmit()")
    page.wait_for_function("caches.has('choque-orders-v1').then(h => !h)")
    page.context.set_offline(True)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Không có kết nối")
