"""Money received for a code, and what it comes to: exact, short, over or late.

One set of rules for every way money arrives (bank notification, Stripe, cash, a manager's
assignment). These functions write to the session and leave the commit to their caller, which
owns the transaction (and the stored notification or event that goes with it).
"""

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa

from market.extensions import db
from market.idempotency import insert_once
from payments.codes import Resolved, compact, find_due, lock_code, remember_amount_due
from payments.fees import fix_part_fee
from payments.ledger import add_entry, code_sums, outstanding_refund_due, pay_state, status_of
from payments.models import EntryKind, LedgerEntry, Outcome, PaymentMethod
from payments.targets import DueState, PartDue, PaymentDue, PaymentStatus

logger = logging.getLogger(__name__)

VIETNAM_OFFSET = timedelta(hours=7)


@dataclass(frozen=True)
class Credit:
    """The result of crediting: the payment line (None for a duplicate) and the new state."""

    entry: LedgerEntry | None
    outcome: Outcome | None
    status: PaymentStatus


def credit(
    resolved: Resolved,
    amount: int,
    *,
    method: PaymentMethod,
    reference: str,
    dedupe_key: str,
    part_ref: str | None = None,
    notification_id: int | None = None,
    actor_id: int | None = None,
) -> Credit:
    """Record ``amount`` received for a code and apply the rules (the caller commits).

    Exact → paid; short → partially paid; over → paid with the excess flagged for refund;
    after expiry or cancellation → the target may re-reserve, else all of it is flagged.
    """
    code = resolved.due.code
    lock_code(resolved)
    due = resolved.target.due(code) or resolved.due  # read again under the lock
    existing = db.session.scalar(
        sa.select(LedgerEntry.id).where(LedgerEntry.dedupe_key == dedupe_key)
    )
    if existing is not None:
        return Credit(None, None, status_of(due))
    before = status_of(due)
    if due.state != DueState.OPEN and not before.is_paid and resolved.target.reopen(code):
        due = resolved.target.due(code) or due
        _count_again(code)
        before = status_of(due)
    outcome, flagged = classify(due, before, amount)
    part = due.part(part_ref) if part_ref else None
    entry = add_entry(
        kind=EntryKind.PAYMENT,
        method=method,
        amount=amount,
        refund_due=flagged,
        outcome=outcome,
        target_code=code,
        part_ref=part.ref if part else None,
        producer_id=part.producer_id if part else None,
        reference=reference[:255],
        dedupe_key=dedupe_key,
        notification_id=notification_id,
        actor_id=actor_id,
    )
    if due.amount != resolved.due.amount:
        remember_amount_due(code, due.amount)
    earned = [part] if part is not None and amount - flagged >= part.amount else []
    paid = before.paid + amount - flagged
    if paid >= due.amount and not before.is_paid:
        earned = list(due.parts)
    for each in earned:
        _earn(code, each, method)
    after = replace(
        before,
        state=pay_state(due, paid),
        amount_due=due.amount,
        paid=paid,
        refund_due=before.refund_due + flagged,
        parts_paid=before.parts_paid | {each.ref for each in earned},
    )
    resolved.target.payment_changed(code, after)
    logger.info("Credited %s đồng to %s by %s: %s", amount, code, method, outcome)
    return Credit(entry, outcome, after)


def bank_transfer_key(
    account: str, bank_reference: str, amount: int, transacted_at: datetime | None
) -> str | None:
    """The bank's own identity of a transfer, the same whichever service reports it (SePay,
    Casso): the receiving account, the bank's reference, the amount and the Vietnam day it was
    made. Used as the payment's ``dedupe_key``, so one transfer is credited once; None when the
    bank gave no reference (then only the provider's own id tells duplicates apart)."""
    reference = compact(bank_reference)
    if not reference:
        return None
    day = (transacted_at + VIETNAM_OFFSET).date().isoformat() if transacted_at else "-"
    return f"banktx:{compact(account)}:{reference}:{amount}:{day}"[:200]


def classify(due: PaymentDue, before: PaymentStatus, amount: int) -> tuple[Outcome, int]:
    """The outcome of receiving ``amount`` and how much of it must go back."""
    if due.state != DueState.OPEN and not before.is_paid:
        return Outcome.LATE, amount
    remaining = due.amount - before.paid
    if remaining <= 0:
        return Outcome.OVERPAID, amount
    if amount < remaining:
        return Outcome.PARTIAL, 0
    if amount == remaining:
        return Outcome.EXACT, 0
    return Outcome.OVERPAID, amount - remaining


def settle(code: str) -> None:
    """The code's target now asks for less, or closed (parts cancelled or expired): settle it.

    Closed before it was paid in full: the money it holds is flagged for refund, unless a later
    payment takes it back (``credit``). Still open and what it holds covers what it now asks:
    the excess is flagged as an overpayment and the parts not yet paid are paid, as if the last
    payment had just arrived. Still short: it stays partly paid, its new amount due remembered
    (``lock_code``). Paid parts withdrawn (cancelled after payment) have their earning marked,
    so their money is a refund due, never owed to the producer. The caller commits.
    """
    resolved = find_due(code)
    if resolved is None:
        return
    lock_code(resolved)
    due = resolved.target.due(code) or resolved.due
    withdraw_earnings(code, [part.ref for part in due.parts if part.withdrawn])
    status = status_of(due)
    if due.state != DueState.OPEN:
        _hold(code, status)
    elif status.is_paid:
        _pay_what_is_covered(resolved, due, status)


def withdraw_earnings(code: str, part_refs: list[str]) -> None:
    """Mark the earnings of parts withdrawn after payment (``refund_due`` = the whole share):
    what the market holds for them goes back to the payer, not to the producer."""
    if not part_refs:
        return
    db.session.execute(
        sa.update(LedgerEntry)
        .where(
            LedgerEntry.target_code == code,
            LedgerEntry.kind == EntryKind.EARNING,
            LedgerEntry.part_ref.in_(part_refs),
            LedgerEntry.refund_due == 0,
        )
        .values(refund_due=LedgerEntry.amount)
        .execution_options(synchronize_session=False)
    )


def _hold(code: str, status: PaymentStatus) -> None:
    """A code closed before it was paid in full: flag all the money it holds for refund."""
    if status.is_paid or status.paid <= 0:
        return
    db.session.execute(
        sa.update(LedgerEntry)
        .where(_not_all_flagged(code))
        .values(refund_due=LedgerEntry.amount)
        .execution_options(synchronize_session=False)
    )
    logger.info("%s closed unpaid: %s đồng held for it flagged for refund", code, status.paid)


def _pay_what_is_covered(resolved: Resolved, due: PaymentDue, status: PaymentStatus) -> None:
    """What an open code holds covers what it asks: flag the excess, pay the unpaid parts."""
    code = due.code
    unpaid = [part for part in due.parts if part.ref not in status.parts_paid]
    excess = _flag_excess(code, due.amount)
    if not unpaid and not excess:
        return
    method = _paying_method(code)
    for part in unpaid:
        _earn(code, part, method)
    resolved.target.payment_changed(code, status_of(due))
    logger.info("%s covered after its amount due fell: %s đồng flagged", code, excess)


def _flag_excess(code: str, amount_due: int) -> int:
    """Flag what the code's payments hold beyond ``amount_due`` as overpaid, newest payment
    first (as ``classify`` flags the payment that goes over); returns how much."""
    received, flagged, _unassigned, _refunded = db.session.execute(
        sa.select(*code_sums()).where(LedgerEntry.target_code == code)
    ).one()
    excess = left = int(received) - int(flagged) - amount_due
    payments = db.session.scalars(
        sa.select(LedgerEntry)
        .where(_not_all_flagged(code))
        .order_by(LedgerEntry.id.desc())
        .execution_options(populate_existing=True)
    )
    for entry in payments:
        if left <= 0:
            break
        share = min(left, entry.amount - entry.refund_due)
        entry.refund_due += share
        entry.outcome = Outcome.OVERPAID
        left -= share
    db.session.flush()
    return excess


def _paying_method(code: str) -> PaymentMethod:
    """How the money that pays the code came: the newest payment that still counts."""
    return db.session.execute(
        sa.select(LedgerEntry.method)
        .where(_not_all_flagged(code))
        .order_by(LedgerEntry.id.desc())
        .limit(1)
    ).scalar_one()


def _not_all_flagged(code: str) -> sa.ColumnElement[bool]:
    """The code's payment lines that still count, at least in part, towards what it asks."""
    return sa.and_(
        LedgerEntry.target_code == code,
        LedgerEntry.kind == EntryKind.PAYMENT,
        LedgerEntry.refund_due < LedgerEntry.amount,
    )


def _count_again(code: str) -> None:
    """The target was taken back: part payments flagged when it closed count again.

    What a manager already gave back of them stays given back.
    """
    for entry in db.session.scalars(
        sa.select(LedgerEntry)
        .where(
            LedgerEntry.target_code == code,
            LedgerEntry.kind == EntryKind.PAYMENT,
            LedgerEntry.outcome == Outcome.PARTIAL,
            LedgerEntry.refund_due > 0,
        )
        .execution_options(populate_existing=True)
    ):
        entry.refund_due -= outstanding_refund_due(entry)
    db.session.flush()


def hold_for_refund(
    amount: int,
    *,
    method: PaymentMethod,
    reference: str,
    dedupe_key: str,
    code: str | None = None,
    notification_id: int | None = None,
    actor_id: int | None = None,
    note: str = "",
) -> int | None:
    """Record money that belongs to no open target, all of it flagged to go back (once)."""
    return insert_once(
        LedgerEntry,
        {
            "kind": EntryKind.PAYMENT,
            "method": method,
            "amount": amount,
            "refund_due": amount,
            "outcome": Outcome.UNMATCHED,
            "target_code": code,
            "reference": reference[:255],
            "dedupe_key": dedupe_key,
            "notification_id": notification_id,
            "actor_id": actor_id,
            "note": note[:500],
        },
        unique_on=("dedupe_key",),
    )


def _earn(code: str, part: PartDue, method: PaymentMethod) -> None:
    """Credit a producer with its part's share, once per part, and fix the part's fee."""
    earned = insert_once(
        LedgerEntry,
        {
            "kind": EntryKind.EARNING,
            "method": method,
            "amount": part.amount,
            "target_code": code,
            "part_ref": part.ref,
            "producer_id": part.producer_id,
            "reference": code,
            "dedupe_key": f"earning:{code}:{part.ref}",
        },
        unique_on=("dedupe_key",),
    )
    if earned is not None:
        fix_part_fee(code, part, method)
