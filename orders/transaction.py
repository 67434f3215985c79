"""A use case's transaction: commit its changes together with the notices it prepared.

Usually each use case owns its transaction. When another package already holds one (payments
credits money and calls orders inside its own transaction, after locking the payment code), it
wraps the calls in ``caller_transaction()``: the same use cases then run in a savepoint and never
commit. Either way the notices are recorded (``market.notify.notify``: a message and a job per
channel) in the same transaction, so they are sent if and only if the change commits.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from market.accounts.models import User
from market.extensions import db
from market.notify import Topic, notify

JOINED = "orders_caller_transaction"


@dataclass(frozen=True)
class Notice:
    """A notice to one person: a notify template and its params, written in their language.

    ``user`` hears it on the channels they chose; a guest (no user) at ``phone``/``email``.
    """

    topic: Topic
    template: str
    params: dict[str, str]
    locale: str
    user: User | None = None
    phone: str | None = None
    email: str | None = None


class Outbox(list[Notice]):
    """Notices the use case wants sent once its change is committed."""

    def record(self) -> None:
        """Record every notice with notify in the current transaction."""
        for notice in self:
            notify(
                notice.topic,
                notice.template,
                notice.params,
                user=notice.user,
                phone=notice.phone,
                email=notice.email,
                locale=notice.locale,
            )


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
    """Commit what the block did with its notices, or roll everything back on an error.

    Inside ``caller_transaction()`` the block runs in a savepoint instead: an error undoes only
    the block (and its notices), and the caller's commit sends them.
    """
    outbox = Outbox()
    session = db.session()
    if session.info.get(JOINED):
        with session.begin_nested():
            yield outbox
            outbox.record()
        return
    try:
        yield outbox
        outbox.record()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
