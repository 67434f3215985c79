"""Reading and writing the payment ledger; a code's paid state is computed from it alone."""

from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.extensions import db
from payments.models import EntryKind, EntryStatus, LedgerEntry, PaymentMethod
from payments.targets import DueState, PaymentDue, PaymentStatus, PayState

COUNTS = LedgerEntry.status != EntryStatus.FAILED


def add_entry(**fields: Any) -> LedgerEntry:
    """Append a line to the ledger (flushed, not committed)."""
    entry = LedgerEntry(**fields)
    db.session.add(entry)
    db.session.flush()
    return entry


def _sum_where(condition: sa.ColumnElement[bool], column: Any = LedgerEntry.amount) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, column), else_=0)), 0)


def applied_amount(received: Any, flagged: Any, unassigned_refunds: Any) -> Any:
    """What counts towards the amount due: refunds beyond the flagged money reduce it.

    Works on numbers and on SQL expressions alike, so Python and SQL agree.
    """
    if isinstance(received, int):
        return received - max(flagged, unassigned_refunds)
    return received - sa.case((flagged > unassigned_refunds, flagged), else_=unassigned_refunds)


def code_sums() -> tuple[Any, ...]:
    """SQL sums per code: received, flagged for refund, refunds not tied to a part, all refunds."""
    payment = LedgerEntry.kind == EntryKind.PAYMENT
    refund = sa.and_(LedgerEntry.kind == EntryKind.REFUND, COUNTS)
    return (
        _sum_where(payment).label("received"),
        _sum_where(payment, LedgerEntry.refund_due).label("flagged"),
        _sum_where(sa.and_(refund, LedgerEntry.part_ref.is_(None))).label("unassigned_refunds"),
        _sum_where(refund).label("refunded"),
    )


def status_of(due: PaymentDue) -> PaymentStatus:
    """The code's state from its ledger lines and what the target expects."""
    received, flagged, unassigned, refunded = db.session.execute(
        sa.select(*code_sums()).where(LedgerEntry.target_code == due.code)
    ).one()
    paid = applied_amount(int(received), int(flagged), int(unassigned))
    parts_paid = frozenset(
        db.session.scalars(
            sa.select(LedgerEntry.part_ref).where(
                LedgerEntry.target_code == due.code, LedgerEntry.kind == EntryKind.EARNING
            )
        )
    )
    return PaymentStatus(
        code=due.code,
        state=pay_state(due, paid),
        amount_due=due.amount,
        paid=paid,
        refunded=int(refunded),
        refund_due=max(0, int(flagged) - int(unassigned)),
        parts_paid=parts_paid,
    )


def pay_state(due: PaymentDue, paid: int) -> PayState:
    """Paid once the amount is covered; otherwise the target's state, or partly paid/unpaid."""
    if due.amount > 0 and paid >= due.amount:
        return PayState.PAID
    if due.state != DueState.OPEN:
        return PayState(due.state.value)
    return PayState.PARTIAL if paid > 0 else PayState.UNPAID


def refundable(payment: LedgerEntry) -> int:
    """What may still be refunded from one payment line."""
    refunded = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.amount), 0)).where(
            LedgerEntry.refund_of_id == payment.id, LedgerEntry.kind == EntryKind.REFUND, COUNTS
        )
    )
    return payment.amount - int(refunded)


def _flagged_given_back(payment_id: Any) -> sa.Select:
    """What was given back of a payment line's flagged money: its refunds tied to no part."""
    refund = so.aliased(LedgerEntry)
    return sa.select(sa.func.coalesce(sa.func.sum(refund.amount), 0)).where(
        refund.refund_of_id == payment_id,
        refund.kind == EntryKind.REFUND,
        refund.part_ref.is_(None),
        refund.status != EntryStatus.FAILED,
    )


def outstanding_refund_due(payment: LedgerEntry) -> int:
    """The flagged part of one payment line not yet given back."""
    return max(0, payment.refund_due - int(db.session.scalar(_flagged_given_back(payment.id))))


def flagged_outstanding() -> Any:
    """In a query over payment lines: each one's flagged money not yet given back (SQL)."""
    return LedgerEntry.refund_due - _flagged_given_back(LedgerEntry.id).scalar_subquery()


def part_balance(code: str, part_ref: str) -> int:
    """A part's paid share minus what was refunded against it."""
    earned, refunded = db.session.execute(
        sa.select(
            _sum_where(LedgerEntry.kind == EntryKind.EARNING),
            _sum_where(sa.and_(LedgerEntry.kind == EntryKind.REFUND, COUNTS)),
        ).where(LedgerEntry.target_code == code, LedgerEntry.part_ref == part_ref)
    ).one()
    return int(earned) - int(refunded)


def entries_for(code: str) -> list[LedgerEntry]:
    """Every ledger line of a code, oldest first."""
    return list(
        db.session.scalars(
            sa.select(LedgerEntry).where(LedgerEntry.target_code == code).order_by(LedgerEntry.id)
        )
    )


def part_balances(code: str) -> list[tuple[str, int, int]]:
    """(part ref, producer id, paid share minus refunds) of each paid part of a code."""
    rows = db.session.execute(
        sa.select(
            LedgerEntry.part_ref,
            sa.func.max(LedgerEntry.producer_id),
            _sum_where(LedgerEntry.kind == EntryKind.EARNING)
            - _sum_where(sa.and_(LedgerEntry.kind == EntryKind.REFUND, COUNTS)),
        )
        .where(LedgerEntry.target_code == code, LedgerEntry.part_ref.is_not(None))
        .group_by(LedgerEntry.part_ref)
        .order_by(LedgerEntry.part_ref)
    )
    return [(ref, producer, int(balance)) for ref, producer, balance in rows]


def withdrawn_parts() -> sa.Select:
    """Per part withdrawn after payment (cancelled or refunded: its earning's ``refund_due``
    is set): code, part, producer, and the market's money still held for it (its non-cash
    share minus the non-cash refunds made against it)."""
    entry = LedgerEntry
    not_cash = entry.method != PaymentMethod.CASH
    earning = entry.kind == EntryKind.EARNING
    refund = sa.and_(entry.kind == EntryKind.REFUND, COUNTS)
    held = _sum_where(sa.and_(earning, not_cash)) - _sum_where(sa.and_(refund, not_cash))
    return (
        sa.select(
            entry.target_code.label("code"),
            entry.part_ref.label("part_ref"),
            sa.func.max(entry.producer_id).label("producer_id"),
            held.label("held"),
        )
        .where(entry.part_ref.is_not(None))
        .group_by(entry.target_code, entry.part_ref)
        .having(sa.func.max(sa.case((earning, entry.refund_due), else_=0)) > 0)
    )
