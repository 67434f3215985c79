"""On a phone with JavaScript, a big photo is made smaller in the browser before it is sent."""

import io
import random
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from PIL import Image
from playwright.sync_api import Page, expect

from catalog.models import ProductImage
from market.accounts.models import Role, User
from market.extensions import db
from tests import factories
from tests.browser.conftest import LiveServer, sign_in

pytestmark = pytest.mark.browser


def _phone_photo(path: Path) -> Path:
    """A 4000 × 3000 JPEG of fine noise, several megabytes like a phone camera's."""
    rng = random.Random(7)
    tile = Image.frombytes("RGB", (400, 300), rng.randbytes(400 * 300 * 3))
    image = tile.resize((4000, 3000), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=95)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_big_phone_photo_is_sent_at_most_2560_pixels_wide(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    tmp_path: Path,
    console_errors: list[str],
) -> None:
    owner = make_user(Role.SHOPPER, name="Bà Hoa", email="hoa@example.vn")
    with live_server.app.app_context():
        maker = factories.producer("Hộ bà Hoa, Yên Nguyên", owner=owner)
        product = factories.product(maker, "Miến dong Yên Nguyên", price=70_000)
        producer_id, product_id = maker.id, product.id
    photo = _phone_photo(tmp_path / "IMG_2041.JPG")
    assert photo.stat().st_size > 2 * 1024 * 1024

    sign_in(page, owner.email)
    page.goto(f"/ban-hang/{producer_id}/san-pham/{product_id}/anh")
    page.set_input_files("#photos", str(photo))
    note = page.locator("#photos-downscaled")
    expect(note).to_contain_text("Đã thu nhỏ ảnh để tải lên nhanh hơn")
    expect(page.get_by_role("button", name="Tải lên", exact=True)).to_be_enabled()
    page.get_by_role("button", name="Tải lên", exact=True).click()
    expect(page.locator(".flash-success")).to_be_visible()

    app: Flask = live_server.app
    with app.app_context():
        stored = db.session.scalars(
            sa.select(ProductImage).where(ProductImage.product_id == product_id)
        ).one()
        assert (stored.width, stored.height) == (2560, 1920)
    assert console_errors == []
