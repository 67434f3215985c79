"""Reconciliation for managers, computed in SQL: what came in, what is stuck, what is owed."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from market.extensions import db
from payments.ledger import applied_amount, code_sums
from payments.models import (
    BankNotification,
    EntryKind,
    EntryStatus,
    LedgerEntry,
    NotificationStatus,
    Outcome,
    PaymentCode,
    PaymentMethod,
)
from payments.payouts import ProducerBalance, producer_balances

VIETNAM_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time


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
    return (
        datetime.combine(start, time()) - VIETNAM_OFFSET,
        datetime.combine(end + timedelta(days=1), time()) - VIETNAM_OFFSET,
    )


def payments_by_day(start: date, end: date) -> list[DayTotal]:
    """Payments received per Vietnam day and method, newest day first."""
    since, until = utc_range(start, end)
    day = local_day(LedgerEntry.created_at)
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
        )
        .group_by(day, LedgerEntry.method)
        .order_by(day.desc(), LedgerEntry.method)
    )
    return [DayTotal(d, m, int(n), int(a), int(r)) for d, m, n, a, r in rows]


def unmatched_credits(limit: int = 200) -> list[BankNotification]:
    """Credits no code could be matched to, oldest first, waiting for a manager."""
    return list(
        db.session.scalars(
            sa.select(BankNotification)
            .where(BankNotification.status == NotificationStatus.UNMATCHED)
            .order_by(BankNotification.received_at, BankNotification.id)
            .limit(limit)
        )
    )


def partial_payments(limit: int = 200) -> list[CodeBalance]:
    """Codes paid in part: something applied, less than the amount due."""
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
        .where(sums.c.paid > 0, sums.c.paid < PaymentCode.amount_due)
        .order_by(PaymentCode.created_at)
        .limit(limit)
    )
    return [CodeBalance(code, kind, int(due), int(paid)) for code, kind, due, paid in rows]


def overpayments(limit: int = 200) -> list[LedgerEntry]:
    """Payments that paid more than was due, newest first."""
    return list(
        db.session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.kind == EntryKind.PAYMENT, LedgerEntry.outcome == Outcome.OVERPAID)
            .order_by(LedgerEntry.id.desc())
            .limit(limit)
        )
    )


def refunds_due(limit: int = 200) -> list[RefundDue]:
    """Flagged money (overpaid, late, unmatched) not yet given back, oldest first."""
    refund = sa.orm.aliased(LedgerEntry)
    settled = (
        sa.select(sa.func.coalesce(sa.func.sum(refund.amount), 0))
        .where(
            refund.refund_of_id == LedgerEntry.id,
            refund.kind == EntryKind.REFUND,
            refund.part_ref.is_(None),
            refund.status != EntryStatus.FAILED,
        )
        .scalar_subquery()
    )
    outstanding = LedgerEntry.refund_due - settled
    rows = db.session.execute(
        sa.select(LedgerEntry, outstanding)
        .where(LedgerEntry.kind == EntryKind.PAYMENT, LedgerEntry.refund_due > 0, outstanding > 0)
        .order_by(LedgerEntry.id)
        .limit(limit)
    )
    return [RefundDue(entry, int(amount)) for entry, amount in rows]


def payouts_owed() -> list[ProducerBalance]:
    """Producers the market owes money to, most owed first."""
    return sorted(
        (balance for balance in producer_balances() if balance.owed > 0),
        key=lambda balance: -balance.owed,
    )
