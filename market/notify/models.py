"""What notify records: every message with its delivery status and cost, and who hears what."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.dbtypes import str_enum, utcnow
from market.extensions import db


class Topic(enum.StrEnum):
    """The kinds of notice a person chooses channels for; ACCOUNT (codes) is not choosable."""

    ORDERS = "orders"
    PAYMENTS = "payments"
    PICKUPS = "pickups"
    RECALLS = "recalls"
    NEWS = "news"
    ACCOUNT = "account"


class Channel(enum.StrEnum):
    """How a message travels."""

    EMAIL = "email"
    SMS = "sms"
    ZALO = "zalo"


class MessageStatus(enum.StrEnum):
    """Waiting for the worker, accepted by the provider, reported on the phone by the provider,
    given up (or reported undelivered), or refused before sending."""

    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    REFUSED = "refused"


class Message(db.Model):
    """One notice to one person through one channel, recorded in the caller's transaction.

    ``content`` holds what the channel sends (subject and body, SMS text, Zalo template data);
    a one-time code's content is wiped once it is sent or given up, and never logged.
    """

    __tablename__ = "notify_messages"
    __table_args__ = (
        sa.CheckConstraint("cost >= 0", name="cost_non_negative"),
        sa.Index(
            "ix_notify_messages_channel_recipient_created", "channel", "recipient", "created_at"
        ),
        sa.Index("ix_notify_messages_status_created", "status", "created_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    channel: so.Mapped[Channel] = so.mapped_column(str_enum(Channel, "notify_channel"))
    topic: so.Mapped[Topic] = so.mapped_column(str_enum(Topic, "notify_topic"))
    template: so.Mapped[str] = so.mapped_column(sa.String(80))
    recipient: so.Mapped[str] = so.mapped_column(sa.String(254))
    user_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    locale: so.Mapped[str] = so.mapped_column(sa.String(5), default="vi")
    status: so.Mapped[MessageStatus] = so.mapped_column(
        str_enum(MessageStatus, "notify_message_status"), default=MessageStatus.QUEUED
    )
    # None is SQL NULL (not JSON null), so "no text kept" is one thing to ask for.
    content: so.Mapped[dict[str, Any] | None] = so.mapped_column(sa.JSON(none_as_null=True))
    key: so.Mapped[str | None] = so.mapped_column(sa.String(200), unique=True)
    provider: so.Mapped[str | None] = so.mapped_column(sa.String(20))
    provider_message_id: so.Mapped[str | None] = so.mapped_column(sa.String(100), index=True)
    cost: so.Mapped[int] = so.mapped_column(sa.BigInteger, default=0)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    error: so.Mapped[str | None] = so.mapped_column(sa.String(500))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    sent_at: so.Mapped[datetime | None]


class NotificationPreference(db.Model):
    """A person's choice of one channel for one topic; no row means the default."""

    __tablename__ = "notification_preferences"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    topic: so.Mapped[Topic] = so.mapped_column(
        str_enum(Topic, "notification_preference_topic"), primary_key=True
    )
    channel: so.Mapped[Channel] = so.mapped_column(
        str_enum(Channel, "notification_preference_channel"), primary_key=True
    )
    enabled: so.Mapped[bool] = so.mapped_column(default=True)


class ProviderToken(db.Model):
    """A provider's current OAuth tokens (Zalo's OA token and its single-use refresh token).

    A refresh token works once and its answer carries the next one, so the pair is kept here,
    written the moment it is received, rather than in the environment.
    """

    __tablename__ = "notify_provider_tokens"

    provider: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    access_token: so.Mapped[str] = so.mapped_column(sa.Text)
    refresh_token: so.Mapped[str] = so.mapped_column(sa.Text)
    expires_at: so.Mapped[datetime]
    updated_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
