"""Reconciliation for managers, computed in SQL: what came in, what is stuck, what is owed.

The market's money is what reached its collection account (and card payments, cash held by
producers, money flagged to go back). Payments for targets paid into accounts of their own (a
chợ 4.0 stall's, see ``market.registry.PaymentTargetEntry``) and credits that reached any other
account are recorded too, but they are the sellers' money: they are summed and listed apart,
never mixed into the market's figures or offered for refund or crediting.
"""

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from market.extensions import db
from market.i18n import utc_day_bounds
from payments.bank_notifications import collection_account
from payments.codes import compact, own_account_codes
from payments.ledger import applied_amount, code_sums, flagged_outstanding, withdrawn_parts
from payments.models import (
    BankNotification,
    EntryKind,
    LedgerEntry,
    NotificationStatus,
    Outcome,
    PaymentCode,
    PaymentMethod,
)
from payments.payouts import ProducerBalance, producer_balances

# The most rows a reconciliation list shows, oldest (or most urgent) first.
LIST_LIMIT = 200


class local_day(FunctionElement):
    """The calendar day in Vietnam of a naive UTC timestamp column."""

    type = sa.Date()
    inherit_cache = True


@compiles(local_day, "sqlite")
def _local_day_sqlite(element: local_day, compiler: sa.sql.compiler.SQLCompiler, **kw) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


@compiles(local_day, "postgresql")
def _local_day_postgresql(element: local_day, compiler: sa.sql.compiler.SQLCompiler, **kw) -> str:
    return f"CAST(({compiler.process(element.clauses, **kw)} + INTERVAL '7 hours') AS DATE)"


@dataclass(frozen=True)
class DayTotal:
    """Payments received on one day by one method."""

    day: date
    method: PaymentMethod
    count: int
    amount: int
    refund_due: int


@dataclass(frozen=True)
class CodeBalance:
    """A code whose payments do not add up to what it asks (partially paid)."""

    code: str
    kind: str
    amount_due: int
    paid: int

    @property
    def missing(self) -> int:
        """What is still to pay."""
        return self.amount_due - self.paid


@dataclass(frozen=True)
class RefundDue:
    """A payment with money flagged to go back that has not all gone back yet."""

    entry: LedgerEntry
    outstanding: int


def utc_range(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC bounds of Vietnam days ``start`` to ``end`` inclusive."""
    return utc_day_bounds(start, end)


def in_own_account() -> sa.ColumnElement[bool]:
    """Ledger lines of codes paid into their target's own account (a stall's), not the market's."""
    return sa.and_(
        LedgerEntry.target_code.is_not(None), LedgerEntry.target_code.in_(own_account_codes())
    )


def payments_by_day(start: date, end: date, own_accounts: bool = False) -> list[DayTotal]:
    """The market's payments per Vietnam day and method, newest day first.

    ``own_accounts`` gives instead the payments into sellers' own accounts (stall sales).
    """
    since, until = utc_range(start, end)
    day = local_day(LedgerEntry.created_at)
    whose = in_own_account() if own_accounts else sa.not_(in_own_account())
    rows = db.session.execute(
        sa.select(
            day,
            LedgerEntry.method,
            sa.func.count(),
            sa.func.sum(LedgerEntry.amount),
            sa.func.sum(LedgerEntry.refund_due),
        )
        .where(
            LedgerEntry.kind == EntryKind.PAYMENT,
            LedgerEntry.created_at >= since,
            LedgerEntry.created_at < until,
            whose,
        )
        .group_by(day, LedgerEntry.method)
        .order_by(day.desc(), LedgerEntry.method)
    )
    return [DayTotal(d, m, int(n), int(a), int(r)) for d, m, n, a, r in rows]


def _compacted(column: sa.ColumnElement[str]) -> sa.ColumnElement[str]:
    """An account number without the spaces, dots and dashes banks may add (as ``compact``)."""
    for mark in (" ", ".", "-"):
        column = sa.func.replace(column, mark, "")
    return sa.func.upper(column)


def into_collection() -> sa.ColumnElement[bool]:
    """Notifications of money that reached the market's collection account."""
    account = collection_account()
    if account is None:
        return sa.false()
    number = compact(account.number)
    return sa.or_(
        _compacted(BankNotification.account_number) == number,
        _compacted(BankNotification.virtual_account) == number,
    )


def unmatched_credits(
    limit: int = LIST_LIMIT, own_accounts: bool = False
) -> list[BankNotification]:
    """Credits into the collection account no code could be matched to, oldest first, waiting
    for a manager; ``own_accounts`` gives those that reached any other account instead."""
    where = sa.not_(into_collection()) if own_accounts else into_collection()
    return list(
        db.session.scalars(
            sa.select(BankNotification)
            .where(BankNotification.status == NotificationStatus.UNMATCHED, where)
            .order_by(BankNotification.received_at, BankNotification.id)
            .limit(limit)
        )
    )


def partial_payments(limit: int = LIST_LIMIT) -> list[CodeBalance]:
    """The market's codes paid in part: something applied, less than the amount due."""
    received, flagged, unassigned, _refunded = code_sums()
    applied = applied_amount(received, flagged, unassigned)
    sums = (
        sa.select(LedgerEntry.target_code.label("code"), applied.label("paid"))
        .where(LedgerEntry.target_code.is_not(None))
        .group_by(LedgerEntry.target_code)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(PaymentCode.code, PaymentCode.kind, PaymentCode.amount_due, sums.c.paid)
        .join(sums, sums.c.code == PaymentCode.code)
        .where(
            sums.c.paid > 0,
            sums.c.paid < PaymentCode.amount_due,
            PaymentCode.code.not_in(own_account_codes()),
        )
        .order_by(PaymentCode.created_at)
        .limit(limit)
    )
    return [CodeBalance(code, kind, int(due), int(paid)) for code, kind, due, paid in rows]


def overpayments(limit: int = LIST_LIMIT) -> list[LedgerEntry]:
    """The market's payments that paid more than was due, newest first."""
    return list(
        db.session.scalars(
            sa.select(LedgerEntry)
            .where(
                LedgerEntry.kind == EntryKind.PAYMENT,
                LedgerEntry.outcome == Outcome.OVERPAID,
                sa.not_(in_own_account()),
            )
            .order_by(LedgerEntry.id.desc())
            .limit(limit)
        )
    )


def refunds_due(limit: int = LIST_LIMIT) -> list[RefundDue]:
    """Flagged money (overpaid, late, unmatched) the market holds, not yet given back, oldest
    first."""
    outstanding = flagged_outstanding()
    rows = db.session.execute(
        sa.select(LedgerEntry, outstanding)
        .where(
            LedgerEntry.kind == EntryKind.PAYMENT,
            LedgerEntry.refund_due > 0,
            outstanding > 0,
            sa.not_(in_own_account()),
        )
        .order_by(LedgerEntry.id)
        .limit(limit)
    )
    return [RefundDue(entry, int(amount)) for entry, amount in rows]


@dataclass(frozen=True)
class PartRefundDue:
    """A part cancelled after it was paid: the market's money for it goes back to the payer."""

    code: str
    part_ref: str
    producer_id: int
    amount: int
    payment: LedgerEntry | None  # the payment a manager refunds it from


def part_refunds_due(limit: int = LIST_LIMIT) -> list[PartRefundDue]:
    """Parts withdrawn after payment whose money the market still holds, oldest code first."""
    parts = withdrawn_parts().subquery()
    rows = db.session.execute(
        sa.select(parts.c.code, parts.c.part_ref, parts.c.producer_id, parts.c.held)
        .where(parts.c.held > 0, parts.c.code.not_in(own_account_codes()))
        .order_by(parts.c.code, parts.c.part_ref)
        .limit(limit)
    )
    return [
        PartRefundDue(code, ref, producer, int(held), _refund_from(code))
        for code, ref, producer, held in rows
    ]


def _refund_from(code: str) -> LedgerEntry | None:
    """The newest payment of a code that paid it (not money held apart as unmatched)."""
    return db.session.scalar(
        sa.select(LedgerEntry)
        .where(
            LedgerEntry.target_code == code,
            LedgerEntry.kind == EntryKind.PAYMENT,
            LedgerEntry.outcome != Outcome.UNMATCHED,
        )
        .order_by(LedgerEntry.id.desc())
        .limit(1)
    )


def payouts_owed() -> list[ProducerBalance]:
    """Producers the market owes money to, most owed first."""
    return sorted(
        (balance for balance in producer_balances() if balance.owed > 0),
        key=lambda balance: -balance.owed,
    )
