"""A carrier's parcel for an order part and the status updates the carrier sent about it."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.dbtypes import str_enum, utcnow
from market.extensions import db
from orders.carriers.base import ShipmentStatus
from orders.models import OrderPart

# How far along each status is: a shipment only ever moves to a higher rank, so a late or
# repeated update never takes it back. Delivered, returned and cancelled end it.
RANK = {
    ShipmentStatus.CREATED: 0,
    ShipmentStatus.PICKED_UP: 1,
    ShipmentStatus.IN_TRANSIT: 2,
    ShipmentStatus.RETURNING: 3,
    ShipmentStatus.DELIVERED: 4,
    ShipmentStatus.RETURNED: 4,
    ShipmentStatus.CANCELLED: 4,
}
FINAL_RANK = 4


class Shipment(db.Model):
    """One part sent by a carrier: created when the producer packs it.

    The label is not stored: it is asked of the carrier each time it is downloaded (it carries
    the buyer's name, phone and address, which must not sit under a public media URL).
    """

    __tablename__ = "shipments"
    __table_args__ = (
        sa.UniqueConstraint("carrier", "tracking_code"),
        sa.CheckConstraint("fee >= 0 AND cod >= 0", name="money_non_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    part_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("order_parts.id", ondelete="CASCADE"), unique=True
    )
    carrier: so.Mapped[str] = so.mapped_column(sa.String(20))
    service: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    tracking_code: so.Mapped[str] = so.mapped_column(sa.String(60))
    status: so.Mapped[ShipmentStatus] = so.mapped_column(
        str_enum(ShipmentStatus, "shipment_status")
    )
    # What the carrier charges the producer for the parcel, as it answered at creation.
    fee: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    # Cash the carrier collects from the buyer (0: none), and what it said it collected.
    cod: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    cod_collected: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    part: so.Mapped[OrderPart] = so.relationship()
    events: so.Mapped[list["ShipmentEvent"]] = so.relationship(
        back_populates="shipment",
        order_by="(ShipmentEvent.at, ShipmentEvent.id)",
        cascade="all, delete-orphan",
    )

    @property
    def is_final(self) -> bool:
        """Delivered, returned or cancelled: no update moves it any more."""
        return RANK[self.status] >= FINAL_RANK


class ShipmentEvent(db.Model):
    """One status update from the carrier, recorded once per carrier event id."""

    __tablename__ = "shipment_events"
    __table_args__ = (sa.UniqueConstraint("carrier", "event_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    shipment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("shipments.id", ondelete="CASCADE"), index=True
    )
    carrier: so.Mapped[str] = so.mapped_column(sa.String(20))
    event_id: so.Mapped[str] = so.mapped_column(sa.String(120))
    status: so.Mapped[ShipmentStatus] = so.mapped_column(
        str_enum(ShipmentStatus, "shipment_event_status")
    )
    # The carrier's own words or code for it, shown on the timeline.
    carrier_status: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    # When the carrier says it happened, and when we heard of it.
    at: so.Mapped[datetime]
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    shipment: so.Mapped[Shipment] = so.relationship(back_populates="events")
