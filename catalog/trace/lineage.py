"""Which lots a lot was made from, and which lots a recall reaches (recursive queries)."""

import sqlalchemy as sa

from catalog.trace.models import LotEvent, LotEventInput, LotRecall
from market.extensions import db


def ancestor_ids(lot_id: int) -> set[int]:
    """Every lot that went, through any number of processing steps, into this lot."""
    tree = sa.select(sa.literal(lot_id).label("lot_id")).cte("ancestors", recursive=True)
    step = (
        sa.select(LotEventInput.lot_id)
        .join(LotEvent, LotEvent.id == LotEventInput.event_id)
        .join(tree, tree.c.lot_id == LotEvent.lot_id)
    )
    tree = tree.union(step)
    return set(db.session.scalars(sa.select(tree.c.lot_id))) - {lot_id}


def recalled_or_downstream() -> sa.Select:
    """Ids of recalled lots and of every lot made from one of them: never ship these."""
    tree = sa.select(LotRecall.lot_id.label("lot_id")).cte("recalled", recursive=True)
    step = (
        sa.select(LotEvent.lot_id)
        .join(LotEventInput, LotEventInput.event_id == LotEvent.id)
        .join(tree, tree.c.lot_id == LotEventInput.lot_id)
    )
    tree = tree.union(step)
    return sa.select(tree.c.lot_id)
