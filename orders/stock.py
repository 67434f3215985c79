"""Every change orders make to product stock, in one place, each recorded in the stock history.

Stock is never read, changed in Python and written back: a reservation is one conditional
UPDATE that only succeeds while enough units are left, so concurrent buyers cannot oversell on
SQLite or PostgreSQL. Both functions run inside the caller's transaction and record the change
they made through the workspace's stock history (``record_stock_change``), in that same
transaction: a reservation is a ``sale`` and a release a ``return``, each with the part's
reference and the unit price charged, so the producer's sales dashboard (sales minus returns)
nets a cancelled or expired part to zero. ``reason`` only goes to the debug log: the history
already says why (sale or return), for which part and who acted.
"""

import logging

import sqlalchemy as sa

from catalog.models import Product
from catalog.stock_history import StockReason, record_stock_change
from market.extensions import db

logger = logging.getLogger(__name__)


def reserve(
    product_id: int,
    quantity: int,
    *,
    expected_price: int | None = None,
    unit_price: int | None = None,
    reason: str,
    reference: str,
    actor_id: int | None = None,
) -> bool:
    """Take ``quantity`` units if that many are left (and the price is still as expected)."""
    statement = sa.update(Product).where(Product.id == product_id, Product.stock >= quantity)
    if expected_price is not None:
        statement = statement.where(Product.price == expected_price)
    result = db.session.execute(
        statement.values(stock=Product.stock - quantity).execution_options(
            synchronize_session=False
        )
    )
    taken = result.rowcount == 1
    logger.debug(
        "reserve %s × product %s for %s %s: %s", quantity, product_id, reason, reference, taken
    )
    if taken:
        price = expected_price if unit_price is None else unit_price
        _record(product_id, -quantity, StockReason.SALE, reference, price, actor_id)
    return taken


def release(
    product_id: int,
    quantity: int,
    *,
    unit_price: int | None = None,
    reason: str,
    reference: str,
    actor_id: int | None = None,
) -> None:
    """Put ``quantity`` units back on the shelf (a cancelled or expired part)."""
    result = db.session.execute(
        sa.update(Product)
        .where(Product.id == product_id)
        .values(stock=Product.stock + quantity)
        .execution_options(synchronize_session=False)
    )
    logger.debug("release %s × product %s for %s %s", quantity, product_id, reason, reference)
    if result.rowcount == 1:
        _record(product_id, quantity, StockReason.RETURN, reference, unit_price, actor_id)


def _record(
    product_id: int,
    delta: int,
    reason: StockReason,
    reference: str,
    unit_price: int | None,
    actor_id: int | None,
) -> None:
    product = db.session.get(Product, product_id)
    record_stock_change(
        product, delta, reason, actor_id, order_ref=reference, unit_price=unit_price
    )
