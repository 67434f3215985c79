"""Two app servers on one site (#13.6): search freshness and rate limits shared through
PostgreSQL and Redis. The servers are `conftest.py`'s ``site``."""

from collections.abc import Callable
from urllib.parse import urlencode

import redis
from flask import Flask

from catalog.models import ProductStatus
from market.accounts.models import User
from market.extensions import db
from tests import factories
from tests.multiserver.conftest import LOGIN_LIMIT, Browser, Site
from tests.servers import wait_for


def _found(browser: Browser, words: str, slug: str) -> bool:
    status, page = browser.request("GET", "/tim-kiem?" + urlencode({"q": words}))
    assert status == 200
    return f"/san-pham/{slug}" in page


def test_a_product_published_on_server_a_is_found_by_search_on_server_b(
    app: Flask, make_user: Callable[..., User], site: Site
) -> None:
    """How soon is measured by ``bench/freshness_bench.py``; here only that it gets there."""
    owner = make_user(email="chu@example.vn")
    with app.app_context():
        producer = factories.producer(name="HTX Mật ong Mèo Vạc", owner=owner)
        item = factories.product(
            producer, name="Mật ong bạc hà Mèo Vạc", status=ProductStatus.DRAFT, slug="mat-ong"
        )
        producer_id, product_id = producer.id, item.id
        db.session.commit()
    a, b = site.browsers()
    assert not _found(b, "mật ong bạc hà", "mat-ong")

    assert a.sign_in("chu@example.vn", "correct horse") == 302
    edit = f"/ban-hang/{producer_id}/san-pham/{product_id}"
    status, _ = a.request("POST", f"{edit}/trang-thai/active", {"csrf_token": a.csrf_token(edit)})
    assert status == 302
    wait_for(
        lambda: _found(b, "mật ong bạc hà", "mat-ong"),
        seconds=30,
        what="server B to find the product published on server A",
    )


def test_sign_in_attempts_on_both_servers_count_against_one_limit_in_redis(
    app: Flask, site: Site, shared_redis: redis.Redis
) -> None:
    shared_redis.flushdb()  # the other test's sign-in counted too
    a, b = site.browsers()
    for attempt in range(LOGIN_LIMIT):
        server = a if attempt % 2 == 0 else b
        assert server.sign_in("nobody@example.vn", "guess") == 200, attempt
    # Each server alone has seen only half the attempts: the refusal comes from the shared count.
    assert a.sign_in("nobody@example.vn", "guess") == 429
    assert b.sign_in("nobody@example.vn", "guess") == 429
    assert any(b"choque" in key for key in shared_redis.scan_iter())
    shared_redis.flushdb()  # the next test signs in again
