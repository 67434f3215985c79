"""Renditions for photos stored before a size was added, written by the job queue.

``start_backfill`` records one job; each job writes the missing renditions of a batch of
product photos (in id order) and records the next batch's job, so the work survives restarts,
runs beside the shop's other jobs, and never holds one long transaction. Running it again
only redoes what is still missing.
"""

import logging

import sqlalchemy as sa

from catalog.images import add_missing_renditions
from catalog.models import ProductImage
from market.extensions import db
from market.jobs import enqueue, handler

logger = logging.getLogger(__name__)

KIND = "catalog.image_backfill"
BATCH = 50


def start_backfill() -> int | None:
    """Queue the first batch (the caller commits); the id of its job."""
    return enqueue(KIND, {"after_id": 0})


@handler(KIND)
def backfill_batch(payload: dict) -> None:
    """Add the missing renditions of the next ``BATCH`` photos, then queue the batch after."""
    after_id = int(payload.get("after_id", 0))
    rows = db.session.execute(
        sa.select(ProductImage.id, ProductImage.key)
        .where(ProductImage.id > after_id)
        .order_by(ProductImage.id)
        .limit(BATCH)
    ).all()
    written = sum(len(add_missing_renditions(key)) for _id, key in rows)
    logger.info("Rendition backfill after photo %s: %s file(s) written", after_id, written)
    if len(rows) == BATCH:  # committed with this job's completion
        enqueue(KIND, {"after_id": rows[-1].id})
