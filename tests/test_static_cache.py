"""Static files under their content hash are kept a year; nothing shared varies on the cookie."""

import io
import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from catalog.images import store_image
from market.accounts.models import Role, User
from market.media import CACHE_FOREVER
from market.static_files import SHORT_CACHE


def _stylesheet(client: FlaskClient) -> str:
    """The site stylesheet's URL as the home page links it."""
    found = re.search(r'href="(/static/css/site\.css\?v=[0-9a-f]+)"', client.get("/").text)
    assert found, "the home page links the stylesheet with its hash"
    return found.group(1)


def test_a_static_file_under_its_content_hash_is_kept_for_a_year(client: FlaskClient) -> None:
    with client.get(_stylesheet(client)) as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == CACHE_FOREVER


def test_a_stale_or_missing_hash_is_kept_only_briefly(client: FlaskClient) -> None:
    for url in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert response.headers["Cache-Control"] == SHORT_CACHE, url


def test_a_revalidated_static_file_keeps_its_year(client: FlaskClient) -> None:
    url = _stylesheet(client)
    with client.get(url) as first:
        etag = first.headers["ETag"]
    with client.get(url, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304
        assert again.headers["Cache-Control"] == CACHE_FOREVER


def test_static_files_and_photos_do_not_vary_on_the_cookie_even_when_signed_in(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    with app.app_context():
        buffer = io.BytesIO()
        Image.new("RGB", (800, 600), (200, 120, 40)).save(buffer, "PNG")
        key = store_image(buffer.getvalue()).key
    stylesheet = _stylesheet(client)
    login_as(Role.SHOPPER)
    assert "Cookie" in client.get("/").headers["Vary"], "pages do depend on who asks"
    for url in (stylesheet, "/static/img/favicon.svg", f"/anh/{key}/card.webp", "/robots.txt"):
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert "Cookie" not in response.headers.get("Vary", ""), url
            assert "Set-Cookie" not in response.headers, url
            assert response.headers["Cache-Control"].startswith("public"), url
