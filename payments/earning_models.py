"""Marketplace fee rules, each paid part's fixed fee and settlement, payout runs and statements.

A part's fee is fixed onto its ``PartEarning`` row when the part is paid: later changes to the
rules never rewrite it. The row then follows the part to settlement (payable) and onto one
statement of a payout run.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.dbtypes import str_enum, utcnow
from market.extensions import db
from payments.models import PaymentMethod

DEFAULT_SCOPE = "default"


class FeeRule(db.Model):
    """A commission rate: the default, one OCOP group's, or one producer's exception.

    ``scope`` is ``default``, ``group:<category id>`` or ``producer:<producer id>`` (unique), so
    each has at most one rule on every database.
    """

    __tablename__ = "fee_rules"
    __table_args__ = (
        sa.CheckConstraint("rate_bp >= 0 AND rate_bp <= 10000", name="rate_bp"),
        sa.CheckConstraint("(category_id IS NULL) OR (producer_id IS NULL)", name="one_scope"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scope: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    category_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("categories.id", ondelete="CASCADE")
    )
    producer_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="CASCADE")
    )
    rate_bp: so.Mapped[int]
    delivery_carries: so.Mapped[bool] = so.mapped_column(default=False)
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))


class PayoutRunStatus(enum.StrEnum):
    """A run is open while some of its lines are not yet paid."""

    OPEN = "open"
    DONE = "done"


class LineStatus(enum.StrEnum):
    """Where one producer's payout line stands."""

    PENDING = "pending"  # to be transferred; its amount is reserved
    CONFIRMED = "confirmed"  # the bank reported the debit (or the manager recorded it)
    RETURNED = "returned"  # the transfer came back: the balance is open again
    CANCELLED = "cancelled"  # withdrawn before it was paid


class PayoutRun(db.Model):
    """A batch of payouts a provincial manager created from producers' payable balances."""

    __tablename__ = "payout_runs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    minimum: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    status: so.Mapped[PayoutRunStatus] = so.mapped_column(
        str_enum(PayoutRunStatus, "payout_run_status"), default=PayoutRunStatus.OPEN
    )
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    created_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))

    lines: so.Mapped[list["PayoutLine"]] = so.relationship(
        back_populates="run", order_by="PayoutLine.id"
    )


class PayoutLine(db.Model):
    """One producer's payout in a run, with its statement figures and the account it goes to.

    ``code`` goes in the transfer memo, so the bank's debit notification confirms the line.
    ``carried_over`` is the part of ``amount`` not from parts listed on this statement
    (earlier balances, refunds after an earlier statement).
    """

    __tablename__ = "payout_lines"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    run_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("payout_runs.id", ondelete="CASCADE"), index=True
    )
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT"), index=True
    )
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    amount: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    gross: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    fees: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    refunds: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    cash_collected: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    carried_over: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    bank_bin: so.Mapped[str] = so.mapped_column(sa.String(6))
    bank_account: so.Mapped[str] = so.mapped_column(sa.String(19))
    bank_holder: so.Mapped[str] = so.mapped_column(sa.String(50))
    status: so.Mapped[LineStatus] = so.mapped_column(
        str_enum(LineStatus, "payout_line_status"), default=LineStatus.PENDING, index=True
    )
    payout_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("payouts.id", ondelete="RESTRICT")
    )
    notification_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("bank_notifications.id", ondelete="RESTRICT")
    )
    confirmed_at: so.Mapped[datetime | None]
    returned_at: so.Mapped[datetime | None]

    run: so.Mapped[PayoutRun] = so.relationship(back_populates="lines")


class PartEarning(db.Model):
    """A paid part's share, with the fee fixed when it was paid and when it became payable.

    ``fee`` and ``vat`` are for the whole part; a refund on the part reduces the fee charged in
    proportion (``payments.fees.fee_charged``). ``payable_at`` is set by settlement.
    ``statement_line_id`` is the payout line whose statement listed the part, with the refunds
    and fee it showed.
    """

    __tablename__ = "part_earnings"
    __table_args__ = (
        sa.UniqueConstraint("target_code", "part_ref"),
        sa.CheckConstraint("gross >= 0 AND fee >= 0 AND vat >= 0", name="amounts"),
        sa.Index("ix_part_earnings_producer_payable", "producer_id", "payable_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    target_code: so.Mapped[str] = so.mapped_column(sa.String(32))
    part_ref: so.Mapped[str] = so.mapped_column(sa.String(64))
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT")
    )
    order_part_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("order_parts.id", ondelete="RESTRICT"), index=True
    )
    method: so.Mapped[PaymentMethod] = so.mapped_column(str_enum(PaymentMethod, "earning_method"))
    gross: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    fee_base: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    rate_bp: so.Mapped[int] = so.mapped_column(default=0)
    delivery_carries: so.Mapped[bool] = so.mapped_column(default=False)
    fee: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    vat_bp: so.Mapped[int] = so.mapped_column(default=0)
    vat: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    ocop_group_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("categories.id", ondelete="SET NULL")
    )
    fixed_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    payable_at: so.Mapped[datetime | None]
    statement_line_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("payout_lines.id", ondelete="SET NULL"), index=True
    )
    # What the statement showed for the part, so a later refund never changes a statement.
    stated_refunds: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    stated_fee: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
