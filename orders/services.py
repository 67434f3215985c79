"""Order use cases after checkout: payment, cancellation, refund and expiry.

The payments package drives orders only through these functions; each owns its transaction,
is safe under concurrency (see ``orders.transitions``) and raises an ``OrderError`` subclass:

- ``mark_order_paid(order, amount, reference)``: the whole order was paid online (VietQR, card).
  ``amount`` must equal ``amount_payable(order)``. Parts that expired unpaid are revived if their
  stock can be taken again; otherwise ``OutOfStock`` is raised and nothing changes (refund it).
  Calling it again with the same reference changes nothing.
- ``mark_part_paid(part, amount, reference)``: one part was paid; also records cash received by
  the producer for a cash part that is already being fulfilled (its state does not change).
- ``reopen_expired(order)``: money arrived after expiry: expired unpaid parts are taken back
  (stock re-reserved, awaiting payment again, held anew) or ``OutOfStock`` is raised.
- ``refund_part(part, amount, reference)``: money returned; the part becomes ``refunded`` once all
  of it is back, which requires it to be cancelled, delivered or picked up first.
- ``refund_failed(part, amount, reference)``: a refund did not reach the shopper (the card
  provider failed it): the money is owed again and a ``refunded`` part goes back to the state it
  was refunded from, so it can be refunded again.
- ``cancel_order(order, actor, reason)`` / ``cancel_part(part, actor, reason)``: stock is released;
  a paid part keeps ``paid_amount`` so the refund can follow. Listeners registered in
  ``orders.observers`` (payments) hear of every cancellation, expiry included, in its transaction.
- ``expire_overdue()`` (cron) and ``expire_if_due(order)`` (when an order is read): unpaid
  parts, and cash parts their producer has not accepted (``fulfilment.accept_part``) within
  ``CASH_HOLD_HOURS``, are cancelled and their stock released.

Another package that owns the transaction (payments, crediting a payment) calls these inside
``orders.transaction.caller_transaction()``: they then neither commit nor roll back the
caller's work, and their mail is sent after the caller commits.
"""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from market.dbtypes import utcnow
from market.extensions import db
from market.i18n import format_vnd
from orders import notifications, shipments, traceability
from orders.errors import AmountMismatch, InvalidTransition
from orders.lifecycle import PRODUCER_ROLES, Action, check
from orders.models import (
    ActorRole,
    CancelKind,
    Order,
    OrderPart,
    PartEvent,
    PartStatus,
    PaymentMethod,
)
from orders.observers import parts_cancelled
from orders.transaction import Outbox, unit_of_work
from orders.transitions import (
    PAYMENT,
    SYSTEM,
    Actor,
    apply,
    changed_meanwhile,
    record,
    release_stock,
    reserve_stock,
    update_part,
)

logger = logging.getLogger(__name__)

CANCEL_KINDS = {ActorRole.SHOPPER: CancelKind.SHOPPER, ActorRole.SYSTEM: CancelKind.EXPIRED}


# Payment ---------------------------------------------------------------------------------------


def payable_parts(order: Order) -> list[OrderPart]:
    """Parts an online payment would pay: awaiting payment, or expired unpaid (revivable)."""
    return [p for p in order.parts if p.status == PartStatus.AWAITING_PAYMENT or _revivable(p)]


def _revivable(part: OrderPart) -> bool:
    """An online part that expired unpaid (a cash part that expired was never accepted)."""
    return (
        part.cancel_kind == CancelKind.EXPIRED
        and part.paid_amount == 0
        and part.order.payment_method is not PaymentMethod.CASH
    )


def amount_payable(order: Order) -> int:
    """What an online payment for the order must amount to."""
    return sum(p.total for p in payable_parts(order))


def _revive(parts: list[OrderPart], actor: Actor) -> None:
    """Take expired parts' stock again and put them back to awaiting payment (or OutOfStock)."""
    reserve_stock(parts, reason="late payment")
    for part in sorted(parts, key=lambda p: p.id):
        guard = (OrderPart.paid_amount == 0,)
        apply(part, Action.REVIVE, actor, guard=guard, cancel_kind=None, cancel_reason="")


def _pay(parts: list[OrderPart], reference: str, actor: Actor, outbox: Outbox) -> None:
    _revive([p for p in parts if p.status == PartStatus.CANCELLED], actor)
    for part in sorted(parts, key=lambda p: p.id):
        paid = {"paid_amount": part.total, "paid_reference": reference, "paid_at": utcnow()}
        guard = (OrderPart.paid_amount == 0,)
        apply(part, Action.PAY, actor, amount=part.total, guard=guard, **paid)
        outbox.extend(notifications.part_paid(part))


def reopen_expired(order: Order, *, actor: Actor = PAYMENT) -> list[OrderPart]:
    """Money arrived after the order expired: take its stock again and hold it anew.

    The parts that expired unpaid go back to awaiting payment and the order is held for another
    ``ORDER_HOLD_MINUTES``; raises ``OutOfStock`` (nothing changes) if the stock is gone.
    """
    parts = [p for p in order.parts if _revivable(p)]
    if not parts:
        return []
    with unit_of_work():
        _revive(parts, actor)
        hold = timedelta(minutes=current_app.config["ORDER_HOLD_MINUTES"])
        order.expires_at = utcnow() + hold
    logger.info("Order %s taken back after expiry: %s part(s)", order.code, len(parts))
    return parts


def _record_cash(part: OrderPart, reference: str, actor: Actor) -> None:
    if part.status in (PartStatus.CANCELLED, PartStatus.REFUNDED):
        raise InvalidTransition(_("This part is cancelled; no payment can be recorded for it."))
    update_part(
        part,
        [OrderPart.paid_amount == 0, OrderPart.status == part.status],
        paid_amount=part.total,
        paid_reference=reference,
        paid_at=utcnow(),
    )
    record(part, actor, amount=part.total)


def mark_part_paid(
    part: OrderPart, amount: int, reference: str, *, actor: Actor = PAYMENT
) -> OrderPart:
    """Record that a part's total was paid; a repeat with the same reference changes nothing."""
    reference = reference.strip()[:120]
    if part.paid_amount:
        if part.paid_reference == reference and part.paid_amount == amount:
            return part
        raise InvalidTransition(_("This part is already paid."))
    if amount != part.total:
        raise AmountMismatch(
            _(
                "The amount %(amount)s does not match the part's total %(total)s.",
                amount=format_vnd(amount),
                total=format_vnd(part.total),
            )
        )
    with unit_of_work() as outbox:
        is_cash = part.order.payment_method == PaymentMethod.CASH
        if is_cash and part.status != PartStatus.AWAITING_PAYMENT:
            _record_cash(part, reference, actor)
        else:
            _pay([part], reference, actor, outbox)
            outbox.extend(notifications.order_paid(part.order, [part]))
    return part


def mark_order_paid(
    order: Order, amount: int, reference: str, *, actor: Actor = PAYMENT
) -> list[OrderPart]:
    """Record an online payment of the whole order; all payable parts move on, or none."""
    reference = reference.strip()[:120]
    parts = payable_parts(order)
    if not parts:
        live = [p for p in order.parts if p.status != PartStatus.CANCELLED]
        if live and all(p.paid_reference == reference for p in live):
            return []
        raise InvalidTransition(_("Nothing on this order is waiting for payment."))
    due = sum(p.total for p in parts)
    if amount != due:
        raise AmountMismatch(
            _(
                "The amount %(amount)s does not match the %(due)s due on order %(code)s.",
                amount=format_vnd(amount),
                due=format_vnd(due),
                code=order.code,
            )
        )
    with unit_of_work() as outbox:
        _pay(parts, reference, actor, outbox)
        outbox.extend(notifications.order_paid(order, parts))
    return parts


def refund_part(
    part: OrderPart, amount: int, reference: str, *, actor: Actor = PAYMENT
) -> OrderPart:
    """Record money returned for a part; the part is ``refunded`` once all of it is back."""
    refunded = part.refunded_amount
    if amount <= 0 or refunded + amount > part.paid_amount:
        raise AmountMismatch(
            _(
                "A refund must be more than 0 and at most the %(left)s still paid.",
                left=format_vnd(part.paid_amount - refunded),
            )
        )
    guard = (OrderPart.refunded_amount == refunded,)
    note = reference.strip()[:500]
    with unit_of_work():
        if refunded + amount == part.paid_amount:
            apply(
                part,
                Action.REFUND,
                actor,
                note=note,
                amount=-amount,
                guard=guard,
                refunded_amount=refunded + amount,
            )
        else:
            update_part(part, [*guard], refunded_amount=refunded + amount)
            record(part, actor, amount=-amount, note=note)
    return part


def refund_failed(
    part: OrderPart, amount: int, reference: str, *, actor: Actor = PAYMENT
) -> OrderPart:
    """Record that ``amount`` of the part's refunds failed: it is owed to the shopper again."""
    refunded = part.refunded_amount
    if not 0 < amount <= refunded:
        raise AmountMismatch(
            _(
                "A failed refund must be more than 0 and at most the %(refunded)s refunded.",
                refunded=format_vnd(refunded),
            )
        )
    guard = [OrderPart.refunded_amount == refunded]
    values = {"refunded_amount": refunded - amount}
    note = reference.strip()[:500]
    with unit_of_work():
        if part.status == PartStatus.REFUNDED:
            back = _refunded_from(part)
            guard.append(OrderPart.status == PartStatus.REFUNDED)
            update_part(part, guard, status=back, **values)
            record(
                part,
                actor,
                from_status=PartStatus.REFUNDED,
                to_status=back,
                amount=amount,
                note=note,
            )
        else:
            update_part(part, guard, **values)
            record(part, actor, amount=amount, note=note)
    return part


def _refunded_from(part: OrderPart) -> PartStatus:
    """The state a refunded part was in when its refund made it ``refunded``."""
    before = db.session.scalar(
        sa.select(PartEvent.from_status)
        .where(PartEvent.part_id == part.id, PartEvent.to_status == PartStatus.REFUNDED)
        .order_by(PartEvent.id.desc())
        .limit(1)
    )
    return before or PartStatus.CANCELLED


# Cancellation ----------------------------------------------------------------------------------


def _cancel(part: OrderPart, actor: Actor, reason: str) -> None:
    # The market (payments, a manager refunding the part) cancels with no kind: its reason says.
    kind = CancelKind.PRODUCER if actor.role in PRODUCER_ROLES else CANCEL_KINDS.get(actor.role)
    if kind is None and actor.role is not ActorRole.PAYMENT:
        raise InvalidTransition(_("You may not do this to an order part."))
    # Expiry never takes a cash part the producer accepted, or was paid for, at this moment.
    guard = (
        (OrderPart.confirmed_at.is_(None), OrderPart.paid_amount == 0)
        if actor.role is ActorRole.SYSTEM
        else ()
    )
    apply(
        part,
        Action.CANCEL,
        actor,
        note=reason,
        guard=guard,
        cancel_kind=kind,
        cancel_reason=reason[:500],
    )


def _cancel_parts(order: Order, parts: list[OrderPart], actor: Actor, reason: str) -> None:
    reason = reason.strip()
    if actor.role in (*PRODUCER_ROLES, ActorRole.PAYMENT) and not reason:
        raise InvalidTransition(_("Say why you cancel, so the shopper understands."))
    at_carrier = shipments.cancel_at_carrier(parts, actor.role)
    with unit_of_work() as outbox:
        # The order row first, as payments locks it before crediting it, so the two never wait
        # on each other in a circle; then the listeners see the order as it now is.
        db.session.execute(sa.select(Order.id).where(Order.id == order.id).with_for_update())
        was = {p.id: p.status for p in parts}
        for part in sorted(parts, key=lambda p: p.id):
            _cancel(part, actor, reason)
        release_stock(parts, reason=f"cancelled by {actor.role}", actor=actor)
        shipments.mark_cancelled(at_carrier)
        traceability.withdraw_shipment_lots(
            [p for p in parts if was[p.id] == PartStatus.READY_FOR_PICKUP]
        )
        parts_cancelled(order)
        outbox.extend(notifications.parts_cancelled(order, parts))
        for part in parts:
            if was[part.id] == PartStatus.AWAITING_PAYMENT:
                continue
            if actor.role is ActorRole.SHOPPER:
                outbox.extend(notifications.part_cancelled_by_shopper(part))
            elif actor.role is ActorRole.SYSTEM:
                outbox.extend(notifications.part_expired_unaccepted(part))


def cancel_part(part: OrderPart, actor: Actor, reason: str = "") -> OrderPart:
    """Cancel one part and release its stock; producers must give a reason."""
    _cancel_parts(part.order, [part], actor, reason)
    return part


def cancel_order(order: Order, actor: Actor, reason: str = "") -> list[OrderPart]:
    """Cancel every part of the order the actor may still cancel; refuse if there is none."""
    cancellable, refusal = [], None
    for part in order.parts:
        try:
            check(part, Action.CANCEL, actor.role)
        except InvalidTransition as error:
            refusal = refusal or error
        else:
            cancellable.append(part)
    if not cancellable:
        raise refusal or changed_meanwhile()
    _cancel_parts(order, cancellable, actor, reason)
    return cancellable


# Expiry ----------------------------------------------------------------------------------------


def _expire(order: Order) -> int:
    parts = [
        p for p in order.parts if p.status == PartStatus.AWAITING_PAYMENT or p.awaits_confirmation
    ]
    if not parts:
        return 0
    try:
        _cancel_parts(order, parts, SYSTEM, "")
    except InvalidTransition:
        # Paid or cancelled by someone else at this very moment: nothing left to expire.
        logger.info("Order %s changed while expiring it", order.code)
        return 0
    logger.info("Order %s expired: %s part(s) released", order.code, len(parts))
    return len(parts)


def expire_if_due(order: Order, now: datetime | None = None) -> int:
    """Cancel the order's unpaid (or unaccepted cash) parts if their hold has run out."""
    if order.expires_at is None or order.expires_at > (now or utcnow()):
        return 0
    return _expire(order)


def expire_overdue(now: datetime | None = None, *, producer_id: int | None = None) -> int:
    """Cancel every part whose hold has run out (cron), optionally of one producer: unpaid
    ones, and cash ones their producer has not accepted."""
    unaccepted_cash = sa.and_(
        Order.payment_method == PaymentMethod.CASH,
        OrderPart.status == PartStatus.AWAITING_FULFILMENT,
        OrderPart.confirmed_at.is_(None),
        OrderPart.paid_amount == 0,
    )
    overdue = (
        sa.select(OrderPart.order_id)
        .join(Order, OrderPart.order_id == Order.id)
        .where(
            sa.or_(OrderPart.status == PartStatus.AWAITING_PAYMENT, unaccepted_cash),
            Order.expires_at <= (now or utcnow()),
        )
    )
    if producer_id is not None:
        overdue = overdue.where(OrderPart.producer_id == producer_id)
    orders = db.session.scalars(sa.select(Order).where(Order.id.in_(overdue)).order_by(Order.id))
    return sum(_expire(order) for order in orders.all())
