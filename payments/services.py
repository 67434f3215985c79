"""Payments' use cases for orders and the views: start a payment, read its state, take cash.

Each function owns its transaction and raises a ``payments.errors`` error a view can show.
"""

import contextlib
import logging
from dataclasses import dataclass

from market.extensions import db
from orders.models import OrderPart
from orders.transaction import caller_transaction
from payments.codes import Resolved, find_due, lock_code
from payments.crediting import Credit, credit
from payments.errors import CarrierCollects, MethodUnavailable, NotPayable, UnknownCode
from payments.ledger import status_of
from payments.methods import METHODS, ReturnUrls, Started, VietQRInstructions, vietqr_instructions
from payments.models import PaymentMethod
from payments.order_target import find_order
from payments.targets import PaymentDue, PaymentStatus, PayState

logger = logging.getLogger(__name__)


def resolve(code: str) -> Resolved:
    """The target and what it expects for ``code``; raises UnknownCode."""
    resolved = find_due(code)
    if resolved is None:
        raise UnknownCode()
    return resolved


def payment_status(code: str) -> PaymentStatus | None:
    """A code's payment state from the ledger, or None if no target knows the code."""
    resolved = find_due(code)
    return status_of(resolved.due) if resolved is not None else None


@dataclass(frozen=True)
class PaymentDetails:
    """What a code expects, its state, and while something remains, the VietQR for it."""

    due: PaymentDue
    status: PaymentStatus
    instructions: VietQRInstructions | None


def payment_details(code: str) -> PaymentDetails | None:
    """The details to show for ``code`` (read only), or None if no target knows it."""
    resolved = find_due(code)
    if resolved is None:
        return None
    status = status_of(resolved.due)
    is_open = status.state in (PayState.UNPAID, PayState.PARTIAL)
    instructions = vietqr_instructions(resolved, status) if is_open else None
    return PaymentDetails(resolved.due, status, instructions)


def start_payment(code: str, method: PaymentMethod, urls: ReturnUrls | None = None) -> Started:
    """Start paying what remains of ``code`` by ``method``; commits.

    Bank transfer returns the VietQR instructions, card the Stripe Checkout URL to redirect to,
    cash nothing more. Raises UnknownCode, NotPayable, MethodUnavailable or ProviderError.
    """
    resolved = resolve(code)
    handler = METHODS.get(method)
    if handler is None or not handler.available():
        raise MethodUnavailable()
    lock_code(resolved)
    status = status_of(resolved.due)
    if status.state not in (PayState.UNPAID, PayState.PARTIAL):
        db.session.rollback()
        raise NotPayable()
    started = handler.start(resolved, status, urls or ReturnUrls("", ""))
    db.session.commit()
    return started


def record_cash_payment(code: str, part_ref: str, actor_id: int) -> PaymentStatus:
    """A producer confirms it received the cash for its part; the part is paid. Commits.

    Refused for a part a carrier delivers: the carrier collects that cash (``carrier_cod``).
    """
    order = find_order(code)
    if order is not None and any(p.carrier and p.reference == part_ref for p in order.parts):
        raise CarrierCollects()
    result = _credit_cash(resolve(code), part_ref, actor_id)
    if result.entry is None:
        db.session.rollback()
        raise NotPayable()
    db.session.commit()
    return result.status


def cash_taken_at_handover(part: OrderPart, actor_id: int | None) -> None:
    """A cash part is being delivered or picked up: its cash changes hands with the goods, so
    record it in the handover's transaction (the caller commits; nothing if already recorded).
    """
    with caller_transaction(), contextlib.suppress(NotPayable):
        _credit_cash(resolve(part.order.payment_code), part.reference, actor_id)


def _credit_cash(resolved: Resolved, part_ref: str, actor_id: int | None) -> Credit:
    """Credit a part's cash, once (the "cash received" button and the handover share the
    ledger entry's dedupe key). Raises ``UnknownCode`` or ``NotPayable``."""
    part = resolved.due.part(part_ref)
    if part is None:
        raise UnknownCode()
    if part.ref in status_of(resolved.due).parts_paid:
        raise NotPayable()
    return credit(
        resolved,
        part.amount,
        method=PaymentMethod.CASH,
        reference=f"cash:{part.ref}",
        dedupe_key=f"cash:{resolved.due.code}:{part.ref}",
        part_ref=part.ref,
        actor_id=actor_id,
    )
