"""Who hears what, how: each person's channels per topic, with defaults that keep costs down.

Without a choice of their own, a person with an e-mail address hears everything by e-mail; a
person with only a phone hears orders, payments, pickups and recalls by SMS, and market news
not at all. A choice is one row per topic and channel. Only channels this site offers and that
the person can be reached on (an e-mail address, a mobile number) are ever returned.
"""

from collections.abc import Iterable

import sqlalchemy as sa

from market.accounts.models import User
from market.extensions import db
from market.notify import channels
from market.notify.models import Channel, NotificationPreference, Topic
from market.phone import normalize_phone

CHOOSABLE = (Topic.ORDERS, Topic.PAYMENTS, Topic.PICKUPS, Topic.RECALLS, Topic.NEWS)


def address(channel: Channel, phone: str | None, email: str | None) -> str | None:
    """Where ``channel`` reaches a person: the e-mail address, or the mobile as ``0xxxxxxxxx``."""
    if channel == Channel.EMAIL:
        return email or None
    return normalize_phone(phone) if phone else None


def reachable(user: User) -> list[Channel]:
    """The offered channels ``user`` can be reached on."""
    return [c for c in channels.offered() if address(c, user.phone, user.email)]


def default_channels(user: User, topic: Topic) -> list[Channel]:
    """The channels a person hears ``topic`` on before choosing any."""
    if user.email:
        return [Channel.EMAIL]
    if topic == Topic.NEWS:
        return []
    return [Channel.SMS]


def channels_for(user: User, topic: Topic) -> list[Channel]:
    """The channels ``user`` hears ``topic`` on: their choice, else the default."""
    chosen = {
        row.channel: row.enabled
        for row in db.session.scalars(
            sa.select(NotificationPreference).where(
                NotificationPreference.user_id == user.id, NotificationPreference.topic == topic
            )
        )
    }
    defaults = default_channels(user, topic)
    if topic not in CHOOSABLE:
        chosen = {}
    return [c for c in reachable(user) if chosen.get(c, c in defaults)]


def set_channels(user: User, topic: Topic, chosen: Iterable[Channel]) -> None:
    """Record that ``user`` hears ``topic`` on exactly ``chosen`` (in the caller's transaction)."""
    if topic not in CHOOSABLE:
        raise ValueError(f"{topic} is not a choosable topic")
    wanted = set(chosen)
    for channel in Channel:
        row = db.session.get(NotificationPreference, (user.id, topic, channel))
        if row is None:
            row = NotificationPreference(user_id=user.id, topic=topic, channel=channel)
            db.session.add(row)
        row.enabled = channel in wanted
