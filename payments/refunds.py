"""Refunds: of one payment line, of one order part's share, or first seen in Stripe.

A card refund goes through Stripe; its ledger line is committed as pending before the call,
so Stripe's ``charge.refunded`` webhook, which may arrive first, never counts it twice. The
line then follows the refund's status as Stripe reports it (pending, succeeded, failed); a
failed refund counts for nothing, so the money is owed again. Bank-transfer and cash refunds
are made by a person and recorded with their reference.
"""

import logging

import sqlalchemy as sa

from market.extensions import db
from payments.codes import find_due, lock_code, paid_into_own_account
from payments.errors import (
    InvalidAmount,
    NotMarketMoney,
    PartsRequired,
    ProviderError,
    ReferenceRequired,
    UnknownPayment,
)
from payments.ledger import (
    add_entry,
    outstanding_refund_due,
    part_balance,
    part_balances,
    refundable,
    status_of,
)
from payments.methods import METHODS
from payments.models import EntryKind, EntryStatus, LedgerEntry, Outcome, PaymentMethod

logger = logging.getLogger(__name__)

# Once the provider knows a refund, its status only moves forward: pending → done → failed (a
# refund that succeeded may still fail later, when the card turns out closed; failed is final).
# So news that arrives late, twice or out of order never undoes newer news.
STATUS_ORDER = (EntryStatus.PENDING, EntryStatus.DONE, EntryStatus.FAILED)


def refund_payment(
    entry_id: int,
    amount: int,
    *,
    reference: str = "",
    part_ref: str | None = None,
    actor_id: int | None = None,
) -> LedgerEntry:
    """Give back ``amount`` of one payment against one part's share, or (no part named) of the
    money flagged to go back (overpaid, late, unmatched) or held for a code none of whose parts
    is paid yet; commits.

    A refund always names what it refunds, so the order, its parts and what producers are owed
    follow it: once a part is paid, a refund beyond the flagged money must name the part
    (``PartsRequired``).
    """
    payment = db.session.get(LedgerEntry, entry_id)
    if payment is None or payment.kind != EntryKind.PAYMENT or payment.method is None:
        raise UnknownPayment()
    if paid_into_own_account(payment.target_code):
        raise NotMarketMoney()
    method = METHODS[payment.method]
    reference = reference.strip()
    if method.needs_reference and not reference:
        raise ReferenceRequired()
    lock_payment(payment)
    limit = refundable(payment)
    producer_id = None
    if part_ref is not None:
        limit = min(limit, part_balance(payment.target_code or "", part_ref))
        producer_id = _part_producer(payment.target_code or "", part_ref)
    elif (
        0 < amount <= limit
        and amount > outstanding_refund_due(payment)
        and _has_earnings(payment.target_code)
    ):
        db.session.rollback()
        raise PartsRequired()
    if not 0 < amount <= limit:
        db.session.rollback()
        raise InvalidAmount()
    through_provider = payment.method == PaymentMethod.CARD
    refund = add_entry(
        kind=EntryKind.REFUND,
        method=payment.method,
        status=EntryStatus.PENDING if through_provider else EntryStatus.DONE,
        amount=amount,
        target_code=payment.target_code,
        part_ref=part_ref,
        producer_id=producer_id,
        # A provider's refund gets the provider's reference once the provider has it.
        reference="" if through_provider else reference[:255],
        refund_of_id=payment.id,
        actor_id=actor_id,
    )
    if through_provider:
        db.session.commit()
        try:
            provider_reference, status = method.refund(payment, refund)
        except ProviderError:
            _settle_unsent(payment, refund)
            raise
        lock_payment(payment)
        db.session.refresh(refund)  # a webhook may have brought newer news meanwhile
        _follow_status(refund, provider_reference, status)
    notify_target(payment.target_code)
    db.session.commit()
    logger.info("Refunded %s đồng of payment %s (%s)", amount, payment.id, refund.reference)
    return refund


def refund_part(
    code: str, part_ref: str, amount: int, *, reference: str = "", actor_id: int | None = None
) -> LedgerEntry:
    """Refund ``amount`` of one part's share, from the code's card payment when there is one,
    then from its newest payments (one refund line per payment drawn on); returns the last."""
    payments = db.session.scalars(
        sa.select(LedgerEntry)
        .where(
            LedgerEntry.target_code == code,
            LedgerEntry.kind == EntryKind.PAYMENT,
            LedgerEntry.outcome != Outcome.UNMATCHED,
        )
        .order_by((LedgerEntry.method == PaymentMethod.CARD).desc(), LedgerEntry.id.desc())
    ).all()
    # What each payment can give without its flagged money, which belongs to the payer anyway.
    shares = [(p.id, refundable(p) - outstanding_refund_due(p)) for p in payments]
    if amount <= 0 or sum(max(0, share) for _id, share in shares) < amount:
        raise InvalidAmount()
    left, refund = amount, None
    for payment_id, share in shares:
        if left <= 0:
            break
        if share <= 0:
            continue
        take = min(left, share)
        refund = refund_payment(
            payment_id, take, reference=reference, part_ref=part_ref, actor_id=actor_id
        )
        left -= take
    if refund is None:
        raise InvalidAmount()
    return refund


def _settle_unsent(payment: LedgerEntry, refund: LedgerEntry) -> None:
    """The provider refused or could not be reached: the refund failed, unless it was heard of."""
    lock_payment(payment)
    db.session.refresh(refund)
    if not refund.reference:
        refund.status = EntryStatus.FAILED
    db.session.commit()


def _follow_status(refund: LedgerEntry, provider_reference: str, status: EntryStatus) -> bool:
    """Bring a refund line to what its provider says of it; True if the line changed.

    The caller holds the payment's lock. Before the provider knew the refund (no reference yet)
    its word is taken as it is; after that the status only moves forward (``STATUS_ORDER``).
    """
    current = EntryStatus(refund.status)
    if refund.reference and STATUS_ORDER.index(status) < STATUS_ORDER.index(current):
        status = current
    if (refund.reference, current) == (provider_reference, status):
        return False
    refund.reference, refund.status = provider_reference[:255], status
    return True


def follow_provider_refund(
    payment: LedgerEntry, provider_reference: str, status: EntryStatus, line_id: int | None = None
) -> bool | None:
    """Apply a provider's news about one of our refunds of ``payment`` (the caller commits).

    The refund line is found by the provider's reference, or by our line's id that the provider
    echoes back (its news may come before the call that made the refund has returned). Returns
    whether the line changed, or None when no refund of ours is meant (one made elsewhere).
    """
    lock_payment(payment)
    ours = sa.select(LedgerEntry).where(
        LedgerEntry.kind == EntryKind.REFUND, LedgerEntry.refund_of_id == payment.id
    )
    refund = db.session.scalar(
        ours.where(LedgerEntry.reference == provider_reference).order_by(LedgerEntry.id).limit(1)
    )
    if refund is None and line_id is not None:
        refund = db.session.scalar(
            ours.where(
                LedgerEntry.id == line_id, LedgerEntry.reference.in_(("", provider_reference))
            )
        )
    if refund is None:
        return None
    db.session.refresh(refund)
    changed = _follow_status(refund, provider_reference, status)
    if changed:
        db.session.flush()
        notify_target(payment.target_code)
        logger.info("Refund %s of payment %s is now %s", provider_reference, payment.id, status)
    return changed


def record_provider_refunds(payment: LedgerEntry, total_refunded: int, reference: str) -> int:
    """Record refunds a provider reports beyond those in the ledger (the caller commits).

    ``total_refunded`` is the provider's running total, so replays and events out of order
    add nothing. Refunds the provider took and later failed count as known too: a total reported
    before the failure still holds them, and they must not come back as refunds made elsewhere.
    New money settles what was flagged for refund first, then the parts' shares.
    """
    lock_payment(payment)
    known = payment.amount - refundable(payment) + _failed_at_provider(payment)
    extra = total_refunded - known
    if extra <= 0:
        return 0
    distribute_refund(payment, extra, reference, note="refunded at the provider")
    notify_target(payment.target_code)
    return extra


def distribute_refund(payment: LedgerEntry, amount: int, reference: str, *, note: str) -> None:
    """Record ``amount`` of ``payment`` given back outside our refunds (at the provider, or a
    card dispute lost), naming what it refunds: the money flagged for refund first, then the
    parts' shares in order. The caller holds the payment's lock and commits."""
    common = {
        "kind": EntryKind.REFUND,
        "method": payment.method,
        "target_code": payment.target_code,
        "reference": reference[:255],
        "refund_of_id": payment.id,
        "note": note,
    }
    left = amount
    settle = min(left, outstanding_refund_due(payment))
    if settle:
        add_entry(amount=settle, **common)
        left -= settle
    for part_ref, producer_id, balance in part_balances(payment.target_code or ""):
        share = min(left, balance)
        if share > 0:
            add_entry(amount=share, part_ref=part_ref, producer_id=producer_id, **common)
            left -= share
    if left:
        add_entry(amount=left, **common)


def lock_payment(payment: LedgerEntry) -> None:
    """Lock the payment's code (if a target knows it) and then the payment line itself."""
    resolved = find_due(payment.target_code) if payment.target_code else None
    if resolved is not None:
        lock_code(resolved)
    db.session.execute(
        sa.update(LedgerEntry)
        .where(LedgerEntry.id == payment.id)
        .values(refund_due=LedgerEntry.refund_due)
        .execution_options(synchronize_session=False)
    )


def _failed_at_provider(payment: LedgerEntry) -> int:
    """What the provider took as refunds of ``payment`` and then reported failed."""
    return int(
        db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount), 0)).where(
                LedgerEntry.refund_of_id == payment.id,
                LedgerEntry.kind == EntryKind.REFUND,
                LedgerEntry.status == EntryStatus.FAILED,
                LedgerEntry.reference != "",
            )
        )
    )


def _has_earnings(code: str | None) -> bool:
    """Whether a part of the code is paid (its money is then the producers', by part)."""
    if code is None:
        return False
    found = db.session.scalar(
        sa.select(LedgerEntry.id)
        .where(LedgerEntry.target_code == code, LedgerEntry.kind == EntryKind.EARNING)
        .limit(1)
    )
    return found is not None


def _part_producer(code: str, part_ref: str) -> int | None:
    return db.session.scalar(
        sa.select(LedgerEntry.producer_id).where(
            LedgerEntry.target_code == code,
            LedgerEntry.part_ref == part_ref,
            LedgerEntry.kind == EntryKind.EARNING,
        )
    )


def notify_target(code: str | None) -> None:
    """Tell the code's target its new state after refunds changed (the caller commits)."""
    resolved = find_due(code) if code else None
    if resolved is not None:
        resolved.target.payment_changed(resolved.due.code, status_of(resolved.due))
