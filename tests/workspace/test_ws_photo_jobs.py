"""Photos are checked in the request and rendered by a job; a placeholder is served meanwhile."""

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import ProductImage
from market.extensions import db
from market.jobs.models import Job
from market.jobs.worker import Worker
from tests.workspace.conftest import Shop
from tests.workspace.samples import jpeg_bytes, png_bytes


@pytest.fixture
def app_config(app_config: dict) -> dict:
    """Jobs wait for a worker; a small pixel budget per request."""
    return {**app_config, "JOBS_EAGER": False, "UPLOAD_PIXEL_BUDGET": 300_000}


def _post(client: FlaskClient, shop: Shop, *photos: bytes):
    return client.post(
        f"/ban-hang/{shop.producer_id}/san-pham/{shop.product_id}/anh",
        data={"photos": [(io.BytesIO(p), f"IMG_{n}.jpg") for n, p in enumerate(photos)]},
        content_type="multipart/form-data",
    )


def _upload(client: FlaskClient, shop: Shop, *photos: bytes) -> int:
    return _post(client, shop, *photos).status_code


def test_a_photo_shows_a_placeholder_until_its_job_has_made_the_renditions(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    assert _upload(as_owner, shop, jpeg_bytes((400, 300))) == 302
    with app.app_context():
        key = db.session.scalars(
            sa.select(ProductImage.key).order_by(ProductImage.id.desc()).limit(1)
        ).one()
        assert db.session.scalar(
            sa.select(Job.payload).where(Job.kind == "catalog.image_renditions")
        ) == {"key": key}
    folder = Path(app.config["MEDIA_ROOT"]) / "images" / key[:2] / key
    assert [p.name for p in folder.iterdir()] == ["upload"]
    pending = as_owner.get(f"/anh/{key}/card.webp")
    assert (pending.status_code, pending.mimetype) == (200, "image/svg+xml")
    assert pending.headers["Cache-Control"] == "no-store"
    pending.close()
    Worker(app).run(burst=True)
    assert sorted(p.name for p in folder.iterdir()) == [
        "card.webp",
        "original.webp",
        "small.webp",
        "thumb.webp",
        "zoom.jpg",  # for link previewers that reject WebP
        "zoom.webp",
    ]
    ready = as_owner.get(f"/anh/{key}/card.webp")
    assert (ready.status_code, ready.mimetype) == (200, "image/webp")
    ready.close()


def test_photos_over_the_request_pixel_budget_together_are_refused_and_nothing_is_kept(
    app: Flask, as_owner: FlaskClient, shop: Shop
) -> None:
    media = Path(app.config["MEDIA_ROOT"])
    before = set(media.rglob("*"))
    photos = [png_bytes((400, 300)), png_bytes((400, 300)), png_bytes((400, 300))]
    refused = _post(as_owner, shop, *photos)
    assert refused.status_code == 422
    assert "cộng lại có quá nhiều điểm ảnh" in refused.get_data(as_text=True)
    assert set(media.rglob("*")) - before <= {p for p in media.rglob("*") if p.is_dir()}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0
    assert _upload(as_owner, shop, *photos[:2]) == 302
