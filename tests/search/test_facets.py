"""Facet counts equal what the catalog's SQL finds when the shopper picks that option."""

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from catalog.listing import filtered_products, parse_filters
from catalog.models import Product
from catalog.search.backend import PRICE_BUCKETS
from market.extensions import db
from tests.search.conftest import api_ids

# The URL parameters each facet sets; a facet's count ignores its own filter.
OWN_PARAMS = {
    "group": ("group",),
    "area": ("area",),
    "commune": ("commune",),
    "stars": ("min_stars",),
    "cert": ("cert",),
    "price": ("price_min", "price_max"),
    "in_stock": ("in_stock",),
}

SEARCHES = [
    ("", {}),
    ("", {"area": "na-hang"}),
    ("", {"commune": "02221"}),
    ("", {"min_stars": 4}),
    ("", {"cert": "organic", "in_stock": 1}),
    ("", {"group": "i-thuc-pham", "price_min": 50000, "price_max": 199999}),
    ("", {"group": "i-5-che"}),
    ("cam", {}),
    ("na hang", {"min_stars": 3}),
    ("mat ong", {"price_min": 300000}),
    ("dong", {"in_stock": 1, "area": "chiem-hoa"}),
    ("che", {"area": "na-hang", "commune": "02260"}),
]


def _option_params(facet: str, value: object) -> dict[str, object]:
    if facet == "stars":
        return {"min_stars": value}
    if facet == "price":
        low, high = PRICE_BUCKETS[value]
        return {"price_min": low or None, "price_max": high}
    return {{"cert": "cert", "in_stock": "in_stock"}.get(facet, facet): value}


def _sql_count(params: dict[str, object], matched: set[int] | None) -> int:
    args = MultiDict({k: str(v) for k, v in params.items() if v is not None})
    query = filtered_products(parse_filters(args)).order_by(None)
    if matched is not None:
        query = query.where(Product.id.in_(matched))
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


@pytest.mark.parametrize(("q", "params"), SEARCHES, ids=[f"{q}-{p}" for q, p in SEARCHES])
def test_facet_counts_equal_sql_counts_of_the_option(
    app: Flask, client: FlaskClient, catalog: dict[str, int], q: str, params: dict
) -> None:
    response = client.get("/api/v1/products", query_string={"q": q, **params})
    assert response.status_code == 200
    matched = set(api_ids(client, q)) if q else None
    with app.test_request_context():
        assert response.json["total"] == _sql_count(params, matched)
        for facet, options in response.json["facets"].items():
            others = {k: v for k, v in params.items() if k not in OWN_PARAMS[facet]}
            for option in options:
                wanted = {**others, **_option_params(facet, option["value"])}
                assert option["count"] == _sql_count(wanted, matched), (facet, option)


def test_every_option_with_products_is_offered(
    client: FlaskClient, catalog: dict[str, int]
) -> None:
    facets = client.get("/api/v1/products").json["facets"]
    areas = {o["value"]: o["count"] for o in facets["area"]}
    assert areas == {
        "tp-tuyen-quang": 3,
        "lam-binh": 1,
        "na-hang": 4,
        "chiem-hoa": 2,
        "ham-yen": 2,
        "yen-son": 3,
        "son-duong": 2,
    }
    assert {o["value"]: o["count"] for o in facets["stars"]} == {3: 10, 4: 6, 5: 1}
    assert {o["value"]: o["count"] for o in facets["cert"]} == {
        "vietgap": 2,
        "globalgap": 1,
        "organic": 2,
    }
    assert {o["value"]: o["count"] for o in facets["in_stock"]} == {1: 15}


def test_a_price_range_is_inclusive_and_follows_edits(
    app: Flask, client: FlaskClient, catalog: dict[str, int]
) -> None:
    params = {"price_min": 30_000, "price_max": 35_000}
    with app.test_request_context():
        before = _sql_count(params, None)
    assert len(api_ids(client, **params)) == before > 0

    with app.app_context():  # an edit lands in a new index segment, deleting the old copy
        product = db.session.get(Product, catalog["Bưởi Soi Hà"])
        product.price = 35_000
        db.session.commit()
    found = api_ids(client, **params)
    assert catalog["Bưởi Soi Hà"] in found
    with app.test_request_context():
        assert len(found) == _sql_count(params, None) == before + 1
