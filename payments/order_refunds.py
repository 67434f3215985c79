"""Refunding one order part: the money through the ledger, the part through orders' rules.

A producer (or a manager) gives back part or all of what a part was paid. The ledger line is
written by ``payments.refunds.refund_part`` (Stripe's API for a card, a person's reference for
a bank transfer or cash); the order target then records it on the part, which becomes
``refunded`` once all of it is back. A full refund is refused up front while orders' rules do
not allow it (cancel the part first), so no money leaves for a part still being fulfilled.
"""

import logging

from orders.errors import InvalidTransition
from orders.lifecycle import Action, check
from orders.models import ActorRole, OrderPart
from payments import refunds
from payments.errors import InvalidAmount, PaymentError
from payments.models import LedgerEntry

logger = logging.getLogger(__name__)


class RefundNotAllowed(PaymentError):
    """Orders' rules do not allow the part to be refunded in full yet."""


def refundable_amount(part: OrderPart) -> int:
    """What may still be given back for the part."""
    return part.paid_amount - part.refunded_amount


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
        except InvalidTransition as error:
            raise RefundNotAllowed(error.message) from error
    entry = refunds.refund_part(
        part.order.payment_code, part.reference, amount, reference=reference, actor_id=actor_id
    )
    logger.info("Part %s refunded %s đồng", part.reference, amount)
    return entry
