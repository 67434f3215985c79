"""Bulk, realistic catalog rows for benchmarks: Tuyên Quang producers and their products.

Names, places, units and prices follow ../shared/domain/tuyen-quang.md; the mix of statuses,
OCOP recognitions (some expired, some pending), certifications, growing areas (some suspended)
and photos (rows only, no files) resembles a grown-up marketplace. Rows go in with executemany
inserts, a few seconds for 10,000 products. Run inside an app context on migrated, empty tables.
"""

import random
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from catalog.categories import sync_categories
from catalog.models import (
    AreaStatus,
    Category,
    Certification,
    GrowingArea,
    IssuingLevel,
    OcopRecognition,
    Producer,
    ProducerKind,
    ProducerStatus,
    Product,
    ProductCertification,
    ProductImage,
    ProductStatus,
    ReviewStatus,
)
from catalog.ocop import refresh_stars
from market import places
from market.extensions import db
from market.text import slugify


@dataclass(frozen=True)
class Kind:
    """A kind of product: its name, OCOP leaf, units and price range in đồng."""

    name: str
    category: str
    units: tuple[str, ...]
    low: int
    high: int
    crop: str | None = None  # grown on a registered growing area


KINDS = (
    Kind("Cam sành", "I.1.a", ("kg", "thùng 10 kg"), 20_000, 350_000, "Cam sành"),
    Kind("Bưởi Soi Hà", "I.1.a", ("quả", "kg"), 30_000, 90_000, "Bưởi"),
    Kind("Bưởi Xuân Vân", "I.1.a", ("quả", "kg"), 30_000, 90_000, "Bưởi"),
    Kind("Hồng không hạt", "I.1.a", ("kg", "hộp 2 kg"), 40_000, 160_000, "Hồng"),
    Kind("Dưa lưới", "I.1.a", ("kg", "quả"), 45_000, 120_000, "Dưa lưới"),
    Kind("Cá đặc sản sông Lô", "I.1.b", ("kg",), 180_000, 650_000),
    Kind("Gạo nếp cái hoa vàng", "I.2.a", ("túi 2 kg", "túi 5 kg"), 60_000, 220_000, "Lúa nếp"),
    Kind("Mật ong bạc hà", "I.2.b", ("chai 500 ml", "chai 1 lít"), 250_000, 700_000),
    Kind("Mật ong Hương rừng", "I.2.b", ("chai 500 ml", "chai 1 lít"), 220_000, 600_000),
    Kind("Miến dong", "I.3.b", ("gói 500 g", "gói 1 kg"), 45_000, 120_000),
    Kind("Bánh gai Chiêm Hoá", "I.3.b", ("chục", "hộp 6 chiếc"), 60_000, 150_000),
    Kind("Bún ngũ sắc", "I.3.b", ("gói 500 g",), 35_000, 80_000),
    Kind("Bánh khảo", "I.3.b", ("hộp 300 g",), 40_000, 95_000),
    Kind("Măng rừng khô", "I.3.c", ("gói 500 g", "kg"), 120_000, 400_000),
    Kind("Thịt trâu gác bếp", "I.3.d", ("gói 500 g", "kg"), 350_000, 1_200_000),
    Kind("Chè Shan tuyết", "I.5.a", ("hộp 200 g", "gói 500 g", "kg"), 150_000, 2_500_000, "Chè"),
    Kind("Chè xanh Ngọc Thuý", "I.5.a", ("hộp 200 g", "gói 500 g"), 120_000, 900_000, "Chè"),
    Kind("Trà hoa vàng", "I.5.b", ("hộp 50 g", "hộp 100 g"), 300_000, 1_800_000),
    Kind("Rượu ngô men lá", "II.1.a", ("chai 500 ml", "can 2 lít"), 80_000, 350_000),
    Kind("Nước khoáng nóng Mỹ Lâm", "II.2.a", ("thùng 24 chai",), 90_000, 160_000),
    Kind("Cao lá tắm người Dao", "III.1.a", ("chai 250 ml", "gói 200 g"), 60_000, 250_000),
    Kind("Tinh dầu quế", "III.3.a", ("lọ 10 ml", "lọ 50 ml"), 45_000, 300_000),
    Kind("Giỏ mây tre đan", "IV.1.a", ("chiếc", "bộ 3 chiếc"), 80_000, 600_000),
    Kind("Khăn thổ cẩm Tày", "IV.2.a", ("chiếc",), 150_000, 900_000),
    Kind("Lan rừng", "V.1.a", ("chậu",), 150_000, 2_000_000),
    Kind("Homestay nhà sàn Lâm Bình", "VI.1.a", ("đêm", "người/đêm"), 250_000, 1_500_000),
)
QUALIFIERS = ("", "loại 1", "đặc biệt", "hữu cơ", "hộp quà", "thượng hạng", "vụ mới", "cổ truyền")
FAMILY = ("Nguyễn", "Hoàng", "Lý", "Ma", "Triệu", "Đặng", "Bàn", "Nông", "Hà", "Quan", "Chẩu")
MIDDLE = ("Văn", "Thị", "Đức", "Thu", "Ngọc")
GIVEN = ("Sáng", "Lan", "Hùng", "Mai", "Tùng", "Hoa", "Bình", "Thắm", "Khánh", "Dũng", "Nhung")


def _person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _producer_name(rng: random.Random, kind: ProducerKind, trade: str, place: str) -> str:
    if kind == ProducerKind.COOPERATIVE:
        return f"HTX {trade} {place}"
    if kind == ProducerKind.COOPERATIVE_GROUP:
        return f"Tổ hợp tác {trade} {place}"
    if kind == ProducerKind.HOUSEHOLD:
        return f"Hộ {_person(rng)} ({place})"
    return f"Công ty TNHH {trade} {place}"


def load_catalog(products: int = 10_000, seed: int = 2025) -> dict[str, int]:
    """Insert producers, products, recognitions, certifications, areas and photo rows."""
    rng = random.Random(seed)
    sync_categories()
    leaf_ids = dict(db.session.execute(sa.select(Category.code, Category.id)).all())
    now = datetime.now().replace(microsecond=0)
    today = date.today()
    communes = [(places.default_area(c.code), c) for c in places.communes(places.HOME_PROVINCE)]
    province = places.home_province().name

    producer_rows, trades = [], []
    for n in range(max(1, products // 30)):
        area, commune = rng.choice(communes)
        trade = rng.choice(KINDS)
        kind = rng.choices(list(ProducerKind), weights=(5, 2, 4, 1))[0]
        name = _producer_name(rng, kind, trade.name, commune.short_name)
        status = rng.choices(list(ProducerStatus), weights=(3, 94, 3))[0]
        producer_rows.append(
            {
                "slug": f"{slugify(name)[:100]}-{n}",
                "name": name,
                "kind": kind,
                "commune_code": commune.code,
                "area_slug": area.slug if area else None,
                "address": f"Thôn {rng.randint(1, 12)}, {commune.name}, {province}",
                "phone": f"09{rng.randint(10_000_000, 99_999_999)}",
                "bank_bin": "970405",
                "bank_account": f"{rng.randint(10**12, 10**13 - 1)}",
                "bank_holder": slugify(name).replace("-", " ").upper()[:50],
                "story": f"{name} làm {trade.name.lower()} theo cách truyền thống của bà con.",
                "status": status,
                "status_reason": "",
                "created_at": now - timedelta(days=rng.randint(30, 900)),
            }
        )
        trades.append(trade)
    db.session.execute(sa.insert(Producer), producer_rows)
    producer_ids = list(db.session.scalars(sa.select(Producer.id).order_by(Producer.id)))

    area_rows = []
    for index, (producer_id, trade) in enumerate(zip(producer_ids, trades, strict=True)):
        if trade.crop:
            row = producer_rows[index]
            area_rows.append(
                {
                    "producer_id": producer_id,
                    "code": f"VN-TQ-{row['commune_code']}-{index:05d}",
                    "crop": trade.crop,
                    "variety": "",
                    "area_ha": Decimal(rng.randint(5, 400)) / 10,
                    "households": rng.randint(3, 80),
                    "commune_code": row["commune_code"],
                    "area_slug": row["area_slug"],
                    "target_market": "",
                    "issuing_body": "Chi cục Trồng trọt và Bảo vệ thực vật Tuyên Quang",
                    "status": rng.choices(list(AreaStatus), weights=(92, 6, 2))[0],
                    "review_status": ReviewStatus.APPROVED,
                    "created_at": now - timedelta(days=rng.randint(30, 900)),
                }
            )
    if area_rows:
        db.session.execute(sa.insert(GrowingArea), area_rows)
    area_ids = dict(db.session.execute(sa.select(GrowingArea.producer_id, GrowingArea.id)).all())

    product_rows = []
    for n in range(products):
        producer_index = rng.randrange(len(producer_ids))
        producer_id = producer_ids[producer_index]
        kind = trades[producer_index] if rng.random() < 0.7 else rng.choice(KINDS)
        maker = producer_rows[producer_index]
        place = places.commune(maker["commune_code"]).short_name
        name = " ".join(part for part in (kind.name, place, rng.choice(QUALIFIERS)) if part)
        created = now - timedelta(minutes=rng.randint(0, 730 * 24 * 60))
        product_rows.append(
            {
                "producer_id": producer_id,
                "slug": f"{slugify(name)[:140]}-{n}",
                "sku": None,
                "name": name,
                "category_id": leaf_ids[kind.category],
                "unit": rng.choice(kind.units),
                "price": rng.randint(kind.low // 1000, kind.high // 1000) * 1000,
                "stock": 0 if rng.random() < 0.1 else rng.randint(1, 500),
                "status": rng.choices(list(ProductStatus), weights=(5, 88, 4, 3))[0],
                "description": f"{kind.name} từ {place}, do {maker['name']} sản xuất. "
                "Đóng gói cẩn thận, giao trong ngày ở thành phố Tuyên Quang.",
                "gtin": None,
                "growing_area_id": area_ids.get(producer_id) if kind.crop else None,
                "created_at": created,
                "updated_at": created,
            }
        )
    db.session.execute(sa.insert(Product), product_rows)
    product_ids = list(db.session.scalars(sa.select(Product.id).order_by(Product.id)))

    recognitions, certifications, images = [], [], []
    for product_id in product_ids:
        if rng.random() < 0.4:
            stars = rng.choices((3, 4, 5), weights=(60, 35, 5))[0]
            decided = today - timedelta(days=rng.randint(10, 1600))
            recognitions.append(
                {
                    "product_id": product_id,
                    "stars": stars,
                    "decision_number": f"{rng.randint(1, 999)}/QĐ-UBND",
                    "decision_date": decided,
                    "issuing_level": IssuingLevel.CENTRAL if stars == 5 else IssuingLevel.PROVINCE,
                    "valid_until": decided + timedelta(days=3 * 365),
                    "review_status": rng.choices(
                        (ReviewStatus.APPROVED, ReviewStatus.PENDING), weights=(9, 1)
                    )[0],
                    "review_reason": "",
                    "created_at": now,
                }
            )
        for code, share in ((Certification.VIETGAP, 0.2), (Certification.ORGANIC, 0.05)):
            if rng.random() < share:
                certifications.append({"product_id": product_id, "code": code})
        if rng.random() < 0.75:
            images.append(
                {
                    "product_id": product_id,
                    "position": 0,
                    "key": secrets.token_hex(16),
                    "width": 1200,
                    "height": 900,
                    "alt": "",
                    "created_at": now,
                }
            )
    for model, rows in (
        (OcopRecognition, recognitions),
        (ProductCertification, certifications),
        (ProductImage, images),
    ):
        if rows:
            db.session.execute(sa.insert(model), rows)
    db.session.commit()
    refresh_stars()  # the recognitions went in as bulk rows, past the ORM hook that keeps stars
    return {
        "producers": len(producer_rows),
        "products": len(product_rows),
        "growing areas": len(area_rows),
        "OCOP recognitions": len(recognitions),
        "certifications": len(certifications),
        "photos": len(images),
    }
