"""Cards offer phones a 320 px photo, the first one first; older photos get it from a job."""

import io
import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from PIL import Image

from catalog import image_backfill
from catalog.images import store_image
from catalog.models import Product, ProductImage
from market import media
from market.extensions import db
from tests import factories


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def _photo(item: Product) -> str:
    """A real stored 800×600 photo on ``item``; its key."""
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (90, 140, 60)).save(buffer, "PNG")
    stored = store_image(buffer.getvalue())
    db.session.add(ProductImage(product=item, key=stored.key, width=800, height=600, position=0))
    db.session.commit()
    return stored.key


def _width(client: FlaskClient, url: str) -> int:
    with Image.open(io.BytesIO(client.get(url).data)) as image:
        return image.width


def test_cards_offer_the_small_photo_to_phones_and_the_first_is_fetched_first(
    ctx: None, client: FlaskClient
) -> None:
    maker = factories.producer()
    keys = [_photo(factories.product(maker, f"Chè {n}", price=1000 * n)) for n in range(1, 4)]
    page = client.get("/san-pham?sort=price_asc").text
    images = re.findall(r"<img [^>]*>", page.split('<ul class="grid">', 1)[1])
    assert len(images) == 3
    first = images[0]
    assert f'srcset="/anh/{keys[0]}/small.webp 320w, /anh/{keys[0]}/card.webp 480w"' in first
    assert 'sizes="(min-width: 1000px) 255px,' in first
    assert 'fetchpriority="high"' in first and "loading=" not in first
    assert "fetchpriority" not in images[1] and "loading=" not in images[1]
    assert "fetchpriority" not in images[2] and 'loading="lazy"' in images[2]
    assert _width(client, f"/anh/{keys[0]}/small.webp") == 320
    assert _width(client, f"/anh/{keys[0]}/card.webp") == 480


def test_older_photos_get_the_small_size_from_the_job_queue(
    ctx: None,
    client: FlaskClient,
    runner: FlaskCliRunner,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    maker = factories.producer()
    keys = [_photo(factories.product(maker, f"Mật ong {n}")) for n in range(3)]
    for key in keys:  # as stored before the small size existed
        media.store().delete(f"images/{key[:2]}/{key}/small.webp")
    meanwhile = client.get(f"/anh/{keys[0]}/small.webp")
    assert meanwhile.status_code == 200, "the card size stands in until the job has run"
    assert meanwhile.headers["Cache-Control"] == "no-cache"
    assert _width(client, f"/anh/{keys[0]}/small.webp") == 480

    monkeypatch.setattr(image_backfill, "BATCH", 2)  # two jobs: the first queues the second
    result = runner.invoke(args=["catalog", "images", "backfill"])
    assert result.exit_code == 0, result.output
    for key in keys:
        answer = client.get(f"/anh/{key}/small.webp")
        assert answer.headers["Cache-Control"] == media.CACHE_FOREVER
        assert _width(client, f"/anh/{key}/small.webp") == 320
    again = runner.invoke(args=["catalog", "images", "backfill"])
    assert again.exit_code == 0, "running it twice only redoes what is missing"


def test_a_missing_size_of_an_unknown_photo_is_not_found(ctx: None, client: FlaskClient) -> None:
    assert client.get(f"/anh/{'a' * 32}/small.webp").status_code == 404
