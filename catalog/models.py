"""Producers, products, OCOP categories and recognitions, growing areas and lots."""

import calendar
import enum
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.accounts.models import User
from market.dbtypes import str_enum, utcnow
from market.extensions import db


class ProducerKind(enum.StrEnum):
    """The legal form of a producer."""

    COOPERATIVE = "htx"  # hợp tác xã
    COOPERATIVE_GROUP = "tht"  # tổ hợp tác
    HOUSEHOLD = "household"
    ENTERPRISE = "enterprise"


class ProducerStatus(enum.StrEnum):
    """Only verified producers sell; a manager verifies or suspends."""

    PENDING = "pending"
    VERIFIED = "verified"
    SUSPENDED = "suspended"


class MemberRole(enum.StrEnum):
    """A user's place in a producer: the owner or a staff member."""

    OWNER = "owner"
    STAFF = "staff"


class ProductStatus(enum.StrEnum):
    """Only active products of verified producers are public."""

    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    ARCHIVED = "archived"


class Certification(enum.StrEnum):
    """Production standards a product or growing area may hold."""

    VIETGAP = "vietgap"
    GLOBALGAP = "globalgap"
    ORGANIC = "organic"


class IssuingLevel(enum.StrEnum):
    """Who recognised an OCOP rating: the province (3–4★) or the central council (5★)."""

    PROVINCE = "province"
    CENTRAL = "central"


class ReviewStatus(enum.StrEnum):
    """A claim's review by a market manager."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class AreaStatus(enum.StrEnum):
    """A growing-area code's standing; only active codes are shown as valid."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    CANCELLED = "cancelled"


class Producer(db.Model):
    """A cooperative, cooperative group, household or firm that sells on the market."""

    __tablename__ = "producers"
    __table_args__ = (
        sa.CheckConstraint("length(bank_bin) = 6 OR bank_bin IS NULL", name="bank_bin"),
        sa.CheckConstraint("packaging_grams >= 0", name="packaging_grams_non_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    kind: so.Mapped[ProducerKind] = so.mapped_column(str_enum(ProducerKind, "producer_kind"))
    # Official commune/ward code (``market.places``); None only while a manager resolves a place
    # the 2025 migration could not map. The area of origin is a former district ("ham-yen").
    commune_code: so.Mapped[str | None] = so.mapped_column(sa.String(5), index=True)
    area_slug: so.Mapped[str | None] = so.mapped_column(sa.String(40), index=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    phone: so.Mapped[str] = so.mapped_column(sa.String(15), default="")
    bank_bin: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    bank_account: so.Mapped[str | None] = so.mapped_column(sa.String(19))
    bank_holder: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    story: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    photo: so.Mapped[str | None] = so.mapped_column(sa.String(200))
    status: so.Mapped[ProducerStatus] = so.mapped_column(
        str_enum(ProducerStatus, "producer_status"), default=ProducerStatus.PENDING, index=True
    )
    status_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    # What the box and filling of one parcel weigh, added to the products' weights; where and
    # for how much it delivers (zone rates, carriers) is kept by ``orders.delivery_rates``.
    packaging_grams: so.Mapped[int] = so.mapped_column(default=200, server_default="200")
    # Shoppers may pick their order up at the farm (free).
    farm_pickup: so.Mapped[bool] = so.mapped_column(default=True, server_default=sa.true())
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    verified_at: so.Mapped[datetime | None]

    members: so.Mapped[list["ProducerMember"]] = so.relationship(
        back_populates="producer", cascade="all, delete-orphan"
    )
    products: so.Mapped[list["Product"]] = so.relationship(back_populates="producer")
    growing_areas: so.Mapped[list["GrowingArea"]] = so.relationship(back_populates="producer")

    @property
    def is_verified(self) -> bool:
        """Verified producers may sell."""
        return self.status == ProducerStatus.VERIFIED

    def __repr__(self) -> str:
        return f"<Producer {self.slug}>"


class ProducerMember(db.Model):
    """A user who works for a producer, as its owner or as staff."""

    __tablename__ = "producer_members"
    __table_args__ = (sa.UniqueConstraint("producer_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: so.Mapped[MemberRole] = so.mapped_column(str_enum(MemberRole, "member_role"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    producer: so.Mapped[Producer] = so.relationship(back_populates="members")
    user: so.Mapped[User] = so.relationship()


class HelperGrant(db.Model):
    """A producer's permission for a community digital-technology helper to act for it."""

    __tablename__ = "helper_grants"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE"), index=True
    )
    helper_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    granted_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    revoked_at: so.Mapped[datetime | None]
    # The household agreed, when granting, that its order and payment notices reach the helper.
    notices: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())

    producer: so.Mapped[Producer] = so.relationship()
    helper: so.Mapped[User] = so.relationship(foreign_keys=[helper_id])


class Category(db.Model):
    """A node of the OCOP product-group tree (Decision 148/QĐ-TTg); products sit on leaves."""

    __tablename__ = "categories"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(120), unique=True)
    name_vi: so.Mapped[str] = so.mapped_column(sa.String(200))
    name_en: so.Mapped[str] = so.mapped_column(sa.String(200))
    parent_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)

    parent: so.Mapped["Category | None"] = so.relationship(
        remote_side=[id], back_populates="children"
    )
    children: so.Mapped[list["Category"]] = so.relationship(
        back_populates="parent", order_by="Category.position"
    )

    def name(self, locale: str) -> str:
        """The category's name in the given language."""
        return self.name_en if locale == "en" else self.name_vi

    @property
    def root(self) -> "Category":
        """The top-level OCOP group this category belongs to."""
        node = self
        while node.parent is not None:
            node = node.parent
        return node


class Product(db.Model):
    """Something a producer sells, priced in whole đồng per unit."""

    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("price >= 0", name="price_non_negative"),
        sa.CheckConstraint("stock >= 0", name="stock_non_negative"),
        sa.CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold"),
        sa.CheckConstraint("gtin IS NULL OR length(gtin) = 14", name="gtin_14"),
        sa.CheckConstraint("weight_grams > 0 OR weight_grams IS NULL", name="weight_positive"),
        sa.CheckConstraint(
            "(length_cm > 0 OR length_cm IS NULL) AND (width_cm > 0 OR width_cm IS NULL)"
            " AND (height_cm > 0 OR height_cm IS NULL)",
            name="dimensions_positive",
        ),
        sa.UniqueConstraint("producer_id", "sku"),
        sa.Index("ix_products_public_listing", "status", "created_at"),
        # The catalog's filters, sorts and counts on stars, group and price, read from the index
        # alone (the page then loads only the products it shows: catalog.storefront).
        sa.Index(
            "ix_products_listing_stars",
            "status",
            "ocop_stars",
            "category_id",
            "price",
            "producer_id",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT"), index=True
    )
    slug: so.Mapped[str] = so.mapped_column(sa.String(160), unique=True)
    sku: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    name: so.Mapped[str] = so.mapped_column(sa.String(200))
    category_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("categories.id", ondelete="RESTRICT"), index=True
    )
    unit: so.Mapped[str] = so.mapped_column(sa.String(40))
    price: so.Mapped[int] = so.mapped_column(sa.BigInteger, index=True)
    stock: so.Mapped[int] = so.mapped_column(default=0)
    # At or below this stock the workspace warns the producer; 0 turns the warning off.
    low_stock_threshold: so.Mapped[int] = so.mapped_column(default=5, server_default="5")
    status: so.Mapped[ProductStatus] = so.mapped_column(
        str_enum(ProductStatus, "product_status"), default=ProductStatus.DRAFT
    )
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    gtin: so.Mapped[str | None] = so.mapped_column(sa.String(14), unique=True)
    growing_area_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("growing_areas.id", ondelete="SET NULL"), index=True
    )
    # What one unit weighs packed for sale, and its size; a product without a weight cannot go
    # by carrier (``orders.delivery.parcel_for``).
    weight_grams: so.Mapped[int | None]
    length_cm: so.Mapped[int | None]
    width_cm: so.Mapped[int | None]
    height_cm: so.Mapped[int | None]
    # The highest approved OCOP stars valid today, 0 if none: kept by ``catalog.ocop``.
    ocop_stars: so.Mapped[int] = so.mapped_column(sa.SmallInteger, default=0, server_default="0")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    producer: so.Mapped[Producer] = so.relationship(back_populates="products")
    category: so.Mapped[Category] = so.relationship()
    growing_area: so.Mapped["GrowingArea | None"] = so.relationship()
    images: so.Mapped[list["ProductImage"]] = so.relationship(
        back_populates="product", order_by="ProductImage.position", cascade="all, delete-orphan"
    )
    recognitions: so.Mapped[list["OcopRecognition"]] = so.relationship(
        back_populates="product",
        order_by="OcopRecognition.decision_date.desc()",
        cascade="all, delete-orphan",
    )
    lots: so.Mapped[list["Lot"]] = so.relationship(back_populates="product")
    _certifications: so.Mapped[list["ProductCertification"]] = so.relationship(
        cascade="all, delete-orphan", order_by="ProductCertification.code"
    )

    @property
    def certifications(self) -> list[Certification]:
        """The standards this product holds."""
        return [c.code for c in self._certifications]

    @certifications.setter
    def certifications(self, codes: list[Certification | str]) -> None:
        wanted = {Certification(code) for code in codes}
        self._certifications = [c for c in self._certifications if c.code in wanted]
        held = {c.code for c in self._certifications}
        self._certifications.extend(
            ProductCertification(code=code) for code in sorted(wanted - held)
        )

    @property
    def is_public(self) -> bool:
        """Shoppers see active products of verified producers only."""
        return self.status == ProductStatus.ACTIVE and self.producer.is_verified

    @property
    def cover(self) -> "ProductImage | None":
        """The first image, shown on cards."""
        return self.images[0] if self.images else None

    def current_recognition(self, today: date) -> "OcopRecognition | None":
        """The newest approved OCOP recognition, valid or not (callers show expiry)."""
        approved = [r for r in self.recognitions if r.review_status == ReviewStatus.APPROVED]
        valid = [r for r in approved if r.is_valid(today)]
        return (valid or approved or [None])[0]

    def __repr__(self) -> str:
        return f"<Product {self.slug}>"


class ProductCertification(db.Model):
    """One certification held by one product."""

    __tablename__ = "product_certifications"

    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    code: so.Mapped[Certification] = so.mapped_column(
        str_enum(Certification, "certification"), primary_key=True
    )


class ProductImage(db.Model):
    """A product photo; renditions are stored under the media folder by ``key``."""

    __tablename__ = "product_images"
    __table_args__ = (sa.UniqueConstraint("product_id", "position"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    width: so.Mapped[int]
    height: so.Mapped[int]
    alt: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    product: so.Mapped[Product] = so.relationship(back_populates="images")


OCOP_VALIDITY_MONTHS = 36


def ocop_valid_until(decided: date) -> date:
    """The last day a recognition decided on ``decided`` is valid: 36 months later.

    A date that does not exist in the final month (29 February) falls back to the month's end.
    """
    months = decided.month - 1 + OCOP_VALIDITY_MONTHS
    year, month = decided.year + months // 12, months % 12 + 1
    day = min(decided.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


class OcopRecognition(db.Model):
    """An OCOP star rating by decision; valid for 36 months from the decision date."""

    __tablename__ = "ocop_recognitions"
    __table_args__ = (
        sa.CheckConstraint("stars BETWEEN 3 AND 5", name="stars"),
        sa.CheckConstraint("valid_until > decision_date", name="validity"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    stars: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    decision_number: so.Mapped[str] = so.mapped_column(sa.String(40))
    decision_date: so.Mapped[date]
    issuing_level: so.Mapped[IssuingLevel] = so.mapped_column(
        str_enum(IssuingLevel, "issuing_level")
    )
    valid_until: so.Mapped[date]
    review_status: so.Mapped[ReviewStatus] = so.mapped_column(
        str_enum(ReviewStatus, "review_status"), default=ReviewStatus.PENDING, index=True
    )
    review_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    scan_key: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    reviewed_at: so.Mapped[datetime | None]

    product: so.Mapped[Product] = so.relationship(back_populates="recognitions")

    def is_valid(self, today: date) -> bool:
        """Approved and not past its 36-month validity."""
        return self.review_status == ReviewStatus.APPROVED and today <= self.valid_until


class GrowingArea(db.Model):
    """A registered growing area (mã số vùng trồng) of a producer."""

    __tablename__ = "growing_areas"
    __table_args__ = (
        sa.CheckConstraint("area_ha IS NULL OR area_ha > 0", name="area_positive"),
        sa.CheckConstraint("households IS NULL OR households >= 0", name="households"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT"), index=True
    )
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    crop: so.Mapped[str] = so.mapped_column(sa.String(120))
    variety: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    area_ha: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(10, 2))
    households: so.Mapped[int | None]
    # Official commune code and area of origin, as for producers; the code above keeps its
    # issued form (codes issued before 2025 name former districts and stay valid).
    commune_code: so.Mapped[str | None] = so.mapped_column(sa.String(5), index=True)
    area_slug: so.Mapped[str | None] = so.mapped_column(sa.String(40), index=True)
    latitude: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(9, 6))
    longitude: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(9, 6))
    certification: so.Mapped[Certification | None] = so.mapped_column(
        str_enum(Certification, "area_certification")
    )
    target_market: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    issuing_body: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    status: so.Mapped[AreaStatus] = so.mapped_column(
        str_enum(AreaStatus, "area_status"), default=AreaStatus.ACTIVE
    )
    status_changed_at: so.Mapped[datetime | None]
    review_status: so.Mapped[ReviewStatus] = so.mapped_column(
        str_enum(ReviewStatus, "area_review_status"), default=ReviewStatus.PENDING
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    producer: so.Mapped[Producer] = so.relationship(back_populates="growing_areas")

    @property
    def is_valid(self) -> bool:
        """Only an active, approved code may be shown to shoppers as valid."""
        return self.status == AreaStatus.ACTIVE and self.review_status == ReviewStatus.APPROVED


class Lot(db.Model):
    """A harvest or production lot of one product."""

    __tablename__ = "lots"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(20), unique=True)
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="RESTRICT"), index=True
    )
    growing_area_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("growing_areas.id", ondelete="SET NULL"), index=True
    )
    harvest_date: so.Mapped[date]
    quantity: so.Mapped[Decimal] = so.mapped_column(sa.Numeric(12, 2))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    product: so.Mapped[Product] = so.relationship(back_populates="lots")
    growing_area: so.Mapped[GrowingArea | None] = so.relationship()


class BankAccountCheck(db.Model):
    """A manager's check that a payout account's holder is the producer it is for.

    An account is *checked* for a producer when a row names exactly its bank, number and holder;
    it may be paid into from ``usable_from`` on (later than the check when it replaced an
    account checked before, so a swapped account cannot be paid at once).
    """

    __tablename__ = "bank_account_checks"
    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE"), index=True
    )
    bank_bin: so.Mapped[str] = so.mapped_column(sa.String(6))
    bank_account: so.Mapped[str] = so.mapped_column(sa.String(19))
    bank_holder: so.Mapped[str] = so.mapped_column(sa.String(50))
    checked_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    checked_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    usable_from: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    producer: so.Mapped[Producer] = so.relationship()
