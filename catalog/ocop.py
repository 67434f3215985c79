"""A product's current OCOP stars, stored on the product row so catalog pages filter and sort
by them through an index instead of reading every recognition.

``products.ocop_stars`` is the highest approved recognition still valid today (0: none). It is
kept current in the transaction that changes a recognition (submitted, edited, approved,
rejected or revoked, deleted: an ``after_flush`` hook, so no caller can forget), and once a day
by ``refresh_stars`` for recognitions whose validity ran out (the worker's daily OCOP step, or
``flask catalog stars refresh``).
"""

import logging
from collections.abc import Iterable
from datetime import date
from itertools import chain

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import OcopRecognition, Product, ReviewStatus
from market.extensions import db
from market.i18n import local_today

logger = logging.getLogger(__name__)


def stars_on(today: date) -> sa.ScalarSelect:
    """A correlated subquery: the product's highest approved, unexpired stars, else 0."""
    return (
        sa.select(sa.func.coalesce(sa.func.max(OcopRecognition.stars), 0))
        .where(
            OcopRecognition.product_id == Product.id,
            OcopRecognition.review_status == ReviewStatus.APPROVED,
            OcopRecognition.valid_until >= today,
        )
        .scalar_subquery()
    )


def _store(connection: sa.Connection, product_ids: Iterable[int], today: date) -> None:
    ids = sorted(set(product_ids))
    if ids:
        table = Product.__table__
        connection.execute(
            sa.update(table).where(table.c.id.in_(ids)).values(ocop_stars=stars_on(today))
        )


@sa.event.listens_for(so.Session, "after_flush")
def _after_flush(session: so.Session, _context: object) -> None:
    """Recompute the stars of products whose recognitions this flush changed."""
    changed = {
        obj.product_id
        for obj in chain(session.new, session.dirty, session.deleted)
        if isinstance(obj, OcopRecognition)
        and obj.product_id is not None
        and (obj not in session.dirty or session.is_modified(obj))
    }
    if changed:
        _store(session.connection(), changed, local_today())
        for obj in session.identity_map.values():
            if isinstance(obj, Product) and obj.id in changed:
                session.expire(obj, ["ocop_stars", "updated_at"])


def refresh_stars(today: date | None = None) -> int:
    """Bring every product's stored stars up to ``today`` (recognitions expire); commits.
    Returns how many products changed."""
    today = today or local_today()
    stale = list(
        db.session.scalars(sa.select(Product.id).where(Product.ocop_stars != stars_on(today)))
    )
    if stale:
        db.session.execute(
            sa.update(Product)
            .where(Product.id.in_(stale))
            .values(ocop_stars=stars_on(today))
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    if stale:
        logger.info("OCOP stars changed on %s product(s)", len(stale))
    return len(stale)
