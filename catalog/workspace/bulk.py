"""Quick edit of price, stock, low-stock threshold and weight for many products in one save.

Stock is edited as a difference from what the form showed (``stock_was``), so a sale committed
between showing the form and saving it is never undone; the database's CHECK (stock >= 0) is the
last guard. Either every row is saved or none is.
"""

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from catalog import audit, stock_history
from catalog.audit import Actor
from catalog.models import Product
from catalog.stock_history import StockReason
from catalog.workspace.errors import WorkspaceError
from catalog.workspace.numbers import MAX_COUNT
from catalog.workspace.products import products_of
from market.extensions import db

logger = logging.getLogger(__name__)

QUICK_FIELDS = ("price", "low_stock_threshold", "weight_grams")


@dataclass(frozen=True)
class RowEdit:
    """The values one row of the quick-edit form asks for."""

    product_id: int
    price: int
    stock: int
    stock_was: int
    low_stock_threshold: int
    weight_grams: int | None = None  # empty: no weight (no carrier delivery)


@dataclass
class BulkResult:
    """How many products changed, and how many of those had their stock changed."""

    changed: int = 0
    stock_changed: int = 0


class BulkEditError(WorkspaceError):
    """Some rows cannot be saved; ``problems`` maps product id to a message."""

    def __init__(self, problems: dict[int, str]) -> None:
        super().__init__(_l("Nothing was saved: correct the rows marked below."))
        self.problems = problems


def save_bulk_edit(
    producer_id: int, rows: list[RowEdit], reason: StockReason, actor: Actor
) -> BulkResult:
    """Apply every row's changes in one transaction, with history and audit entries."""
    if reason not in (StockReason.RESTOCK, StockReason.CORRECTION):
        raise WorkspaceError(_l("Choose restock or correction."))
    products = products_of(producer_id, [row.product_id for row in rows])
    problems: dict[int, str] = {}
    for row in rows:
        product = products.get(row.product_id)
        if product is None:
            problems[row.product_id] = str(_l("This product is not yours or no longer exists."))
        elif product.stock + (row.stock - row.stock_was) < 0:
            problems[row.product_id] = str(
                _l("Only %(n)s left now (some were sold meanwhile).", n=product.stock)
            )
        elif product.stock + (row.stock - row.stock_was) > MAX_COUNT:
            problems[row.product_id] = str(_l("That number is too high; check it."))
    if problems:
        raise BulkEditError(problems)

    result = BulkResult()
    entries: list[dict] = []
    stock_deltas: dict[int, int] = {}
    for row in rows:
        product = products[row.product_id]
        delta = row.stock - row.stock_was
        before = audit.snapshot(product, QUICK_FIELDS)
        product.price = row.price
        product.low_stock_threshold = row.low_stock_threshold
        product.weight_grams = row.weight_grams
        after = audit.snapshot(product, QUICK_FIELDS)
        if delta:
            before["stock"] = product.stock
            after["stock"] = product.stock + delta
            product.stock = Product.stock + delta  # relative, in SQL
            stock_deltas[product.id] = delta
        old, new = audit.changed(before, after)
        if new:
            result.changed += 1
            entries.append(
                audit.entry(
                    producer_id,
                    actor,
                    "product.quick_edit",
                    "product",
                    product.id,
                    summary=product.name,
                    before=old,
                    after=new,
                )
            )
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        db.session.rollback()
        raise WorkspaceError(
            _l("Stock cannot go below zero; reload the page and try again.")
        ) from None
    if stock_deltas:
        now_stock = _current_stock(list(stock_deltas))
        stock_history.insert_movements(
            [
                stock_history.movement_row(
                    products[pid],
                    delta,
                    now_stock[pid],
                    reason,
                    actor.user_id,
                    note=str(_l("Quick edit")),
                )
                for pid, delta in stock_deltas.items()
            ]
        )
        result.stock_changed = len(stock_deltas)
    audit.record_many(entries)
    db.session.commit()
    logger.info("Quick edit of %s products for producer %s", result.changed, producer_id)
    return result


def _current_stock(ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(
            db.session.execute(
                sa.select(Product.id, Product.stock).where(Product.id.in_(chunk))
            ).all()
        )
    return found
