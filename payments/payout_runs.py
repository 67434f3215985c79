"""Payout runs: a provincial manager pays every producer's payable balance in one batch.

A run takes each producer whose payable balance reaches the minimum and has a payout account it
may be paid into, and creates one *line* per producer: the amount (reserved at once, so the next
run cannot pay it again), a payout code for the transfer memo, the account, and the statement's
figures; the settled parts not on any earlier statement are stamped with the line. The manager
transfers each amount (a VietQR with the code as memo, or the batch CSV). The bank's debit
notification whose memo carries the code confirms the line (``payout_notice``), or the manager
records the transfer by hand; either way a ``Payout`` and its ledger line are written. A
transfer that comes back (a credit carrying the code) marks the ledger line failed: the balance
is owed again and goes on the next run.
"""

import logging
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from catalog.models import Producer
from market.codes import random_code
from market.dbtypes import utcnow
from market.extensions import db
from payments.codes import compact
from payments.earning_models import (
    LineStatus,
    PartEarning,
    PayoutLine,
    PayoutRun,
    PayoutRunStatus,
)
from payments.errors import InvalidAmount, LineClosed, NothingToPay, ReferenceRequired
from payments.ledger import add_entry
from payments.models import (
    BankNotification,
    EntryKind,
    EntryStatus,
    LedgerEntry,
    NotificationStatus,
    Outcome,
    PaymentMethod,
    Payout,
)
from payments.payout_accounts import payout_accounts
from payments.payouts import ProducerBalance, part_figures, producer_balances
from payments.targets import BankAccount

logger = logging.getLogger(__name__)

CODE_PREFIX = "CT"  # "chi trả": never a payment code's prefix, so the two never mix
CODE_LENGTH = 8
# Why a bank notification was a payout's, kept in ``BankNotification.note``.
REASON_PAYOUT_CONFIRMED = "payout_confirmed"
REASON_PAYOUT_RETURNED = "payout_returned"
REASON_PAYOUT_MISMATCH = "payout_mismatch"


@dataclass(frozen=True)
class Candidate:
    """A producer a run would pay, and the account it would go to (None: cannot be paid)."""

    balance: ProducerBalance
    account: BankAccount | None


def candidates(minimum: int) -> list[Candidate]:
    """Producers whose payable balance reaches ``minimum`` (and is above zero), largest first."""
    balances = [b for b in producer_balances() if b.payable >= max(minimum, 1)]
    accounts = payout_accounts([b.producer_id for b in balances])
    return sorted(
        (Candidate(b, accounts.get(b.producer_id)) for b in balances),
        key=lambda c: (-c.balance.payable, c.balance.name),
    )


def create_run(minimum: int, actor_id: int | None) -> PayoutRun:
    """Create a run paying every candidate that has an account; stamps statements. Commits."""
    if minimum < 0:
        raise InvalidAmount()
    _lock_producers()
    payable = [c for c in candidates(minimum) if c.account is not None]  # read once, locked
    if not payable:
        db.session.rollback()
        raise NothingToPay()
    run = PayoutRun(minimum=minimum, created_by_id=actor_id)
    db.session.add(run)
    parts = _unstated_parts([c.balance.producer_id for c in payable])
    lines: dict[int, PayoutLine] = {}
    for candidate, code in zip(payable, _new_codes(len(payable)), strict=True):
        account, balance = candidate.account, candidate.balance
        if account is None:
            continue
        gross, refunds, fees, listed = parts.totals.get(balance.producer_id, (0, 0, 0, 0))
        lines[balance.producer_id] = PayoutLine(
            producer_id=balance.producer_id,
            code=code,
            amount=balance.payable,
            bank_bin=account.bank_bin,
            bank_account=account.number,
            bank_holder=account.holder,
            gross=gross,
            refunds=refunds,
            fees=fees,
            cash_collected=gross - refunds - fees - listed,
            carried_over=balance.payable - listed,
        )
    run.lines = list(lines.values())
    db.session.flush()
    _stamp_statements(parts, {pid: line.id for pid, line in lines.items()})
    db.session.commit()
    logger.info("Payout run %s: %s line(s) by user %s", run.id, len(lines), actor_id)
    return run


def _lock_producers() -> None:
    """Lock the rows of every producer with ledger lines (all a run may pay) before reading
    balances, so two managers cannot both reserve the same balances."""
    with_entries = sa.select(LedgerEntry.producer_id).where(LedgerEntry.producer_id.is_not(None))
    db.session.execute(
        sa.update(Producer)
        .where(Producer.id.in_(with_entries))
        .values(status=Producer.status)
        .execution_options(synchronize_session=False)
    )


def _new_codes(count: int) -> list[str]:
    """``count`` distinct payout codes no line has used (checked in one query per round)."""
    codes: set[str] = set()
    while len(codes) < count:
        fresh = {CODE_PREFIX + random_code(CODE_LENGTH) for _ in range(count - len(codes))}
        used = set(db.session.scalars(sa.select(PayoutLine.code).where(PayoutLine.code.in_(fresh))))
        codes |= fresh - used
    return sorted(codes)


@dataclass(frozen=True)
class _UnstatedParts:
    """Settled parts on no statement yet: (id, producer, refunds, fee) each, and per producer
    the totals its statement lists (gross, refunds, fees, owed)."""

    parts: list[tuple[int, int, int, int]]
    totals: dict[int, tuple[int, int, int, int]]


def _unstated_parts(producer_ids: list[int]) -> _UnstatedParts:
    """The producers' settled parts not yet on a statement, with the refunds and fee they
    carry now, in one query."""
    refunds, refunded, _market_refunded, fee, owed = part_figures()
    rows = db.session.execute(
        sa.select(PartEarning.id, PartEarning.producer_id, PartEarning.gross)
        .add_columns(refunded, fee, owed)
        .outerjoin(
            refunds,
            sa.and_(
                refunds.c.target_code == PartEarning.target_code,
                refunds.c.part_ref == PartEarning.part_ref,
            ),
        )
        .where(
            PartEarning.producer_id.in_(producer_ids),
            PartEarning.payable_at.is_not(None),
            PartEarning.statement_line_id.is_(None),
        )
    ).all()
    sums: dict[int, list[int]] = {}
    parts = []
    for earning_id, producer_id, gross, part_refunded, part_fee, part_owed in rows:
        part_refunded, part_fee = int(part_refunded), int(part_fee)
        total = sums.setdefault(producer_id, [0, 0, 0, 0])
        total[0] += int(gross)
        total[1] += part_refunded
        total[2] += part_fee
        total[3] += int(part_owed)
        parts.append((earning_id, producer_id, part_refunded, part_fee))
    return _UnstatedParts(parts, {pid: (a, b, c, d) for pid, (a, b, c, d) in sums.items()})


def _stamp_statements(unstated: _UnstatedParts, line_ids: dict[int, int]) -> None:
    """Put each producer's unstated parts onto its line's statement: one Core executemany
    (no ORM work per part)."""
    table = PartEarning.__table__
    updates = [
        {"part": part, "line": line_ids[producer_id], "part_refunds": refunds, "part_fee": fee}
        for part, producer_id, refunds, fee in unstated.parts
        if producer_id in line_ids
    ]
    if updates:
        db.session.connection().execute(
            sa.update(table)
            .where(table.c.id == sa.bindparam("part"))
            .values(
                statement_line_id=sa.bindparam("line"),
                stated_refunds=sa.bindparam("part_refunds"),
                stated_fee=sa.bindparam("part_fee"),
            ),
            updates,
        )


def line_for_producer(producer_id: int, line_id: int) -> PayoutLine | None:
    """One of a producer's payout lines, or None (another producer's line is not found)."""
    return db.session.scalar(
        sa.select(PayoutLine).where(PayoutLine.id == line_id, PayoutLine.producer_id == producer_id)
    )


def confirm_by_hand(line_id: int, reference: str, actor_id: int) -> PayoutLine:
    """A manager records that a line's transfer (or cash) was made; commits."""
    reference = reference.strip()
    if not reference:
        raise ReferenceRequired()
    line = _locked_line(line_id)
    if line is None or line.status != LineStatus.PENDING:
        db.session.rollback()
        raise LineClosed()
    _confirm(line, reference, actor_id=actor_id)
    db.session.commit()
    return line


def cancel_line(line_id: int) -> None:
    """Withdraw a line not paid yet: its amount and parts go back to the next run; commits."""
    line = _locked_line(line_id)
    if line is None or line.status != LineStatus.PENDING:
        db.session.rollback()
        raise LineClosed()
    line.status = LineStatus.CANCELLED
    db.session.execute(
        sa.update(PartEarning)
        .where(PartEarning.statement_line_id == line.id)
        .values(statement_line_id=None, stated_refunds=0, stated_fee=0)
        .execution_options(synchronize_session=False)
    )
    _close_run_if_done(line.run)
    db.session.commit()


def payout_notice(
    note: BankNotification,
) -> tuple[NotificationStatus, Outcome, str, str] | None:
    """A bank notification about a payout: a debit confirms its line, a credit returns it.

    None when the memo carries no payout code of a line; the caller then treats the
    notification as usual. Runs in the notification's transaction (the caller commits).
    """
    line = _line_in(note.description)
    if line is None:
        return None
    reference = note.bank_reference or f"{note.provider}:{note.provider_tx_id}"
    if note.amount != line.amount:
        return NotificationStatus.UNMATCHED, Outcome.UNMATCHED, line.code, REASON_PAYOUT_MISMATCH
    if not note.is_credit and line.status == LineStatus.PENDING:
        _confirm(line, reference, notification_id=note.id)
        return NotificationStatus.IGNORED, Outcome.EXACT, line.code, REASON_PAYOUT_CONFIRMED
    if note.is_credit and line.status == LineStatus.CONFIRMED:
        _return(line)
        return NotificationStatus.CREDITED, Outcome.EXACT, line.code, REASON_PAYOUT_RETURNED
    return None


def _line_in(description: str) -> PayoutLine | None:
    """The payout line whose code the description carries (locked), if any."""
    text = compact(description)
    position = text.find(CODE_PREFIX)
    options = []
    while position != -1:
        options.append(text[position : position + len(CODE_PREFIX) + CODE_LENGTH])
        position = text.find(CODE_PREFIX, position + 1)
    if not options:
        return None
    line_id = db.session.scalar(sa.select(PayoutLine.id).where(PayoutLine.code.in_(options)))
    return _locked_line(line_id) if line_id is not None else None


def _locked_line(line_id: int) -> PayoutLine | None:
    """The line, locked for this transaction (a write on SQLite, a row lock on PostgreSQL)."""
    return db.session.scalar(
        sa.select(PayoutLine)
        .where(PayoutLine.id == line_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _confirm(
    line: PayoutLine,
    reference: str,
    *,
    actor_id: int | None = None,
    notification_id: int | None = None,
) -> None:
    """Write the payout and its ledger line; the line is confirmed."""
    payout = Payout(
        producer_id=line.producer_id,
        amount=line.amount,
        method=PaymentMethod.BANK_TRANSFER,
        reference=reference[:120],
        bank_bin=line.bank_bin,
        bank_account=line.bank_account,
        bank_holder=line.bank_holder,
        note=line.code,
        recorded_by_id=actor_id,
    )
    db.session.add(payout)
    db.session.flush()
    add_entry(
        kind=EntryKind.PAYOUT,
        method=PaymentMethod.BANK_TRANSFER,
        amount=line.amount,
        producer_id=line.producer_id,
        reference=payout.reference,
        payout_id=payout.id,
        actor_id=actor_id,
        note=line.code,
        dedupe_key=f"payout:{line.code}",
    )
    line.status, line.payout_id = LineStatus.CONFIRMED, payout.id
    line.notification_id, line.confirmed_at = notification_id, utcnow()
    _close_run_if_done(line.run)
    logger.info("Payout line %s confirmed (%s đồng)", line.code, line.amount)


def _return(line: PayoutLine) -> None:
    """The transfer came back: its ledger line no longer counts, the balance is owed again."""
    db.session.execute(
        sa.update(LedgerEntry)
        .where(LedgerEntry.payout_id == line.payout_id, LedgerEntry.kind == EntryKind.PAYOUT)
        .values(status=EntryStatus.FAILED)
        .execution_options(synchronize_session=False)
    )
    line.status, line.returned_at = LineStatus.RETURNED, utcnow()
    logger.info("Payout line %s returned: %s đồng owed again", line.code, line.amount)


def _close_run_if_done(run: PayoutRun) -> None:
    if all(line.status != LineStatus.PENDING for line in run.lines):
        run.status = PayoutRunStatus.DONE


def runs(limit: int = 50) -> list[PayoutRun]:
    """The latest payout runs, newest first."""
    return list(db.session.scalars(sa.select(PayoutRun).order_by(PayoutRun.id.desc()).limit(limit)))


def producer_names(producer_ids: Iterable[int]) -> dict[int, str]:
    """Producers' names by id."""
    ids = list(set(producer_ids))
    return dict(
        db.session.execute(sa.select(Producer.id, Producer.name).where(Producer.id.in_(ids))).all()
    )
