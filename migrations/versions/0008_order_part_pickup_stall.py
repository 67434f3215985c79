"""order parts name the chợ 4.0 stall they are picked up at

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

FK = 'fk_order_parts_pickup_stall_id_stalls'
REPORTING = ['paid_at', 'status', 'order_id', 'producer_id', 'items_total']


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its reference in place. Batch mode would copy the table and
        # drop the old one, and with foreign keys on, dropping order_parts deletes every order
        # line and part event (ON DELETE CASCADE).
        op.execute(
            f'ALTER TABLE order_parts ADD COLUMN pickup_stall_id INTEGER '
            f'CONSTRAINT {FK} REFERENCES stalls (id)'
        )
    else:
        op.add_column('order_parts', sa.Column('pickup_stall_id', sa.Integer(), nullable=True))
        op.create_foreign_key(FK, 'order_parts', 'stalls', ['pickup_stall_id'], ['id'])
    op.drop_index('ix_order_parts_reporting', table_name='order_parts')
    op.create_index(
        'ix_order_parts_reporting', 'order_parts', [*REPORTING, 'pickup_stall_id'], unique=False
    )


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot drop a column that holds a reference: the table is copied (batch mode).
        # Foreign keys go off first (this migration's transaction has not begun yet), or
        # dropping the old order_parts would delete its lines and events; they stay off on
        # this connection, which the migration command closes.
        op.execute('PRAGMA foreign_keys=OFF')
    op.drop_index('ix_order_parts_reporting', table_name='order_parts')
    with op.batch_alter_table('order_parts', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.drop_column('pickup_stall_id')
    op.create_index('ix_order_parts_reporting', 'order_parts', REPORTING, unique=False)
