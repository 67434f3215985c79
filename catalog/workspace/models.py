"""Workspace records: stock movements, the audit log and staff invitations."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import Producer, Product
from market.accounts.models import User
from market.dbtypes import str_enum, utcnow
from market.extensions import db


class StockReason(enum.StrEnum):
    """Why a product's stock changed."""

    SALE = "sale"  # an order took units (recorded by the orders package)
    RETURN = "return"  # a cancelled or refunded sale gave units back
    RESTOCK = "restock"  # new goods arrived
    CORRECTION = "correction"  # a count was wrong, goods spoiled or were lost


class StockMovement(db.Model):
    """One change of a product's stock: who, when, why, by how much and what was left."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        sa.CheckConstraint("delta <> 0", name="delta_non_zero"),
        sa.CheckConstraint("stock_after >= 0", name="stock_after_non_negative"),
        sa.CheckConstraint("unit_price IS NULL OR unit_price >= 0", name="unit_price"),
        sa.Index("ix_stock_movements_producer_reason_time", "producer_id", "reason", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE")
    )
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    delta: so.Mapped[int]
    stock_after: so.Mapped[int]
    reason: so.Mapped[StockReason] = so.mapped_column(str_enum(StockReason, "stock_reason"))
    # For sales and returns: the order's code and the price per unit charged, in đồng.
    order_ref: so.Mapped[str | None] = so.mapped_column(sa.String(40), index=True)
    unit_price: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    note: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    product: so.Mapped[Product] = so.relationship()
    actor: so.Mapped[User | None] = so.relationship()


class AuditEntry(db.Model):
    """A change made in a producer's workspace: who, for which producer, what, before and after."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_producer_time", "producer_id", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE")
    )
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    # The actor's standing for this producer when acting: owner, staff, helper, or cli.
    actor_access: so.Mapped[str] = so.mapped_column(sa.String(10))
    action: so.Mapped[str] = so.mapped_column(sa.String(40))
    entity: so.Mapped[str] = so.mapped_column(sa.String(40))
    entity_id: so.Mapped[int | None]
    summary: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    before: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    after: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    actor: so.Mapped[User | None] = so.relationship()


class Invitation(db.Model):
    """An owner's invitation for the holder of an email or mobile number to join as staff."""

    __tablename__ = "producer_invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE"), index=True
    )
    login: so.Mapped[str] = so.mapped_column(sa.String(254))
    # SHA-256 of the secret in the link; the link itself is never stored.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    invited_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    accepted_at: so.Mapped[datetime | None]
    revoked_at: so.Mapped[datetime | None]

    producer: so.Mapped[Producer] = so.relationship()

    def is_open(self, now: datetime) -> bool:
        """Neither accepted, revoked nor expired."""
        return self.accepted_at is None and self.revoked_at is None and now < self.expires_at
