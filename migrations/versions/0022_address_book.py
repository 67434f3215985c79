"""shoppers' address books; producers' home-delivery fee outside their province

``saved_addresses`` keeps a signed-in shopper's addresses as official commune codes. Producers
get ``delivery_fee_elsewhere`` (None: they deliver only in their own province). Producers that
exist already delivered anywhere for one fee before this change, so they keep doing so: their
fee elsewhere starts as their fee in the province, and they can change it.

Revision ID: 0022_address_book
Revises: 0021_places
Create Date: 2026-12-07 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from migrations.sqlite_rebuilds import foreign_keys_off

# revision identifiers, used by Alembic.
revision = '0022_address_book'
down_revision = '0021_places'
branch_labels = None
depends_on = None


def upgrade():
    # Producers are referenced ON DELETE CASCADE (members, products): rebuild without losing them.
    with foreign_keys_off(), op.batch_alter_table('producers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('delivery_fee_elsewhere', sa.BigInteger(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_producers_delivery_fee_elsewhere_non_negative'),
            'delivery_fee_elsewhere >= 0 OR delivery_fee_elsewhere IS NULL',
        )
    op.create_table(
        'saved_addresses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('label', sa.String(length=60), nullable=False),
        sa.Column('province_code', sa.String(length=2), nullable=False),
        sa.Column('commune_code', sa.String(length=5), nullable=False),
        sa.Column('street', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_saved_addresses_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_addresses')),
    )
    with op.batch_alter_table('saved_addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_addresses_user_id'), ['user_id'], unique=False)
    op.execute('UPDATE producers SET delivery_fee_elsewhere = delivery_fee')


def downgrade():
    with foreign_keys_off(), op.batch_alter_table('producers', schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f('ck_producers_delivery_fee_elsewhere_non_negative'), type_='check'
        )
        batch_op.drop_column('delivery_fee_elsewhere')
    op.drop_table('saved_addresses')
