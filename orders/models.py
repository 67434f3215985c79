"""Carts, orders split into one part per producer, order lines and the part's status history."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from catalog.models import Producer, Product
from market.accounts.models import User
from market.codes import payment_code
from market.dbtypes import str_enum, utcnow
from market.extensions import db


class PaymentMethod(enum.StrEnum):
    """How the shopper pays; taking the money is the payments package's job."""

    BANK_TRANSFER = "bank_transfer"  # VietQR
    CARD = "card"
    CASH = "cash"  # on delivery or at pickup


class DeliveryMethod(enum.StrEnum):
    """How one producer's part reaches the shopper."""

    PICKUP_PRODUCER = "pickup_producer"
    PICKUP_STALL = "pickup_stall"  # at a chợ 4.0 market stall
    HOME = "home"

    @property
    def is_pickup(self) -> bool:
        """The shopper collects the part: it ends ``picked_up``, not ``delivered``."""
        return self is not DeliveryMethod.HOME


class PartStatus(enum.StrEnum):
    """Where one producer's part of an order is in its life; see ``orders.lifecycle``."""

    AWAITING_PAYMENT = "awaiting_payment"
    AWAITING_FULFILMENT = "awaiting_fulfilment"
    PACKED = "packed"
    SHIPPED = "shipped"
    READY_FOR_PICKUP = "ready_for_pickup"
    DELIVERED = "delivered"
    PICKED_UP = "picked_up"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class CancelKind(enum.StrEnum):
    """Who or what cancelled a part; only expired parts may come back when paid late."""

    SHOPPER = "shopper"
    PRODUCER = "producer"
    EXPIRED = "expired"


class ActorRole(enum.StrEnum):
    """In which capacity someone changed a part; helpers act on behalf of a producer."""

    SHOPPER = "shopper"
    OWNER = "owner"
    STAFF = "staff"
    HELPER = "helper"
    PAYMENT = "payment"
    SYSTEM = "system"


class CartItem(db.Model):
    """A line of a signed-in shopper's cart (guests keep theirs in the session)."""

    __tablename__ = "cart_items"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "product_id"),
        sa.CheckConstraint("quantity BETWEEN 1 AND 99", name="quantity_range"),
        sa.CheckConstraint("price_seen >= 0", name="price_seen_non_negative"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), index=True
    )
    quantity: so.Mapped[int]
    # The price shown when the line was added, so a later change can be pointed out.
    price_seen: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    added_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class Order(db.Model):
    """One checkout: the shopper's contact and address, the payment method and the totals."""

    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint("items_total >= 0 AND delivery_total >= 0", name="totals_non_negative"),
        sa.CheckConstraint("total = items_total + delivery_total", name="total_sum"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(sa.String(12), unique=True)
    # The guest's private link; long and random so it cannot be guessed.
    access_token: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # Sent with the checkout form: a repeated submission finds the order instead of making one.
    idempotency_key: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    contact_name: so.Mapped[str] = so.mapped_column(sa.String(120))
    contact_phone: so.Mapped[str] = so.mapped_column(sa.String(15))
    contact_email: so.Mapped[str | None] = so.mapped_column(sa.String(254))
    # Home-delivery address: official province and commune/ward codes (``market.places``), with
    # the names as they were at checkout. A code is None for pickup orders, and for an address
    # from before 2025 a manager still has to resolve (the names keep what the shopper typed).
    province_code: so.Mapped[str | None] = so.mapped_column(sa.String(2))
    province_name: so.Mapped[str] = so.mapped_column(sa.String(60), default="")
    commune_code: so.Mapped[str | None] = so.mapped_column(sa.String(5), index=True)
    commune_name: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    street: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    payment_method: so.Mapped[PaymentMethod] = so.mapped_column(
        str_enum(PaymentMethod, "payment_method")
    )
    items_total: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    delivery_total: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    total: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    locale: so.Mapped[str] = so.mapped_column(sa.String(5), default="vi")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow, index=True)
    # Parts hold stock until then: unpaid ones (bank transfer, card), or cash ones the producer
    # has not accepted (``OrderPart.confirmed_at``).
    expires_at: so.Mapped[datetime | None] = so.mapped_column(index=True)

    user: so.Mapped[User | None] = so.relationship()
    parts: so.Mapped[list["OrderPart"]] = so.relationship(
        back_populates="order", order_by="OrderPart.number", cascade="all, delete-orphan"
    )

    @property
    def notify_email(self) -> str | None:
        """Where the shopper's emails go: the checkout address, else the account's."""
        return self.contact_email or (self.user.email if self.user else None)

    @property
    def address_lines(self) -> list[str]:
        """The home-delivery address, street first, as display lines."""
        place = ", ".join(p for p in (self.commune_name, self.province_name) if p)
        return [line for line in (self.street, place) if line]

    @property
    def payment_code(self) -> str:
        """The code for the transfer memo: the payment prefix and the order code."""
        return payment_code(self.code)

    @property
    def amount_due(self) -> int:
        """What is still to be paid online: the parts awaiting payment."""
        return sum(p.total for p in self.parts if p.status == PartStatus.AWAITING_PAYMENT)

    def __repr__(self) -> str:
        return f"<Order {self.code}>"


class OrderPart(db.Model):
    """One producer's share of an order, fulfilled and paid out on its own."""

    __tablename__ = "order_parts"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "producer_id"),
        sa.UniqueConstraint("order_id", "number"),
        sa.CheckConstraint(
            "items_total >= 0 AND delivery_fee >= 0 AND total = items_total + delivery_fee",
            name="total_sum",
        ),
        sa.CheckConstraint(
            "paid_amount >= 0 AND refunded_amount >= 0 AND refunded_amount <= paid_amount",
            name="money_in_out",
        ),
        sa.Index("ix_order_parts_producer_status", "producer_id", "status"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    order_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True
    )
    producer_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("producers.id", ondelete="RESTRICT")
    )
    number: so.Mapped[int] = so.mapped_column(sa.SmallInteger)
    status: so.Mapped[PartStatus] = so.mapped_column(
        str_enum(PartStatus, "part_status"), index=True
    )
    delivery_method: so.Mapped[DeliveryMethod] = so.mapped_column(
        str_enum(DeliveryMethod, "delivery_method")
    )
    # The chợ 4.0 stall a "pickup at a stall" part is collected at. The table belongs to the
    # markets feature; orders reads stalls only through ``orders.pickup``.
    # No ON DELETE action: stalls are closed, never deleted, once anything points at them.
    pickup_stall_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("stalls.id"))
    # The delivery option the shopper chose at checkout (``orders.delivery.DeliveryOption.key``)
    # and the days quoted to the shopper (carrier and service: ``carrier``, ``carrier_service``).
    delivery_option: so.Mapped[str] = so.mapped_column(sa.String(60), default="", server_default="")
    days_min: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    days_max: so.Mapped[int | None] = so.mapped_column(sa.SmallInteger)
    # What the shopper typed before stalls were chosen from a list (older orders only).
    pickup_point: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    # Home delivery by a carrier: its code ("ghn") and service; None for own delivery and pickup.
    carrier: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    carrier_service: so.Mapped[str] = so.mapped_column(sa.String(40), default="", server_default="")
    items_total: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    delivery_fee: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    total: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    paid_amount: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    paid_reference: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    paid_at: so.Mapped[datetime | None]
    refunded_amount: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    tracking: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    cancel_kind: so.Mapped[CancelKind | None] = so.mapped_column(
        str_enum(CancelKind, "cancel_kind")
    )
    cancel_reason: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    # First opened by someone acting for the producer; unseen parts count as new.
    seen_at: so.Mapped[datetime | None]
    # When the producer accepted a cash part (or began packing it); until then it expires.
    confirmed_at: so.Mapped[datetime | None]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    order: so.Mapped[Order] = so.relationship(back_populates="parts")
    producer: so.Mapped[Producer] = so.relationship()
    lines: so.Mapped[list["OrderLine"]] = so.relationship(
        back_populates="part", order_by="OrderLine.id", cascade="all, delete-orphan"
    )
    events: so.Mapped[list["PartEvent"]] = so.relationship(
        back_populates="part", order_by="PartEvent.id", cascade="all, delete-orphan"
    )

    @property
    def reference(self) -> str:
        """The part's public reference: the order code and the part's number."""
        return f"{self.order.code}-{self.number}"

    @property
    def units(self) -> int:
        """How many units the part holds."""
        return sum(line.quantity for line in self.lines)

    @property
    def awaits_confirmation(self) -> bool:
        """A cash part the producer has neither accepted, begun nor been paid for: it expires
        if left so."""
        return (
            self.order.payment_method is PaymentMethod.CASH
            and self.status == PartStatus.AWAITING_FULFILMENT
            and self.confirmed_at is None
            and not self.paid_amount
        )

    def __repr__(self) -> str:
        return f"<OrderPart {self.order_id}-{self.number} {self.status}>"


class OrderLine(db.Model):
    """A product bought, with its name, unit and price frozen at checkout."""

    __tablename__ = "order_lines"
    __table_args__ = (
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="price_non_negative"),
        sa.CheckConstraint("line_total = unit_price * quantity", name="line_total"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    part_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("order_parts.id", ondelete="CASCADE"), index=True
    )
    product_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="SET NULL"), index=True
    )
    product_name: so.Mapped[str] = so.mapped_column(sa.String(200))
    unit: so.Mapped[str] = so.mapped_column(sa.String(40))
    unit_price: so.Mapped[int] = so.mapped_column(sa.BigInteger)
    quantity: so.Mapped[int]
    line_total: so.Mapped[int] = so.mapped_column(sa.BigInteger)

    part: so.Mapped[OrderPart] = so.relationship(back_populates="lines")
    product: so.Mapped[Product | None] = so.relationship()


class PartEvent(db.Model):
    """One recorded change of a part: from which status to which, who did it, when and why."""

    __tablename__ = "part_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    part_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("order_parts.id", ondelete="CASCADE"), index=True
    )
    from_status: so.Mapped[PartStatus | None] = so.mapped_column(
        str_enum(PartStatus, "event_from_status")
    )
    to_status: so.Mapped[PartStatus] = so.mapped_column(str_enum(PartStatus, "event_to_status"))
    actor_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    actor_role: so.Mapped[ActorRole] = so.mapped_column(str_enum(ActorRole, "actor_role"))
    # Money that moved with the event: positive when paid, negative when refunded, positive
    # again when a refund failed and the money is owed to the shopper (``is_failed_refund``).
    amount: so.Mapped[int | None] = so.mapped_column(sa.BigInteger)
    note: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    part: so.Mapped[OrderPart] = so.relationship(back_populates="events")
    actor: so.Mapped[User | None] = so.relationship()

    @property
    def is_failed_refund(self) -> bool:
        """Money came back from a refund that failed, rather than in as a payment.

        Online payments move a part out of awaiting payment, and cash is confirmed on cash
        orders only; a positive amount on any other event is a refund the provider failed.
        """
        return bool(
            self.amount
            and self.amount > 0
            and self.from_status != PartStatus.AWAITING_PAYMENT
            and self.part.order.payment_method != PaymentMethod.CASH
        )
