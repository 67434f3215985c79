"""order parts name the chợ 4.0 stall they are picked up at

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

from migrations.sqlite_rebuilds import foreign_keys_off


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

FK = 'fk_order_parts_pickup_stall_id_stalls'
REPORTING = ['paid_at', 'status', 'order_id', 'producer_id', 'items_total']


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite adds a column with its reference in place: batch mode would rebuild order_parts
        # (see migrations/sqlite_rebuilds.py).
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
    # SQLite cannot drop a column that holds a reference: order_parts is rebuilt (batch mode),
    # keeping its lines and events.
    op.drop_index('ix_order_parts_reporting', table_name='order_parts')
    with foreign_keys_off(), op.batch_alter_table('order_parts', schema=None) as batch_op:
        if op.get_bind().dialect.name != 'sqlite':
            batch_op.drop_constraint(FK, type_='foreignkey')
        batch_op.drop_column('pickup_stall_id')
    op.create_index('ix_order_parts_reporting', 'order_parts', REPORTING, unique=False)
