"""Crawlers and phones find the site: robots.txt, a sitemap of only the public pages, and a web
app manifest with the theme colour."""

from collections.abc import Iterator
from datetime import datetime
from xml.etree import ElementTree

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import ProducerStatus, ProductStatus
from market.extensions import db
from market.markets.models import Market, Stall
from tests import factories

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "PUBLIC_BASE_URL": "https://choque.example"}


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    with app.app_context():
        yield


def sitemap(client: FlaskClient) -> dict[str, str | None]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = ElementTree.fromstring(response.data)
    return {
        url.findtext("s:loc", namespaces=NS) or "": url.findtext("s:lastmod", namespaces=NS)
        for url in root.findall("s:url", NS)
    }


def test_robots_txt_allows_public_pages_keeps_private_ones_out_and_names_the_sitemap(
    client: FlaskClient,
) -> None:
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    for private in ("/ban-hang", "/quan-ly", "/tai-khoan", "/gio-hang", "/dat-hang", "/don-hang"):
        assert f"Disallow: {private}" in lines
    assert "Disallow: /san-pham" not in lines
    assert "Sitemap: https://choque.example/sitemap.xml" in lines
    assert "public" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers


def test_the_sitemap_lists_public_products_producers_and_stalls_with_lastmod(
    ctx: None, client: FlaskClient
) -> None:
    maker = factories.producer(name="HTX Chè Hà Giang")
    tea = factories.product(maker, name="Chè Shan tuyết")
    maker.created_at = datetime(2026, 10, 1, 7, 0)
    tea.updated_at = datetime(2026, 11, 3, 8, 30)  # the producer's page changed with it
    draft = factories.product(maker, name="Chè nháp", status=ProductStatus.DRAFT)
    pending = factories.producer(name="Hộ chờ duyệt", status=ProducerStatus.PENDING)
    hidden = factories.product(pending, name="Mật ong chưa duyệt")
    market = Market(name="Chợ An Phú", commune_code="02215", area_slug="tp-tuyen-quang")
    db.session.add(market)
    db.session.flush()
    for code, active in (("AP0001", True), ("AP0002", False)):
        db.session.add(
            Stall(
                code=code,
                market_id=market.id,
                number=code[-1],
                name="Sạp chè",
                producer_id=maker.id,
                bank_bin="970436",
                bank_account="8800201000101",
                bank_holder="HTX CHE HA GIANG",
                active=active,
            )
        )
    db.session.commit()
    urls = sitemap(client)
    base = "https://choque.example"
    assert f"{base}/" in urls
    assert f"{base}/san-pham" in urls
    assert urls[f"{base}/san-pham/{tea.slug}"] == "2026-11-03T08:30:00Z"
    assert urls[f"{base}/nha-san-xuat/{maker.slug}"] == "2026-11-03T08:30:00Z"
    assert f"{base}/s/AP0001" in urls
    for not_public in (
        f"{base}/san-pham/{draft.slug}",
        f"{base}/san-pham/{hidden.slug}",
        f"{base}/nha-san-xuat/{pending.slug}",
        f"{base}/s/AP0002",
    ):
        assert not_public not in urls
    for url in urls:
        assert client.get(url.removeprefix(base)).status_code == 200, url


def test_the_manifest_names_the_site_its_colours_and_icons_that_exist(
    client: FlaskClient,
) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["name"] == "Chợ Quê"
    assert manifest["start_url"] == "/"
    assert manifest["theme_color"] == "#1f6b3a"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as found:
            assert found.status_code == 200, icon["src"]
            assert found.mimetype == icon["type"]


def test_every_page_links_the_manifest_and_gives_the_theme_colour(client: FlaskClient) -> None:
    for url in ("/", "/san-pham", "/tai-khoan/dang-nhap"):
        page = client.get(url).get_data(as_text=True)
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page, url
        assert '<meta name="theme-color" content="#1f6b3a">' in page, url
