"""order parts record when the producer accepted a cash order

Revision ID: 0011_cash_order_acceptance
Revises: 0010_unreadable_notifications
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from migrations.sqlite_rebuilds import foreign_keys_off


# revision identifiers, used by Alembic.
revision = '0011_cash_order_acceptance'
down_revision = '0010_unreadable_notifications'
branch_labels = None
depends_on = None


def upgrade():
    # A plain nullable column: added in place on SQLite too (no table rebuild). Cash orders
    # placed before this have no expiry time, so they never expire for want of it.
    op.add_column('order_parts', sa.Column('confirmed_at', sa.DateTime(), nullable=True))


def downgrade():
    # SQLite drops a column by rebuilding order_parts (batch mode), keeping its lines and events.
    with foreign_keys_off(), op.batch_alter_table('order_parts', schema=None) as batch_op:
        batch_op.drop_column('confirmed_at')
