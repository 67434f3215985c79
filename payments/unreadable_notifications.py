"""Authenticated bank notifications we cannot read: kept as received, shown to a manager.

A provider that gets an error retries for a while and then gives up, so money it reported in a
body we cannot read (text that is not UTF-8, a float or string amount, no id, a NUL) would
never be seen. Such a body is stored byte for byte (``UnreadableNotification.body`` is binary,
so it round-trips exactly, NUL included) with the reason it could not be read, the webhook
answers 200, and a provincial manager deals with it from reconciliation.
"""

import hashlib
import json
import logging
from collections.abc import Mapping

import sqlalchemy as sa

from market.dbtypes import utcnow
from market.extensions import db
from market.idempotency import insert_once
from payments.errors import AlreadyHandled
from payments.models import BankProvider, UnreadableNotification

logger = logging.getLogger(__name__)

REASON_LIMIT = 300
EXCERPT_LIMIT = 300


def keep(provider: BankProvider, body: bytes, headers: Mapping[str, str], reason: str) -> int:
    """Store an authenticated body that could not be read, once per exact body; commits.

    A retry of the same body only counts one more delivery. Returns the stored row's id.
    """
    digest = hashlib.sha256(body).hexdigest()
    new_id = insert_once(
        UnreadableNotification,
        {
            "provider": provider,
            "body_sha256": digest,
            "body": body,
            # ASCII JSON: a header can hold any byte, and escaped it always fits a text column.
            "headers": json.dumps(dict(headers), ensure_ascii=True),
            "reason": reason[:REASON_LIMIT],
        },
        unique_on=("provider", "body_sha256"),
    )
    if new_id is None:
        db.session.execute(
            sa.update(UnreadableNotification)
            .where(
                UnreadableNotification.provider == provider,
                UnreadableNotification.body_sha256 == digest,
            )
            .values(deliveries=UnreadableNotification.deliveries + 1)
        )
        new_id = db.session.scalar(
            sa.select(UnreadableNotification.id).where(
                UnreadableNotification.provider == provider,
                UnreadableNotification.body_sha256 == digest,
            )
        )
    db.session.commit()
    logger.warning("Kept an unreadable %s notification (%s): %s", provider, new_id, reason)
    return new_id


def waiting(limit: int) -> list[UnreadableNotification]:
    """Unreadable notifications no manager has dealt with yet, oldest first."""
    return list(
        db.session.scalars(
            sa.select(UnreadableNotification)
            .where(UnreadableNotification.handled_at.is_(None))
            .order_by(UnreadableNotification.received_at, UnreadableNotification.id)
            .limit(limit)
        )
    )


def mark_handled(notification_id: int, actor_id: int) -> None:
    """A manager has dealt with an unreadable notification (e.g. checked the bank statement)."""
    done = db.session.execute(
        sa.update(UnreadableNotification)
        .where(
            UnreadableNotification.id == notification_id,
            UnreadableNotification.handled_at.is_(None),
        )
        .values(handled_at=utcnow(), handled_by_id=actor_id)
    )
    if done.rowcount != 1:
        db.session.rollback()
        raise AlreadyHandled()
    db.session.commit()


def excerpt(body: bytes, limit: int = EXCERPT_LIMIT) -> str:
    """The start of a stored body as printable text: undecodable bytes and controls escaped."""
    text = body[: limit * 4].decode("utf-8", "backslashreplace")
    shown = "".join(
        char if char.isprintable() or char in " \n" else char.encode("unicode_escape").decode()
        for char in text
    )
    return shown[:limit] + ("…" if len(shown) > limit or len(body) > limit * 4 else "")
