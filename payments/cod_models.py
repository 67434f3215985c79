"""Cash a carrier collected on delivery (a receivable from that carrier) and its remittances.

A carrier that delivers a cash part collects the money for the market: the ledger records it as
received when the part is delivered (method ``carrier_cod``), and ``CodReceivable`` says the
carrier still holds it. Each remittance the carrier reports (a line of its COD statement, or its
notification) is one ``CodRemittance`` row; the part of it that settles a receivable is also a
``remittance`` line in the ledger, so the ledger alone tells what each carrier still owes.
"""

import enum
from datetime import date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.dbtypes import str_enum, utcnow
from market.extensions import db


class CodReceivable(db.Model):
    """Cash one carrier collected for one order part, and how much of it it has remitted."""

    __tablename__ = "cod_receivables"
    __table_args__ = (
        sa.UniqueConstraint("carrier", "tracking_code"),
        sa.UniqueConstraint("target_code", "part_ref"),
        sa.CheckConstraint("amount > 0 AND remitted >= 0", name="amounts"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    carrier: so.Mapped[str] = so.mapped_column(sa.String(20), index=True)
    tracking_code: so.Mapped[str] = so.mapped_column(sa.String(64))
    target_code: so.Mapped[str] = so.mapped_column(sa.String(32))
    part_ref: so.Mapped[str] = so.mapped_column(sa.String(64))
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT"), index=True
    )
    amount: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    remitted: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    collected_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    settled_at: so.Mapped[datetime | None]
    payment_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("payment_ledger.id", ondelete="RESTRICT")
    )

    @property
    def outstanding(self) -> int:
        """What the carrier still holds of it."""
        return max(0, self.amount - self.remitted)


class RemittanceSource(enum.StrEnum):
    """How the market heard of a remittance."""

    STATEMENT = "statement"  # a manager imported the carrier's COD statement
    NOTIFICATION = "notification"  # the carrier's own notification


class RemittanceOutcome(enum.StrEnum):
    """What one remitted line came to."""

    SETTLED = "settled"  # the receivable is paid in full
    SHORT = "short"  # less than the carrier still owed: the rest stays receivable
    OVER = "over"  # more than the carrier still owed: the excess is the carrier's
    DUPLICATE = "duplicate"  # the receivable was settled already: paid twice
    UNKNOWN = "unknown"  # no cash on delivery by this carrier under that tracking code


class CodRemittance(db.Model):
    """One line of a carrier's COD remittance, as reported, and what it settled."""

    __tablename__ = "cod_remittances"
    __table_args__ = (sa.CheckConstraint("amount > 0 AND applied >= 0", name="amounts"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    carrier: so.Mapped[str] = so.mapped_column(sa.String(20))
    tracking_code: so.Mapped[str] = so.mapped_column(sa.String(64))
    amount: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    remitted_on: so.Mapped[date]
    source: so.Mapped[RemittanceSource] = so.mapped_column(
        str_enum(RemittanceSource, "remittance_source")
    )
    source_ref: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    outcome: so.Mapped[RemittanceOutcome] = so.mapped_column(
        str_enum(RemittanceOutcome, "remittance_outcome"), index=True
    )
    applied: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    receivable_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("cod_receivables.id", ondelete="RESTRICT"), index=True
    )
    # The same line reported again (a statement imported twice) is recognised, not counted.
    dedupe_key: so.Mapped[str] = so.mapped_column(sa.String(200), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    receivable: so.Mapped[CodReceivable | None] = so.relationship()
