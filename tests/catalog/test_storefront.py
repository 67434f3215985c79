"""The public storefront over HTTP: visibility, filters, sorts, product and producer pages."""

import io
import json
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from catalog.images import store_image
from catalog.models import (
    AreaStatus,
    Category,
    Certification,
    Producer,
    ProducerStatus,
    Product,
    ProductImage,
    ProductStatus,
    ReviewStatus,
)
from market.config import ROOT
from market.extensions import db
from market.i18n import local_today
from tests import factories

LISTING = "/san-pham"


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An application context for building rows; requests run in their own contexts."""
    with app.app_context():
        yield


def names(html: str) -> list[str]:
    """Product names on the cards of a page, in order."""
    return re.findall(r'<span class="name">([^<]*)</span>', html)


def listed(client: FlaskClient, query: str = "") -> list[str]:
    response = client.get(f"{LISTING}{query}")
    assert response.status_code == 200
    return names(response.get_data(as_text=True))


def group_slug(code: str) -> str:
    return db.session.scalar(sa.select(Category.slug).where(Category.code == code))


def photo(item: Product, colour: str = "orange") -> ProductImage:
    """A real stored WebP photo attached to ``item``."""
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, "JPEG")
    stored = store_image(buffer.getvalue())
    image = ProductImage(
        product=item, key=stored.key, width=stored.width, height=stored.height, position=0
    )
    db.session.add(image)
    db.session.commit()
    return image


class MetaCollector(HTMLParser):
    """Collects <meta property> tags and the JSON-LD script bodies of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.jsonld: list[str] = []
        self._in_jsonld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and values.get("property"):
            self.meta[values["property"] or ""] = values.get("content") or ""
        self._in_jsonld = tag == "script" and values.get("type") == "application/ld+json"

    def handle_endtag(self, tag: str) -> None:
        self._in_jsonld = False

    def handle_data(self, data: str) -> None:
        if self._in_jsonld:
            self.jsonld.append(data)


def parse_page(html: str) -> MetaCollector:
    collector = MetaCollector()
    collector.feed(html)
    return collector


# --- What is public -------------------------------------------------------------------------


HIDDEN = [
    (ProductStatus.DRAFT, ProducerStatus.VERIFIED),
    (ProductStatus.PAUSED, ProducerStatus.VERIFIED),
    (ProductStatus.ARCHIVED, ProducerStatus.VERIFIED),
    (ProductStatus.ACTIVE, ProducerStatus.PENDING),
    (ProductStatus.ACTIVE, ProducerStatus.SUSPENDED),
]


@pytest.mark.parametrize(("status", "producer_status"), HIDDEN)
def test_only_active_products_of_verified_producers_are_public(
    ctx: None, client: FlaskClient, status: ProductStatus, producer_status: ProducerStatus
) -> None:
    shown = factories.product(factories.producer(), name="Cam sành Hàm Yên")
    hidden = factories.product(
        factories.producer(status=producer_status), name="Hàng ẩn", status=status
    )
    factories.recognition(shown, stars=5)
    factories.recognition(hidden, stars=5)
    assert client.get(f"/san-pham/{hidden.slug}").status_code == 404
    assert client.get(f"/san-pham/{shown.slug}").status_code == 200
    assert listed(client) == ["Cam sành Hàm Yên"]
    assert listed(client, "?min_stars=5&sort=stars") == ["Cam sành Hàm Yên"]
    home = client.get("/").get_data(as_text=True)
    assert "Hàng ẩn" not in home
    assert names(home) == ["Cam sành Hàm Yên", "Cam sành Hàm Yên"]  # featured and new arrivals


@pytest.mark.parametrize("status", [ProducerStatus.PENDING, ProducerStatus.SUSPENDED])
def test_unverified_producers_have_no_public_page_and_are_not_listed(
    ctx: None, client: FlaskClient, status: ProducerStatus
) -> None:
    hidden = factories.producer(name="HTX Chưa duyệt", status=status)
    factories.producer(name="HTX Đã duyệt")
    assert client.get(f"/nha-san-xuat/{hidden.slug}").status_code == 404
    page = client.get("/nha-san-xuat").get_data(as_text=True)
    assert "HTX Đã duyệt" in page
    assert "HTX Chưa duyệt" not in page


def test_a_product_page_for_an_unknown_slug_is_a_404(client: FlaskClient) -> None:
    assert client.get("/san-pham/khong-co").status_code == 404


def test_home_features_only_currently_rated_four_and_five_star_products(
    ctx: None, client: FlaskClient
) -> None:
    maker = factories.producer()
    long_ago = local_today() - timedelta(days=4 * 365)
    for name, stars, decided, review in [
        ("Bốn sao", 4, None, ReviewStatus.APPROVED),
        ("Năm sao", 5, None, ReviewStatus.APPROVED),
        ("Ba sao", 3, None, ReviewStatus.APPROVED),
        ("Hết hạn năm sao", 5, long_ago, ReviewStatus.APPROVED),
        ("Chờ duyệt năm sao", 5, None, ReviewStatus.PENDING),
    ]:
        factories.recognition(factories.product(maker, name=name), stars, decided, review)
    page = client.get("/").get_data(as_text=True)
    featured = page.split('id="featured-h"')[1].split("</section>")[0]
    assert names(featured) == ["Năm sao", "Bốn sao"]


# --- Filters ----------------------------------------------------------------------------------


@pytest.fixture
def assortment(ctx: None) -> dict[str, Product]:
    """Products across groups, districts, stars, certifications, prices and stock."""
    na_hang = factories.producer(commune_code="02221", area_slug="na-hang")
    ham_yen = factories.producer(commune_code="02392", area_slug="ham-yen")
    base = datetime(2025, 1, 1)
    items = {
        "tea": factories.product(
            na_hang,
            name="Chè Shan tuyết Na Hang",
            price=350_000,
            stock=5,
            category_code="I.5.a",
            created_at=base + timedelta(days=1),
        ),
        "orange": factories.product(
            ham_yen,
            name="Cam sành Hàm Yên",
            price=25_000,
            stock=100,
            category_code="I.1.a",
            created_at=base + timedelta(days=2),
        ),
        "honey": factories.product(
            ham_yen,
            name="Mật ong bạc hà",
            price=450_000,
            stock=0,
            category_code="I.2.b",
            created_at=base + timedelta(days=3),
        ),
        "wine": factories.product(
            na_hang,
            name="Rượu ngô men lá",
            price=120_000,
            stock=20,
            category_code="II.1.a",
            created_at=base + timedelta(days=4),
        ),
    }
    factories.recognition(items["tea"], stars=5)
    factories.recognition(items["orange"], stars=4)
    factories.recognition(items["honey"], stars=3)
    factories.recognition(items["wine"], stars=5, decided=local_today() - timedelta(days=4 * 365))
    factories.recognition(items["wine"], stars=4, review=ReviewStatus.PENDING)
    items["orange"].certifications = [Certification.VIETGAP]
    items["tea"].certifications = [Certification.ORGANIC, Certification.VIETGAP]
    db.session.commit()
    return items


def test_listing_shows_newest_first_by_default(
    assortment: dict[str, Product], client: FlaskClient
) -> None:
    assert listed(client) == [
        "Rượu ngô men lá",
        "Mật ong bạc hà",
        "Cam sành Hàm Yên",
        "Chè Shan tuyết Na Hang",
    ]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("I", {"Chè Shan tuyết Na Hang", "Cam sành Hàm Yên", "Mật ong bạc hà"}),
        ("I.5", {"Chè Shan tuyết Na Hang"}),
        ("I.1.a", {"Cam sành Hàm Yên"}),
        ("II", {"Rượu ngô men lá"}),
        ("III", set()),
    ],
)
def test_group_and_sub_group_filters(
    assortment: dict[str, Product], client: FlaskClient, code: str, expected: set[str]
) -> None:
    assert set(listed(client, f"?group={group_slug(code)}")) == expected


def test_sub_group_chips_appear_under_the_chosen_group(
    assortment: dict[str, Product], client: FlaskClient
) -> None:
    page = client.get(f"{LISTING}?group={group_slug('I')}").get_data(as_text=True)
    assert f'href="/san-pham?group={group_slug("I.5")}"' in page
    assert "<h1>Thực phẩm</h1>" in page


def test_area_filter(assortment: dict[str, Product], client: FlaskClient) -> None:
    assert set(listed(client, "?area=na-hang")) == {"Chè Shan tuyết Na Hang", "Rượu ngô men lá"}
    assert set(listed(client, "?area=ham-yen")) == {"Cam sành Hàm Yên", "Mật ong bạc hà"}
    assert listed(client, "?area=lam-binh") == []


def test_commune_filter(assortment: dict[str, Product], client: FlaskClient) -> None:
    assert set(listed(client, "?commune=02392")) == {"Cam sành Hàm Yên", "Mật ong bạc hà"}
    assert set(listed(client, "?commune=02221&area=na-hang")) == {
        "Chè Shan tuyết Na Hang",
        "Rượu ngô men lá",
    }
    assert listed(client, "?commune=02509") == []  # Phường Mỹ Lâm: nobody sells from there


@pytest.mark.parametrize(
    ("stars", "expected"),
    [
        (3, {"Chè Shan tuyết Na Hang", "Cam sành Hàm Yên", "Mật ong bạc hà"}),
        (4, {"Chè Shan tuyết Na Hang", "Cam sành Hàm Yên"}),
        (5, {"Chè Shan tuyết Na Hang"}),
    ],
)
def test_minimum_stars_counts_only_approved_unexpired_recognitions(
    assortment: dict[str, Product], client: FlaskClient, stars: int, expected: set[str]
) -> None:
    # The wine's 5★ expired and its 4★ is still pending: it never qualifies.
    assert set(listed(client, f"?min_stars={stars}")) == expected


def test_certification_filter(assortment: dict[str, Product], client: FlaskClient) -> None:
    assert set(listed(client, "?cert=vietgap")) == {"Chè Shan tuyết Na Hang", "Cam sành Hàm Yên"}
    assert listed(client, "?cert=organic") == ["Chè Shan tuyết Na Hang"]
    assert listed(client, "?cert=globalgap") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?price_min=100000", {"Chè Shan tuyết Na Hang", "Mật ong bạc hà", "Rượu ngô men lá"}),
        ("?price_max=120000", {"Cam sành Hàm Yên", "Rượu ngô men lá"}),
        ("?price_min=120.000&price_max=350.000", {"Chè Shan tuyết Na Hang", "Rượu ngô men lá"}),
        ("?price_min=500000", set()),
    ],
)
def test_price_range_is_inclusive_and_accepts_dotted_thousands(
    assortment: dict[str, Product], client: FlaskClient, query: str, expected: set[str]
) -> None:
    assert set(listed(client, query)) == expected


def test_in_stock_filter_hides_sold_out_products(
    assortment: dict[str, Product], client: FlaskClient
) -> None:
    assert "Mật ong bạc hà" in listed(client)
    assert "Mật ong bạc hà" not in listed(client, "?in_stock=1")
    assert len(listed(client, "?in_stock=1")) == 3


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (
            "price_asc",
            ["Cam sành Hàm Yên", "Rượu ngô men lá", "Chè Shan tuyết Na Hang", "Mật ong bạc hà"],
        ),
        (
            "price_desc",
            ["Mật ong bạc hà", "Chè Shan tuyết Na Hang", "Rượu ngô men lá", "Cam sành Hàm Yên"],
        ),
        (
            "stars",
            ["Chè Shan tuyết Na Hang", "Cam sành Hàm Yên", "Mật ong bạc hà", "Rượu ngô men lá"],
        ),
        (
            "newest",
            ["Rượu ngô men lá", "Mật ong bạc hà", "Cam sành Hàm Yên", "Chè Shan tuyết Na Hang"],
        ),
    ],
)
def test_every_sort_order(
    assortment: dict[str, Product], client: FlaskClient, sort: str, expected: list[str]
) -> None:
    assert listed(client, f"?sort={sort}") == expected


def test_filters_combine(assortment: dict[str, Product], client: FlaskClient) -> None:
    query = f"?group={group_slug('I')}&area=na-hang&min_stars=5&cert=organic&in_stock=1"
    assert listed(client, query + "&price_min=300000&price_max=400000&sort=price_asc") == [
        "Chè Shan tuyết Na Hang"
    ]


def test_filter_form_reflects_the_current_filters(
    assortment: dict[str, Product], client: FlaskClient
) -> None:
    page = client.get(
        f"{LISTING}?area=na-hang&min_stars=4&cert=vietgap&price_min=1000&in_stock=1&sort=stars"
    ).get_data(as_text=True)
    assert '<option value="na-hang" selected>' in page
    assert '<option value="4" selected>' in page
    assert '<option value="vietgap" selected>' in page
    assert '<option value="stars" selected>' in page
    assert 'name="price_min" inputmode="numeric" value="1000"' in page
    assert 'name="in_stock" value="1" checked' in page


def test_invalid_filter_values_are_explained_and_ignored(
    assortment: dict[str, Product], client: FlaskClient
) -> None:
    response = client.get(f"{LISTING}?min_stars=9&price_min=abc&page=0&sort=x")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for message in (
        "Hạng sao OCOP từ 3 đến 5.",
        "Nhập giá bằng đồng, ví dụ 50000.",
        "Không có trang này.",
        "Không có cách sắp xếp này.",
    ):
        assert message in page
    assert page.count("Bộ lọc đó đã được bỏ qua.") == 4
    assert len(names(page)) == 4


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?group=khong-co", "Không có nhóm sản phẩm này."),
        ("?area=ha-noi", "Không có vùng này."),
        ("?commune=00004", "Không có xã/phường này."),
        ("?cert=iso9001", "Không có chứng nhận này."),
        ("?price_max=-5", "Nhập giá bằng đồng, ví dụ 50000."),
        ("?price_min=99999999999999999999", "Nhập giá bằng đồng, ví dụ 50000."),
        ("?min_stars=3.5", "Hạng sao OCOP từ 3 đến 5."),
        ("?min_stars=%C2%B3", "Hạng sao OCOP từ 3 đến 5."),
        ("?page=abc", "Không có trang này."),
        ("?page=-1", "Không có trang này."),
    ],
)
def test_each_invalid_filter_gets_its_own_message(
    assortment: dict[str, Product], client: FlaskClient, query: str, message: str
) -> None:
    response = client.get(LISTING + query)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)


def test_a_page_past_the_end_is_empty_not_an_error(
    assortment: dict[str, Product], client: FlaskClient
) -> None:
    response = client.get(f"{LISTING}?page=500")
    assert response.status_code == 200
    assert names(response.get_data(as_text=True)) == []


# --- Pagination and shareable URLs ---------------------------------------------------------------


@pytest.fixture
def thirty_products(ctx: None) -> list[str]:
    """Thirty teas with equal price and creation time, so only the tie-breaker orders them."""
    maker = factories.producer(commune_code="02221", area_slug="na-hang")
    same_time = datetime(2025, 3, 1, 8, 0)
    return [
        factories.product(
            maker,
            name=f"Chè số {n:02d}",
            category_code="I.5.a",
            price=100_000,
            created_at=same_time,
        ).name
        for n in range(30)
    ]


def test_pagination_keeps_the_filters_and_covers_every_product_once(
    thirty_products: list[str], client: FlaskClient
) -> None:
    tea = group_slug("I.5.a")
    first = client.get(f"{LISTING}?group={tea}&area=na-hang&sort=price_asc")
    html = first.get_data(as_text=True)
    assert len(names(html)) == 12
    assert "30 sản phẩm" in html
    assert "Trang 1 / 3" in html
    next_link = re.search(r'rel="next" href="([^"]+)"', html)
    assert next_link is not None
    href = next_link.group(1).replace("&amp;", "&")
    assert href == f"/san-pham?page=2&group={tea}&area=na-hang&sort=price_asc"
    together = names(html)
    while next_link is not None:
        page = client.get(next_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
        assert 'rel="prev"' in page
        together += names(page)
        next_link = re.search(r'rel="next" href="([^"]+)"', page)
    assert sorted(together) == sorted(thirty_products)
    assert len(set(together)) == 30


def test_the_same_url_always_shows_the_same_products(
    thirty_products: list[str], client: FlaskClient
) -> None:
    for sort in ("newest", "price_asc", "price_desc", "stars"):
        url = f"{LISTING}?sort={sort}&page=2"
        assert listed(client, url.removeprefix(LISTING)) == listed(
            client, url.removeprefix(LISTING)
        )
        assert len(listed(client, f"?sort={sort}&page=3")) == 6


def test_listing_has_a_canonical_url_without_defaults(
    thirty_products: list[str], client: FlaskClient
) -> None:
    page = client.get(f"{LISTING}?sort=newest&area=na-hang&page=1&bogus=1").get_data(as_text=True)
    assert '<link rel="canonical" href="http://localhost/san-pham?area=na-hang">' in page
    page2 = client.get(f"{LISTING}?page=2&area=na-hang").get_data(as_text=True)
    assert 'href="http://localhost/san-pham?page=2&amp;area=na-hang"' in page2


# --- Product page -----------------------------------------------------------------------------


def test_product_page_shows_price_unit_stock_producer_and_valid_stars(
    ctx: None, client: FlaskClient
) -> None:
    maker = factories.producer(name="HTX Sử Anh", commune_code="02509", area_slug="yen-son")
    item = factories.product(maker, name="Chè xanh Ngọc Thuý", price=125_000, unit="hộp 200 g")
    factories.recognition(item, stars=4)
    page = client.get(f"/san-pham/{item.slug}").get_data(as_text=True)
    assert '<span class="price big">125.000 ₫</span> <span class="unit">/ hộp 200 g</span>' in page
    assert "Chỉ còn 10" in page
    assert f'href="/nha-san-xuat/{maker.slug}">HTX Sử Anh</a>' in page
    assert "Phường Mỹ Lâm, Tuyên Quang" in page  # commune + province (2025 units)
    assert 'aria-label="OCOP 4 sao"' in page or "★★★★</span>" in page
    assert "Hiệu lực đến" in page


@pytest.mark.parametrize(("stock", "badge"), [(0, "Hết hàng"), (3, "Chỉ còn 3"), (50, "Còn hàng")])
def test_product_page_stock_state(ctx: None, client: FlaskClient, stock: int, badge: str) -> None:
    item = factories.product(factories.producer(), stock=stock)
    assert badge in client.get(f"/san-pham/{item.slug}").get_data(as_text=True)


def test_an_expired_ocop_recognition_is_shown_as_expired(ctx: None, client: FlaskClient) -> None:
    item = factories.product(factories.producer(), name="Bánh gai Chiêm Hoá")
    old = factories.recognition(item, stars=4, decided=local_today() - timedelta(days=3 * 366))
    assert old.valid_until < local_today()
    page = client.get(f"/san-pham/{item.slug}").get_data(as_text=True)
    assert "Hết hiệu lực từ" in page
    assert "từng đạt 4★; đang chờ đánh giá lại" in page
    assert "Hiệu lực đến" not in page
    assert old.decision_number in page
    card_page = client.get(LISTING).get_data(as_text=True)
    assert 'class="stars"' not in card_page
    assert listed(client, "?min_stars=3") == []


def test_a_renewed_recognition_wins_over_the_expired_one(ctx: None, client: FlaskClient) -> None:
    item = factories.product(factories.producer())
    factories.recognition(item, stars=5, decided=local_today() - timedelta(days=4 * 365))
    factories.recognition(item, stars=3)
    page = client.get(f"/san-pham/{item.slug}").get_data(as_text=True)
    assert "Hiệu lực đến" in page
    assert "Hết hiệu lực từ" not in page
    assert listed(client, "?min_stars=3") == [item.name]
    assert listed(client, "?min_stars=4") == []


@pytest.mark.parametrize(
    ("status", "review", "badge"),
    [
        (AreaStatus.ACTIVE, ReviewStatus.APPROVED, "Còn hiệu lực"),
        (AreaStatus.SUSPENDED, ReviewStatus.APPROVED, "Đang bị đình chỉ — hiện không có hiệu lực"),
        (AreaStatus.CANCELLED, ReviewStatus.APPROVED, "Đã bị thu hồi — không có hiệu lực"),
        (AreaStatus.ACTIVE, ReviewStatus.PENDING, "Đang chờ xác minh"),
    ],
)
def test_growing_area_code_is_shown_with_its_status(
    ctx: None, client: FlaskClient, status: AreaStatus, review: ReviewStatus, badge: str
) -> None:
    maker = factories.producer()
    area = factories.growing_area(maker, code="VN-TQ-HY-0042", status=status, review_status=review)
    item = factories.product(maker, growing_area_id=area.id)
    page = client.get(f"/san-pham/{item.slug}").get_data(as_text=True)
    assert "<code>VN-TQ-HY-0042</code>" in page
    assert badge in page


def test_open_graph_tags_and_json_ld_product_markup(ctx: None, client: FlaskClient) -> None:
    maker = factories.producer(name="HTX Đồng Lộc")
    item = factories.product(
        maker,
        name="Bánh gai Chiêm Hoá",
        price=125_000,
        stock=0,
        unit="chục",
        description="Bánh gai lá gai tươi, nhân đậu xanh.",
        gtin="08930000000012",
    )
    image = photo(item)
    page = client.get(f"/san-pham/{item.slug}").get_data(as_text=True)
    parsed = parse_page(page)
    url = f"http://localhost/san-pham/{item.slug}"
    assert parsed.meta["og:type"] == "product"
    assert parsed.meta["og:title"] == "Bánh gai Chiêm Hoá"
    assert parsed.meta["og:url"] == url
    assert parsed.meta["og:description"] == "125.000 ₫ / chục · HTX Đồng Lộc"
    assert parsed.meta["og:image"] == f"http://localhost/anh/{image.key}/zoom.webp"
    assert parsed.meta["og:locale"] == "vi_VN"
    assert parsed.meta["product:price:amount"] == "125000"
    assert parsed.meta["product:price:currency"] == "VND"
    [raw] = parsed.jsonld
    data = json.loads(raw)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Product"
    assert data["name"] == "Bánh gai Chiêm Hoá"
    assert data["gtin14"] == "08930000000012"
    assert data["image"] == [f"http://localhost/anh/{image.key}/zoom.webp"]
    assert data["offers"] == {
        "@type": "Offer",
        "url": url,
        "priceCurrency": "VND",
        "price": 125000,
        "availability": "https://schema.org/OutOfStock",
        "seller": {"@type": "Organization", "name": "HTX Đồng Lộc"},
    }


def test_markup_cannot_break_out_of_json_ld_or_meta_tags(ctx: None, client: FlaskClient) -> None:
    nasty = 'Rượu "ngô" </script><script>alert(1)</script>'
    item = factories.product(factories.producer(), name=nasty, description="<b>x</b> & y")
    page = client.get(f"/san-pham/{item.slug}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    parsed = parse_page(page)
    assert parsed.meta["og:title"] == nasty
    [raw] = parsed.jsonld
    assert json.loads(raw)["name"] == nasty
    assert json.loads(raw)["description"] == "<b>x</b> & y"


def test_prices_are_written_the_vietnamese_way_on_cards(ctx: None, client: FlaskClient) -> None:
    factories.product(factories.producer(), price=1_250_000, unit="kg")
    page = client.get(LISTING).get_data(as_text=True)
    assert '<span class="price">1.250.000 ₫</span> <span class="unit">/ kg</span>' in page


def test_product_page_in_english(ctx: None, client: FlaskClient) -> None:
    item = factories.product(factories.producer(), price=125_000, stock=0)
    page = client.get(f"/en/san-pham/{item.slug}").get_data(as_text=True)
    assert "Out of stock" in page
    assert "125,000 ₫" in page
    assert parse_page(page).meta["og:locale"] == "en_US"


def test_more_from_the_same_producer_lists_only_its_other_public_products(
    ctx: None, client: FlaskClient
) -> None:
    maker = factories.producer(name="HTX Sử Anh")
    item = factories.product(maker, name="Chè xanh")
    factories.product(maker, name="Trà Ngọc Thuý")
    factories.product(maker, name="Chè nháp", status=ProductStatus.DRAFT)
    factories.product(factories.producer(), name="Cam của người khác")
    page = client.get(f"/san-pham/{item.slug}").get_data(as_text=True)
    assert names(page) == ["Trà Ngọc Thuý"]


# --- Producer pages ---------------------------------------------------------------------------


def test_producer_page_shows_story_and_public_products_only(ctx: None, client: FlaskClient) -> None:
    maker = factories.producer(
        name="HTX chăn nuôi ong Phong Thổ",
        commune_code="02512",
        area_slug="tp-tuyen-quang",
        story="Ong nuôi dưới tán rừng.\n<script>alert(1)</script>",
    )
    factories.product(maker, name="Mật ong Hương rừng", price=300_000)
    factories.product(maker, name="Sáp ong", status=ProductStatus.PAUSED)
    page = client.get(f"/nha-san-xuat/{maker.slug}").get_data(as_text=True)
    assert "<h1>HTX chăn nuôi ong Phong Thổ</h1>" in page
    assert "<p>Ong nuôi dưới tán rừng.</p>" in page
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert names(page) == ["Mật ong Hương rừng"]
    assert "300.000 ₫" in page
    meta = parse_page(page).meta
    assert meta["og:url"] == f"http://localhost/nha-san-xuat/{maker.slug}"


def test_producers_list_counts_active_products_and_filters_by_area(
    ctx: None, client: FlaskClient
) -> None:
    na_hang = factories.producer(name="HTX Chè Na Hang", commune_code="02221", area_slug="na-hang")
    factories.producer(name="HTX Cam Hàm Yên", commune_code="02392", area_slug="ham-yen")
    factories.product(na_hang)
    factories.product(na_hang)
    factories.product(na_hang, status=ProductStatus.ARCHIVED)
    page = client.get("/nha-san-xuat").get_data(as_text=True)
    assert "HTX Chè Na Hang" in page
    assert "HTX Cam Hàm Yên" in page
    assert "2 sản phẩm" in page
    assert "0 sản phẩm" in page
    district = client.get("/nha-san-xuat?area=na-hang").get_data(as_text=True)
    assert "Nhà sản xuất ở Na Hang" in district
    assert "HTX Cam Hàm Yên" not in district


# --- Photos -----------------------------------------------------------------------------------


def test_photos_are_served_as_webp_with_a_long_cache(ctx: None, client: FlaskClient) -> None:
    image = photo(factories.product(factories.producer()))
    for rendition in ("thumb", "card", "zoom"):
        path = f"/anh/{image.key}/{rendition}.webp"
        with client.get(path) as response:
            assert response.status_code == 200
            assert response.mimetype == "image/webp"
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.data[:4] == b"RIFF"
            assert response.data[8:12] == b"WEBP"
            etag = response.headers["ETag"]
        with client.get(path, headers={"If-None-Match": etag}) as cached:
            assert cached.status_code == 304


@pytest.mark.parametrize(
    "path",
    [
        "/anh/{key}/original.webp",
        "/anh/{key}/huge.webp",
        "/anh/{short}/card.webp",
        "/anh/{dots}/card.webp",
        "/anh/..%2F..%2Fetc%2Fpasswd/card.webp",
        "/anh/0123456789abcdef0123456789abcdef/card.webp",
        "/anh/{key}/card.png",
    ],
)
def test_the_image_route_refuses_bad_keys_and_renditions(
    ctx: None, client: FlaskClient, path: str
) -> None:
    image = photo(factories.product(factories.producer()))
    url = path.format(key=image.key, short=image.key[:10], dots="." * 30 + image.key[:2])
    assert client.get(url).status_code == 404


def test_cards_use_lazy_loaded_photos_with_their_size(ctx: None, client: FlaskClient) -> None:
    maker = factories.producer()
    for n in range(4):
        photo(factories.product(maker, name=f"Bưởi {n}"))
    page = client.get(LISTING).get_data(as_text=True)
    tags = re.findall(r"<img [^>]*>", page)
    assert len(tags) == 4
    assert all('width="480" height="360"' in tag for tag in tags)
    assert sum('loading="lazy"' in tag for tag in tags) == 2  # the first two load at once


# --- Page weight ------------------------------------------------------------------------------


def test_a_full_catalog_page_with_its_css_stays_under_60_kb(
    ctx: None, client: FlaskClient, app: Flask
) -> None:
    makers: list[Producer] = [
        factories.producer(
            name=f"Hợp tác xã Nông nghiệp và Dịch vụ Chè Shan tuyết Hồng Thái số {n}",
            commune_code="02221",
            area_slug="na-hang",
        )
        for n in range(6)
    ]
    for n in range(26):
        item = factories.product(
            makers[n % 6],
            name=f"Chè Shan tuyết cổ thụ Hồng Thái búp bạc thượng hạng hộp quà {n:02d}",
            price=1_250_000 + n,
            unit="hộp 500 g",
            stock=n % 3,
            category_code="I.5.a",
        )
        factories.recognition(item, stars=3 + n % 3)
        photo(item)
    html = client.get(f"{LISTING}?min_stars=3").data
    assert len(names(html.decode())) == 12
    css = Path(ROOT, "static", "css", "site.css").read_bytes()
    with client.get("/static/css/site.css") as served:
        assert served.data == css
    assert len(html) + len(css) <= 60_000, f"{len(html)} B of HTML + {len(css)} B of CSS"
