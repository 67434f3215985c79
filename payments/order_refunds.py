"""Refunding order parts: the money through the ledger, the part through orders' rules.

A producer (or a manager) gives back part or all of what a part was paid. The ledger line is
written by ``payments.refunds.refund_part`` (Stripe's API for a card, a person's reference for
a bank transfer or cash); the order target then records it on the part, which becomes
``refunded`` once all of it is back. A full refund is refused up front while orders' rules do
not allow it, so no money leaves for a part still on its way. A provincial manager refunding a
payment names the parts it is for (``refund_whole_part``): a part still being prepared is
cancelled by the market first, so the producer does not ship it and is not owed it.
"""

import logging

from orders import services
from orders.errors import OrderError
from orders.lifecycle import Action, check
from orders.models import ActorRole, OrderPart, PartStatus
from orders.transitions import Actor
from payments import refunds
from payments.errors import InvalidAmount, PaymentError, ReasonRequired, ReferenceRequired
from payments.methods import METHODS
from payments.models import LedgerEntry
from payments.models import PaymentMethod as LedgerMethod
from payments.order_target import find_order

logger = logging.getLogger(__name__)


class RefundNotAllowed(PaymentError):
    """Orders' rules do not allow the part to be refunded in full yet."""


def refundable_amount(part: OrderPart) -> int:
    """What may still be given back for the part."""
    return part.paid_amount - part.refunded_amount


def refundable_parts(code: str | None) -> list[OrderPart]:
    """The parts of the order a payment code names that still hold money to give back."""
    order = find_order(code) if code else None
    if order is None:
        return []
    return [part for part in order.parts if refundable_amount(part) > 0]


def refund_order_part(
    part: OrderPart, amount: int, *, reference: str = "", actor_id: int | None = None
) -> LedgerEntry:
    """Give back ``amount`` of the part's payment; commits. Raises a ``PaymentError``."""
    left = refundable_amount(part)
    if not 0 < amount <= left:
        raise InvalidAmount()
    if amount == left:
        try:
            check(part, Action.REFUND, ActorRole.PAYMENT)
        except OrderError as error:
            raise RefundNotAllowed(error.message) from error
    entry = refunds.refund_part(
        part.order.payment_code, part.reference, amount, reference=reference, actor_id=actor_id
    )
    logger.info("Part %s refunded %s đồng", part.reference, amount)
    return entry


def refund_whole_part(
    part: OrderPart, *, reference: str, reason: str, actor_id: int
) -> LedgerEntry:
    """A manager gives back all a part holds; a part still being prepared is cancelled by the
    market first (stock released, producer and shopper told). Commits; raises a ``PaymentError``.
    """
    if refundable_amount(part) <= 0:
        raise InvalidAmount()
    method = LedgerMethod(part.order.payment_method.value)
    if METHODS[method].needs_reference and not reference.strip():
        raise ReferenceRequired()
    if part.status not in (PartStatus.CANCELLED, PartStatus.DELIVERED, PartStatus.PICKED_UP):
        try:
            check(part, Action.CANCEL, ActorRole.PAYMENT)
        except OrderError as error:
            raise RefundNotAllowed(error.message) from error
        if not reason.strip():
            raise ReasonRequired()
        try:
            services.cancel_part(part, Actor(ActorRole.PAYMENT, actor_id), reason)
        except OrderError as error:
            raise RefundNotAllowed(error.message) from error
    return refund_order_part(part, refundable_amount(part), reference=reference, actor_id=actor_id)
