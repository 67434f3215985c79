"""Text answers travel compressed, brotli or gzip as the browser asks, and plain otherwise."""

import gzip

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient

from market.extensions import cache
from tests import factories


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "PAGE_CACHE_SECONDS": 30}


@pytest.fixture
def catalog(app: Flask) -> None:
    """A few public products, so the catalog page is well above the compression threshold."""
    with app.app_context():
        cache.clear()
        maker = factories.producer()
        for name in ("Chè Shan tuyết", "Mật ong bạc hà", "Miến dong"):
            factories.product(maker, name, stock=5)


def test_the_catalog_comes_back_brotli_encoded_when_the_browser_accepts_it(
    client: FlaskClient, catalog: None
) -> None:
    response = client.get("/san-pham", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    page = brotli.decompress(response.get_data()).decode()
    assert "Mật ong bạc hà" in page
    assert int(response.headers["Content-Length"]) < len(page.encode())


def test_the_catalog_comes_back_gzip_encoded_for_a_browser_without_brotli(
    client: FlaskClient, catalog: None
) -> None:
    response = client.get("/san-pham", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Mật ong bạc hà" in gzip.decompress(response.get_data()).decode()


def test_the_catalog_comes_back_plain_when_no_encoding_is_asked_for(
    client: FlaskClient, catalog: None
) -> None:
    response = client.get("/san-pham")
    assert "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]
    assert "Mật ong bạc hà" in response.text


def test_a_cached_page_is_served_compressed_to_one_and_plain_to_another(
    client: FlaskClient, catalog: None
) -> None:
    first = client.get("/san-pham", headers={"Accept-Encoding": "br"})
    assert first.headers["X-Page-Cache"] == "miss"
    plain = client.get("/san-pham")
    assert plain.headers["X-Page-Cache"] == "hit"
    assert "Content-Encoding" not in plain.headers
    again = client.get("/san-pham", headers={"Accept-Encoding": "gzip"})
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(again.get_data()).decode() == plain.text
    assert brotli.decompress(first.get_data()).decode() == plain.text


def test_stylesheets_stream_compressed_and_small_answers_stay_plain(client: FlaskClient) -> None:
    with client.get("/static/css/site.css", headers={"Accept-Encoding": "gzip"}) as stylesheet:
        assert stylesheet.headers["Content-Encoding"] == "gzip"
        assert b"body" in gzip.decompress(stylesheet.get_data())
    health = client.get("/healthz", headers={"Accept-Encoding": "gzip, br"})
    assert "Content-Encoding" not in health.headers
