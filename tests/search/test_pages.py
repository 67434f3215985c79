"""The search box on every page and the results page, all working without JavaScript."""

import re

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize("path", ["/", "/san-pham", "/nha-san-xuat", "/tai-khoan/dang-nhap"])
def test_every_page_has_a_labelled_search_box(client: FlaskClient, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    assert 'class="search-form"' in page
    assert 'action="/tim-kiem"' in page
    assert '<label for="site-search"' in page
    assert 'id="site-search" type="search" name="q"' in page
    assert "/static/js/search.js" in page


def test_results_page_shows_matches_with_marked_words(
    client: FlaskClient, catalog: dict[str, int]
) -> None:
    response = client.get("/tim-kiem", query_string={"q": "cam sanh"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Kết quả cho “cam sanh”" in page
    assert "2 sản phẩm" in page
    assert "<mark>Cam</mark> <mark>sành</mark> Hàm Yên" in page
    assert 'value="cam sanh"' in page
    assert 'name="robots" content="noindex, follow"' in page


def test_facets_are_plain_links_that_narrow_the_results(
    client: FlaskClient, catalog: dict[str, int]
) -> None:
    page = client.get("/tim-kiem", query_string={"q": "na hang"}).get_data(as_text=True)
    link = re.search(r'href="(/tim-kiem\?[^"]*min_stars=5[^"]*)"', page)
    assert link is not None
    narrowed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "1 sản phẩm" in narrowed
    assert "Chè Shan tuyết" in narrowed
    assert "Miến dong" not in narrowed
    assert 'aria-current="true"' in narrowed


def test_sort_form_works_without_javascript(client: FlaskClient, catalog: dict[str, int]) -> None:
    page = client.get("/tim-kiem", query_string={"q": "mat ong", "sort": "price_desc"}).get_data(
        as_text=True
    )
    assert page.index("<mark>ong</mark> bạc hà") < page.index("<mark>ong</mark> Hương rừng")
    assert '<option value="price_desc" selected>' in page
    assert '<input type="hidden" name="q" value="mat ong">' in page


def test_typo_gets_did_you_mean_and_results(client: FlaskClient, catalog: dict[str, int]) -> None:
    page = client.get("/tim-kiem", query_string={"q": "mein dong"}).get_data(as_text=True)
    assert "Có phải bạn muốn tìm:" in page
    assert "miến dong" in page
    assert "<mark>Miến</mark> <mark>dong</mark> Na Hang" in page


def test_empty_state_helps_the_shopper_on(client: FlaskClient, catalog: dict[str, int]) -> None:
    page = client.get(
        "/tim-kiem", query_string={"q": "cam sanh na hang", "area": "na-hang"}
    ).get_data(as_text=True)
    assert "Không tìm thấy sản phẩm nào cho “cam sanh na hang”" in page
    assert "Tìm lại không dùng bộ lọc" in page
    assert 'href="/san-pham"' in page


def test_search_words_are_escaped(client: FlaskClient, catalog: dict[str, int]) -> None:
    page = client.get("/tim-kiem", query_string={"q": "<script>alert(1)</script>"}).get_data(
        as_text=True
    )
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_a_bad_filter_is_ignored_with_a_message(
    client: FlaskClient, catalog: dict[str, int]
) -> None:
    response = client.get("/tim-kiem", query_string={"q": "cam", "min_stars": "9"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Hạng sao OCOP từ 3 đến 5." in page
    assert "Cam sành Hàm Yên" in page


def test_results_page_without_words_browses_the_filtered_catalog(
    client: FlaskClient, catalog: dict[str, int]
) -> None:
    page = client.get("/tim-kiem", query_string={"area": "lam-binh"}).get_data(as_text=True)
    assert "1 sản phẩm" in page
    assert "Thịt trâu gác bếp" in page
    assert "Bỏ tất cả bộ lọc" in page
