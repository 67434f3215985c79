"""``market.places``: the 2025 units from ``vietnam-provinces`` and our areas of origin."""

import json

import pytest

from market import places

AREAS_DATA = json.loads(places.AREAS_FILE.read_text(encoding="utf-8"))


def test_the_country_has_34_provinces_and_3321_communes_tuyen_quang_124() -> None:
    assert len(places.provinces()) == 34
    assert sum(len(places.communes(p.code)) for p in places.provinces()) == 3_321
    assert len(places.communes("08")) == 124
    assert places.home_province() == places.province("8") == places.province("08")
    assert places.province("02") is None  # Hà Giang is part of Tuyên Quang now
    assert places.province("01").short_name == "Hà Nội"


def test_a_commune_is_found_by_its_official_code_and_shown_with_its_province() -> None:
    commune = places.commune("2392")
    assert commune == places.commune("02392")
    assert (commune.name, commune.short_name, commune.kind) == ("Xã Phù Lưu", "Phù Lưu", "xã")
    assert places.display("02392") == "Xã Phù Lưu, Tuyên Quang"
    assert places.display("00004", short=True) == "Ba Đình, Hà Nội"
    for bad in (None, "", "99999", "phu-luu", "074:phu-luu", "123456"):
        assert places.commune(bad) is None
    assert places.display("99999") == ""


def test_every_commune_of_tuyen_quang_has_an_area_of_origin_in_the_data_file() -> None:
    codes = {c.code for c in places.communes("08")}
    assert set(AREAS_DATA["communes"]) == codes
    slugs = {a.slug for a in places.areas()}
    assert len(slugs) == 18  # 7 former districts of Tuyên Quang, 11 of Hà Giang
    for code in codes:
        assert places.areas_of(code), code
        assert {a.slug for a in places.areas_of(code)} <= slugs
    assert {a.former_province for a in places.areas()} == {"Tuyên Quang", "Hà Giang"}


@pytest.mark.parametrize(
    ("query", "province", "expected"),
    [
        ("phu luu", None, "Xã Phù Lưu"),
        ("PHÙ LƯU", "08", "Xã Phù Lưu"),
        ("viet vinh", "08", "Xã Bắc Quang"),  # a former commune's name finds today's
        ("giang vo", "01", "Phường Giảng Võ"),
    ],
)
def test_communes_are_searched_by_folded_new_and_former_names(
    query: str, province: str | None, expected: str
) -> None:
    assert expected in [c.name for c in places.search_communes(query, province)]


def test_nothing_to_search_finds_nothing() -> None:
    assert places.search_communes("   ") == []


def test_a_place_in_the_home_province_takes_its_communes_main_area_unless_told() -> None:
    assert places.home_place("02392", None) == ("02392", "ham-yen")
    assert places.home_place("01153", "") == ("01153", "bac-quang")
    assert places.home_place("02392", "na-hang") == ("02392", "na-hang")
    assert places.home_place("02392", "khong-co") is None
    assert places.home_place("00004", None) is None  # Hà Nội is not the home province
    assert places.home_place("nope", None) is None


def test_place_words_hold_new_and_old_names_for_search() -> None:
    words = places.place_words("01153", "bac-quang")
    for name in ("Xã Bắc Quang", "Tuyên Quang", "Việt Vinh", "Bắc Quang", "Hà Giang"):
        assert name in words
    assert places.place_words(None, None) == ""
