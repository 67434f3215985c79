"""A use case's transaction: commit its changes, then send the mail it prepared.

Usually each use case owns its transaction. When another package already holds one (payments
credits money and calls orders inside its own transaction, after locking the payment code), it
wraps the calls in ``caller_transaction()``: the same use cases then run in a savepoint, never
commit, and their mail waits until the caller commits (and is dropped if it rolls back).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.extensions import db
from market.mail import send_mail

logger = logging.getLogger(__name__)

JOINED = "orders_caller_transaction"
PENDING = "orders_pending_mail"


@dataclass(frozen=True)
class Mail:
    """A plain-text message, written in its reader's language before the commit."""

    to: str
    subject: str
    body: str


class Outbox(list[Mail]):
    """Messages to send once the transaction that caused them is committed."""

    def send(self) -> None:
        """Send every message; a mail failure is logged, never undoes the committed change."""
        for mail in self:
            try:
                send_mail(mail.to, mail.subject, mail.body)
            except Exception:
                logger.exception("Could not send mail %r to %s", mail.subject, mail.to)


@contextmanager
def caller_transaction() -> Iterator[None]:
    """Run the orders use cases inside in the caller's transaction; the caller commits."""
    session = db.session()
    depth = session.info.get(JOINED, 0)
    session.info[JOINED] = depth + 1
    try:
        yield
    finally:
        session.info[JOINED] = depth


@contextmanager
def unit_of_work() -> Iterator[Outbox]:
    """Commit what the block did and send its mail, or roll everything back on an error.

    Inside ``caller_transaction()`` the block runs in a savepoint instead: an error undoes only
    the block, and the mail is sent after the caller's commit.
    """
    outbox = Outbox()
    session = db.session()
    if session.info.get(JOINED):
        with session.begin_nested():
            yield outbox
        transaction = session.get_nested_transaction() or session.get_transaction()
        session.info.setdefault(PENDING, []).append((transaction, outbox))
        return
    try:
        yield outbox
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    outbox.send()


def _within(transaction: so.SessionTransaction | None, ancestor: so.SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False


@sa.event.listens_for(so.Session, "after_commit")
def _send_pending(session: so.Session) -> None:
    for _transaction, outbox in session.info.pop(PENDING, []):
        outbox.send()


@sa.event.listens_for(so.Session, "after_soft_rollback")
def _drop_pending(session: so.Session, previous: so.SessionTransaction) -> None:
    pending = session.info.get(PENDING)
    if pending:
        session.info[PENDING] = [(t, o) for t, o in pending if not _within(t, previous)]
