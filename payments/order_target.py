"""Orders as a payment target: an order's payment code is the prefix and its order code.

Payments calls ``due``, ``reopen`` and ``payment_changed`` inside its own transaction after
locking the code; the order row is locked here too. Orders' use cases run inside
``orders.transaction.caller_transaction()``, so they never commit payments' work, and their
mail (paid, new part to fulfil) leaves only once payments commits. The ledger stays the
truth: ``payment_changed`` brings the order in line with it (parts paid, refunds recorded).
Orders tell payments when parts are cancelled or expire (``orders.observers``), in the
cancelling transaction: money an order holds when it closes unpaid is flagged for refund, and
when what it holds now covers the parts left, they are paid and any excess is flagged.
"""

import logging
from dataclasses import dataclass, replace

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import current_app
from flask_babel import gettext as _

from market.codes import reference_of
from market.extensions import db
from orders import services
from orders.errors import AmountMismatch, InvalidTransition, OutOfStock
from orders.models import CancelKind, Order, OrderPart, PartStatus
from orders.transaction import caller_transaction
from orders.transitions import PAYMENT
from payments.crediting import settle
from payments.ledger import COUNTS
from payments.models import EntryKind, LedgerEntry
from payments.targets import DueState, PartDue, PaymentDue, PaymentStatus

logger = logging.getLogger(__name__)

KIND = "order"
CLOSED = (PartStatus.CANCELLED, PartStatus.REFUNDED)
NOT_SENT = (PartStatus.AWAITING_FULFILMENT, PartStatus.PACKED, PartStatus.READY_FOR_PICKUP)


def find_order(code: str, *, lock: bool = False) -> Order | None:
    """The order a payment code names (locked for this transaction if asked), or None."""
    reference = reference_of(code.strip().upper())
    if reference is None:
        return None
    query = (
        sa.select(Order)
        .where(Order.code == reference)
        .options(so.selectinload(Order.parts).selectinload(OrderPart.lines))
        .execution_options(populate_existing=True)
    )
    if lock:
        query = query.with_for_update(of=Order)
    return db.session.scalar(query)


def counts_towards_payment(part: OrderPart) -> bool:
    """A part the order's payment covers: paid, still live, or expired unpaid (revivable)."""
    return bool(
        part.paid_amount or part.status not in CLOSED or part.cancel_kind == CancelKind.EXPIRED
    )


def order_due(order: Order) -> PaymentDue:
    """What the order's payment code expects now."""
    parts = [p for p in order.parts if counts_towards_payment(p)]
    # A part still going ahead with its money recorded (cash a producer confirmed) keeps the
    # order open: another part expiring unpaid must not send that money back.
    live_paid = any(p.paid_amount and p.status not in CLOSED for p in parts)
    if any(p.status == PartStatus.AWAITING_PAYMENT for p in parts):
        state = DueState.OPEN
    elif not live_paid and any(
        p.status == PartStatus.CANCELLED and not p.paid_amount for p in parts
    ):
        state = DueState.EXPIRED
    elif not parts:
        state = DueState.CANCELLED
    else:
        state = DueState.OPEN
    return PaymentDue(
        code=order.payment_code,
        amount=sum(p.total for p in parts),
        parts=tuple(
            PartDue(p.reference, p.producer_id, p.total, withdrawn=p.status in CLOSED)
            for p in parts
        ),
        state=state,
        description=_("Chợ Quê order %(code)s", code=order.code),
        return_url=_order_path(order),
    )


def _order_path(order: Order) -> str | None:
    # Only the signed-in shopper's own page: the guest's private link must not travel with
    # the payment token, which producers' pages carry too.
    if order.user_id is None:
        return None
    return current_app.url_map.bind("localhost").build("orders.detail", {"code": order.code})


def order_parts_cancelled(order: Order) -> None:
    """Parts of the order were cancelled or expired: settle what it now asks against what it
    holds (all owed back if it closed unpaid; the rest paid and any excess flagged if covered)."""
    settle(order.payment_code)


class OrderTarget:
    """The ``order`` payment target, implemented with orders' services."""

    def due(self, code: str) -> PaymentDue | None:
        """What the order expects, its row locked; None for a code that is not an order's."""
        order = find_order(code, lock=True)
        return order_due(order) if order is not None else None

    def reopen(self, code: str) -> bool:
        """Money after expiry: take the order back if its stock is still there."""
        order = find_order(code, lock=True)
        if order is None:
            return False
        try:
            with caller_transaction():
                return bool(services.reopen_expired(order))
        except (OutOfStock, InvalidTransition) as error:
            logger.info("Order %s cannot be taken back: %s", order.code, error)
            return False

    def payment_changed(self, code: str, status: PaymentStatus) -> None:
        """Mark the order or its parts paid as the ledger says, and record refunds."""
        order = find_order(code, lock=True)
        if order is None:
            return
        with caller_transaction():
            if status.is_paid and services.payable_parts(order):
                services.mark_order_paid(order, services.amount_payable(order), code)
            for part in order.parts:
                if (
                    part.reference in status.parts_paid
                    and not part.paid_amount
                    and part.status not in CLOSED
                ):
                    services.mark_part_paid(part, part.total, code)
            _record_refunds(order, code)


@dataclass(frozen=True)
class PartRefunds:
    """A part's refunds as the ledger has them: what counts, and the latest references."""

    total: int = 0
    reference: str = ""  # the latest refund that counts
    failed_reference: str = ""  # the latest refund that failed


def part_refunds(code: str) -> dict[str, PartRefunds]:
    """Per part reference: what the ledger has refunded, and the latest refunds' references."""
    rows = db.session.execute(
        sa.select(LedgerEntry.part_ref, LedgerEntry.amount, LedgerEntry.reference, COUNTS)
        .where(
            LedgerEntry.target_code == code,
            LedgerEntry.kind == EntryKind.REFUND,
            LedgerEntry.part_ref.is_not(None),
        )
        .order_by(LedgerEntry.id)
    )
    found: dict[str, PartRefunds] = {}
    for ref, amount, reference, counts in rows:
        seen = found.get(ref, PartRefunds())
        if counts:
            found[ref] = replace(seen, total=seen.total + amount, reference=reference)
        else:
            found[ref] = replace(seen, failed_reference=reference)
    return found


def _record_refunds(order: Order, code: str) -> None:
    """Bring each part's refunded amount in line with the ledger, up or (a refund failed) down.

    A part all of whose money went back (at Stripe, or a card dispute lost) before it was sent
    is cancelled by the market first, so its producer does not ship goods nobody paid for.
    """
    refunds = part_refunds(code)
    for part in order.parts:
        ledger = refunds.get(part.reference, PartRefunds())
        change = min(ledger.total, part.paid_amount) - part.refunded_amount
        try:
            if change > 0 and ledger.total >= part.paid_amount and part.status in NOT_SENT:
                services.cancel_part(part, PAYMENT, _("The payment was given back."))
            if change > 0:
                services.refund_part(part, change, ledger.reference)
            elif change < 0:
                services.refund_failed(part, -change, ledger.failed_reference)
        except (InvalidTransition, AmountMismatch) as error:
            # The ledger moved (money back, say) but the part's state does not allow following
            # yet, e.g. "refunded" while it is still being packed: reconciliation shows the money.
            logger.warning("Refund on %s not applied to the order: %s", part.reference, error)
