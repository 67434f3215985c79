"""A producer's own-delivery zone rates and the carriers it enabled (its delivery settings).

A zone is a commune or ward (official code), an area of origin (a former district, by slug), a
province (official code) or everywhere else in Vietnam. For an address the most specific zone
with rates decides; within it the first weight band the parcel fits (``up_to_grams`` None: any
weight); a rate with ``free_above`` costs nothing when the part's items reach that value. A
place no zone covers gets no own delivery. "Commune X free, the rest of Tuyên Quang 25,000 đ up
to 5 kg then 40,000 đ, Hà Nội 60,000 đ, nowhere else" is four rows.
"""

import enum

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.dbtypes import str_enum
from market.extensions import db


class ZoneKind(enum.StrEnum):
    """What a zone's code names, most specific first."""

    COMMUNE = "commune"
    AREA = "area"
    PROVINCE = "province"
    EVERYWHERE = "everywhere"  # the code is empty


class DeliveryRate(db.Model):
    """One row of a producer's own-delivery prices: a zone, a weight band, a fee."""

    __tablename__ = "delivery_rates"
    __table_args__ = (
        sa.CheckConstraint("fee >= 0", name="fee_non_negative"),
        sa.CheckConstraint("up_to_grams > 0 OR up_to_grams IS NULL", name="band_positive"),
        sa.CheckConstraint("free_above > 0 OR free_above IS NULL", name="free_above_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE"), index=True
    )
    zone_kind: so.Mapped[ZoneKind] = so.mapped_column(str_enum(ZoneKind, "zone_kind"))
    zone_code: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    # The heaviest parcel (packaging included) this fee covers; None: any weight.
    up_to_grams: so.Mapped[int | None]
    fee: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    # Free when the part's items reach this value (đồng); None: never free.
    free_above: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)


class EnabledCarrier(db.Model):
    """A carrier (``orders.carriers`` code) a producer sends parcels with."""

    __tablename__ = "producer_carriers"

    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE"), primary_key=True
    )
    carrier: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
