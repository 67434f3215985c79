"""Producers' refund requests: the market's money moves only with a provincial manager's yes.

A producer may give back cash it took itself at once (``order_refunds.refund_order_part``). A
card or bank-transfer payment is the market's money: the producer asks, and a provincial
manager approves (the card is refunded through Stripe; for a transfer the manager makes it and
records its reference) or rejects it with a note. A card refund up to
``REFUND_AUTO_APPROVE_LIMIT`` đồng is approved at once. Mail goes to the managers when a
request arrives and to the producer's members when it is decided.
"""

import logging
from collections.abc import Collection

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from market.accounts.models import Role, User
from market.codes import payment_code
from market.dbtypes import utcnow
from market.extensions import db
from orders import notifications
from orders.errors import OrderError
from orders.lifecycle import Action, check
from orders.models import ActorRole, Order, OrderPart
from orders.models import PaymentMethod as OrderMethod
from orders.transaction import Outbox
from payments.carrier_cod import collected_by_carrier
from payments.errors import AlreadyHandled, InvalidAmount, PaymentError, ReasonRequired
from payments.models import RefundRequest, RefundRequestStatus
from payments.order_refunds import RefundNotAllowed, refund_order_part, refundable_amount

logger = logging.getLogger(__name__)

PENDING = RefundRequestStatus.PENDING


class RequestAlreadyOpen(PaymentError):
    """One open request per part: the managers decide it before another is made."""

    default_message = _l("A refund request for this part is already waiting for the market.")


def needs_approval(part: OrderPart) -> bool:
    """Whether refunding the part moves the market's money (card, bank transfer, cash a carrier
    collected for the market), not cash the producer took."""
    return part.order.payment_method != OrderMethod.CASH or collected_by_carrier(part)


def open_request(part_id: int) -> RefundRequest | None:
    """The part's request still waiting for a decision, if any."""
    return db.session.scalar(
        sa.select(RefundRequest).where(
            RefundRequest.part_id == part_id, RefundRequest.status == PENDING
        )
    )


def pending_requests(limit: int = 200) -> list[RefundRequest]:
    """Requests waiting for a provincial manager, oldest first."""
    return list(
        db.session.scalars(
            sa.select(RefundRequest)
            .where(RefundRequest.status == PENDING)
            .order_by(RefundRequest.created_at, RefundRequest.id)
            .limit(limit)
        )
    )


def requested_parts(parts: Collection[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Settlement's hold check: a part with a refund request waiting is not payable."""
    waiting = {
        (payment_code(code), f"{code}-{number}")
        for code, number in db.session.execute(
            sa.select(Order.code, OrderPart.number)
            .join(OrderPart, OrderPart.order_id == Order.id)
            .join(RefundRequest, RefundRequest.part_id == OrderPart.id)
            .where(RefundRequest.status == PENDING)
        )
    }
    reason = str(_l("A refund request is waiting for the market"))
    return {key: reason for key in parts if key in waiting}


def requests_of_part(part_id: int) -> list[RefundRequest]:
    """Every request made for a part, newest first."""
    return list(
        db.session.scalars(
            sa.select(RefundRequest)
            .where(RefundRequest.part_id == part_id)
            .order_by(RefundRequest.id.desc())
        )
    )


def request_refund(part: OrderPart, amount: int, reason: str, actor_id: int) -> RefundRequest:
    """A producer asks to refund ``amount`` of a card or transfer part; commits and tells the
    managers (or, a card refund under the automatic limit, refunds it at once)."""
    reason = reason.strip()
    if not reason:
        raise ReasonRequired()
    if not 0 < amount <= refundable_amount(part):
        raise InvalidAmount()
    if amount == refundable_amount(part):
        try:
            check(part, Action.REFUND, ActorRole.PAYMENT)
        except OrderError as error:
            raise RefundNotAllowed(error.message) from error
    if open_request(part.id) is not None:
        raise RequestAlreadyOpen()
    request = RefundRequest(
        part_id=part.id,
        producer_id=part.producer_id,
        amount=amount,
        reason=reason[:500],
        requested_by_id=actor_id,
    )
    db.session.add(request)
    limit = current_app.config["REFUND_AUTO_APPROVE_LIMIT"]
    if part.order.payment_method == OrderMethod.CARD and amount <= limit:
        db.session.commit()
        logger.info("Refund request %s: %s đồng of %s", request.id, amount, part.reference)
        return approve(request.id, None, note=str(_l("Approved automatically (small amount).")))
    # The managers' mail is a job recorded with the request: sent if and only if it commits.
    Outbox(
        notifications.part_refund_requested(part, amount, reason, _provincial_managers())
    ).record()
    db.session.commit()
    logger.info("Refund request %s: %s đồng of %s", request.id, amount, part.reference)
    return request


def approve(
    request_id: int, manager_id: int | None, *, reference: str = "", note: str = ""
) -> RefundRequest:
    """Refund what the request asks (Stripe for a card; the manager's transfer reference for a
    bank transfer); commits. The request stays open if the refund is refused."""
    request = _claim(request_id, manager_id)
    part = db.session.get(OrderPart, request.part_id)
    try:
        refund = refund_order_part(part, request.amount, reference=reference, actor_id=manager_id)
    except PaymentError:
        _release(request_id)
        raise
    request = db.session.get(RefundRequest, request_id, populate_existing=True)
    request.status, request.refund_id = RefundRequestStatus.APPROVED, refund.id
    request.decided_at, request.decision_note = utcnow(), note.strip()[:500]
    Outbox(
        notifications.part_refund_decided(part, request.amount, True, request.decision_note)
    ).record()
    db.session.commit()
    return request


def reject(request_id: int, manager_id: int, note: str) -> RefundRequest:
    """Refuse the request, saying why to the producer; commits."""
    note = note.strip()
    if not note:
        raise ReasonRequired()
    request = _claim(request_id, manager_id)
    request.status, request.decided_at = RefundRequestStatus.REJECTED, utcnow()
    request.decision_note = note[:500]
    part = db.session.get(OrderPart, request.part_id)
    Outbox(notifications.part_refund_decided(part, request.amount, False, note)).record()
    db.session.commit()
    return request


def _claim(request_id: int, manager_id: int | None) -> RefundRequest:
    """Take a pending request for this decision (committed), so two managers never both act."""
    claimed = db.session.execute(
        sa.update(RefundRequest)
        .where(
            RefundRequest.id == request_id,
            RefundRequest.status == PENDING,
            RefundRequest.decided_at.is_(None),
        )
        .values(decided_at=utcnow(), decided_by_id=manager_id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise AlreadyHandled()
    db.session.commit()
    return db.session.get(RefundRequest, request_id, populate_existing=True)


def _release(request_id: int) -> None:
    """A refund the provider or the rules refused: the request waits again."""
    db.session.rollback()
    db.session.execute(
        sa.update(RefundRequest)
        .where(RefundRequest.id == request_id, RefundRequest.status == PENDING)
        .values(decided_at=None, decided_by_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _provincial_managers() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User).where(
                User.active,
                sa.or_(
                    User.role == Role.ADMIN, sa.and_(User.role == Role.MANAGER, User.provincial)
                ),
            )
        )
    )
