"""What each paid part carries: the refunds against it, the fee it is charged, what is owed.

One rounding rule for money times a rate (see ``payments.fees``), in Python and in SQL alike.
"""

from typing import Any

import sqlalchemy as sa

from market.extensions import db
from payments.earning_models import PartEarning
from payments.ledger import COUNTS
from payments.models import EntryKind, LedgerEntry, PaymentMethod

BASIS = 10_000


def scaled(amount: int, rate_bp: int) -> int:
    """``amount × rate_bp / 10 000`` in whole đồng, halves rounded up (amounts are ≥ 0)."""
    return (amount * rate_bp * 2 + BASIS) // (2 * BASIS)


def fee_charged(total_fee: Any, gross: Any, refunded: Any) -> Any:
    """The fee and VAT a part still carries after refunds: in proportion to what it kept.

    Works on numbers and on SQL expressions alike, so Python and SQL agree.
    """
    kept = gross - refunded
    if isinstance(gross, int):
        return 0 if gross <= 0 else (total_fee * kept * 2 + gross) // (2 * gross)
    share = (total_fee * kept * 2 + gross) / (2 * gross)
    return sa.case((gross <= 0, 0), else_=sa.cast(sa.func.floor(share), sa.BigInteger))


def _total(condition: sa.ColumnElement[bool], column: sa.ColumnElement[int]) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, column), else_=0)), 0)


def part_refunds_subquery() -> sa.Subquery:
    """Per paid part: everything refunded, and what the market refunded (not cash)."""
    entry = LedgerEntry
    refund = sa.and_(entry.kind == EntryKind.REFUND, COUNTS, entry.part_ref.is_not(None))
    return (
        sa.select(
            entry.target_code,
            entry.part_ref,
            sa.func.sum(entry.amount).label("refunded"),
            _total(entry.method != PaymentMethod.CASH, entry.amount).label("market_refunded"),
        )
        .where(refund)
        .group_by(entry.target_code, entry.part_ref)
        .subquery()
    )


def part_figures() -> tuple[sa.ColumnElement, ...]:
    """SQL columns of a part (``PartEarning`` joined to ``part_refunds_subquery()`` as
    ``refunds``): refunded, market refunded, fee charged, and what the market owes for it."""
    refunds = part_refunds_subquery().alias("refunds")
    refunded = sa.func.coalesce(refunds.c.refunded, 0)
    market_refunded = sa.func.coalesce(refunds.c.market_refunded, 0)
    fee = fee_charged(PartEarning.fee + PartEarning.vat, PartEarning.gross, refunded)
    collected = sa.case((PartEarning.method == PaymentMethod.CASH, 0), else_=PartEarning.gross)
    return refunds, refunded, market_refunded, fee, collected - market_refunded - fee


def fees_by_code() -> dict[str, int]:
    """The marketplace fee (with VAT) each payment code's parts carry now, after refunds.

    The marketplace-fee term of the balance invariant (``flask payments verify``), per order.
    """
    refunds, _refunded, _market, fee, _owed = part_figures()
    rows = db.session.execute(
        sa.select(PartEarning.target_code, sa.func.sum(fee))
        .outerjoin(
            refunds,
            sa.and_(
                refunds.c.target_code == PartEarning.target_code,
                refunds.c.part_ref == PartEarning.part_ref,
            ),
        )
        .group_by(PartEarning.target_code)
    )
    return {code: int(total) for code, total in rows}
