"""Card disputes (chargebacks): Stripe's ``charge.dispute.created`` and ``charge.dispute.closed``.

A dispute opened on a card payment flags its code (listed for provincial managers) and holds
what the market owes the code's producers: no payout may take it while the dispute is open.
Closed and won, the hold is lifted. Closed and lost, the bank has taken the money back: the
ledger records it as a refund of the payment, naming what it refunds (flagged money first, then
the parts' shares), so the order, its parts and what producers are owed follow it. The hold is
settlement's (``disputed_parts`` is registered as a hold check). Each step is
a ledger notification line unique on the dispute (``dispute:<id>:opened`` / ``:closed``), so a
replayed or repeated event changes nothing.
"""

import logging
from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from market.extensions import db
from market.idempotency import insert_once
from payments.ledger import part_balances
from payments.models import EntryKind, LedgerEntry, PaymentMethod
from payments.refunds import distribute_refund, lock_payment, notify_target

logger = logging.getLogger(__name__)

WON, LOST = "won", "lost"


@dataclass(frozen=True)
class OpenDispute:
    """A card dispute Stripe has not closed yet."""

    dispute_id: str
    code: str | None
    amount: int
    reason: str
    payment_id: int | None


def _key(dispute_id: str, step: str) -> str:
    return f"dispute:{dispute_id}:{step}"[:200]


def dispute_opened(payment: LedgerEntry, dispute_id: str, amount: int, reason: str) -> bool:
    """Flag the payment's code and hold its producers' earnings; False if already known.

    The caller commits."""
    lock_payment(payment)
    added = insert_once(
        LedgerEntry,
        {
            "kind": EntryKind.NOTIFICATION,
            "method": PaymentMethod.CARD,
            "amount": max(0, min(amount, payment.amount)),
            "target_code": payment.target_code,
            "reference": f"dispute:{dispute_id}"[:255],
            "refund_of_id": payment.id,
            "dedupe_key": _key(dispute_id, "opened"),
            "note": f"card dispute opened: {reason}"[:500],
        },
        unique_on=("dedupe_key",),
    )
    if added:
        logger.warning("Card dispute %s opened on %s", dispute_id, payment.target_code)
    return added is not None


def dispute_closed(payment: LedgerEntry, dispute_id: str, amount: int, status: str) -> bool:
    """Lift the hold; a lost dispute is the money given back (refund lines). The caller commits.

    False if the closing was already recorded."""
    lock_payment(payment)
    lost = status == LOST
    added = insert_once(
        LedgerEntry,
        {
            "kind": EntryKind.NOTIFICATION,
            "method": PaymentMethod.CARD,
            "amount": 0,
            "target_code": payment.target_code,
            "reference": f"dispute:{dispute_id}"[:255],
            "refund_of_id": payment.id,
            "dedupe_key": _key(dispute_id, "closed"),
            "note": f"card dispute closed: {status}"[:500],
        },
        unique_on=("dedupe_key",),
    )
    if added is None:
        return False
    if lost:
        taken = min(amount, _still_held(payment))
        if taken > 0:
            distribute_refund(payment, taken, f"dispute:{dispute_id}", note="card dispute lost")
            notify_target(payment.target_code)
    logger.warning("Card dispute %s on %s closed: %s", dispute_id, payment.target_code, status)
    return True


def _still_held(payment: LedgerEntry) -> int:
    """What of the payment is not refunded yet (a dispute cannot take more back)."""
    refunded = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.refund_of_id == payment.id,
            LedgerEntry.kind == EntryKind.REFUND,
            LedgerEntry.status != "failed",
        )
    )
    return payment.amount - int(refunded)


def open_disputes() -> list[OpenDispute]:
    """Disputes opened and not closed, oldest first."""
    closed = so.aliased(LedgerEntry)
    rows = db.session.scalars(
        sa.select(LedgerEntry)
        .where(
            LedgerEntry.kind == EntryKind.NOTIFICATION,
            LedgerEntry.dedupe_key.like("dispute:%:opened"),
            ~sa.exists().where(
                closed.kind == EntryKind.NOTIFICATION,
                closed.reference == LedgerEntry.reference,
                closed.dedupe_key.like("dispute:%:closed"),
            ),
        )
        .order_by(LedgerEntry.id)
    )
    return [
        OpenDispute(
            dispute_id=row.reference.removeprefix("dispute:"),
            code=row.target_code,
            amount=row.amount,
            reason=row.note.removeprefix("card dispute opened: "),
            payment_id=row.refund_of_id,
        )
        for row in rows
    ]


def held_by_disputes() -> dict[int, int]:
    """Per producer, what an open dispute holds of what the market owes it: its parts' shares
    in each disputed code, at most the disputed amount."""
    held: dict[int, int] = {}
    for dispute in open_disputes():
        left = dispute.amount
        for _ref, producer_id, balance in part_balances(dispute.code or ""):
            take = min(left, max(0, balance))
            if take and producer_id is not None:
                held[producer_id] = held.get(producer_id, 0) + take
                left -= take
    return held


def disputed_parts(parts: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Settlement's hold check: parts of codes with an open card dispute are not payable."""
    codes = {dispute.code for dispute in open_disputes()}
    reason = _("A card dispute is open")
    return {key: reason for key in parts if key[0] in codes}
