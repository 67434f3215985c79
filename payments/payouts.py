"""Producers' earnings and the payouts a manager records.

A producer earns its part's share once the part is paid. The market owes it what it collected
for it (card and bank transfer; the producer holds cash itself) minus refunds the market made
for its parts and minus payouts: ``owed = paid − refunds − payouts``.
"""

import logging
from dataclasses import dataclass

import sqlalchemy as sa

from catalog.models import Producer
from market.extensions import db
from payments.errors import InvalidAmount, ReferenceRequired
from payments.ledger import COUNTS, add_entry
from payments.models import EntryKind, LedgerEntry, PaymentMethod, Payout

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProducerBalance:
    """What a producer earned, collected itself in cash, had refunded, was paid out and is owed.

    ``market_refunds`` are the refunds the market made from money it collected (not cash).
    """

    producer_id: int
    name: str
    earned: int
    cash_collected: int
    refunded: int
    market_refunds: int
    paid_out: int

    @property
    def net_earnings(self) -> int:
        """Paid shares minus refunds, whoever holds the money."""
        return self.earned - self.refunded

    @property
    def owed(self) -> int:
        """What the market still has to pay the producer (negative: the producer owes it)."""
        return self.earned - self.cash_collected - self.market_refunds - self.paid_out


def producer_balances(producer_id: int | None = None) -> list[ProducerBalance]:
    """Balances of every producer with ledger lines (or of one), computed in one SQL query."""
    entry = LedgerEntry
    is_cash = entry.method == PaymentMethod.CASH
    refund = sa.and_(entry.kind == EntryKind.REFUND, COUNTS)

    def total(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, entry.amount), else_=0)), 0)

    query = (
        sa.select(
            Producer.id,
            Producer.name,
            total(entry.kind == EntryKind.EARNING),
            total(sa.and_(entry.kind == EntryKind.EARNING, is_cash)),
            total(refund),
            total(sa.and_(refund, sa.not_(is_cash))),
            total(entry.kind == EntryKind.PAYOUT),
        )
        .join(entry, entry.producer_id == Producer.id)
        .group_by(Producer.id, Producer.name)
        .order_by(Producer.name)
    )
    if producer_id is not None:
        query = query.where(Producer.id == producer_id)
    return [
        ProducerBalance(
            producer_id=pid,
            name=name,
            earned=int(earned),
            cash_collected=int(cash),
            refunded=int(refunded),
            market_refunds=int(market_refunds),
            paid_out=int(paid_out),
        )
        for pid, name, earned, cash, refunded, market_refunds, paid_out in db.session.execute(query)
    ]


def producer_balance(producer_id: int) -> ProducerBalance | None:
    """One producer's balance, or None if it has no ledger lines yet."""
    found = producer_balances(producer_id)
    return found[0] if found else None


def record_payout(
    producer_id: int,
    amount: int,
    *,
    reference: str,
    actor_id: int,
    method: PaymentMethod = PaymentMethod.BANK_TRANSFER,
    note: str = "",
) -> Payout:
    """A manager records money paid to a producer, at most what it is owed; commits."""
    reference = reference.strip()
    if not reference:
        raise ReferenceRequired()
    producer = db.session.get(Producer, producer_id)
    if producer is None:
        raise InvalidAmount()
    # Lock the producer row, so two managers cannot both pay out the same balance.
    db.session.execute(
        sa.update(Producer)
        .where(Producer.id == producer_id)
        .values(status=Producer.status)
        .execution_options(synchronize_session=False)
    )
    balance = producer_balance(producer_id)
    if balance is None or not 0 < amount <= balance.owed:
        db.session.rollback()
        raise InvalidAmount()
    payout = Payout(
        producer_id=producer_id,
        amount=amount,
        method=method,
        reference=reference[:120],
        bank_bin=producer.bank_bin,
        bank_account=producer.bank_account,
        bank_holder=producer.bank_holder,
        note=note.strip()[:500],
        recorded_by_id=actor_id,
    )
    db.session.add(payout)
    db.session.flush()
    add_entry(
        kind=EntryKind.PAYOUT,
        method=method,
        amount=amount,
        producer_id=producer_id,
        reference=payout.reference,
        payout_id=payout.id,
        actor_id=actor_id,
        note=payout.note,
    )
    db.session.commit()
    logger.info("Payout of %s đồng to producer %s (%s)", amount, producer_id, reference)
    return payout
