"""Listings: create and edit products, change their status, and claim OCOP recognitions."""

import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from catalog import audit, stock_history
from catalog.audit import Actor
from catalog.gs1 import normalize_gtin
from catalog.models import (
    Category,
    Certification,
    GrowingArea,
    IssuingLevel,
    OcopRecognition,
    Producer,
    Product,
    ProductStatus,
)
from catalog.stock_history import StockReason
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.numbers import MAX_COUNT
from market.extensions import db
from market.text import slugify

logger = logging.getLogger(__name__)

PRODUCT_FIELDS = (
    "sku",
    "name",
    "category_id",
    "unit",
    "price",
    "low_stock_threshold",
    "weight_grams",
    "length_cm",
    "width_cm",
    "height_cm",
    "description",
    "certifications",
    "growing_area_id",
    "gtin",
    "status",
)
# Which status a product may move to from each status.
TRANSITIONS = {
    ProductStatus.DRAFT: {ProductStatus.ACTIVE, ProductStatus.ARCHIVED},
    ProductStatus.ACTIVE: {ProductStatus.PAUSED, ProductStatus.ARCHIVED},
    ProductStatus.PAUSED: {ProductStatus.ACTIVE, ProductStatus.ARCHIVED},
    ProductStatus.ARCHIVED: {ProductStatus.DRAFT},
}
OCOP_VALIDITY_MONTHS = 36


@dataclass
class ProductData:
    """The editable facts of a listing (stock changes go through the stock history)."""

    name: str
    category_id: int
    unit: str
    price: int
    description: str = ""
    certifications: list[Certification] = field(default_factory=list)
    growing_area_id: int | None = None
    gtin: str = ""
    sku: str = ""
    low_stock_threshold: int = 5
    # One unit packed for sale; without a weight it cannot go by carrier.
    weight_grams: int | None = None
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None


def leaf_category(category_id: int | None) -> Category:
    """The leaf category with this id, or a WorkspaceError."""
    category = db.session.get(Category, category_id) if category_id else None
    if category is None or category.children:
        raise WorkspaceError(_l("Choose a product group from the list."), field="category_id")
    return category


def own_growing_area(producer_id: int, area_id: int | None) -> GrowingArea | None:
    """One of the producer's growing areas, None for none, or a WorkspaceError."""
    if not area_id:
        return None
    area = db.session.get(GrowingArea, area_id)
    if area is None or area.producer_id != producer_id:
        raise WorkspaceError(_l("Choose one of your growing areas."), field="growing_area_id")
    return area


def checked_gtin(raw: str, product_id: int | None) -> str | None:
    """The GTIN as 14 digits, None when empty; refuses bad check digits and duplicates."""
    if not raw.strip():
        return None
    gtin = normalize_gtin(raw)
    if gtin is None:
        raise WorkspaceError(
            _l(
                "This GTIN is not valid: check the digits (8, 12, 13 or 14, last is a check digit)."
            ),
            field="gtin",
        )
    other = db.session.scalar(sa.select(Product.id).where(Product.gtin == gtin))
    if other is not None and other != product_id:
        raise WorkspaceError(_l("Another product already uses this GTIN."), field="gtin")
    return gtin


def unique_slugs(names: list[str]) -> list[str]:
    """A new, unused product URL slug for each name."""
    result: list[str] = []
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        wanted = [f"{slugify(n)[:100] or 'san-pham'}-{secrets.token_hex(3)}" for n in chunk]
        taken = set(db.session.scalars(sa.select(Product.slug).where(Product.slug.in_(wanted))))
        taken.update(result)
        for name, slug in zip(chunk, wanted, strict=True):
            while slug in taken:
                slug = f"{slugify(name)[:100] or 'san-pham'}-{secrets.token_hex(4)}"
            taken.add(slug)
            result.append(slug)
    return result


def _check_sku(producer_id: int, sku: str, product_id: int | None) -> str | None:
    sku = sku.strip()
    if not sku:
        return None
    if len(sku) > 64:
        raise WorkspaceError(_l("A SKU has at most 64 characters."), field="sku")
    other = db.session.scalar(
        sa.select(Product.id).where(Product.producer_id == producer_id, Product.sku == sku)
    )
    if other is not None and other != product_id:
        raise WorkspaceError(_l("Another of your products already uses this SKU."), field="sku")
    return sku


def _apply(product: Product, data: ProductData, producer_id: int) -> None:
    product.name = data.name.strip()
    product.category_id = leaf_category(data.category_id).id
    product.unit = data.unit.strip()
    product.price = data.price
    product.description = data.description.strip()
    product.certifications = list(data.certifications)
    area = own_growing_area(producer_id, data.growing_area_id)
    product.growing_area_id = area.id if area else None
    product.gtin = checked_gtin(data.gtin, product.id)
    product.low_stock_threshold = data.low_stock_threshold
    product.weight_grams = data.weight_grams
    product.length_cm, product.width_cm, product.height_cm = (
        data.length_cm,
        data.width_cm,
        data.height_cm,
    )
    if not product.name or not product.unit:
        raise WorkspaceError(_l("Enter a name and a unit."), field="name")


def create_product(
    producer: Producer, data: ProductData, initial_stock: int, actor: Actor
) -> Product:
    """Add a draft listing with its starting stock."""
    if not 0 <= initial_stock <= MAX_COUNT:
        raise WorkspaceError(_l("Stock must be between 0 and ten million."), field="stock")
    sku = _check_sku(producer.id, data.sku, None)
    product = Product(
        producer_id=producer.id,
        slug=unique_slugs([data.name])[0],
        sku=sku,
        status=ProductStatus.DRAFT,
        stock=initial_stock,
    )
    with db.session.no_autoflush:
        _apply(product, data, producer.id)
    db.session.add(product)
    db.session.flush()
    if product.sku is None:
        product.sku = f"SP-{product.id}"
        if _check_sku_taken(producer.id, product.sku, product.id):
            product.sku = f"SP-{product.id}-{secrets.token_hex(2)}"
    if initial_stock:
        stock_history.record_stock_change(
            product, initial_stock, StockReason.RESTOCK, actor, note=str(_l("Starting stock"))
        )
    audit.record(
        producer.id,
        actor,
        "product.create",
        "product",
        product.id,
        summary=product.name,
        after={**audit.snapshot(product, PRODUCT_FIELDS), "stock": initial_stock},
    )
    db.session.commit()
    return product


def _check_sku_taken(producer_id: int, sku: str, product_id: int) -> bool:
    return (
        db.session.scalar(
            sa.select(Product.id).where(
                Product.producer_id == producer_id, Product.sku == sku, Product.id != product_id
            )
        )
        is not None
    )


def update_product(product: Product, data: ProductData, actor: Actor) -> None:
    """Save the edited facts of a listing; refuses the whole change if anything is wrong."""
    before = audit.snapshot(product, PRODUCT_FIELDS)
    with db.session.no_autoflush:
        sku = _check_sku(product.producer_id, data.sku, product.id)
        try:
            _apply(product, data, product.producer_id)
        except WorkspaceError:
            db.session.rollback()
            raise
        if sku:
            product.sku = sku
    old, new = audit.changed(before, audit.snapshot(product, PRODUCT_FIELDS))
    if new:
        audit.record(
            product.producer_id,
            actor,
            "product.update",
            "product",
            product.id,
            summary=product.name,
            before=old,
            after=new,
        )
    db.session.commit()


def set_status(product: Product, status: ProductStatus, actor: Actor) -> None:
    """Publish, pause, archive or restore a listing, following the allowed transitions."""
    if status not in TRANSITIONS[product.status]:
        raise WorkspaceError(_l("This listing cannot change to that status from its current one."))
    before = product.status
    product.status = status
    audit.record(
        product.producer_id,
        actor,
        "product.status",
        "product",
        product.id,
        summary=product.name,
        before={"status": before.value},
        after={"status": status.value},
    )
    db.session.commit()


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it has no such day."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def claim_recognition(
    product: Product,
    stars: int,
    decision_number: str,
    decision_date: date,
    scan_key: str,
    actor: Actor,
    today: date,
) -> OcopRecognition:
    """Record an OCOP rating claim; it shows as pending until a market manager approves it."""
    if stars not in (3, 4, 5):
        raise WorkspaceError(_l("OCOP ratings go from 3 to 5 stars."), field="stars")
    number = " ".join(decision_number.split())
    if not number or len(number) > 40:
        raise WorkspaceError(
            _l("Enter the decision number, such as 321/QĐ-UBND."), field="decision_number"
        )
    if decision_date > today:
        raise WorkspaceError(
            _l("The decision date cannot be in the future."), field="decision_date"
        )
    valid_until = add_months(decision_date, OCOP_VALIDITY_MONTHS)
    if valid_until < today:
        raise WorkspaceError(
            _l(
                "This recognition expired on %(date)s; OCOP ratings last 36 months.",
                date=valid_until.strftime("%d/%m/%Y"),
            ),
            field="decision_date",
        )
    recognition = OcopRecognition(
        product=product,
        stars=stars,
        decision_number=number,
        decision_date=decision_date,
        issuing_level=IssuingLevel.CENTRAL if stars == 5 else IssuingLevel.PROVINCE,
        valid_until=valid_until,
        scan_key=scan_key,
    )
    db.session.add(recognition)
    db.session.flush()
    audit.record(
        product.producer_id,
        actor,
        "ocop.claim",
        "product",
        product.id,
        summary=product.name,
        after=audit.snapshot(recognition, ("stars", "decision_number", "decision_date")),
    )
    db.session.commit()
    return recognition


def products_of(producer_id: int, ids: Iterable[int]) -> dict[int, Product]:
    """The producer's products among ``ids``, by id (others' ids are simply absent)."""
    wanted = list(ids)
    found: dict[int, Product] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for product in db.session.scalars(
            sa.select(Product).where(Product.producer_id == producer_id, Product.id.in_(chunk))
        ):
            found[product.id] = product
    return found
