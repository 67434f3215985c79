"""The location sketch's geometry, and the lot's public addresses."""

from decimal import Decimal

import pytest
from flask import Flask

from catalog.models import Lot
from catalog.trace import links
from catalog.trace.sketch import location_sketch
from market.extensions import db
from tests.trace.conftest import GTIN, World


def test_no_location_no_sketch():
    assert location_sketch(None, Decimal("105.2")) is None
    assert location_sketch(Decimal("91"), Decimal("105.2")) is None


def test_the_capital_and_the_point_are_placed_north_up_inside_the_frame(app: Flask):
    with app.test_request_context():
        sketch = location_sketch(Decimal("22.3500"), Decimal("105.3800"))  # Na Hang, north-east
    assert 0 < sketch.point[0] < sketch.width and 0 < sketch.point[1] < sketch.height
    assert sketch.point[1] < sketch.capital[1]  # further north is higher up
    assert sketch.point[0] > sketch.capital[0]  # further east is further right
    assert sketch.direction == "phía bắc"  # about 60 km, a little east of due north
    assert 55 <= sketch.distance_km <= 65


def test_a_point_outside_the_province_widens_the_frame(app: Flask):
    with app.test_request_context():
        sketch = location_sketch(Decimal("21.0278"), Decimal("105.8342"))  # Hà Nội
    assert 0 < sketch.point[0] < sketch.width and 0 < sketch.point[1] < sketch.height
    assert sketch.direction == "phía đông nam"


def test_the_scale_bar_is_true_to_the_frame(app: Flask):
    with app.test_request_context():
        sketch = location_sketch(Decimal("22.0750"), Decimal("105.0330"))
    # One degree of latitude is about 111 km.
    units_per_degree = sketch.height / (22.75 - 21.45)
    assert sketch.scale_length == pytest.approx(sketch.scale_km / 111.2 * units_per_degree, 0.02)


def test_links_come_from_the_public_base_url(app: Flask, world: World):
    app.config["PUBLIC_BASE_URL"] = "https://choque.vn/"
    with app.app_context():
        lot = db.session.get(Lot, world.lot_id)
        assert links.short_url(lot) == "https://choque.vn/t/250312-CAM1"
        assert links.digital_link(lot) == f"https://choque.vn/01/{GTIN}/10/250312-CAM1"
        assert links.label_url(lot) == links.digital_link(lot)
        lot.product.gtin = None
        assert links.digital_link(lot) is None
        assert links.label_url(lot) == links.short_url(lot)


def test_links_match_the_routes_that_serve_them(app: Flask, world: World):
    with app.test_request_context():
        lot = db.session.get(Lot, world.lot_id)
        base = app.config["PUBLIC_BASE_URL"].rstrip("/")
        from flask import url_for

        assert links.short_url(lot) == base + url_for("trace.lot", code=lot.code)
        assert links.digital_link(lot) == base + url_for(
            "trace.digital_link", gtin=GTIN, code=lot.code
        )
