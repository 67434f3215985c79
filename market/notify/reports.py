"""What managers see of notify: messages and their cost per month and channel, and failures."""

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from market.extensions import db
from market.notify.models import Channel, Message, MessageStatus

# Months are Việt Nam's (UTC+7 all year): a message sent at 23:30 on the 31st local time
# counts in that month.
LOCAL_OFFSET = timedelta(hours=7)


@dataclass(frozen=True)
class ChannelRow:
    """One channel in one month: messages by status and what the sent ones cost (đồng)."""

    channel: Channel
    sent: int
    failed: int
    refused: int
    cost: int


@dataclass(frozen=True)
class Month:
    """One month ("2026-12") with its channels and what they cost together."""

    month: str
    channels: list[ChannelRow]

    @property
    def sent(self) -> int:
        """Messages sent this month, every channel."""
        return sum(row.sent for row in self.channels)

    @property
    def cost(self) -> int:
        """What this month's messages cost, every channel (đồng)."""
        return sum(row.cost for row in self.channels)


def _month() -> sa.ColumnElement[str]:
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.to_char(Message.created_at + LOCAL_OFFSET, "YYYY-MM")
    return sa.func.strftime("%Y-%m", Message.created_at, "+7 hours")


def monthly(months: int = 12) -> list[Month]:
    """The latest ``months`` months with messages, newest first, each with its channels."""
    month = _month().label("month")

    def count(*statuses: MessageStatus) -> sa.ColumnElement[int]:
        return sa.func.count().filter(Message.status.in_(statuses))

    rows = db.session.execute(
        sa.select(
            month,
            Message.channel,
            count(MessageStatus.SENT, MessageStatus.DELIVERED),
            count(MessageStatus.FAILED),
            count(MessageStatus.REFUSED),
            sa.func.coalesce(sa.func.sum(Message.cost), 0),
        )
        .group_by(month, Message.channel)
        .order_by(month.desc(), Message.channel)
    ).all()
    found: dict[str, list[ChannelRow]] = {}
    for month_, *counts in rows:
        found.setdefault(month_, []).append(ChannelRow(*counts))
    return [Month(key, found[key]) for key in sorted(found, reverse=True)[:months]]


def failed(limit: int = 100) -> list[Message]:
    """The latest failed messages, newest first."""
    return list(
        db.session.scalars(
            sa.select(Message)
            .where(Message.status == MessageStatus.FAILED)
            .order_by(Message.created_at.desc(), Message.id.desc())
            .limit(limit)
        )
    )
