"""Stripe webhook events: stored once per event id, applied idempotently and in any order.

Handled: ``checkout.session.completed`` (paid now, or later for async methods),
``checkout.session.async_payment_succeeded`` and ``_failed``, ``charge.refunded``, for
refunds made here ``refund.created``, ``refund.updated`` (or the older ``charge.refund.updated``)
and ``refund.failed``: the refund's ledger line follows its status, forward only, so a refund
that fails counts for nothing and its money is owed again; and card disputes,
``charge.dispute.created`` and ``charge.dispute.closed`` (``payments.disputes``). A payment is
credited once per Checkout Session whichever event brings it; a refund or dispute seen before
its payment is deferred and replayed as soon as the payment is recorded.
"""

import json
import logging
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from market.dbtypes import utcnow
from market.extensions import db
from market.idempotency import insert_once
from payments import disputes
from payments.codes import find_due
from payments.crediting import credit, hold_for_refund
from payments.ledger import add_entry
from payments.methods import refund_status
from payments.models import (
    EntryKind,
    EntryStatus,
    LedgerEntry,
    Outcome,
    PaymentMethod,
    StripeEvent,
    StripeEventStatus,
)
from payments.refunds import follow_provider_refund, record_provider_refunds
from payments.stripe_gateway import REFUND_LINE_KEY

logger = logging.getLogger(__name__)

Handled = tuple[StripeEventStatus, str]


class EventPayloadError(ValueError):
    """A verified event body without an id, a type or an object."""


def receive(payload: str) -> StripeEventStatus:
    """Store a verified event once and apply it; a replayed event changes nothing."""
    try:
        data = json.loads(payload)
        event_id, event_type = data["id"], data["type"]
        obj = data["data"]["object"]
    except (ValueError, KeyError, TypeError):
        raise EventPayloadError("Not a Stripe event.") from None
    if not (isinstance(event_id, str) and isinstance(event_type, str) and isinstance(obj, dict)):
        raise EventPayloadError("Not a Stripe event.")
    new_id = insert_once(
        StripeEvent,
        {
            "event_id": event_id[:255],
            "type": event_type[:100],
            "body": payload,
            "payment_intent": _payment_intent(obj),
        },
        unique_on=("event_id",),
    )
    db.session.commit()
    if new_id is None:
        stored_id, status = db.session.execute(
            sa.select(StripeEvent.id, StripeEvent.status).where(StripeEvent.event_id == event_id)
        ).one()
        logger.info("Replayed Stripe event %s (%s)", event_id, status)
        if status != StripeEventStatus.RECEIVED:
            return status
        new_id = stored_id
    return process(new_id)


def process(row_id: int) -> StripeEventStatus:
    """Apply one stored event exactly once; commits, then replays what it unblocked."""
    claimed = db.session.execute(
        sa.update(StripeEvent)
        .where(StripeEvent.id == row_id, StripeEvent.status == StripeEventStatus.RECEIVED)
        .values(processed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return db.session.get(StripeEvent, row_id).status
    event = db.session.get(StripeEvent, row_id, populate_existing=True)
    obj = json.loads(event.body)["data"]["object"]
    handler = HANDLERS.get(event.type)
    status, note = handler(event, obj) if handler else (StripeEventStatus.IGNORED, "not handled")
    event.status, event.note, event.processed_at = status, note[:300], utcnow()
    payment_intent = event.payment_intent
    db.session.commit()
    if payment_intent and status == StripeEventStatus.PROCESSED:
        replay_deferred(payment_intent)
    elif payment_intent and status == StripeEventStatus.DEFERRED and _card_payment(payment_intent):
        replay_deferred(payment_intent)  # the payment landed while this event was deciding
    return status


def replay_deferred(payment_intent: str) -> None:
    """Apply the events that waited for this payment intent's payment."""
    waiting = db.session.scalars(
        sa.select(StripeEvent.id).where(
            StripeEvent.payment_intent == payment_intent,
            StripeEvent.status == StripeEventStatus.DEFERRED,
        )
    ).all()
    for row_id in waiting:
        reopened = db.session.execute(
            sa.update(StripeEvent)
            .where(StripeEvent.id == row_id, StripeEvent.status == StripeEventStatus.DEFERRED)
            .values(status=StripeEventStatus.RECEIVED)
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        if reopened.rowcount == 1:
            process(row_id)


def _session_completed(event: StripeEvent, session: dict[str, Any]) -> Handled:
    if session.get("payment_status") == "paid":
        return _session_paid(event, session)
    _notification(event, session, None)
    return StripeEventStatus.PROCESSED, "awaiting an asynchronous payment"


def _session_paid(event: StripeEvent, session: dict[str, Any]) -> Handled:
    amount, currency = session.get("amount_total"), session.get("currency")
    session_id = str(session.get("id", ""))
    if currency != "vnd" or not isinstance(amount, int) or amount <= 0 or not session_id:
        logger.error("Stripe session %s is not a VND payment we made", session_id)
        return StripeEventStatus.IGNORED, "not a VND payment"
    code = _code(session)
    reference = session.get("payment_intent") or session_id
    dedupe_key = f"card:{session_id}"
    resolved = find_due(code) if code else None
    if resolved is None:
        hold_for_refund(
            amount,
            method=PaymentMethod.CARD,
            reference=reference,
            dedupe_key=dedupe_key,
            note=f"card payment for unknown code {code!r}",
        )
        outcome = Outcome.UNMATCHED
    else:
        result = credit(
            resolved, amount, method=PaymentMethod.CARD, reference=reference, dedupe_key=dedupe_key
        )
        outcome = result.outcome
    _set_attempt(session_id, EntryStatus.DONE)
    _notification(event, session, outcome)
    return StripeEventStatus.PROCESSED, str(outcome or "already credited")


def _session_failed(event: StripeEvent, session: dict[str, Any]) -> Handled:
    _set_attempt(str(session.get("id", "")), EntryStatus.FAILED)
    _notification(event, session, Outcome.FAILED)
    return StripeEventStatus.PROCESSED, "asynchronous payment failed"


def _charge_refunded(event: StripeEvent, charge: dict[str, Any]) -> Handled:
    payment_intent = event.payment_intent
    total = charge.get("amount_refunded")
    if not payment_intent or not isinstance(total, int):
        return StripeEventStatus.IGNORED, "no payment intent or amount"
    payment = _card_payment(payment_intent)
    if payment is None:
        return StripeEventStatus.DEFERRED, "refund before its payment: waiting"
    added = record_provider_refunds(payment, total, str(charge.get("id", payment_intent)))
    add_entry(
        kind=EntryKind.NOTIFICATION,
        method=PaymentMethod.CARD,
        amount=total,
        target_code=payment.target_code,
        reference=event.event_id,
    )
    return StripeEventStatus.PROCESSED, f"{added} newly refunded"


def _refund_changed(event: StripeEvent, refund: dict[str, Any]) -> Handled:
    refund_id, amount = refund.get("id"), refund.get("amount")
    payment_intent = event.payment_intent
    if not (refund_id and isinstance(refund_id, str) and payment_intent):
        return StripeEventStatus.IGNORED, "no refund id or payment intent"
    payment = _card_payment(payment_intent)
    if payment is None:
        return StripeEventStatus.DEFERRED, "refund before its payment: waiting"
    status = refund_status(refund.get("status"))
    line_id = str((refund.get("metadata") or {}).get(REFUND_LINE_KEY, ""))
    changed = follow_provider_refund(
        payment, refund_id, status, int(line_id) if line_id.isdigit() else None
    )
    if changed is None:
        return StripeEventStatus.IGNORED, "a refund made elsewhere: charge.refunded records it"
    add_entry(
        kind=EntryKind.NOTIFICATION,
        method=PaymentMethod.CARD,
        amount=amount if isinstance(amount, int) and amount > 0 else 0,
        outcome=Outcome.FAILED if status == EntryStatus.FAILED else None,
        target_code=payment.target_code,
        reference=event.event_id,
    )
    return StripeEventStatus.PROCESSED, f"refund {status}" if changed else "no change"


def _dispute(event: StripeEvent, dispute: dict[str, Any]) -> Handled:
    dispute_id, amount = dispute.get("id"), dispute.get("amount")
    if not (isinstance(dispute_id, str) and dispute_id and isinstance(amount, int)):
        return StripeEventStatus.IGNORED, "no dispute id or amount"
    if not event.payment_intent:
        return StripeEventStatus.IGNORED, "no payment intent"
    payment = _card_payment(event.payment_intent)
    if payment is None:
        return StripeEventStatus.DEFERRED, "dispute before its payment: waiting"
    if event.type == "charge.dispute.created":
        reason = str(dispute.get("reason") or "")
        changed = disputes.dispute_opened(payment, dispute_id, amount, reason)
        return StripeEventStatus.PROCESSED, "dispute opened" if changed else "already known"
    status = str(dispute.get("status") or "")
    if status not in (disputes.WON, disputes.LOST):
        return StripeEventStatus.IGNORED, f"dispute closed as {status[:40]!r}"
    changed = disputes.dispute_closed(payment, dispute_id, amount, status)
    return StripeEventStatus.PROCESSED, f"dispute {status}" if changed else "already closed"


HANDLERS: dict[str, Callable[[StripeEvent, dict[str, Any]], Handled]] = {
    "checkout.session.completed": _session_completed,
    "checkout.session.async_payment_succeeded": _session_paid,
    "checkout.session.async_payment_failed": _session_failed,
    "charge.refunded": _charge_refunded,
    "refund.created": _refund_changed,
    "refund.updated": _refund_changed,
    "refund.failed": _refund_changed,
    "charge.refund.updated": _refund_changed,
    "charge.dispute.created": _dispute,
    "charge.dispute.closed": _dispute,
}


def _code(session: dict[str, Any]) -> str | None:
    metadata = session.get("metadata") or {}
    code = session.get("client_reference_id") or metadata.get("payment_code")
    return code if isinstance(code, str) and code else None


def _payment_intent(obj: dict[str, Any]) -> str | None:
    value = obj.get("payment_intent")
    if isinstance(value, dict):
        value = value.get("id")
    return value[:255] if isinstance(value, str) and value else None


def _card_payment(payment_intent: str) -> LedgerEntry | None:
    return db.session.scalar(
        sa.select(LedgerEntry)
        .where(
            LedgerEntry.kind == EntryKind.PAYMENT,
            LedgerEntry.method == PaymentMethod.CARD,
            LedgerEntry.reference == payment_intent,
        )
        .order_by(LedgerEntry.id)
        .limit(1)
    )


def _set_attempt(session_id: str, status: EntryStatus) -> None:
    db.session.execute(
        sa.update(LedgerEntry)
        .where(
            LedgerEntry.kind == EntryKind.ATTEMPT,
            LedgerEntry.method == PaymentMethod.CARD,
            LedgerEntry.reference == session_id,
        )
        .values(status=status)
        .execution_options(synchronize_session=False)
    )


def _notification(event: StripeEvent, session: dict[str, Any], outcome: Outcome | None) -> None:
    amount = session.get("amount_total")
    add_entry(
        kind=EntryKind.NOTIFICATION,
        method=PaymentMethod.CARD,
        amount=amount if isinstance(amount, int) and amount > 0 else 0,
        outcome=outcome,
        target_code=_code(session),
        reference=event.event_id,
    )


def pending_ids(limit: int = 500) -> list[int]:
    """Events stored but never processed (a crash between storing and processing)."""
    return list(
        db.session.scalars(
            sa.select(StripeEvent.id)
            .where(StripeEvent.status == StripeEventStatus.RECEIVED)
            .order_by(StripeEvent.id)
            .limit(limit)
        )
    )
