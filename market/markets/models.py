"""Chợ 4.0 markets, their managers and stalls, and the sales made at the stalls.

A stall has its own receiving bank account (by default its producer's), printed as a static
VietQR on the stall's poster. A sale recorded at the stall is either cash, confirmed by the
seller, or a bank transfer that only a matched bank notification marks paid.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import Producer, Product
from market.accounts.models import User
from market.dbtypes import str_enum, utcnow
from market.extensions import db
from orders.models import OrderLine, OrderPart
from payments.models import PaymentMethod


class Market(db.Model):
    """A chợ 4.0 market: where it is and when it is held."""

    __tablename__ = "markets"
    __table_args__ = (sa.UniqueConstraint("commune_code", "name"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    # Official commune/ward code and area of origin (``market.places``); the code is None only
    # while a manager resolves a place the 2025 migration could not map.
    commune_code: so.Mapped[str | None] = so.mapped_column(sa.String(5), index=True)
    area_slug: so.Mapped[str | None] = so.mapped_column(sa.String(40), index=True)
    address: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    # As people say it: "Hằng ngày", "Thứ Bảy và Chủ nhật", "phiên 5, 10, 15… âm lịch".
    market_days: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    stalls: so.Mapped[list["Stall"]] = so.relationship(
        back_populates="market", order_by="Stall.number"
    )
    managers: so.Mapped[list["MarketManager"]] = so.relationship(
        back_populates="market", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Market {self.id} {self.name}>"


class MarketManager(db.Model):
    """A manager assigned to one market; a manager with no assignment sees every market."""

    __tablename__ = "market_managers"
    __table_args__ = (sa.UniqueConstraint("market_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    market_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("markets.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    market: so.Mapped[Market] = so.relationship(back_populates="managers")
    user: so.Mapped[User] = so.relationship(foreign_keys=[user_id])


class Stall(db.Model):
    """A producer's stall at a market, with the bank account its poster's VietQR pays into."""

    __tablename__ = "stalls"
    __table_args__ = (
        sa.UniqueConstraint("market_id", "number"),
        sa.CheckConstraint("length(bank_bin) = 6", name="bank_bin"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The short public code of the stall's page (/s/<code>); never changes.
    code: so.Mapped[str] = so.mapped_column(sa.String(8), unique=True)
    market_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("markets.id", ondelete="RESTRICT"), index=True
    )
    number: so.Mapped[str] = so.mapped_column(sa.String(10))
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT"), index=True
    )
    bank_bin: so.Mapped[str] = so.mapped_column(sa.String(6))
    bank_account: so.Mapped[str] = so.mapped_column(sa.String(19))
    bank_holder: so.Mapped[str] = so.mapped_column(sa.String(50))
    active: so.Mapped[bool] = so.mapped_column(default=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, onupdate=utcnow)

    market: so.Mapped[Market] = so.relationship(back_populates="stalls")
    producer: so.Mapped[Producer] = so.relationship()
    products: so.Mapped[list[Product]] = so.relationship(
        secondary="stall_products", order_by="Product.name"
    )

    def __repr__(self) -> str:
        return f"<Stall {self.code} {self.number}>"


class StallProduct(db.Model):
    """A product sold at a stall."""

    __tablename__ = "stall_products"

    stall_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("stalls.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SaleStatus(enum.StrEnum):
    """Where a stall sale stands; only ``paid`` counts as a sale."""

    AWAITING = "awaiting"  # a transfer is expected and no notification has matched yet
    PARTIAL = "partial"  # a notification matched but paid less than the amount
    PAID = "paid"
    CANCELLED = "cancelled"


SALE_METHODS = (PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH)


class StallSale(db.Model):
    """One in-person sale at a stall: cash, or a transfer confirmed by a bank notification.

    ``market_id`` and ``producer_id`` are copied from the stall when the sale is made, so the
    reports read them without joins and a stall changing hands does not move past sales.
    """

    __tablename__ = "stall_sales"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("paid_amount >= 0", name="paid_amount"),
        sa.CheckConstraint("method IN ('bank_transfer', 'cash')", name="method_in_person"),
        sa.CheckConstraint("method = 'cash' OR payment_code IS NOT NULL", name="transfer_has_code"),
        sa.CheckConstraint("status <> 'paid' OR paid_at IS NOT NULL", name="paid_has_time"),
        # Covering the reports' reads, so a year of sales is read from the index alone.
        sa.Index(
            "ix_stall_sales_reporting",
            "status",
            "paid_at",
            "market_id",
            "producer_id",
            "method",
            "amount",
            "itemized",
        ),
        sa.Index("ix_stall_sales_stall_created_at", "stall_id", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    stall_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stalls.id", ondelete="RESTRICT"))
    market_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("markets.id", ondelete="RESTRICT"))
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT"), index=True
    )
    seller_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The seller's standing for the producer: owner, staff or helper.
    seller_access: so.Mapped[str] = so.mapped_column(sa.String(10))
    method: so.Mapped[PaymentMethod] = so.mapped_column(
        str_enum(PaymentMethod, "stall_sale_method")
    )
    amount: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    paid_amount: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    status: so.Mapped[SaleStatus] = so.mapped_column(str_enum(SaleStatus, "stall_sale_status"))
    payment_code: so.Mapped[str | None] = so.mapped_column(sa.String(32), unique=True)
    # True when the seller listed the products; the lines then add up to ``amount``.
    itemized: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    paid_at: so.Mapped[datetime | None]
    cancelled_at: so.Mapped[datetime | None]

    stall: so.Mapped[Stall] = so.relationship()
    seller: so.Mapped[User | None] = so.relationship()
    lines: so.Mapped[list["StallSaleLine"]] = so.relationship(
        back_populates="sale", order_by="StallSaleLine.id", cascade="all, delete-orphan"
    )

    @property
    def is_transfer(self) -> bool:
        """Paid by bank transfer (VietQR), confirmed only by a bank notification."""
        return self.method == PaymentMethod.BANK_TRANSFER

    def __repr__(self) -> str:
        return f"<StallSale {self.id} {self.method} {self.amount} {self.status}>"


class StallSaleLine(db.Model):
    """A product sold in a stall sale, priced as listed when it was sold."""

    __tablename__ = "stall_sale_lines"
    __table_args__ = (
        sa.Index(
            "ix_stall_sale_lines_reporting", "sale_id", "product_id", "quantity", "line_total"
        ),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="price_non_negative"),
        sa.CheckConstraint("line_total = unit_price * quantity", name="line_total"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sale_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("stall_sales.id", ondelete="CASCADE"))
    product_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    product_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    unit: so.Mapped[str] = so.mapped_column(sa.String(40))
    unit_price: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    quantity: so.Mapped[int]
    line_total: so.Mapped[int] = so.mapped_column(sa.BigInteger)

    sale: so.Mapped[StallSale] = so.relationship(back_populates="lines")


class PlaceReview(db.Model):
    """A stored place from before 2025 that the migration could not map to one official commune.

    Written by migration ``0021_places`` for a producer, market, growing area or order address
    whose former commune was split between new communes or no longer existed; a manager picks
    the commune (``market/markets/place_reviews.py``). The row stays, resolved, as the record.
    """

    __tablename__ = "place_reviews"
    __table_args__ = (sa.UniqueConstraint("record_table", "record_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # "producers", "markets", "growing_areas" or "orders", and that row's id.
    record_table: so.Mapped[str] = so.mapped_column(sa.String(20))
    record_id: so.Mapped[int]
    former_province: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    former_district: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    former_commune: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    # The pre-2025 codes as stored (a downgrade puts them back).
    former_district_code: so.Mapped[str | None] = so.mapped_column(sa.String(3))
    former_commune_code: so.Mapped[str | None] = so.mapped_column(sa.String(60))
    # Official codes of today's province and of the communes the former one went into, if known.
    province_code: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    candidates: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    reason: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    resolved_code: so.Mapped[str | None] = so.mapped_column(sa.String(5))
    resolved_at: so.Mapped[datetime | None] = so.mapped_column(index=True)
    resolved_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    @property
    def candidate_codes(self) -> list[str]:
        """The official commune codes the former commune went into (may be empty)."""
        return [code for code in self.candidates.split(",") if code]


# Reports read online sales by the time they were paid, and each sale's lines. The orders
# package does not need these indexes itself, so the reports declare them on its tables (made
# by this package's migrations). Both cover what the reports read: no table lookups.
sa.Index(
    "ix_order_parts_reporting",
    OrderPart.paid_at,
    OrderPart.status,
    OrderPart.order_id,
    OrderPart.producer_id,
    OrderPart.items_total,
    OrderPart.pickup_stall_id,
)
sa.Index(
    "ix_order_lines_reporting",
    OrderLine.part_id,
    OrderLine.product_id,
    OrderLine.quantity,
    OrderLine.line_total,
)


class MarketNews(db.Model):
    """A news item a manager sent to a market's people, or to the province (no market)."""

    __tablename__ = "market_news"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # None: the whole province (a provincial manager's news).
    market_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("markets.id", ondelete="CASCADE"), index=True
    )
    title: so.Mapped[str] = so.mapped_column(sa.String(80))
    text: so.Mapped[str] = so.mapped_column(sa.String(300))
    # The preview's one-time token: a "Send" pressed twice records (and sends) one item.
    submission: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    sender_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # People who chose to hear market news when it was sent; messages the fan-out recorded.
    audience: so.Mapped[int] = so.mapped_column(default=0)
    messages: so.Mapped[int] = so.mapped_column(default=0)
    fanned_out_at: so.Mapped[datetime | None]

    market: so.Mapped[Market | None] = so.relationship()
    sender: so.Mapped[User | None] = so.relationship()
