"""Trace events on lots, processing inputs, recalls and scan counters."""

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import Lot
from market.accounts.models import User
from market.dbtypes import str_enum, utcnow
from market.extensions import db


class EventType(enum.StrEnum):
    """What happened to a lot, from field to shopper (GS1 EPCIS farm-to-shopper chain)."""

    HARVEST = "harvest"
    PROCESSING = "processing"
    PACKING = "packing"
    SHIPPING = "shipping"
    RECEIVING = "receiving"
    SELLING = "selling"


class BizStep(enum.StrEnum):
    """GS1 Core Business Vocabulary business steps a producer may record."""

    COMMISSIONING = "commissioning"
    CREATING_CLASS_INSTANCE = "creating_class_instance"
    INSPECTING = "inspecting"
    PACKING = "packing"
    STORING = "storing"
    SHIPPING = "shipping"
    TRANSPORTING = "transporting"
    RECEIVING = "receiving"
    RETAIL_SELLING = "retail_selling"


USUAL_BIZ_STEP = {
    EventType.HARVEST: BizStep.COMMISSIONING,
    EventType.PROCESSING: BizStep.CREATING_CLASS_INSTANCE,
    EventType.PACKING: BizStep.PACKING,
    EventType.SHIPPING: BizStep.SHIPPING,
    EventType.RECEIVING: BizStep.RECEIVING,
    EventType.SELLING: BizStep.RETAIL_SELLING,
}


class LotEvent(db.Model):
    """One thing that happened to a lot: what, when (UTC), where, why, and who recorded it."""

    __tablename__ = "lot_events"
    __table_args__ = (
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("gln IS NULL OR length(gln) = 13", name="gln_13"),
        sa.Index("ix_lot_events_lot_time", "lot_id", "occurred_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Events are evidence: a lot that has them cannot be deleted (see services.lot_has_history).
    lot_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey("lots.id", ondelete="RESTRICT"))
    type: so.Mapped[EventType] = so.mapped_column(str_enum(EventType, "lot_event_type"))
    occurred_at: so.Mapped[datetime]
    place: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    gln: so.Mapped[str | None] = so.mapped_column(sa.String(13))
    biz_step: so.Mapped[BizStep] = so.mapped_column(str_enum(BizStep, "lot_event_biz_step"))
    quantity: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))
    certificate: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    certificate_ref: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    # A business transaction (an order number for a sale); never shown publicly.
    reference: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    recorded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    lot: so.Mapped[Lot] = so.relationship()
    recorded_by: so.Mapped[User | None] = so.relationship()
    inputs: so.Mapped[list["LotEventInput"]] = so.relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="LotEventInput.lot_id"
    )

    @property
    def has_usual_step(self) -> bool:
        """True when the business step is the usual one for the event type (not worth showing)."""
        return self.biz_step == USUAL_BIZ_STEP[self.type]


class LotEventInput(db.Model):
    """An input lot consumed by a processing event whose output is the event's lot."""

    __tablename__ = "lot_event_inputs"
    __table_args__ = (
        sa.CheckConstraint("quantity IS NULL OR quantity > 0", name="quantity_positive"),
    )

    event_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("lot_events.id", ondelete="CASCADE"), primary_key=True
    )
    lot_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("lots.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    quantity: so.Mapped[Decimal | None] = so.mapped_column(sa.Numeric(12, 2))

    event: so.Mapped[LotEvent] = so.relationship(back_populates="inputs")
    lot: so.Mapped[Lot] = so.relationship()


class LotRecall(db.Model):
    """A lot withdrawn from sale, with the reason shown to everyone who scans it."""

    __tablename__ = "lot_recalls"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    lot_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("lots.id", ondelete="RESTRICT"), unique=True
    )
    reason: so.Mapped[str] = so.mapped_column(sa.String(500))
    recalled_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    by_manager: so.Mapped[bool] = so.mapped_column(default=False)
    recalled_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    buyers_emailed: so.Mapped[int] = so.mapped_column(default=0)

    lot: so.Mapped[Lot] = so.relationship()
    recalled_by: so.Mapped[User | None] = so.relationship()


class LotScanCount(db.Model):
    """How often a lot's public page was opened; incremented by an atomic upsert."""

    __tablename__ = "lot_scan_counts"

    lot_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("lots.id", ondelete="CASCADE"), primary_key=True
    )
    scans: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    last_scanned_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
