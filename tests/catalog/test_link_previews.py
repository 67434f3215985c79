"""Shared links preview well in Zalo, Facebook and X: Open Graph and Twitter card tags on the
home, catalog, product and producer pages, with a JPEG image beside the WebP one."""

import io
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from catalog.images import store_image
from catalog.models import Product, ProductImage
from market import media
from market.extensions import db
from market.jobs.models import Job
from market.jobs.worker import Worker
from tests import factories


class ShareTags(HTMLParser):
    """Every ``<meta property>`` and ``<meta name>`` of a page, in order, repeats kept."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = values.get("property") or values.get("name")
        if tag == "meta" and key:
            self.tags.append((key, values.get("content") or ""))

    def all(self, key: str) -> list[str]:
        return [content for name, content in self.tags if name == key]

    def one(self, key: str) -> str:
        [content] = self.all(key)
        return content


def share_tags(client: FlaskClient, url: str) -> ShareTags:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = ShareTags()
    parser.feed(response.get_data(as_text=True))
    return parser


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "PUBLIC_BASE_URL": "https://choque.example"}


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def photo(item: Product, mode: str = "RGB") -> ProductImage:
    """A real stored photo attached to ``item``."""
    buffer = io.BytesIO()
    Image.new(mode, (800, 600), (200, 120, 40, 128) if mode == "RGBA" else (200, 120, 40)).save(
        buffer, "PNG"
    )
    stored = store_image(buffer.getvalue())
    image = ProductImage(
        product=item, key=stored.key, width=stored.width, height=stored.height, position=0
    )
    db.session.add(image)
    db.session.commit()
    return image


def images_of(key: str) -> list[str]:
    return [
        f"https://choque.example/anh/{key}/zoom.jpg",
        f"https://choque.example/anh/{key}/zoom.webp",
    ]


def test_home_and_catalog_have_open_graph_tags_with_a_product_photo(
    ctx: None, client: FlaskClient
) -> None:
    item = factories.product(factories.producer(), name="Chè Shan tuyết", stock=5)
    factories.recognition(item, stars=4)
    image = photo(item)
    home = share_tags(client, "/")
    assert home.one("og:type") == "website"
    assert home.one("og:url") == "https://choque.example/"
    assert home.one("og:title").startswith("Chợ Quê")
    assert home.one("og:description")
    assert home.one("og:locale") == "vi_VN"
    assert home.all("og:image") == images_of(image.key)
    assert home.all("og:image:type") == ["image/jpeg", "image/webp"]
    assert home.one("twitter:card") == "summary_large_image"
    catalog = share_tags(client, "/san-pham?min_stars=4")
    assert catalog.one("og:url") == "https://choque.example/san-pham?min_stars=4"
    assert catalog.all("og:image") == images_of(image.key)
    assert catalog.one("twitter:image") == images_of(image.key)[0]


def test_a_catalog_without_photos_still_has_a_summary_card(ctx: None, client: FlaskClient) -> None:
    factories.product(factories.producer(), name="Miến dong")
    tags = share_tags(client, "/san-pham")
    assert tags.one("og:title") == "Tất cả sản phẩm · Chợ Quê"
    assert tags.all("og:image") == []
    assert tags.one("twitter:card") == "summary"


def test_producer_pages_show_the_producers_photo_else_a_product_photo(
    ctx: None, client: FlaskClient
) -> None:
    maker = factories.producer(name="HTX Chè Hà Giang")
    image = photo(factories.product(maker, name="Chè Shan tuyết"))
    tags = share_tags(client, f"/nha-san-xuat/{maker.slug}")
    assert tags.one("og:type") == "profile"
    assert tags.all("og:image") == images_of(image.key)
    assert tags.one("twitter:card") == "summary_large_image"
    maker.photo = store_image(_png()).key
    db.session.commit()
    assert share_tags(client, f"/nha-san-xuat/{maker.slug}").all("og:image") == images_of(
        maker.photo
    )


def test_product_pages_carry_a_twitter_card_and_both_images(ctx: None, client: FlaskClient) -> None:
    item = factories.product(factories.producer(), name="Bánh gai Chiêm Hoá")
    image = photo(item)
    tags = share_tags(client, f"/san-pham/{item.slug}")
    assert tags.one("og:type") == "product"
    assert tags.all("og:image") == images_of(image.key)
    assert tags.one("twitter:card") == "summary_large_image"


def test_the_jpeg_image_is_written_with_the_renditions_and_cached_long(
    ctx: None, client: FlaskClient
) -> None:
    image = photo(factories.product(factories.producer()), mode="RGBA")
    assert media.store().exists(f"images/{image.key[:2]}/{image.key}/zoom.jpg")
    with client.get(f"/anh/{image.key}/zoom.jpg") as response:
        assert response.status_code == 200
        assert response.mimetype == "image/jpeg"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.data[:3] == b"\xff\xd8\xff"
        with Image.open(io.BytesIO(response.data)) as decoded:
            assert decoded.format == "JPEG" and decoded.size == (800, 600)
        etag = response.headers["ETag"]
    with client.get(f"/anh/{image.key}/zoom.jpg", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304, "the kept file is served again, not converted anew"


def test_a_jpeg_copy_not_made_yet_is_asked_of_a_job_and_the_webp_answers_meanwhile(
    app: Flask, ctx: None, client: FlaskClient
) -> None:
    image = photo(factories.product(factories.producer()))
    app.config["JOBS_EAGER"] = False  # a worker makes it, later
    first = client.get(f"/anh/{image.key}/card.jpg")
    assert first.status_code == 302 and first.headers["Cache-Control"] == "no-store"
    assert first.headers["Location"].endswith(f"/anh/{image.key}/card.webp")
    assert client.get(f"/anh/{image.key}/card.jpg").status_code == 302
    kinds = db.session.scalars(sa.select(Job.kind).where(Job.kind == "catalog.image_jpeg")).all()
    assert kinds == ["catalog.image_jpeg"]  # asked twice, queued once
    Worker(app).run(burst=True)
    with client.get(f"/anh/{image.key}/card.jpg") as response:
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        with Image.open(io.BytesIO(response.data)) as decoded:
            assert decoded.format == "JPEG" and decoded.size == (480, 360)


@pytest.mark.parametrize(
    "path",
    [
        "/anh/{key}/original.jpg",
        "/anh/{key}/huge.jpg",
        "/anh/{short}/zoom.jpg",
        "/anh/..%2F..%2Fetc%2Fpasswd/zoom.jpg",
        "/anh/0123456789abcdef0123456789abcdef/zoom.jpg",
    ],
)
def test_the_jpeg_route_refuses_bad_keys_and_renditions(
    ctx: None, client: FlaskClient, path: str
) -> None:
    image = photo(factories.product(factories.producer()))
    assert client.get(path.format(key=image.key, short=image.key[:10])).status_code == 404


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (30, 90, 60)).save(buffer, "PNG")
    return buffer.getvalue()
