"""The relevance table: what shoppers type, and what must come first, on every backend."""

import pytest
from flask.testing import FlaskClient

from tests.search.conftest import api_ids

Shared = tuple[FlaskClient, dict[str, int]]

# (query, expected first results in order, or as a set when the order among them is free)
RANKED = [
    ("cam sanh ham yen", ["Cam sành Hàm Yên"]),
    ("Cam sành Hàm Yên", ["Cam sành Hàm Yên"]),
    ("mien dong", ["Miến dong Na Hang"]),
    ("miến dong", ["Miến dong Na Hang"]),
    ("mein dong", ["Miến dong Na Hang"]),
    ("che shan tuyet", ["Chè Shan tuyết Na Hang"]),
    ("che shna tuyet", ["Chè Shan tuyết Na Hang"]),
    ("chè shan tuyết", ["Chè Shan tuyết Na Hang"]),
    ("buoi", ["Bưởi Soi Hà"]),
    ("buoi soi ha", ["Bưởi Soi Hà"]),
    ("dac san", ["Cá đặc sản sông Lô"]),
    ("ca dac san", ["Cá đặc sản sông Lô"]),
    ("banh gai", ["Bánh gai Chiêm Hoá"]),
    ("bnah gai", ["Bánh gai Chiêm Hoá"]),
    ("mat ong rung", ["Mật ong Hương rừng"]),
    ("dua luoi", ["Dưa lưới Sơn Dương"]),
    ("dưa lứoi", ["Dưa lưới Sơn Dương"]),
    ("gao nep", ["Gạo nếp cái hoa vàng"]),
    ("thit trau gac bep", ["Thịt trâu gác bếp"]),
    ("ruou ngo", ["Rượu ngô men lá Na Hang"]),
    ("rượu", ["Rượu ngô men lá Na Hang"]),
    ("phong tho", {"Mật ong Hương rừng", "Mật ong bạc hà"}),
    ("su anh", {"Chè xanh Ngọc Thuý Nõn", "Trà Ngọc Thuý"}),
    ("ngoc thuy", {"Chè xanh Ngọc Thuý Nõn", "Trà Ngọc Thuý"}),
    ("mat ong", {"Mật ong Hương rừng", "Mật ong bạc hà"}),
    ("mta ong", {"Mật ong Hương rừng", "Mật ong bạc hà"}),
    ("cam sanh", {"Cam sành Hàm Yên", "Cam sành loại 1 hộp quà 5kg"}),
    ("ham yen", {"Cam sành Hàm Yên", "Cam sành loại 1 hộp quà 5kg"}),
    (
        "na hang",
        {
            "Chè Shan tuyết Na Hang",
            "Miến dong Na Hang",
            "Rượu ngô men lá Na Hang",
            "Măng rừng Na Hang",
        },
    ),
    ("lam binh", ["Thịt trâu gác bếp"]),
    ("chiem hoa", {"Bánh gai Chiêm Hoá", "Bánh khảo"}),
    ("vietgap", {"Cam sành Hàm Yên", "Chè Shan tuyết Na Hang"}),
    ("huu co", {"Mật ong bạc hà", "Chè Shan tuyết Na Hang"}),
    ("đồng", {"Bánh gai Chiêm Hoá", "Bánh khảo"}),
    ("dong", ["Miến dong Na Hang"]),
]

# Prefixes as the shopper types (the suggestions box).
SUGGESTED = [
    ("bu", ["Bưởi Soi Hà"]),
    ("mien d", ["Miến dong Na Hang"]),
    ("che sh", ["Chè Shan tuyết Na Hang"]),
    ("dưa l", ["Dưa lưới Sơn Dương"]),
    ("thit tr", ["Thịt trâu gác bếp"]),
]

# Words that must not bring in these products (short syllables, typos that are real words).
EXCLUDED = [
    ("ca", "Cam sành Hàm Yên"),
    ("cam sanh", "Cam sành nháp chưa bán"),
    ("cam sanh", "Cam sành tạm ngừng"),
    ("cam", "Cam canh đình chỉ"),
    ("an", "Cam sành Hàm Yên"),
    ("mat ong", "Chè Shan tuyết Na Hang"),
]


# Precision: correctly spelled words are taken as typed (no "fix" to a neighbour), an OCOP
# category's list of neighbours ("processed from meat, ..., honey") is not the product, and
# the last word may be unfinished even when it is a word. Every product on the first page is
# one of these, and each of these is found.
PRECISE = [
    ("mat ong", {"Mật ong Hương rừng", "Mật ong bạc hà"}),
    ("mật ong", {"Mật ong Hương rừng", "Mật ong bạc hà"}),
    ("thit tra", {"Thịt trâu gác bếp"}),
    ("thit trau", {"Thịt trâu gác bếp"}),
    ("mien dong", {"Miến dong Na Hang"}),
    ("banh gai", {"Bánh gai Chiêm Hoá"}),
    ("gao nep", {"Gạo nếp cái hoa vàng"}),
    ("ruou ngo", {"Rượu ngô men lá Na Hang"}),
    ("che shan", {"Chè Shan tuyết Na Hang"}),
    ("cam sanh", {"Cam sành Hàm Yên", "Cam sành loại 1 hộp quà 5kg"}),
    ("dua luoi", {"Dưa lưới Sơn Dương"}),
]
FIRST_PAGE = 10


def _check(names: list[str], expected: list[str] | set[str]) -> None:
    top = names[: len(expected)]
    if isinstance(expected, set):
        assert set(top) == expected, names
    else:
        assert top == expected, names


@pytest.mark.parametrize(("query", "expected"), RANKED, ids=[q for q, _ in RANKED])
def test_search_ranks_the_expected_products_first(
    shared_catalog: Shared, query: str, expected: object
) -> None:
    client, catalog = shared_catalog
    names = {v: k for k, v in catalog.items()}
    _check([names[i] for i in api_ids(client, query)], expected)


@pytest.mark.parametrize(("query", "relevant"), PRECISE, ids=[q for q, _ in PRECISE])
def test_search_shows_no_unrelated_product_on_the_first_page(
    shared_catalog: Shared, query: str, relevant: set[str]
) -> None:
    client, catalog = shared_catalog
    names = {v: k for k, v in catalog.items()}
    found = [names[i] for i in api_ids(client, query)]
    assert set(found[:FIRST_PAGE]) <= relevant, found
    assert relevant <= set(found), found


@pytest.mark.parametrize(("query", "expected"), SUGGESTED, ids=[q for q, _ in SUGGESTED])
def test_suggestions_complete_the_last_word(
    shared_catalog: Shared, query: str, expected: list[str]
) -> None:
    client, _catalog = shared_catalog
    response = client.get("/api/v1/suggest", query_string={"q": query})
    _check([s["name"] for s in response.json["suggestions"]], expected)


@pytest.mark.parametrize(("query", "unwanted"), EXCLUDED, ids=[f"{q}-{u}" for q, u in EXCLUDED])
def test_search_leaves_out_what_does_not_match_or_is_not_public(
    shared_catalog: Shared, query: str, unwanted: str
) -> None:
    client, catalog = shared_catalog
    assert catalog[unwanted] not in api_ids(client, query)


def test_exact_tones_rank_above_folded_matches(shared_catalog: Shared) -> None:
    client, catalog = shared_catalog
    toned, plain = api_ids(client, "đồng"), api_ids(client, "dong")
    assert set(toned) == set(plain)
    assert toned.index(catalog["Bánh gai Chiêm Hoá"]) < toned.index(catalog["Miến dong Na Hang"])
    assert plain.index(catalog["Miến dong Na Hang"]) < plain.index(catalog["Bánh gai Chiêm Hoá"])


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("mein dong", "miến dong"),
        ("che shna tuyet", "chè shan tuyết"),
        ("cam sanh na hang", "cam sành"),
        ("mta ong", "mật ong"),
    ],
)
def test_did_you_mean_offers_the_fixed_or_shorter_query(
    shared_catalog: Shared, query: str, suggestion: str
) -> None:
    client, _catalog = shared_catalog
    response = client.get("/api/v1/products", query_string={"q": query})
    assert response.json["did_you_mean"] == suggestion


def test_nothing_found_and_nothing_to_suggest(shared_catalog: Shared) -> None:
    client, _catalog = shared_catalog
    response = client.get("/api/v1/products", query_string={"q": "xyzzy"})
    assert response.json["total"] == 0
    assert response.json["items"] == []
    assert response.json["did_you_mean"] is None


def test_correct_queries_get_no_did_you_mean(shared_catalog: Shared) -> None:
    client, _catalog = shared_catalog
    response = client.get("/api/v1/products", query_string={"q": "mien dong"})
    assert response.json["did_you_mean"] is None
