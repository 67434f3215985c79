"""What a shopper reads on a product page: its harvest lots, traceable, and dates and money."""

from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from catalog.models import Lot
from catalog.trace.models import LotRecall
from market.extensions import db
from tests import factories
from tests.browser.conftest import LiveServer, no_horizontal_scroll

pytestmark = pytest.mark.browser


def _product_with_lots(app: Flask) -> str:
    with app.app_context():
        maker = factories.producer(name="HTX Cam sành Hàm Yên")
        item = factories.product(maker, name="Cam sành Hàm Yên", unit="kg", price=45_000)
        area = factories.growing_area(maker, code="VN-TQ-0042")
        db.session.add_all(
            [
                Lot(
                    code="CAM-2611",
                    product=item,
                    growing_area=area,
                    harvest_date=date(2026, 11, 28),
                    quantity=Decimal(500),
                ),
                Lot(code="CAM-2610", product=item, harvest_date=date(2026, 10, 5), quantity=80),
            ]
        )
        recalled = Lot(code="CAM-2609", product=item, harvest_date=date(2026, 9, 1), quantity=9)
        db.session.add(recalled)
        db.session.flush()
        db.session.add(LotRecall(lot_id=recalled.id, reason="Dư lượng vượt ngưỡng"))
        db.session.commit()
        return item.slug


def test_a_product_page_links_its_current_harvest_lots_and_their_growing_area(
    page: Page, live_server: LiveServer
) -> None:
    slug = _product_with_lots(live_server.app)
    page.goto(f"/san-pham/{slug}")
    lots = page.locator(".lots li")
    expect(lots).to_have_count(2)
    expect(lots.first).to_contain_text("thu hoạch 28/11/2026")
    expect(lots.first).to_contain_text("vùng trồng VN-TQ-0042")
    expect(page.get_by_text("CAM-2609")).to_have_count(0)  # recalled: not for sale
    assert no_horizontal_scroll(page)

    page.get_by_role("link", name="Lô CAM-2611").click()
    page.wait_for_url("**/t/CAM-2611")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cam sành Hàm Yên")


def test_an_english_product_page_shows_day_month_year_and_vietnamese_names_marked(
    page: Page, live_server: LiveServer
) -> None:
    slug = _product_with_lots(live_server.app)
    page.goto(f"/san-pham/{slug}")
    page.get_by_role("link", name="English").click()
    expect(page.locator(".lots li").first).to_contain_text("harvested 28/11/2026")
    price = page.locator(".summary .price")
    expect(price).to_have_text("45,000\u00a0₫")
    expect(page.locator('h1 [lang="vi"]')).to_have_text("Cam sành Hàm Yên")
