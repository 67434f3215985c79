"""notifications: every message sent by e-mail, SMS or Zalo, and people's channel choices

``notify_messages`` records each notice per channel with its delivery status, the provider's
id and its cost in đồng; ``notification_preferences`` holds who hears which topic on which
channel (no row: the default); ``notify_provider_tokens`` keeps Zalo's OA token and its
single-use refresh token as Zalo hands out the next pair.

Revision ID: 0023_notifications
Revises: 0022_address_book
Create Date: 2026-12-07 14:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0023_notifications"
down_revision = "0022_address_book"
branch_labels = None
depends_on = None

TOPICS = ("orders", "payments", "pickups", "recalls", "news", "account")
CHANNELS = ("email", "sms", "zalo")
STATUSES = ("queued", "sent", "delivered", "failed", "refused")


def _enum(values: tuple[str, ...], name: str) -> sa.Enum:
    return sa.Enum(
        *values,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(v) for v in values),
    )


def upgrade():
    op.create_table(
        "notify_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", _enum(CHANNELS, "notify_channel"), nullable=False),
        sa.Column("topic", _enum(TOPICS, "notify_topic"), nullable=False),
        sa.Column("template", sa.String(length=80), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("locale", sa.String(length=5), nullable=False),
        sa.Column("status", _enum(STATUSES, "notify_message_status"), nullable=False),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("provider", sa.String(length=20), nullable=True),
        sa.Column("provider_message_id", sa.String(length=100), nullable=True),
        sa.Column("cost", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("cost >= 0", name=op.f("ck_notify_messages_cost_non_negative")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notify_messages_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_messages")),
        sa.UniqueConstraint("key", name=op.f("uq_notify_messages_key")),
    )
    with op.batch_alter_table("notify_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notify_messages_channel_recipient_created",
            ["channel", "recipient", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_notify_messages_status_created", ["status", "created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_notify_messages_provider_message_id"),
            ["provider_message_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_notify_messages_user_id"), ["user_id"], unique=False)
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("topic", _enum(TOPICS, "notification_preference_topic"), nullable=False),
        sa.Column("channel", _enum(CHANNELS, "notification_preference_channel"), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_notification_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "topic", "channel", name=op.f("pk_notification_preferences")
        ),
    )
    op.create_table(
        "notify_provider_tokens",
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("provider", name=op.f("pk_notify_provider_tokens")),
    )


def downgrade():
    op.drop_table("notify_provider_tokens")
    op.drop_table("notification_preferences")
    op.drop_table("notify_messages")
