"""The workspace's stock use case: :func:`adjust_stock` applies a restock or correction
atomically (never below zero, even against concurrent sales), records it in the stock history
(``catalog.stock_history``) and the audit log, and commits."""

import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from catalog import audit
from catalog.audit import Actor
from catalog.models import Product
from catalog.stock_history import StockReason, record_stock_change
from catalog.workspace.errors import WorkspaceError
from market.extensions import db

logger = logging.getLogger(__name__)

MAX_STOCK = 10_000_000


class NotEnoughStock(WorkspaceError):
    """The change would take stock below zero."""


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
