"""Reading a lot's trace: finding a lot, its chain of events, recalls, and scan counts."""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import GrowingArea, Lot, OcopRecognition, Product
from catalog.trace.lineage import ancestor_ids
from catalog.trace.models import EventType, LotEvent, LotEventInput, LotRecall, LotScanCount
from market.dbtypes import utcnow
from market.extensions import db


@dataclass
class LotTrace:
    """Everything the public lot page shows, loaded in a few queries."""

    lot: Lot
    recall: LotRecall | None
    upstream_recalls: list[LotRecall]
    events: list[LotEvent]
    inputs: list[Lot]
    outputs: list[Lot]
    recognition: OcopRecognition | None
    certificates: list[LotEvent] = field(default_factory=list)

    @property
    def growing_area(self) -> GrowingArea | None:
        """The lot's own growing area, else the product's."""
        return self.lot.growing_area or self.lot.product.growing_area

    @property
    def made_by_processing(self) -> bool:
        """True when the lot is the output of a processing event (its date is a production date)."""
        return any(e.type == EventType.PROCESSING and e.lot_id == self.lot.id for e in self.events)

    @property
    def is_recalled(self) -> bool:
        """The lot itself or a lot it was made from is recalled."""
        return self.recall is not None or bool(self.upstream_recalls)


def find_lot(code: str) -> Lot | None:
    """The lot with this code; a code typed in lower case from a label still finds it."""
    options = (so.joinedload(Lot.product).joinedload(Product.producer),)
    lot = db.session.scalar(sa.select(Lot).where(Lot.code == code).options(*options))
    if lot is None and code != code.upper():
        lot = db.session.scalar(sa.select(Lot).where(Lot.code == code.upper()).options(*options))
    return lot


def lot_trace(lot: Lot, today: date) -> LotTrace:
    """The lot's chain: its events and those of every lot it was made from, oldest first."""
    upstream = ancestor_ids(lot.id)
    events = list(
        db.session.scalars(
            sa.select(LotEvent)
            .where(
                sa.or_(
                    LotEvent.lot_id == lot.id,
                    # An input lot's sales to shoppers are not part of this lot's path.
                    sa.and_(LotEvent.lot_id.in_(upstream), LotEvent.type != EventType.SELLING),
                )
            )
            .options(
                so.joinedload(LotEvent.lot),
                so.selectinload(LotEvent.inputs).joinedload(LotEventInput.lot),
            )
            .order_by(LotEvent.occurred_at, LotEvent.id)
        )
    )
    recalls = {
        recall.lot_id: recall
        for recall in db.session.scalars(
            sa.select(LotRecall)
            .where(LotRecall.lot_id.in_(upstream | {lot.id}))
            .options(so.joinedload(LotRecall.lot))
        )
    }
    inputs = [
        item.lot
        for event in events
        if event.lot_id == lot.id and event.type == EventType.PROCESSING
        for item in event.inputs
    ]
    outputs = list(
        db.session.scalars(
            sa.select(Lot)
            .join(LotEvent, LotEvent.lot_id == Lot.id)
            .join(LotEventInput, LotEventInput.event_id == LotEvent.id)
            .where(LotEventInput.lot_id == lot.id)
            .order_by(Lot.harvest_date, Lot.code)
        ).unique()
    )
    return LotTrace(
        lot=lot,
        recall=recalls.pop(lot.id, None),
        upstream_recalls=sorted(recalls.values(), key=lambda r: r.recalled_at),
        events=events,
        inputs=inputs,
        outputs=outputs,
        recognition=lot.product.current_recognition(today),
        certificates=[e for e in events if e.certificate or e.certificate_ref],
    )


def count_scan(lot_id: int) -> None:
    """Add one scan to the lot's counter with a single UPDATE (no read-modify-write)."""
    now = utcnow()
    table = LotScanCount.__table__
    bump = (
        sa.update(table)
        .where(table.c.lot_id == lot_id)
        .values(scans=table.c.scans + 1, last_scanned_at=now)
    )
    if db.session.execute(bump).rowcount == 0:
        try:
            with db.session.begin_nested():
                db.session.execute(
                    sa.insert(table).values(lot_id=lot_id, scans=1, last_scanned_at=now)
                )
        except sa.exc.IntegrityError:
            # Another request created the row first: count on it.
            db.session.execute(bump)
    db.session.commit()


def scan_counts(lot_ids: list[int]) -> dict[int, int]:
    """Scans per lot for the given lots (missing lots were never scanned)."""
    if not lot_ids:
        return {}
    rows = db.session.execute(
        sa.select(LotScanCount.lot_id, LotScanCount.scans).where(LotScanCount.lot_id.in_(lot_ids))
    )
    return {lot_id: scans for lot_id, scans in rows}


def made_by_processing(lot_id: int) -> bool:
    """True when the lot is the output of a processing event."""
    return (
        db.session.scalar(
            sa.select(LotEvent.id)
            .where(LotEvent.lot_id == lot_id, LotEvent.type == EventType.PROCESSING)
            .limit(1)
        )
        is not None
    )


def recall_of(lot_id: int) -> LotRecall | None:
    """The lot's recall, if it was recalled."""
    return db.session.scalar(sa.select(LotRecall).where(LotRecall.lot_id == lot_id))


def current_lots(product_id: int, limit: int = 3) -> list[Lot]:
    """A product's latest harvest lots not recalled, newest first, with their growing areas."""
    recalled = sa.select(LotRecall.lot_id)
    return list(
        db.session.scalars(
            sa.select(Lot)
            .where(Lot.product_id == product_id, Lot.id.not_in(recalled))
            .options(so.joinedload(Lot.growing_area))
            .order_by(Lot.harvest_date.desc(), Lot.id.desc())
            .limit(limit)
        )
    )
