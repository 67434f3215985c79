"""Bank notifications: stored as received, de-duplicated, matched to a code, credited once.

A verified notification is first committed on its own, unique on (provider, transaction id),
so it is kept whatever happens next; processing then claims it with a conditional update, so a
duplicate delivered at the same moment is neither stored nor credited twice.
"""

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from market.banks import bank_by_bin
from market.dbtypes import utcnow
from market.extensions import db
from market.idempotency import insert_once
from payments import vietqr
from payments.bank_providers import BankTransaction
from payments.codes import Resolved, compact, find_due, match_description
from payments.crediting import bank_transfer_key, credit, hold_for_refund
from payments.errors import AlreadyHandled, NotMarketMoney, UnknownCode, WrongAccount
from payments.ledger import add_entry
from payments.models import (
    BankNotification,
    EntryKind,
    NotificationStatus,
    Outcome,
    PaymentMethod,
)
from payments.payout_runs import payout_notice
from payments.targets import BankAccount

logger = logging.getLogger(__name__)


COLLECTION_SETTINGS = ("COLLECTION_BANK_BIN", "COLLECTION_ACCOUNT", "COLLECTION_HOLDER")

# Why a notification was not credited, kept in ``BankNotification.note`` (or the outcome).
REASON_DEBIT = "debit"
REASON_NO_CODE = "no_code"
REASON_WRONG_ACCOUNT = "wrong_account"
REASON_DUPLICATE = "duplicate"  # the same bank transfer, already credited as another provider's


@dataclass(frozen=True)
class Receipt:
    """What became of a delivered notification."""

    notification_id: int
    duplicate: bool
    status: NotificationStatus


def collection_account() -> BankAccount | None:
    """The market's collection account, or None when it is not configured (all three fields)."""
    fields = [current_app.config[name] for name in COLLECTION_SETTINGS]
    return BankAccount(*fields) if all(fields) else None


def bank_transfers_enabled() -> bool:
    """VietQR bank transfer is offered only when the collection account is configured."""
    return collection_account() is not None


def check_collection_account(config: Mapping[str, Any]) -> None:
    """Refuse a collection account set only in part, or one no banking app could pay into."""
    values = {name: config[name] for name in COLLECTION_SETTINGS}
    if not any(values.values()):
        return  # not configured: bank transfer is simply not offered
    missing = [name for name, value in values.items() if not value]
    if missing:
        empty = ", ".join(missing)
        raise RuntimeError(f"Set the whole collection account or none of it; empty: {empty}.")
    bank_bin, number, _holder = values.values()
    if bank_by_bin(bank_bin) is None:
        raise RuntimeError("COLLECTION_BANK_BIN must be the NAPAS BIN of a bank in banks.csv.")
    try:
        vietqr.build(vietqr.VietQR(bank_bin=bank_bin, account=number))
    except vietqr.VietQRError as error:
        raise RuntimeError(f"The collection account cannot be paid by VietQR: {error}") from error


def reached(note: BankNotification, account: BankAccount | None) -> bool:
    """Whether the notified credit landed in ``account`` (None: no account, so no)."""
    received_into = {compact(note.account_number), compact(note.virtual_account)} - {""}
    return account is not None and compact(account.number) in received_into


def into_collection_account(note: BankNotification) -> bool:
    """Whether the credit is the market's money: it landed in the collection account."""
    return reached(note, collection_account())


def receive(tx: BankTransaction, body: str, headers: Mapping[str, str]) -> Receipt:
    """Store a verified notification once and process it; duplicates change nothing. Commits.

    Storing and processing share one transaction; processing runs in a savepoint, so if it
    fails the notification is still committed (and the error answers 500: the provider
    retries, and the retry processes the stored notification).
    """
    new_id = insert_once(
        BankNotification,
        {
            "provider": tx.provider,
            "provider_tx_id": tx.tx_id,
            "body": body,
            "headers": json.dumps(dict(headers), ensure_ascii=False),
            "is_credit": tx.is_credit,
            "amount": tx.amount,
            "account_number": tx.account_number,
            "virtual_account": tx.virtual_account,
            "description": tx.description,
            "provider_code": tx.provider_code,
            "bank_reference": tx.bank_reference,
            "transacted_at": tx.transacted_at,
        },
        unique_on=("provider", "provider_tx_id"),
    )
    if new_id is None:
        db.session.rollback()
        stored_id, status = db.session.execute(
            sa.select(BankNotification.id, BankNotification.status).where(
                BankNotification.provider == tx.provider,
                BankNotification.provider_tx_id == tx.tx_id,
            )
        ).one()
        logger.info("Duplicate %s notification %s (%s)", tx.provider, tx.tx_id, status)
        if status != NotificationStatus.RECEIVED:
            return Receipt(stored_id, True, status)
        return Receipt(stored_id, False, process(stored_id))  # an earlier delivery failed
    try:
        with db.session.begin_nested():
            status = _process(new_id)
    finally:
        db.session.commit()
    return Receipt(new_id, False, status)


def process(notification_id: int) -> NotificationStatus:
    """Process one stored notification exactly once, in its own transaction; commits."""
    status = _process(notification_id)
    db.session.commit()
    return status


def _process(notification_id: int) -> NotificationStatus:
    """Claim a stored notification, match it and credit it (the caller commits)."""
    if not _claim(notification_id, NotificationStatus.RECEIVED):
        return db.session.scalar(
            sa.select(BankNotification.status).where(BankNotification.id == notification_id)
        )
    note = db.session.get(BankNotification, notification_id, populate_existing=True)
    status, outcome, code, why = _apply(note)
    note.status, note.payment_code, note.note = status, code, why
    add_entry(
        kind=EntryKind.NOTIFICATION,
        method=PaymentMethod.BANK_TRANSFER,
        amount=note.amount,
        outcome=outcome,
        target_code=code,
        reference=f"{note.provider}:{note.provider_tx_id}",
        notification_id=note.id,
    )
    return status


def _apply(note: BankNotification) -> tuple[NotificationStatus, Outcome, str | None, str]:
    """What a claimed notification comes to: its status, outcome, code and why."""
    if note.amount and into_collection_account(note):
        payout = payout_notice(note)  # the market paying a producer, or the money coming back
        if payout is not None:
            return payout
    if not note.is_credit or note.amount == 0:
        return NotificationStatus.IGNORED, Outcome.IGNORED, None, REASON_DEBIT
    resolved = match_description(note.description, note.provider_code)
    if resolved is None:
        return NotificationStatus.UNMATCHED, Outcome.UNMATCHED, None, REASON_NO_CODE
    code = resolved.due.code
    if not reached(note, resolved.due.account or collection_account()):
        return NotificationStatus.UNMATCHED, Outcome.UNMATCHED, code, REASON_WRONG_ACCOUNT
    outcome = _credit(note, resolved)
    if outcome is None:
        return NotificationStatus.IGNORED, Outcome.IGNORED, code, REASON_DUPLICATE
    return NotificationStatus.CREDITED, outcome, code, str(outcome)


def assign(notification_id: int, code: str, actor_id: int) -> Outcome:
    """A manager (or a stall's seller) credits an unmatched notification to a code; commits.

    Only a code paid into the account the money reached: a transfer into the collection account
    cannot pay a stall sale (the stall's producer would never get it), nor the reverse.
    """
    resolved = find_due(code)
    if resolved is None:
        db.session.rollback()
        raise UnknownCode()
    if not _claim(notification_id, NotificationStatus.UNMATCHED):
        db.session.rollback()
        raise AlreadyHandled()
    note = db.session.get(BankNotification, notification_id, populate_existing=True)
    if not reached(note, resolved.due.account or collection_account()):
        db.session.rollback()
        raise WrongAccount()
    result = _credit(note, resolved, actor_id=actor_id)
    note.status, note.payment_code = NotificationStatus.ASSIGNED, resolved.due.code
    note.handled_by_id, note.note = actor_id, str(result)
    if result is None:
        note.status, note.note = NotificationStatus.IGNORED, REASON_DUPLICATE
        result = Outcome.IGNORED
    db.session.commit()
    return result


def return_to_sender(notification_id: int, actor_id: int) -> None:
    """A manager flags an unmatched credit to be sent back; it joins the refunds due.

    Only the market's money (a credit into the collection account) can be sent back by it.
    """
    if not _claim(notification_id, NotificationStatus.UNMATCHED):
        db.session.rollback()
        raise AlreadyHandled()
    note = db.session.get(BankNotification, notification_id, populate_existing=True)
    if not into_collection_account(note):
        db.session.rollback()
        raise NotMarketMoney()
    hold_for_refund(
        note.amount,
        method=PaymentMethod.BANK_TRANSFER,
        reference=note.bank_reference or note.provider_tx_id,
        dedupe_key=_dedupe_key(note),
        notification_id=note.id,
        actor_id=actor_id,
        note=note.description,
    )
    note.status, note.handled_by_id = NotificationStatus.RETURNING, actor_id
    db.session.commit()


def pending_ids(limit: int = 500) -> list[int]:
    """Notifications stored but never processed (a crash between storing and processing)."""
    return list(
        db.session.scalars(
            sa.select(BankNotification.id)
            .where(BankNotification.status == NotificationStatus.RECEIVED)
            .order_by(BankNotification.id)
            .limit(limit)
        )
    )


def _credit(
    note: BankNotification, resolved: Resolved, actor_id: int | None = None
) -> Outcome | None:
    """Credit the notified transfer to the code; None if that transfer was credited already."""
    result = credit(
        resolved,
        note.amount,
        method=PaymentMethod.BANK_TRANSFER,
        reference=note.bank_reference or note.provider_tx_id,
        dedupe_key=_dedupe_key(note),
        notification_id=note.id,
        actor_id=actor_id,
    )
    return result.outcome


def _claim(notification_id: int, status: NotificationStatus) -> bool:
    """Take a notification in ``status`` for this transaction; False if another took it."""
    claimed = db.session.execute(
        sa.update(BankNotification)
        .where(BankNotification.id == notification_id, BankNotification.status == status)
        .values(processed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def _dedupe_key(note: BankNotification) -> str:
    """The bank's identity of the transfer when it gave a reference, else the provider's."""
    return (
        bank_transfer_key(
            note.account_number or note.virtual_account,
            note.bank_reference,
            note.amount,
            note.transacted_at,
        )
        or f"bank:{note.provider}:{note.provider_tx_id}"
    )
