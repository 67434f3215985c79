"""Payments' use cases for orders and the views: start a payment, read its state, take cash.

Each function owns its transaction and raises a ``payments.errors`` error a view can show.
"""

import logging
from dataclasses import dataclass

from market.extensions import db
from payments.codes import Resolved, find_due, lock_code
from payments.crediting import credit
from payments.errors import MethodUnavailable, NotPayable, UnknownCode
from payments.ledger import status_of
from payments.methods import METHODS, ReturnUrls, Started, VietQRInstructions, vietqr_instructions
from payments.models import PaymentMethod
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
    """A producer confirms it received the cash for its part; the part is paid. Commits."""
    resolved = resolve(code)
    part = resolved.due.part(part_ref)
    if part is None:
        raise UnknownCode()
    if part.ref in status_of(resolved.due).parts_paid:
        raise NotPayable()
    result = credit(
        resolved,
        part.amount,
        method=PaymentMethod.CASH,
        reference=f"cash:{part.ref}",
        dedupe_key=f"cash:{resolved.due.code}:{part.ref}",
        part_ref=part.ref,
        actor_id=actor_id,
    )
    if result.entry is None:
        db.session.rollback()
        raise NotPayable()
    db.session.commit()
    return result.status
