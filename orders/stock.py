"""Every change orders make to product stock, in one place.

Stock is never read, changed in Python and written back: a reservation is one conditional
UPDATE that only succeeds while enough units are left, so concurrent buyers cannot oversell on
SQLite or PostgreSQL. Both functions run inside the caller's transaction; ``reason`` and
``reference`` say why, for the stock history to record.
"""

import logging

import sqlalchemy as sa

from catalog.models import Product
from market.extensions import db

logger = logging.getLogger(__name__)


def reserve(
    product_id: int,
    quantity: int,
    *,
    expected_price: int | None = None,
    reason: str,
    reference: str,
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
    return taken


def release(product_id: int, quantity: int, *, reason: str, reference: str) -> None:
    """Put ``quantity`` units back on the shelf (a cancelled or expired part)."""
    db.session.execute(
        sa.update(Product)
        .where(Product.id == product_id)
        .values(stock=Product.stock + quantity)
        .execution_options(synchronize_session=False)
    )
    logger.debug("release %s × product %s for %s %s", quantity, product_id, reason, reference)
