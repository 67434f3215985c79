"""Payout accounts that cannot be swapped quietly: a manager checks each one.

A producer's bank account (``Producer.bank_*``, which its owner edits in the workspace) is paid
into only once a provincial manager has checked that the holder's name is the producer's, and a
changed account only ``PAYOUT_ACCOUNT_WAIT_DAYS`` after its check. Payouts (payments) and stall
posters (markets) ask here; neither keeps a rule of its own.
"""

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from catalog.models import BankAccountCheck, Producer
from market.dbtypes import utcnow
from market.extensions import db

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PayoutAccount:
    """A receiving account: NAPAS BIN, account number and holder name."""

    bank_bin: str
    number: str
    holder: str


@dataclass(frozen=True)
class AccountState:
    """Where a producer's current account stands."""

    account: PayoutAccount | None  # None: the producer has no account
    checked: bool = False
    usable_from: datetime | None = None

    def usable(self, now: datetime | None = None) -> bool:
        """Whether payouts may go to the account now."""
        return (
            self.checked and self.usable_from is not None and self.usable_from <= (now or utcnow())
        )


def _current(producer: Producer) -> PayoutAccount | None:
    if producer.bank_bin and producer.bank_account and producer.bank_holder:
        return PayoutAccount(producer.bank_bin, producer.bank_account, producer.bank_holder)
    return None


def _check_of(producer_id: int, account: PayoutAccount) -> BankAccountCheck | None:
    return db.session.scalar(
        sa.select(BankAccountCheck).where(
            BankAccountCheck.producer_id == producer_id,
            BankAccountCheck.bank_bin == account.bank_bin,
            BankAccountCheck.bank_account == account.number,
            BankAccountCheck.bank_holder == account.holder,
        )
    )


def account_state(producer: Producer) -> AccountState:
    """The producer's current account and whether (and from when) it may be paid into."""
    account = _current(producer)
    if account is None:
        return AccountState(None)
    check = _check_of(producer.id, account)
    if check is None:
        return AccountState(account)
    return AccountState(account, True, check.usable_from)


def is_checked(producer_id: int, bank_bin: str, number: str, holder: str) -> bool:
    """Whether a manager checked this account for the producer (a stall's poster asks)."""
    return _check_of(producer_id, PayoutAccount(bank_bin, number, holder)) is not None


def usable_accounts(
    producer_ids: Collection[int], now: datetime | None = None
) -> dict[int, PayoutAccount]:
    """Each producer's current account where it is checked and its wait is over."""
    now = now or utcnow()
    check = BankAccountCheck
    rows = db.session.execute(
        sa.select(Producer.id, Producer.bank_bin, Producer.bank_account, Producer.bank_holder)
        .join(
            check,
            sa.and_(
                check.producer_id == Producer.id,
                check.bank_bin == Producer.bank_bin,
                check.bank_account == Producer.bank_account,
                check.bank_holder == Producer.bank_holder,
            ),
        )
        .where(Producer.id.in_(list(producer_ids)), check.usable_from <= now)
    )
    return {pid: PayoutAccount(bin_, number, holder) for pid, bin_, number, holder in rows}


def unchecked_producers(limit: int = 200) -> list[Producer]:
    """Producers whose current account no manager has checked yet, by name."""
    check = BankAccountCheck
    matching = (
        sa.select(check.id)
        .where(
            check.producer_id == Producer.id,
            check.bank_bin == Producer.bank_bin,
            check.bank_account == Producer.bank_account,
            check.bank_holder == Producer.bank_holder,
        )
        .exists()
    )
    return list(
        db.session.scalars(
            sa.select(Producer)
            .where(Producer.bank_account.is_not(None), Producer.bank_holder.is_not(None))
            .where(sa.not_(matching))
            .order_by(Producer.name)
            .limit(limit)
        )
    )


def confirm_account(
    producer_id: int,
    actor_id: int | None,
    account: PayoutAccount | None = None,
    now: datetime | None = None,
) -> bool:
    """A manager confirms an account's holder is the producer; commits.

    ``account`` defaults to the producer's current one (a stall's may differ). A first account
    may be paid into at once; one checked after another waits ``PAYOUT_ACCOUNT_WAIT_DAYS``.
    False when there is no account or it is already checked.
    """
    now = now or utcnow()
    producer = db.session.get(Producer, producer_id)
    if account is None and producer is not None:
        account = _current(producer)
    if account is None or _check_of(producer_id, account) is not None:
        return False
    replaced = db.session.scalar(
        sa.select(sa.func.count()).where(BankAccountCheck.producer_id == producer_id)
    )
    wait = timedelta(days=current_app.config["PAYOUT_ACCOUNT_WAIT_DAYS"] if replaced else 0)
    db.session.add(
        BankAccountCheck(
            producer_id=producer_id,
            bank_bin=account.bank_bin,
            bank_account=account.number,
            bank_holder=account.holder,
            checked_by_id=actor_id,
            checked_at=now,
            usable_from=now + wait,
        )
    )
    db.session.commit()
    logger.info("Payout account of producer %s checked by user %s", producer_id, actor_id)
    return True
