"""Producers' balances: what they earned, the market's fees, what is held, payable and paid.

A producer earns its part's share once the part is paid. The market owes it what it collected
for it (card and bank transfer; the producer holds cash itself) minus refunds the market made
for its parts, minus the marketplace fees charged on its parts, minus payouts:
``owed = earned − cash collected − market refunds − fees − paid out``. Of that, what parts not
yet settled carry is *held*; what pending payout lines reserve is *in payout*; the rest is
*payable* (negative: the producer owes the market, e.g. fees on cash sales).
"""

import logging
from dataclasses import dataclass

import sqlalchemy as sa

from catalog.models import Producer
from market.extensions import db
from payments.earning_models import LineStatus, PartEarning, PayoutLine
from payments.ledger import COUNTS, withdrawn_parts
from payments.models import EntryKind, LedgerEntry, PaymentMethod
from payments.part_money import part_figures

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProducerBalance:
    """What a producer earned, collected itself in cash, had refunded, paid in fees, was paid
    out, and how much of what it is owed is held or already in a payout.

    ``market_refunds`` are the refunds the market made from money it collected (not cash).
    """

    producer_id: int
    name: str
    earned: int
    cash_collected: int
    refunded: int
    market_refunds: int
    paid_out: int
    fees: int = 0
    held: int = 0
    in_payout: int = 0

    @property
    def net_earnings(self) -> int:
        """Paid shares minus refunds and fees, whoever holds the money."""
        return self.earned - self.refunded - self.fees

    @property
    def owed(self) -> int:
        """What the market still has to pay the producer (negative: the producer owes it)."""
        return self.earned - self.cash_collected - self.market_refunds - self.fees - self.paid_out

    @property
    def payable(self) -> int:
        """What a payout run may pay now: owed, less what is held and what is in a payout."""
        return self.owed - self.held - self.in_payout


def _total(condition: sa.ColumnElement[bool], column: sa.ColumnElement[int]) -> sa.ColumnElement:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, column), else_=0)), 0)


def _withdrawn() -> sa.Subquery:
    """Parts withdrawn after payment (cancelled, or refunded whole): their money goes back to
    the payer, so it is none of their producer's earnings, refunds, fees or balance."""
    return withdrawn_parts().subquery("withdrawn")


def _joined(
    withdrawn: sa.Subquery, code: sa.ColumnElement, part_ref: sa.ColumnElement
) -> sa.ColumnElement[bool]:
    return sa.and_(withdrawn.c.code == code, withdrawn.c.part_ref == part_ref)


def _part_sums(producer_id: int | None) -> dict[int, tuple[int, int]]:
    """Per producer: fees charged on its standing parts, and what those not yet payable carry."""
    refunds, _refunded, _market, fee, owed = part_figures()
    query = (
        sa.select(
            PartEarning.producer_id,
            sa.func.coalesce(sa.func.sum(fee), 0),
            _total(PartEarning.payable_at.is_(None), owed),
        )
        .outerjoin(
            refunds,
            sa.and_(
                refunds.c.target_code == PartEarning.target_code,
                refunds.c.part_ref == PartEarning.part_ref,
            ),
        )
        .group_by(PartEarning.producer_id)
    )
    withdrawn = _withdrawn()
    query = query.outerjoin(
        withdrawn, _joined(withdrawn, PartEarning.target_code, PartEarning.part_ref)
    ).where(withdrawn.c.part_ref.is_(None))
    if producer_id is not None:
        query = query.where(PartEarning.producer_id == producer_id)
    return {pid: (int(fees), int(held)) for pid, fees, held in db.session.execute(query)}


def _in_payout(producer_id: int | None) -> dict[int, int]:
    """Per producer: what pending payout lines reserve."""
    query = (
        sa.select(PayoutLine.producer_id, sa.func.sum(PayoutLine.amount))
        .where(PayoutLine.status == LineStatus.PENDING)
        .group_by(PayoutLine.producer_id)
    )
    if producer_id is not None:
        query = query.where(PayoutLine.producer_id == producer_id)
    return {pid: int(amount) for pid, amount in db.session.execute(query)}


def producer_balances(producer_id: int | None = None) -> list[ProducerBalance]:
    """Balances of every producer with ledger lines (or of one), in three SQL queries."""
    entry, withdrawn = LedgerEntry, _withdrawn()
    standing = withdrawn.c.part_ref.is_(None)  # a producer whose parts all went back shows 0
    is_cash = entry.method == PaymentMethod.CASH
    earning = sa.and_(entry.kind == EntryKind.EARNING, standing)
    refund = sa.and_(entry.kind == EntryKind.REFUND, COUNTS, standing)
    query = (
        sa.select(
            Producer.id,
            Producer.name,
            _total(earning, entry.amount),
            _total(sa.and_(earning, is_cash), entry.amount),
            _total(refund, entry.amount),
            _total(sa.and_(refund, sa.not_(is_cash)), entry.amount),
            _total(sa.and_(entry.kind == EntryKind.PAYOUT, COUNTS), entry.amount),
        )
        .join(entry, entry.producer_id == Producer.id)
        .outerjoin(withdrawn, _joined(withdrawn, entry.target_code, entry.part_ref))
        .group_by(Producer.id, Producer.name)
        .order_by(Producer.name)
    )
    if producer_id is not None:
        query = query.where(Producer.id == producer_id)
    parts, pending = _part_sums(producer_id), _in_payout(producer_id)
    return [
        ProducerBalance(
            producer_id=pid,
            name=name,
            earned=int(earned),
            cash_collected=int(cash),
            refunded=int(refunded),
            market_refunds=int(market_refunds),
            paid_out=int(paid_out),
            fees=parts.get(pid, (0, 0))[0],
            held=parts.get(pid, (0, 0))[1],
            in_payout=pending.get(pid, 0),
        )
        for pid, name, earned, cash, refunded, market_refunds, paid_out in db.session.execute(query)
    ]


def producer_balance(producer_id: int) -> ProducerBalance | None:
    """One producer's balance, or None if it has no ledger lines yet."""
    found = producer_balances(producer_id)
    return found[0] if found else None


@dataclass(frozen=True)
class PartLine:
    """A paid part as the producer reads it: gross, refunds, fee charged and net."""

    part_ref: str
    paid_at: object
    rate_bp: int
    gross: int
    refunded: int
    fee: int
    payable: bool

    @property
    def net(self) -> int:
        """What the part earned after refunds and the fee."""
        return self.gross - self.refunded - self.fee


def _part_lines(condition: sa.ColumnElement[bool], limit: int) -> list[PartLine]:
    refunds, refunded, _market, fee, _owed = part_figures()
    rows = db.session.execute(
        sa.select(
            PartEarning.part_ref,
            PartEarning.fixed_at,
            PartEarning.rate_bp,
            PartEarning.gross,
            refunded,
            fee,
            PartEarning.payable_at.is_not(None),
        )
        .outerjoin(
            refunds,
            sa.and_(
                refunds.c.target_code == PartEarning.target_code,
                refunds.c.part_ref == PartEarning.part_ref,
            ),
        )
        .where(condition)
        .order_by(PartEarning.id.desc())
        .limit(limit)
    )
    return [
        PartLine(ref, at, rate, int(gross), int(back), int(charged), bool(payable))
        for ref, at, rate, gross, back, charged, payable in rows
    ]


def recent_parts(producer_id: int, limit: int = 50) -> list[PartLine]:
    """A producer's latest paid parts with gross, refunds, fee and net."""
    return _part_lines(PartEarning.producer_id == producer_id, limit)


def part_line(code: str, part_ref: str) -> PartLine | None:
    """One paid part's gross, refunds, fee and net (a template global), or None if unpaid."""
    found = _part_lines(
        sa.and_(PartEarning.target_code == code, PartEarning.part_ref == part_ref), 1
    )
    return found[0] if found else None
