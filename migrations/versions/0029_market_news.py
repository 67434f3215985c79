"""market news: what managers sent to a market's people or to the province

``market_news`` holds each item (title, text, who sent it, when, to how many people, how many
messages the fan-out recorded, and the preview's token that makes a double "Send" count once);
the messages themselves are notify's.

Revision ID: 0029_market_news
Revises: 0028_carrier_cod
Create Date: 2026-12-07 16:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029_market_news"
down_revision = "0028_carrier_cod"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "market_news",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("market_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=80), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("submission", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("audience", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("fanned_out_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["market_id"], ["markets.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sender_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission"),
    )
    op.create_index("ix_market_news_market_id", "market_news", ["market_id"])


def downgrade():
    op.drop_index("ix_market_news_market_id", table_name="market_news")
    op.drop_table("market_news")
