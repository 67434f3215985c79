"""Stock changes and their history (who, when, why).

Two entry points:

* :func:`record_stock_change` records a movement for a change the caller has *already* applied to
  ``products.stock`` (the orders package decrements stock with a conditional UPDATE, then calls it
  with ``reason=StockReason.SALE``, the order's code and the unit price). It joins the caller's
  transaction and does not commit.
* :func:`adjust_stock` is the workspace's own use case: it applies a restock or correction
  atomically (never below zero, even against concurrent sales), records it and commits.
"""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from catalog.models import Product
from catalog.workspace import audit
from catalog.workspace.audit import Actor
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.models import StockMovement, StockReason
from market.dbtypes import utcnow
from market.extensions import db

logger = logging.getLogger(__name__)

REASON_LABELS = {
    StockReason.SALE: _l("Sale"),
    StockReason.RETURN: _l("Return"),
    StockReason.RESTOCK: _l("Restock"),
    StockReason.CORRECTION: _l("Correction"),
}
MAX_STOCK = 10_000_000


class NotEnoughStock(WorkspaceError):
    """The change would take stock below zero."""


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


def adjust_stock(
    product: Product, delta: int, reason: StockReason, actor: Actor, note: str = ""
) -> int:
    """Add ``delta`` units (negative to remove) atomically; returns the new stock."""
    if reason not in (StockReason.RESTOCK, StockReason.CORRECTION):
        raise WorkspaceError(_l("Choose restock or correction."))
    if delta == 0:
        raise WorkspaceError(_l("Enter how many units to add or remove."))
    if product.stock + delta > MAX_STOCK:
        raise WorkspaceError(_l("Stock cannot go above ten million."))
    # A SQL expression, so a sale committed meanwhile is never overwritten; the database's
    # CHECK (stock >= 0) refuses to go below zero.
    product.stock = Product.stock + delta
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise NotEnoughStock(_l("Stock cannot go below zero.")) from None
    movement = record_stock_change(product, delta, reason, actor, note=note)
    audit.record(
        product.producer_id,
        actor,
        "stock.adjust",
        "product",
        product.id,
        summary=product.name,
        before={"stock": movement.stock_after - delta},
        after={"stock": movement.stock_after, "reason": reason.value, "note": note},
    )
    db.session.commit()
    db.session.refresh(product)
    return product.stock


def movements_for(producer_id: int, product_id: int | None = None) -> sa.Select:
    """A producer's stock movements (optionally of one product), newest first."""
    query = sa.select(StockMovement).where(StockMovement.producer_id == producer_id)
    if product_id is not None:
        query = query.where(StockMovement.product_id == product_id)
    return query.order_by(StockMovement.created_at.desc(), StockMovement.id.desc())
