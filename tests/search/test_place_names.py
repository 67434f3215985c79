"""Search finds places by their names of today and of before 2025, with or without tones:
the former province ("ha giang"), a former district ("bac quang", "hàm yên"), a commune's new
name and the names of the communes it was formed from — on every backend."""

from collections.abc import Callable

import pytest
from flask import Flask

from market.extensions import db
from tests import factories


@pytest.fixture
def places_catalog(app: Flask) -> dict[str, int]:
    """Three products: oranges of Bắc Quang and of Hàm Yên, tea of Hoàng Su Phì."""
    with app.app_context():
        bac_quang = factories.producer(
            name="HTX Việt Quang", commune_code="01153", area_slug="bac-quang"
        )
        ham_yen = factories.producer(name="HTX Phù Lưu", commune_code="02392", area_slug="ham-yen")
        hoang_su_phi = factories.producer(
            name="HTX Hồ Thầu", commune_code="01084", area_slug="hoang-su-phi"
        )
        ids = {
            "bac quang": factories.product(bac_quang, name="Cam sành loại 1").id,
            "ham yen": factories.product(ham_yen, name="Cam sành thùng quà").id,
            "hoang su phi": factories.product(
                hoang_su_phi, name="Chè xanh sao tay", category_code="I.5.a"
            ).id,
        }
        db.session.commit()
        return ids


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ha giang", {"bac quang", "hoang su phi"}),  # the former province
        ("Hà Giang", {"bac quang", "hoang su phi"}),
        ("bac quang", {"bac quang"}),  # a former district, and today's commune of that name
        ("hàm yên", {"ham yen"}),
        ("ham yen", {"ham yen"}),
        ("cam ham yen", {"ham yen"}),
        ("viet vinh", {"bac quang"}),  # a former commune, now part of Xã Bắc Quang
        ("Nậm Khòa", {"hoang su phi"}),  # a former commune, now part of Xã Hồ Thầu
        ("ho thau", {"hoang su phi"}),  # today's commune
        ("phu luu", {"ham yen"}),
    ],
)
def test_new_and_old_place_names_find_the_products(
    places_catalog: dict[str, int],
    search_ids: Callable[..., list[int]],
    query: str,
    expected: set[str],
) -> None:
    found = set(search_ids(query))
    assert found == {places_catalog[key] for key in expected}


def test_the_area_and_commune_facets_count_the_new_units(
    places_catalog: dict[str, int], client
) -> None:
    facets = client.get("/api/v1/products").json["facets"]
    assert {o["value"]: o["count"] for o in facets["area"]} == {
        "ham-yen": 1,
        "bac-quang": 1,
        "hoang-su-phi": 1,
    }
    assert {o["value"]: o["count"] for o in facets["commune"]} == {
        "01153": 1,
        "02392": 1,
        "01084": 1,
    }
    labels = {o["value"]: o["label"] for o in facets["commune"]}
    assert labels["01153"] == "Xã Bắc Quang"
    filtered = client.get("/api/v1/products", query_string={"commune": "01084"}).json
    assert [item["id"] for item in filtered["items"]] == [places_catalog["hoang su phi"]]
