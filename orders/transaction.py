"""A use case's transaction: commit its changes, then send the mail it prepared."""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from market.extensions import db
from market.mail import send_mail

logger = logging.getLogger(__name__)


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
def unit_of_work() -> Iterator[Outbox]:
    """Commit what the block did and send its mail, or roll everything back on an error."""
    outbox = Outbox()
    try:
        yield outbox
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    outbox.send()
