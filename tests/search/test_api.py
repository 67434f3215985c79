"""The public JSON API: items, facets, did-you-mean, clear 400s, and its OpenAPI document."""

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from market import registry
from market.extensions import db


def test_products_api_returns_ranked_items_with_everything_a_client_needs(
    client: FlaskClient, catalog: dict[str, int]
) -> None:
    response = client.get("/api/v1/products", query_string={"q": "cam sanh ham yen"})
    assert response.status_code == 200
    body = response.json
    assert body["query"] == "cam sanh ham yen"
    assert body["sort"] == "relevance"
    assert body["total"] == 2
    first = body["items"][0]
    assert first["id"] == catalog["Cam sành Hàm Yên"]
    assert first["name"] == "Cam sành Hàm Yên"
    assert first["price"] == 35_000
    assert first["currency"] == "VND"
    assert first["unit"] == "kg"
    assert first["in_stock"] is True
    assert first["stars"] == 4
    assert first["producer"]["name"] == "HTX Cam sành Hàm Yên"
    assert first["producer"]["url"].endswith(f"/nha-san-xuat/{first['producer']['slug']}")
    assert first["area"] == {"slug": "ham-yen", "name": "Hàm Yên"}
    assert first["commune"] == {"code": "02392", "name": "Xã Phù Lưu, Tuyên Quang"}
    assert first["thumbnail_url"] is None
    assert first["url"].startswith("http") and first["url"].endswith(f"/san-pham/{first['slug']}")
    assert body["items"][1]["stars"] is None
    assert set(body["facets"]) == {
        "group",
        "area",
        "commune",
        "stars",
        "cert",
        "price",
        "in_stock",
    }
    assert body["did_you_mean"] is None


def test_products_api_pages_through_results(client: FlaskClient, catalog: dict[str, int]) -> None:
    pages = [
        client.get("/api/v1/products", query_string={"per_page": 5, "page": n}).json
        for n in (1, 2, 3, 4)
    ]
    ids = [item["id"] for page in pages for item in page["items"]]
    assert pages[0]["total"] == 17
    assert len(ids) == len(set(ids)) == 17
    assert pages[0]["sort"] == "newest"


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [("price_asc", "price", False), ("price_desc", "price", True)],
)
def test_products_api_sorts_by_price(
    client: FlaskClient, catalog: dict[str, int], sort: str, key: str, reverse: bool
) -> None:
    items = client.get("/api/v1/products", query_string={"sort": sort, "per_page": 60}).json[
        "items"
    ]
    prices = [item[key] for item in items]
    assert prices == sorted(prices, reverse=reverse)


def test_products_api_sorts_by_stars_then_newest(
    client: FlaskClient, catalog: dict[str, int]
) -> None:
    items = client.get("/api/v1/products", query_string={"sort": "stars", "per_page": 60}).json[
        "items"
    ]
    stars = [item["stars"] or 0 for item in items]
    assert stars == sorted(stars, reverse=True)
    assert items[0]["name"] == "Chè Shan tuyết Na Hang"


def test_products_api_filters_like_the_catalog(
    client: FlaskClient, catalog: dict[str, int]
) -> None:
    body = client.get(
        "/api/v1/products", query_string={"q": "na hang", "min_stars": 5, "cert": "organic"}
    ).json
    assert [item["name"] for item in body["items"]] == ["Chè Shan tuyết Na Hang"]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"min_stars": "7"}, "min_stars"),
        ({"min_stars": "ba"}, "min_stars"),
        ({"price_min": "-5"}, "price_min"),
        ({"price_max": "nhiều"}, "price_max"),
        ({"area": "ha-noi"}, "area"),
        ({"commune": "00004"}, "commune"),
        ({"group": "khong-co"}, "group"),
        ({"cert": "iso"}, "cert"),
        ({"sort": "cheapest"}, "sort"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
        ({"page": "201"}, "page"),
        ({"per_page": "500"}, "per_page"),
        ({"per_page": "0"}, "per_page"),
        ({"in_stock": "yes"}, "in_stock"),
        ({"q": "a" * 201}, "q"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(
    client: FlaskClient, params: dict, field: str
) -> None:
    response = client.get("/api/v1/products", query_string=params)
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == 400
    assert field in error["message"]
    assert error["fields"][field]


@pytest.mark.parametrize("q", ["", "   ", "x" * 201])
def test_suggest_needs_a_short_query(client: FlaskClient, q: str) -> None:
    response = client.get("/api/v1/suggest", query_string={"q": q})
    assert response.status_code == 400
    assert response.json["error"]["fields"]["q"]


def test_suggest_marks_the_matched_words(client: FlaskClient, catalog: dict[str, int]) -> None:
    body = client.get("/api/v1/suggest", query_string={"q": "mien d"}).json
    first = body["suggestions"][0]
    assert first["name"] == "Miến dong Na Hang"
    assert [part["text"] for part in first["highlight"] if part["match"]] == ["Miến", "dong"]
    assert "".join(part["text"] for part in first["highlight"]) == first["name"]
    assert first["url"] == f"/san-pham/{first['url'].rsplit('/', 1)[1]}"
    assert body["search_url"] == "/tim-kiem?q=mien+d"


def test_api_answers_json_in_english_too(client: FlaskClient, catalog: dict[str, int]) -> None:
    body = client.get("/en/api/v1/products", query_string={"min_stars": "9"}).json
    assert "not valid" in body["error"]["message"]
    facets = client.get("/en/api/v1/products").json["facets"]
    assert {o["label"] for o in facets["group"]} == {"Food", "Beverages"}


def test_openapi_document_is_valid_and_describes_the_search_api(client: FlaskClient) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    validate(document)
    assert {"/api/v1/products", "/api/v1/suggest"} <= set(document["paths"])
    names = {p["name"] for p in document["paths"]["/api/v1/products"]["get"]["parameters"]}
    assert {
        "q",
        "group",
        "area",
        "commune",
        "min_stars",
        "cert",
        "price_min",
        "price_max",
        "in_stock",
        "sort",
        "page",
        "per_page",
    } <= names
    assert "ProductItem" in document["components"]["schemas"]


def test_other_packages_can_add_paths_but_not_twice(app: Flask, client: FlaskClient) -> None:
    item = {"get": {"summary": "A thing", "responses": {"200": {"description": "The thing."}}}}
    registry.OPENAPI_PATHS.update(app, {"/api/v1/things/{code}": item})
    assert "/api/v1/things/{code}" in client.get("/api/v1/openapi.json").json["paths"]
    with pytest.raises(ValueError, match="twice"):
        registry.OPENAPI_PATHS.update(app, {"/api/v1/things/{code}": item})


def test_the_api_is_rate_limited_with_a_json_answer(app_config: dict, _schema: None) -> None:
    from market import create_app

    limited = create_app(
        {**app_config, "RATELIMIT_ENABLED": True, "SEARCH_API_RATE_LIMIT": "2 per minute"}
    )
    client = limited.test_client()
    assert client.get("/api/v1/suggest", query_string={"q": "cam"}).status_code == 200
    assert client.get("/api/v1/suggest", query_string={"q": "cam"}).status_code == 200
    response = client.get("/api/v1/suggest", query_string={"q": "cam"})
    assert response.status_code == 429
    assert response.json["error"]["code"] == 429
    with limited.app_context():
        db.engine.dispose()
