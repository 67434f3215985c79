"""Cash on delivery through a carrier: received when delivered, receivable until remitted.

When a carrier delivers a cash part (``registry.SHIPMENT_DELIVERED``), the cash it collected is
credited to the order (method ``carrier_cod``: the market's money, like a bank transfer, so the
producer earns it and it is owed to the producer) and recorded as receivable from that carrier.
The part's earning is held (``SETTLEMENT_HOLDS``) until the carrier remits the cash: a producer
is never paid money the market has not got. A remittance — a line of the carrier's COD statement
a manager imports, or the carrier's notification — settles the receivable through one function,
``record_remittance``; whatever does not fit (short, over, paid twice, unknown tracking code) is
kept as reported and listed in reconciliation.
"""

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from market.dbtypes import utcnow
from market.extensions import db
from orders.models import OrderPart
from orders.models import PaymentMethod as OrderPaymentMethod
from orders.transaction import caller_transaction
from payments.cod_models import CodReceivable, CodRemittance, RemittanceOutcome, RemittanceSource
from payments.codes import find_due, lock_code
from payments.crediting import credit
from payments.ledger import add_entry, status_of
from payments.models import EntryKind, PaymentMethod
from payments.settlement import PartKey

logger = logging.getLogger(__name__)


def book_collected(
    part: OrderPart,
    carrier: str,
    tracking_code: str,
    collected: int | None = None,
    at: datetime | None = None,
) -> CodReceivable | None:
    """A carrier delivered a cash part: credit the cash it collected to the order and record it
    as receivable from the carrier, once (the caller commits). Nothing for a prepaid part or one
    whose cash is recorded already."""
    if part.order.payment_method is not OrderPaymentMethod.CASH:
        return None
    code = part.order.payment_code
    existing = db.session.scalar(
        sa.select(CodReceivable).where(
            CodReceivable.target_code == code, CodReceivable.part_ref == part.reference
        )
    )
    if existing is not None:
        return existing
    resolved = find_due(code)
    due_part = resolved.due.part(part.reference) if resolved is not None else None
    if due_part is None or due_part.ref in status_of(resolved.due).parts_paid:
        return None
    amount = collected if collected else due_part.amount
    with caller_transaction():
        result = credit(
            resolved,
            amount,
            method=PaymentMethod.CARRIER_COD,
            reference=f"cod:{carrier}:{tracking_code}",
            dedupe_key=f"cod:{code}:{due_part.ref}",
            part_ref=due_part.ref,
        )
    if result.entry is None:
        return None
    receivable = CodReceivable(
        carrier=carrier,
        tracking_code=tracking_code,
        target_code=code,
        part_ref=due_part.ref,
        producer_id=due_part.producer_id,
        amount=amount,
        collected_at=at or utcnow(),
        payment_id=result.entry.id,
    )
    db.session.add(receivable)
    db.session.flush()
    logger.info("COD %s đồng held by %s for %s (%s)", amount, carrier, due_part.ref, tracking_code)
    return receivable


def collected_by_carrier(part: OrderPart) -> bool:
    """A carrier collected the part's cash: the market's money, not the producer's."""
    return bool(
        db.session.scalar(
            sa.select(CodReceivable.id).where(
                CodReceivable.target_code == part.order.payment_code,
                CodReceivable.part_ref == part.reference,
            )
        )
    )


def shipment_delivered(
    part: OrderPart, carrier: str, tracking_code: str, cod: int | None, at: datetime
) -> None:
    """The ``SHIPMENT_DELIVERED`` hook: book the cash a carrier collected, if any."""
    book_collected(part, carrier, tracking_code, cod, at)


@dataclass(frozen=True)
class Remitted:
    """One remitted line as the carrier reports it."""

    carrier: str
    tracking_code: str
    amount: int
    on: date


def remittance_key(line: Remitted) -> str:
    """The same line reported twice (a statement imported again) has the same key."""
    return f"cod:{line.carrier}:{line.tracking_code}:{line.amount}:{line.on.isoformat()}"[:200]


def record_remittance(
    line: Remitted,
    source: RemittanceSource,
    source_ref: str = "",
    actor_id: int | None = None,
) -> CodRemittance | None:
    """Settle what the carrier remitted against its receivable (the caller commits); None when
    this very line was recorded before."""
    key = remittance_key(line)
    if db.session.scalar(sa.select(CodRemittance.id).where(CodRemittance.dedupe_key == key)):
        return None
    receivable = db.session.scalar(
        sa.select(CodReceivable)
        .where(
            CodReceivable.carrier == line.carrier,
            CodReceivable.tracking_code == line.tracking_code,
        )
        .with_for_update()
    )
    remittance = CodRemittance(
        carrier=line.carrier,
        tracking_code=line.tracking_code,
        amount=line.amount,
        remitted_on=line.on,
        source=source,
        source_ref=source_ref[:200],
        dedupe_key=key,
        actor_id=actor_id,
        outcome=RemittanceOutcome.UNKNOWN,
        applied=0,
    )
    db.session.add(remittance)
    if receivable is not None:
        resolved = find_due(receivable.target_code)
        if resolved is not None:
            lock_code(resolved)
        remittance.receivable_id = receivable.id
        remittance.applied = min(line.amount, receivable.outstanding)
        remittance.outcome = _outcome(receivable.outstanding, line.amount)
        if remittance.applied:
            receivable.remitted += remittance.applied
            if not receivable.outstanding:
                receivable.settled_at = utcnow()
            add_entry(
                kind=EntryKind.REMITTANCE,
                method=PaymentMethod.CARRIER_COD,
                amount=remittance.applied,
                target_code=receivable.target_code,
                part_ref=receivable.part_ref,
                producer_id=receivable.producer_id,
                reference=f"cod:{line.carrier}:{line.tracking_code}",
                dedupe_key=key,
                actor_id=actor_id,
            )
    db.session.flush()
    logger.info("COD remittance %s %s: %s", line.carrier, line.tracking_code, remittance.outcome)
    return remittance


def _outcome(outstanding: int, amount: int) -> RemittanceOutcome:
    if outstanding == 0:
        return RemittanceOutcome.DUPLICATE
    if amount < outstanding:
        return RemittanceOutcome.SHORT
    if amount > outstanding:
        return RemittanceOutcome.OVER
    return RemittanceOutcome.SETTLED


def unremitted_parts(parts: Collection[PartKey]) -> dict[PartKey, str]:
    """Settlement hold: parts whose cash a carrier still holds are not payable yet."""
    codes = {code for code, _ref in parts}
    if not codes:
        return {}
    rows = db.session.execute(
        sa.select(CodReceivable.target_code, CodReceivable.part_ref).where(
            CodReceivable.target_code.in_(codes),
            CodReceivable.remitted < CodReceivable.amount,
        )
    )
    reason = _("Waiting for the carrier to hand over the cash it collected")
    wanted = set(parts)
    return {key: reason for key in map(tuple, rows) if key in wanted}


@dataclass(frozen=True)
class CarrierBalance:
    """What one carrier collected, remitted and still holds."""

    carrier: str
    collected: int
    remitted: int

    @property
    def outstanding(self) -> int:
        """Cash the carrier still holds for the market."""
        return self.collected - self.remitted


def carrier_balances() -> list[CarrierBalance]:
    """Each carrier's COD collected and remitted, from the receivables."""
    rows = db.session.execute(
        sa.select(
            CodReceivable.carrier,
            sa.func.sum(CodReceivable.amount),
            sa.func.sum(CodReceivable.remitted),
        )
        .group_by(CodReceivable.carrier)
        .order_by(CodReceivable.carrier)
    )
    return [CarrierBalance(c, int(collected), int(remitted)) for c, collected, remitted in rows]


def open_receivables(limit: int = 100) -> list[CodReceivable]:
    """Receivables a carrier has not fully remitted, oldest first."""
    return list(
        db.session.scalars(
            sa.select(CodReceivable)
            .where(CodReceivable.remitted < CodReceivable.amount)
            .order_by(CodReceivable.collected_at, CodReceivable.id)
            .limit(limit)
        )
    )


def differences(limit: int = 100) -> list[CodRemittance]:
    """Remitted lines that did not simply settle: short, over, paid twice, unknown."""
    return list(
        db.session.scalars(
            sa.select(CodRemittance)
            .where(CodRemittance.outcome != RemittanceOutcome.SETTLED)
            .order_by(CodRemittance.id.desc())
            .limit(limit)
        )
    )
