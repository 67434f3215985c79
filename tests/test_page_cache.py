"""Anonymous visitors browse without cookies, and their catalog pages are cached briefly;
nobody with a session or a sign-in ever gets a cached page."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalog.models import Product
from market.accounts.models import Role, User
from market.extensions import cache, db
from tests import factories


@pytest.fixture
def app_config(app_config: dict) -> dict:
    return {**app_config, "PAGE_CACHE_SECONDS": 30, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def tea(app: Flask) -> str:
    """A public product; the cache starts empty."""
    with app.app_context():
        cache.clear()
        item = factories.product(factories.producer(), "Chè Shan tuyết", stock=5)
        factories.recognition(item, stars=4)
        return item.slug


def _rename(app: Flask, slug: str, name: str) -> None:
    with app.app_context():
        item = db.session.scalar(db.select(Product).where(Product.slug == slug))
        item.name = name
        db.session.commit()


def test_browsing_anonymously_sets_no_cookie_until_the_visitor_needs_one(
    client: FlaskClient, tea: str
) -> None:
    public = ["/", "/san-pham", "/san-pham?min_stars=4&sort=price_asc", f"/san-pham/{tea}"]
    public += ["/nha-san-xuat", "/tim-kiem?q=ch%C3%A8", "/gio-hang/"]
    public += ["/robots.txt", "/sitemap.xml", "/manifest.webmanifest", "/sw.js", "/ngoai-tuyen"]
    for url in [*public, *(f"/en{url}" for url in public)]:
        with client.get(url) as response:
            assert response.status_code == 200, url
            assert "Set-Cookie" not in response.headers, url
    for url in ("/", "/san-pham", f"/en/san-pham/{tea}"):
        assert 'name="csrf_token"' not in client.get(url).text, url
    assert client.get_cookie("session") is None
    client.post("/gio-hang/them", data={"product_id": _id(client, tea), "quantity": 1})
    assert client.get_cookie("session") is not None, "the cart is what needs one"


def _id(client: FlaskClient, slug: str) -> str:
    """The product id the add-to-cart form of ``slug``'s page sends."""
    page = client.get(f"/san-pham/{slug}").text
    return page.split('name="product_id" value="', 1)[1].split('"', 1)[0]


def test_anonymous_pages_are_served_from_the_cache_for_a_while(
    app: Flask, client: FlaskClient, tea: str
) -> None:
    first = client.get(f"/san-pham/{tea}")
    assert first.headers["X-Page-Cache"] == "miss"
    _rename(app, tea, "Chè Shan tuyết cổ thụ")
    again = client.get(f"/san-pham/{tea}")
    assert again.headers["X-Page-Cache"] == "hit"
    assert again.text == first.text
    with app.app_context():
        cache.clear()  # what the passing seconds do
    assert "Chè Shan tuyết cổ thụ" in client.get(f"/san-pham/{tea}").text


def test_each_language_has_its_own_cached_page(client: FlaskClient, tea: str) -> None:
    vietnamese = client.get("/san-pham")
    assert vietnamese.headers["X-Page-Cache"] == "miss"
    assert '<html lang="vi">' in vietnamese.text
    english = client.get("/en/san-pham")
    assert english.headers["X-Page-Cache"] == "miss"
    assert '<html lang="en">' in english.text
    assert client.get("/en/san-pham").headers["X-Page-Cache"] == "hit"
    assert '<html lang="vi">' in client.get("/san-pham").text


def test_a_signed_in_user_never_gets_a_cached_page(
    app: Flask, client: FlaskClient, login_as: Callable[..., User], tea: str
) -> None:
    assert client.get("/").headers["X-Page-Cache"] == "miss"
    user = login_as(Role.SHOPPER, name="Người mua Lan")
    page = client.get("/")
    assert "X-Page-Cache" not in page.headers
    assert user.name in page.text


def test_a_visitor_with_a_cart_sees_their_own_cart_not_the_cached_page(
    app: Flask, client: FlaskClient, tea: str
) -> None:
    assert "(0)" in client.get(f"/san-pham/{tea}").text
    with app.app_context():
        product_id = db.session.scalar(db.select(Product.id).where(Product.slug == tea))
    added = client.post(
        "/gio-hang/them",
        data={"product_id": product_id, "quantity": 2},
        headers={"Origin": "http://localhost"},
    )
    assert added.status_code == 303
    page = client.get(f"/san-pham/{tea}")
    assert "X-Page-Cache" not in page.headers
    assert "(2)" in page.text
