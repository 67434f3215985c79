"""carrier shipments of order parts and the carriers' status updates

Order parts get the carrier chosen for their home delivery (``carrier``, None for own delivery
and pickup) and its service. ``shipments`` holds one carrier parcel per part, created when the
producer packs it; ``shipment_events`` every status update a carrier sent, once per carrier
event id. Labels are not stored (asked of the carrier when downloaded).

Revision ID: 0027_shipments
Revises: 0026_shipping
Create Date: 2026-12-07 14:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

from migrations.sqlite_rebuilds import foreign_keys_off

# revision identifiers, used by Alembic.
revision = '0027_shipments'
down_revision = '0026_shipping'
branch_labels = None
depends_on = None

STATUSES = ('created', 'picked_up', 'in_transit', 'delivered', 'returning', 'returned', 'cancelled')


def _status(name):
    return sa.Enum(*STATUSES, name=name, native_enum=False, create_constraint=True, length=10)


def upgrade():
    # Plain columns: added in place on SQLite too (no rebuild of order_parts).
    op.add_column('order_parts', sa.Column('carrier', sa.String(length=20), nullable=True))
    op.add_column(
        'order_parts',
        sa.Column('carrier_service', sa.String(length=40), server_default='', nullable=False),
    )
    op.create_table(
        'shipments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('part_id', sa.Integer(), nullable=False),
        sa.Column('carrier', sa.String(length=20), nullable=False),
        sa.Column('service', sa.String(length=40), nullable=False),
        sa.Column('tracking_code', sa.String(length=60), nullable=False),
        sa.Column('status', _status('shipment_status'), nullable=False),
        sa.Column('fee', sa.BigInteger(), nullable=False),
        sa.Column('cod', sa.BigInteger(), nullable=False),
        sa.Column('cod_collected', sa.BigInteger(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('fee >= 0 AND cod >= 0', name=op.f('ck_shipments_money_non_negative')),
        sa.ForeignKeyConstraint(
            ['part_id'], ['order_parts.id'], name=op.f('fk_shipments_part_id_order_parts'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shipments')),
        sa.UniqueConstraint('carrier', 'tracking_code', name=op.f('uq_shipments_carrier_tracking_code')),
        sa.UniqueConstraint('part_id', name=op.f('uq_shipments_part_id')),
    )
    op.create_table(
        'shipment_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shipment_id', sa.Integer(), nullable=False),
        sa.Column('carrier', sa.String(length=20), nullable=False),
        sa.Column('event_id', sa.String(length=120), nullable=False),
        sa.Column('status', _status('shipment_event_status'), nullable=False),
        sa.Column('carrier_status', sa.String(length=200), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['shipment_id'], ['shipments.id'],
            name=op.f('fk_shipment_events_shipment_id_shipments'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment_events')),
        sa.UniqueConstraint('carrier', 'event_id', name=op.f('uq_shipment_events_carrier_event_id')),
    )
    with op.batch_alter_table('shipment_events', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_shipment_events_shipment_id'), ['shipment_id'], unique=False
        )


def downgrade():
    # SQLite drops columns by rebuilding order_parts (batch mode), keeping its lines and events;
    # the rebuild comes first, before anything else changes (see migrations.sqlite_rebuilds).
    with foreign_keys_off(), op.batch_alter_table('order_parts', schema=None) as batch_op:
        batch_op.drop_column('carrier_service')
        batch_op.drop_column('carrier')
    op.drop_table('shipment_events')
    op.drop_table('shipments')
