"""Stock history: every change of a product's stock — who, when, why, by how much, what was left.

Shared by the workspace (restocks, corrections, imports, bulk edits) and orders (sales and
returns). :func:`record_stock_change` records a movement for a change the caller has *already*
applied to ``products.stock`` (orders decrement stock with a conditional UPDATE, then call it with
``reason=StockReason.SALE``, the order's code and the unit price); it joins the caller's
transaction and does not commit.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import lazy_gettext as _l

from catalog.audit import Actor
from catalog.models import Product
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


REASON_LABELS = {
    StockReason.SALE: _l("Sale"),
    StockReason.RETURN: _l("Return"),
    StockReason.RESTOCK: _l("Restock"),
    StockReason.CORRECTION: _l("Correction"),
}


def movement_row(
    product: Product,
    delta: int,
    stock_after: int,
    reason: StockReason,
    actor_id: int | None,
    *,
    order_ref: str | None = None,
    unit_price: int | None = None,
    note: str = "",
) -> dict:
    """The row of one movement, for inserting many at once."""
    return {
        "producer_id": product.producer_id,
        "product_id": product.id,
        "delta": delta,
        "stock_after": stock_after,
        "reason": reason,
        "order_ref": order_ref,
        "unit_price": unit_price,
        "note": note[:200],
        "actor_id": actor_id,
        "created_at": utcnow(),
    }


def insert_movements(rows: list[dict]) -> None:
    """Insert many movements built with :func:`movement_row` (the caller commits)."""
    if rows:
        db.session.execute(sa.insert(StockMovement), rows)


def record_stock_change(
    product: Product,
    delta: int,
    reason: StockReason | str,
    actor: Actor | int | None,
    *,
    order_ref: str | None = None,
    unit_price: int | None = None,
    note: str = "",
) -> StockMovement:
    """Record a stock change already applied to ``products.stock``; the caller commits.

    ``actor`` is an :class:`Actor`, a user id (e.g. the buyer) or None (the system). For sales
    pass a negative ``delta``, the order's code as ``order_ref`` and the price charged per unit.
    """
    if delta == 0:
        raise ValueError("A stock movement needs a non-zero delta.")
    reason = StockReason(reason)
    actor_id = actor.user_id if isinstance(actor, Actor) else actor
    # Read inside the caller's transaction: it sees the caller's own UPDATE.
    stock_after = db.session.scalar(sa.select(Product.stock).where(Product.id == product.id))
    movement = StockMovement(
        **movement_row(
            product,
            delta,
            stock_after,
            reason,
            actor_id,
            order_ref=order_ref,
            unit_price=unit_price,
            note=note,
        )
    )
    db.session.add(movement)
    return movement


def movements_for(producer_id: int, product_id: int | None = None) -> sa.Select:
    """A producer's stock movements (optionally of one product), newest first."""
    query = sa.select(StockMovement).where(StockMovement.producer_id == producer_id)
    if product_id is not None:
        query = query.where(StockMovement.product_id == product_id)
    return query.order_by(StockMovement.created_at.desc(), StockMovement.id.desc())
