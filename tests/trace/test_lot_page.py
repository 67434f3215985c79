"""The public lot page: short URL, GS1 Digital Link, what it shows, and what it warns about."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import (
    AreaStatus,
    GrowingArea,
    Lot,
    Producer,
    ProducerStatus,
    Product,
    ReviewStatus,
)
from catalog.trace.models import LotScanCount
from market.extensions import db
from tests import factories
from tests.trace.conftest import GTIN, World


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_lot_page_shows_product_producer_area_and_harvest(client: FlaskClient, world: World):
    html = page(client, f"/t/{world.lot_code}")
    assert "Cam sành Hàm Yên" in html
    assert "HTX Cam sành Hàm Yên" in html
    assert "Đã được ban quản lý chợ xác minh" in html  # verified by the market board
    assert "VN-TQ-HY-001" in html
    assert "12,5 ha" in html
    assert "18 hộ" in html
    assert "VietGAP" in html
    assert "12 thg 3, 2025" in html or "12/03/2025" in html


def test_lot_page_draws_the_area_location_as_inline_svg_without_tiles(
    client: FlaskClient, world: World
):
    html = page(client, f"/t/{world.lot_code}")
    assert '<svg class="sketch-svg"' in html
    assert "TP Tuyên Quang" in html
    assert "<img" not in html.split('class="sketch"')[1].split("</figure>")[0]
    assert "openstreetmap.org/?mlat=22.07500&amp;mlon=105.03300" in html


def test_lot_page_carries_open_graph_tags_and_the_digital_link_as_canonical(
    client: FlaskClient, world: World
):
    html = page(client, f"/t/{world.lot_code}")
    assert '<meta property="og:title" content="Cam sành Hàm Yên · Lô 250312-CAM1">' in html
    assert f'<meta property="og:url" content="http://localhost/t/{world.lot_code}">' in html
    assert f'<link rel="canonical" href="http://localhost/01/{GTIN}/10/250312-CAM1">' in html


def test_lot_page_is_never_served_stale_from_a_cache(client: FlaskClient, world: World):
    assert client.get(f"/t/{world.lot_code}").headers["Cache-Control"] == "no-cache"


def test_a_lot_code_typed_in_lower_case_still_opens_the_lot(client: FlaskClient, world: World):
    assert "Cam sành Hàm Yên" in page(client, "/t/250312-cam1")


def test_unknown_lot_is_a_404(client: FlaskClient, world: World):
    assert client.get("/t/KHONG-CO").status_code == 404


def test_lot_of_a_producer_awaiting_verification_is_hidden(
    app: Flask, client: FlaskClient, world: World
):
    with app.app_context():
        db.session.get(Producer, world.producer_id).status = ProducerStatus.PENDING
        db.session.commit()
    assert client.get(f"/t/{world.lot_code}").status_code == 404


def test_its_owner_may_preview_the_lot_of_a_pending_producer(
    app: Flask, client: FlaskClient, world: World, login_as
):
    with app.app_context():
        db.session.get(Producer, world.producer_id).status = ProducerStatus.PENDING
        db.session.commit()
    login_as(user=world.owner)
    html = page(client, f"/t/{world.lot_code}")
    assert "Xem trước" in html


# GS1 Digital Link ---------------------------------------------------------------------------


def test_digital_link_path_opens_the_lot_page(client: FlaskClient, world: World):
    assert "VN-TQ-HY-001" in page(client, f"/01/{GTIN}/10/{world.lot_code}")


def test_digital_link_accepts_a_gtin_13_by_padding_it(client: FlaskClient, world: World):
    assert "VN-TQ-HY-001" in page(client, f"/01/{GTIN[1:]}/10/{world.lot_code}")


def test_digital_link_ignores_data_attributes_in_the_query(client: FlaskClient, world: World):
    assert "VN-TQ-HY-001" in page(client, f"/01/{GTIN}/10/{world.lot_code}?17=261231")


@pytest.mark.parametrize("gtin", ["08931234567890", "8931234567891", "0893123456789X", "123"])
def test_digital_link_with_a_bad_gtin_is_a_404_that_says_why(
    client: FlaskClient, world: World, gtin: str
):
    response = client.get(f"/01/{gtin}/10/{world.lot_code}")
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert f"{gtin} không phải là GTIN hợp lệ" in html
    assert "số kiểm tra" in html


def test_digital_link_whose_gtin_is_another_products_is_a_404(
    app: Flask, client: FlaskClient, world: World
):
    with app.app_context():
        plain = db.session.get(Product, world.plain_product_id)
        plain.gtin = "08931234567880"
        db.session.commit()
    response = client.get(f"/01/08931234567880/10/{world.lot_code}")
    assert response.status_code == 404
    assert "không phải là lô của sản phẩm có GTIN 08931234567880" in response.get_data(as_text=True)


def test_digital_link_for_a_product_without_gtin_is_a_404(client: FlaskClient, world: World):
    assert client.get(f"/01/{GTIN}/10/{world.plain_lot_code}").status_code == 404


# Warnings at the top ------------------------------------------------------------------------


def _top(html: str) -> str:
    """The part of the page before the lot's heading."""
    return html.split('<header class="lot-head">')[0]


def test_suspended_growing_area_is_shown_at_the_top(app: Flask, client: FlaskClient, world: World):
    with app.app_context():
        db.session.get(GrowingArea, world.area_id).status = AreaStatus.SUSPENDED
        db.session.commit()
    html = page(client, f"/t/{world.lot_code}")
    assert "Mã vùng trồng VN-TQ-HY-001 đang bị tạm dừng" in _top(html)
    assert "Đang hoạt động" not in html


def test_growing_area_not_yet_approved_is_not_shown_as_valid(
    app: Flask, client: FlaskClient, world: World
):
    with app.app_context():
        db.session.get(GrowingArea, world.area_id).review_status = ReviewStatus.PENDING
        db.session.commit()
    assert "chưa được xác minh" in _top(page(client, f"/t/{world.lot_code}"))


def test_expired_ocop_recognition_is_shown_at_the_top(
    app: Flask, client: FlaskClient, world: World
):
    with app.app_context():
        item = db.session.get(Product, world.product_id)
        factories.recognition(item, stars=4, decided=date.today() - timedelta(days=4 * 365))
    html = page(client, f"/t/{world.lot_code}")
    assert "Chứng nhận OCOP của sản phẩm này đã hết hạn" in _top(html)
    assert "Hết hiệu lực từ" in html


def test_valid_ocop_recognition_shows_its_stars(app: Flask, client: FlaskClient, world: World):
    with app.app_context():
        factories.recognition(db.session.get(Product, world.product_id), stars=4)
    html = page(client, f"/t/{world.lot_code}")
    assert "★★★★" in html
    assert "hết hạn" not in _top(html)


def test_suspended_producer_is_shown_at_the_top(app: Flask, client: FlaskClient, world: World):
    with app.app_context():
        db.session.get(Producer, world.producer_id).status = ProducerStatus.SUSPENDED
        db.session.commit()
    assert "đình chỉ nhà sản xuất này" in _top(page(client, f"/t/{world.lot_code}"))


# Scan counting -----------------------------------------------------------------------------


def _scans(app: Flask, lot_id: int) -> int:
    with app.app_context():
        return (
            db.session.scalar(sa.select(LotScanCount.scans).where(LotScanCount.lot_id == lot_id))
            or 0
        )


def test_each_opening_of_the_lot_page_counts_one_scan(
    app: Flask, client: FlaskClient, world: World
):
    assert _scans(app, world.lot_id) == 0
    client.get(f"/t/{world.lot_code}")
    client.get(f"/01/{GTIN}/10/{world.lot_code}")
    client.get(f"/t/{world.lot_code}")
    assert _scans(app, world.lot_id) == 3


def test_scans_are_counted_per_lot(app: Flask, client: FlaskClient, world: World):
    client.get(f"/t/{world.lot_code}")
    client.get(f"/t/{world.plain_lot_code}")
    client.get(f"/t/{world.plain_lot_code}")
    assert (_scans(app, world.lot_id), _scans(app, _lot_id(app, world.plain_lot_code))) == (1, 2)


def test_the_producers_own_visits_and_head_requests_are_not_counted(
    app: Flask, client: FlaskClient, world: World, login_as
):
    client.head(f"/t/{world.lot_code}")
    login_as(user=world.staff)
    client.get(f"/t/{world.lot_code}")
    assert _scans(app, world.lot_id) == 0


def test_the_counter_is_incremented_in_the_database_not_read_and_written(app: Flask, world: World):
    from catalog.trace.chain import count_scan

    with app.app_context():
        count_scan(world.lot_id)
        # Another worker bumps the row behind this session's back; our next count adds to it.
        db.session.execute(
            sa.update(LotScanCount)
            .where(LotScanCount.lot_id == world.lot_id)
            .values(scans=LotScanCount.scans + 10)
        )
        db.session.commit()
        count_scan(world.lot_id)
    assert _scans(app, world.lot_id) == 12


def _lot_id(app: Flask, code: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Lot.id).where(Lot.code == code))
