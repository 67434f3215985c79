"""Search fixtures: the backend under test and a fixed catalog of real Tuyên Quang products.

On SQLite the search tests run against tantivy and Whoosh; with TEST_DATABASE_URL
(PostgreSQL) against the PostgreSQL backend too, so all pass the same relevance table.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient

from catalog.categories import sync_categories
from catalog.models import Certification, ProducerStatus, ProductStatus
from market import create_app
from market.extensions import db
from tests import factories
from tests.conftest import TEST_DATABASE_URL, _empty_tables, _test_config

BACKENDS = ["tantivy", "whoosh", "postgres"] if TEST_DATABASE_URL else ["tantivy", "whoosh"]


@pytest.fixture(params=BACKENDS)
def backend_name(request: pytest.FixtureRequest) -> str:
    """The search backend under test."""
    return request.param


@pytest.fixture
def app_config(app_config: dict, backend_name: str) -> dict:
    """The test app with the backend under test."""
    return {**app_config, "SEARCH_BACKEND": backend_name}


@dataclass(frozen=True)
class Maker:
    """A producer of the fixed catalog."""

    name: str
    area: str
    commune: str
    status: ProducerStatus = ProducerStatus.VERIFIED


@dataclass(frozen=True)
class Item:
    """A product of the fixed catalog."""

    name: str
    maker: str
    category: str
    price: int
    stars: int | None = None
    certs: tuple[Certification, ...] = ()
    stock: int = 10
    status: ProductStatus = ProductStatus.ACTIVE
    description: str = ""


MAKERS = {
    "cam": Maker("HTX Cam sành Hàm Yên", "ham-yen", "02392"),
    "ong": Maker("HTX chăn nuôi ong Phong Thổ", "tp-tuyen-quang", "02512"),
    "suanh": Maker("HTX Sử Anh", "yen-son", "02509"),
    "dongloc": Maker("HTX Đồng Lộc", "chiem-hoa", "02287"),
    "hongthai": Maker("HTX Chè Shan tuyết Hồng Thái", "na-hang", "02260"),
    "nahang": Maker("Hộ kinh doanh Ma Văn Thắng", "na-hang", "02221"),
    "sonduong": Maker("HTX Nông sản sạch Sơn Dương", "son-duong", "02536"),
    "soiha": Maker("Tổ hợp tác Bưởi Soi Hà", "yen-son", "02449"),
    "lambinh": Maker("HTX Nông lâm nghiệp Lâm Bình", "lam-binh", "02266"),
    "songlo": Maker("Cơ sở cá sông Lô Tuyên Quang", "tp-tuyen-quang", "02215"),
    "banned": Maker("HTX Cam Canh Bị Đình Chỉ", "ham-yen", "02374", ProducerStatus.SUSPENDED),
}

ITEMS = [
    Item(
        "Cam sành Hàm Yên",
        "cam",
        "I.1.a",
        35_000,
        4,
        (Certification.VIETGAP,),
        description="Cam sành đặc sản, vỏ xanh, mọng nước, thu hái tháng 11.",
    ),
    Item("Cam sành loại 1 hộp quà 5kg", "cam", "I.1.a", 250_000, stock=0),
    Item(
        "Mật ong Hương rừng",
        "ong",
        "I.2.b",
        280_000,
        4,
        description="Mật ong nguyên chất từ rừng An Khang.",
    ),
    Item("Mật ong bạc hà", "ong", "I.2.b", 350_000, certs=(Certification.ORGANIC,)),
    Item("Chè xanh Ngọc Thuý Nõn", "suanh", "I.5.a", 150_000, 4),
    Item("Trà Ngọc Thuý", "suanh", "I.5.a", 120_000, 4),
    Item(
        "Bánh gai Chiêm Hoá",
        "dongloc",
        "I.3.b",
        60_000,
        4,
        description="Bánh gai nhân đậu xanh, gói lá chuối. Để nơi khô ráo, thoáng mát.",
    ),
    Item(
        "Chè Shan tuyết Na Hang",
        "hongthai",
        "I.5.a",
        400_000,
        5,
        (Certification.ORGANIC, Certification.VIETGAP),
    ),
    Item(
        "Miến dong Na Hang",
        "nahang",
        "I.3.b",
        70_000,
        3,
        description="Miến làm từ củ dong riềng, sợi dai.",
    ),
    Item("Rượu ngô men lá Na Hang", "nahang", "II.1.a", 150_000, 3),
    Item("Măng rừng Na Hang", "nahang", "I.3.c", 90_000),
    Item("Bưởi Soi Hà", "soiha", "I.1.a", 40_000, 3),
    Item("Dưa lưới Sơn Dương", "sonduong", "I.1.a", 55_000, certs=(Certification.GLOBALGAP,)),
    Item("Gạo nếp cái hoa vàng", "sonduong", "I.2.a", 45_000),
    Item(
        "Thịt trâu gác bếp",
        "lambinh",
        "I.3.d",
        900_000,
        3,
        description="Thịt bắp trâu ướp mắc khén, treo gác bếp. Để ngăn mát được ba tháng.",
    ),
    Item("Cá đặc sản sông Lô", "songlo", "I.1.b", 180_000),
    Item("Bánh khảo", "dongloc", "I.3.b", 50_000, stock=0),
    Item("Cam sành nháp chưa bán", "cam", "I.1.a", 30_000, status=ProductStatus.DRAFT),
    Item("Cam sành tạm ngừng", "cam", "I.1.a", 30_000, status=ProductStatus.PAUSED),
    Item("Cam canh đình chỉ", "banned", "I.1.a", 30_000),
]


def build_catalog() -> dict[str, int]:
    """Commit the fixed catalog; product name -> id."""
    makers = {
        key: factories.producer(
            name=m.name, area_slug=m.area, commune_code=m.commune, status=m.status
        )
        for key, m in MAKERS.items()
    }
    ids = {}
    for item in ITEMS:
        product = factories.product(
            makers[item.maker],
            name=item.name,
            price=item.price,
            stock=item.stock,
            status=item.status,
            category_code=item.category,
            description=item.description,
        )
        if item.certs:
            product.certifications = list(item.certs)
            db.session.commit()
        if item.stars:
            factories.recognition(product, stars=item.stars)
        ids[item.name] = product.id
    return ids


@pytest.fixture
def catalog(app: Flask) -> dict[str, int]:
    """The fixed catalog in this test's database."""
    with app.app_context():
        return build_catalog()


@pytest.fixture(scope="module", params=BACKENDS)
def shared_catalog(
    request: pytest.FixtureRequest,
    _schema: None,
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FlaskClient, dict[str, int]]]:
    """One fixed catalog for a module of read-only tests: a client and the product ids."""
    config = _test_config(database_url, tmp_path_factory.mktemp("catalog"))
    application = create_app({**config, "SEARCH_BACKEND": request.param})
    with application.app_context():
        _empty_tables()
        sync_categories()
        ids = build_catalog()
    yield application.test_client(), ids
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def api_ids(client: FlaskClient, q: str = "", **params: object) -> list[int]:
    """Search through the API and return the ids in ranked order."""
    response = client.get("/api/v1/products", query_string={"q": q, "per_page": 60, **params})
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


@pytest.fixture
def search_ids(client: FlaskClient) -> Callable[..., list[int]]:
    """Search this test's catalog through the API; ids in ranked order."""
    return lambda q="", **params: api_ids(client, q, **params)
