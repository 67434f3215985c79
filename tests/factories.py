"""Builders for catalog rows in tests; each returns a committed, detached-safe object id."""

from datetime import date, timedelta
from itertools import count

import sqlalchemy as sa

from catalog.models import (
    BankAccountCheck,
    Category,
    GrowingArea,
    IssuingLevel,
    MemberRole,
    OcopRecognition,
    Producer,
    ProducerKind,
    ProducerMember,
    ProducerStatus,
    Product,
    ProductStatus,
    ReviewStatus,
    ocop_valid_until,
)
from market import places
from market.accounts.models import User
from market.extensions import db
from orders.delivery_rates import DeliveryRate, ZoneKind

_seq = count(1)


def leaf(code: str = "I.1.a") -> Category:
    """A category of the OCOP tree by code (the tree is loaded by the ``app`` fixture)."""
    return db.session.scalar(sa.select(Category).where(Category.code == code))


def producer(
    name: str | None = None,
    status: ProducerStatus = ProducerStatus.VERIFIED,
    commune_code: str = "02392",  # Xã Phù Lưu
    area_slug: str = "ham-yen",
    owner: User | None = None,
    checked: bool = True,
    delivery_fee: int | None = 30_000,
    delivery_fee_elsewhere: int | None = None,
    **fields: object,
) -> Producer:
    """A producer, verified by default, optionally owned by ``owner``, its payout account
    checked by a manager unless ``checked`` is False; it delivers itself in its province for
    ``delivery_fee`` and elsewhere for ``delivery_fee_elsewhere`` (None: not there)."""
    n = next(_seq)
    item = Producer(
        slug=f"producer-{n}",
        name=name or f"HTX Thử nghiệm {n}",
        kind=fields.pop("kind", ProducerKind.COOPERATIVE),
        commune_code=commune_code,
        area_slug=area_slug,
        status=status,
        bank_bin=fields.pop("bank_bin", "970436"),
        bank_account=fields.pop("bank_account", f"00110{n:08d}"),
        bank_holder=fields.pop("bank_holder", f"HTX THU NGHIEM {n}"),
        **fields,
    )
    db.session.add(item)
    if owner is not None:
        db.session.add(ProducerMember(producer=item, user_id=owner.id, role=MemberRole.OWNER))
    db.session.flush()
    province = places.commune(commune_code).province_code if commune_code else "08"
    for kind, code, fee in (
        (ZoneKind.PROVINCE, province, delivery_fee),
        (ZoneKind.EVERYWHERE, "", delivery_fee_elsewhere),
    ):
        if fee is not None:
            db.session.add(
                DeliveryRate(producer_id=item.id, zone_kind=kind, zone_code=code, fee=fee)
            )
    if checked and item.bank_account:  # a manager checked its payout account
        db.session.add(
            BankAccountCheck(
                producer_id=item.id,
                bank_bin=item.bank_bin,
                bank_account=item.bank_account,
                bank_holder=item.bank_holder,
            )
        )
    db.session.commit()
    return item


def product(
    maker: Producer,
    name: str | None = None,
    price: int = 100_000,
    stock: int = 10,
    status: ProductStatus = ProductStatus.ACTIVE,
    category_code: str = "I.1.a",
    **fields: object,
) -> Product:
    """A product of ``maker``, active by default."""
    n = next(_seq)
    item = Product(
        producer=maker,
        slug=fields.pop("slug", f"product-{n}"),
        name=name or f"Sản phẩm {n}",
        category=leaf(category_code),
        unit=fields.pop("unit", "kg"),
        price=price,
        stock=stock,
        status=status,
        **fields,
    )
    db.session.add(item)
    db.session.commit()
    return item


def recognition(
    item: Product,
    stars: int = 4,
    decided: date | None = None,
    review: ReviewStatus = ReviewStatus.APPROVED,
) -> OcopRecognition:
    """An OCOP recognition valid 36 months from its decision date."""
    decided = decided or date.today() - timedelta(days=100)
    rec = OcopRecognition(
        product=item,
        stars=stars,
        decision_number=f"{next(_seq)}/QĐ-UBND",
        decision_date=decided,
        issuing_level=IssuingLevel.CENTRAL if stars == 5 else IssuingLevel.PROVINCE,
        valid_until=ocop_valid_until(decided),
        review_status=review,
    )
    db.session.add(rec)
    db.session.commit()
    return rec


def growing_area(maker: Producer, code: str | None = None, **fields: object) -> GrowingArea:
    """An approved, active growing area of ``maker``."""
    area = GrowingArea(
        producer=maker,
        code=code or f"VN-TQ-{next(_seq):04d}",
        crop=fields.pop("crop", "Cam sành"),
        commune_code=fields.pop("commune_code", maker.commune_code),
        area_slug=fields.pop("area_slug", maker.area_slug),
        review_status=fields.pop("review_status", ReviewStatus.APPROVED),
        **fields,
    )
    db.session.add(area)
    db.session.commit()
    return area
