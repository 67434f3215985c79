"""The payment ledger, payment codes, bank notifications, Stripe events and payouts.

Money is whole đồng; every provider event is unique in the database on the provider's own id,
so a notification delivered twice (even at the same moment) is stored and counted once.
"""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.dbtypes import str_enum, utcnow
from market.extensions import db


class PaymentMethod(enum.StrEnum):
    """How money moves: bank transfer (VietQR), card (Stripe), cash, or cash a carrier collected
    on delivery (the market's money, held by the carrier until it remits it)."""

    BANK_TRANSFER = "bank_transfer"
    CARD = "card"
    CASH = "cash"
    CARRIER_COD = "carrier_cod"


class EntryKind(enum.StrEnum):
    """What a ledger line records."""

    ATTEMPT = "attempt"  # a payment was started (QR shown, card checkout opened, cash chosen)
    NOTIFICATION = "notification"  # a provider told us about money, whatever came of it
    PAYMENT = "payment"  # money received for a payment code
    EARNING = "earning"  # a producer's share of a paid code, owed to it
    REFUND = "refund"  # money given back
    PAYOUT = "payout"  # money the market paid out to a producer
    REMITTANCE = "remittance"  # a carrier handed over cash it collected on delivery


class EntryStatus(enum.StrEnum):
    """Provider calls in flight are pending; failed lines count for nothing."""

    DONE = "done"
    PENDING = "pending"
    FAILED = "failed"


class Outcome(enum.StrEnum):
    """What a payment or notification came to."""

    EXACT = "exact"
    PARTIAL = "partial"
    OVERPAID = "overpaid"
    LATE = "late"  # paid after expiry or cancellation: flagged for refund
    UNMATCHED = "unmatched"
    IGNORED = "ignored"
    FAILED = "failed"


class BankProvider(enum.StrEnum):
    """Bank-notification services that watch the collection account."""

    SEPAY = "sepay"
    CASSO = "casso"


class NotificationStatus(enum.StrEnum):
    """Where a stored bank notification stands."""

    RECEIVED = "received"  # stored, not processed yet
    CREDITED = "credited"  # matched to a payment code automatically
    UNMATCHED = "unmatched"  # no code, unknown code or another account: a manager decides
    ASSIGNED = "assigned"  # a manager credited it to a code by hand
    RETURNING = "returning"  # a manager flagged it to be sent back
    IGNORED = "ignored"  # a debit, or nothing to credit


class StripeEventStatus(enum.StrEnum):
    """Where a stored Stripe event stands."""

    RECEIVED = "received"
    PROCESSED = "processed"
    DEFERRED = "deferred"  # a refund seen before its payment: replayed when the payment lands
    IGNORED = "ignored"


class PaymentCode(db.Model):
    """A code shoppers put in the transfer memo, the kind of thing it pays, and a row to lock."""

    __tablename__ = "payment_codes"
    __table_args__ = (sa.CheckConstraint("amount_due >= 0", name="amount_due"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))
    # The amount the target last asked for; reconciliation compares payments against it.
    amount_due: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    revision: so.Mapped[int] = so.mapped_column(default=0)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class BankNotification(db.Model):
    """One bank-notification webhook, stored as received once it is verified."""

    __tablename__ = "bank_notifications"
    __table_args__ = (
        sa.UniqueConstraint("provider", "provider_tx_id"),
        sa.CheckConstraint("amount >= 0", name="amount"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider: so.Mapped[BankProvider] = so.mapped_column(str_enum(BankProvider, "bank_provider"))
    provider_tx_id: so.Mapped[str] = so.mapped_column(sa.String(64))
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    headers: so.Mapped[str] = so.mapped_column(sa.Text, default="{}")
    is_credit: so.Mapped[bool]
    amount: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    account_number: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    virtual_account: so.Mapped[str] = so.mapped_column(sa.String(40), default="")
    description: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    provider_code: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    bank_reference: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    transacted_at: so.Mapped[datetime | None]
    status: so.Mapped[NotificationStatus] = so.mapped_column(
        str_enum(NotificationStatus, "notification_status"),
        default=NotificationStatus.RECEIVED,
        index=True,
    )
    payment_code: so.Mapped[str | None] = so.mapped_column(sa.String(32), index=True)
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    processed_at: so.Mapped[datetime | None]
    handled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))


class StripeEvent(db.Model):
    """One Stripe webhook event, stored once per event id after its signature is verified."""

    __tablename__ = "stripe_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    event_id: so.Mapped[str] = so.mapped_column(sa.String(255), unique=True)
    type: so.Mapped[str] = so.mapped_column(sa.String(100))
    body: so.Mapped[str] = so.mapped_column(sa.Text)
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    status: so.Mapped[StripeEventStatus] = so.mapped_column(
        str_enum(StripeEventStatus, "stripe_event_status"),
        default=StripeEventStatus.RECEIVED,
        index=True,
    )
    payment_intent: so.Mapped[str | None] = so.mapped_column(sa.String(255), index=True)
    note: so.Mapped[str] = so.mapped_column(sa.String(300), default="")
    processed_at: so.Mapped[datetime | None]


class Payout(db.Model):
    """Money the market paid to a producer, with the account it went to at the time."""

    __tablename__ = "payouts"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT"), index=True
    )
    amount: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    method: so.Mapped[PaymentMethod] = so.mapped_column(str_enum(PaymentMethod, "payout_method"))
    reference: so.Mapped[str] = so.mapped_column(sa.String(120))
    bank_bin: so.Mapped[str | None] = so.mapped_column(sa.String(6))
    bank_account: so.Mapped[str | None] = so.mapped_column(sa.String(19))
    bank_holder: so.Mapped[str | None] = so.mapped_column(sa.String(50))
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    recorded_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))


class LedgerEntry(db.Model):
    """One line of the payment ledger; a code's paid state and a producer's balance follow from it.

    ``amount`` is always positive; ``kind`` says which way it moves. ``refund_due`` is the part of
    a payment that must go back (an overpayment, a late payment, an unmatched card payment); on
    an earning it marks a part withdrawn after payment (cancelled or refunded): the market's
    money for that part goes back to the payer and is not owed to the producer.
    ``dedupe_key`` is unique, so the same provider payment or earning is never counted twice.
    """

    __tablename__ = "payment_ledger"
    __table_args__ = (
        sa.CheckConstraint("amount >= 0", name="amount"),
        sa.CheckConstraint("refund_due >= 0 AND refund_due <= amount", name="refund_due"),
        sa.Index("ix_payment_ledger_kind_created_at", "kind", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    kind: so.Mapped[EntryKind] = so.mapped_column(str_enum(EntryKind, "ledger_kind"))
    method: so.Mapped[PaymentMethod | None] = so.mapped_column(
        str_enum(PaymentMethod, "ledger_method")
    )
    status: so.Mapped[EntryStatus] = so.mapped_column(
        str_enum(EntryStatus, "ledger_status"), default=EntryStatus.DONE
    )
    outcome: so.Mapped[Outcome | None] = so.mapped_column(str_enum(Outcome, "ledger_outcome"))
    amount: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    refund_due: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    target_code: so.Mapped[str | None] = so.mapped_column(sa.String(32), index=True)
    part_ref: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    producer_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT"), index=True
    )
    reference: so.Mapped[str] = so.mapped_column(sa.String(255), default="")
    dedupe_key: so.Mapped[str | None] = so.mapped_column(sa.String(200), unique=True)
    notification_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("bank_notifications.id", ondelete="RESTRICT"), index=True
    )
    refund_of_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("payment_ledger.id", ondelete="RESTRICT"), index=True
    )
    payout_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("payouts.id", ondelete="RESTRICT")
    )
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")

    def __repr__(self) -> str:
        return f"<LedgerEntry {self.id} {self.kind} {self.amount} {self.target_code}>"


class RefundRequestStatus(enum.StrEnum):
    """Where a producer's request to refund a card or transfer payment stands."""

    PENDING = "pending"
    APPROVED = "approved"  # refunded (by Stripe, or the manager's transfer back)
    REJECTED = "rejected"


class RefundRequest(db.Model):
    """A producer asks the market to give back money it holds for one of its order parts.

    The market's money (card, bank transfer) moves only when a provincial manager approves, or
    automatically under ``REFUND_AUTO_APPROVE_LIMIT`` for a card; cash stays the producer's.
    """

    __tablename__ = "refund_requests"
    __table_args__ = (sa.CheckConstraint("amount > 0", name="amount_positive"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    part_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("order_parts.id", ondelete="RESTRICT"), index=True
    )
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT"), index=True
    )
    amount: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    reason: so.Mapped[str] = so.mapped_column(sa.String(500))
    status: so.Mapped[RefundRequestStatus] = so.mapped_column(
        str_enum(RefundRequestStatus, "refund_request_status"),
        default=RefundRequestStatus.PENDING,
        index=True,
    )
    requested_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    decided_at: so.Mapped[datetime | None]
    decision_note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    refund_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("payment_ledger.id", ondelete="RESTRICT")
    )


class UnreadableNotification(db.Model):
    """An authenticated bank notification whose body we could not read, kept byte for byte.

    The body is stored as bytes, not text: it may hold NUL (PostgreSQL text cannot) or bytes
    that are not UTF-8. A provincial manager sees it in reconciliation until they mark it dealt
    with; a provider's retry of the same body is counted, not stored again.
    """

    __tablename__ = "unreadable_bank_notifications"
    __table_args__ = (sa.UniqueConstraint("provider", "body_sha256"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    provider: so.Mapped[BankProvider] = so.mapped_column(str_enum(BankProvider, "bank_provider"))
    body_sha256: so.Mapped[str] = so.mapped_column(sa.String(64))
    body: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary)
    headers: so.Mapped[str] = so.mapped_column(sa.Text, default="{}")
    reason: so.Mapped[str] = so.mapped_column(sa.String(300))
    received_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    deliveries: so.Mapped[int] = so.mapped_column(default=1)
    handled_at: so.Mapped[datetime | None]
    handled_by_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
