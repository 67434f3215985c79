"""sales rollups (daily and monthly, three shapes) for the reports; products' current OCOP stars, indexed

After upgrading a database that holds sales, run ``flask markets rollups rebuild``.

Revision ID: 0012_sales_rollups
Revises: 0011_cash_order_acceptance
Create Date: 2026-12-07 09:00:00.000000

"""
from datetime import datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa

from migrations.sqlite_rebuilds import foreign_keys_off


# revision identifiers, used by Alembic.
revision = '0012_sales_rollups'
down_revision = '0011_cash_order_acceptance'
branch_labels = None
depends_on = None


STARS_INDEX = ['status', 'ocop_stars', 'category_id', 'price', 'producer_id']


def upgrade():
    # Added in place (SQLite too: a column with a constant default needs no table rebuild).
    op.add_column(
        'products',
        sa.Column('ocop_stars', sa.SmallInteger(), server_default='0', nullable=False),
    )
    today = datetime.now(ZoneInfo('Asia/Ho_Chi_Minh')).date()
    op.get_bind().execute(
        sa.text(
            "UPDATE products SET ocop_stars = COALESCE((SELECT MAX(r.stars) "
            "FROM ocop_recognitions r WHERE r.product_id = products.id "
            "AND r.review_status = 'approved' AND r.valid_until >= :today), 0)"
        ),
        {'today': today},
    )
    op.create_index('ix_products_listing_stars', 'products', STARS_INDEX, unique=False)
    op.create_table(
        'sales_rollups',
        sa.Column('grain', sa.String(length=5), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('channel', sa.String(length=6), nullable=False),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('producer_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('market_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('sales', sa.Integer(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.CheckConstraint("grain IN ('day', 'month')", name=op.f('ck_sales_rollups_grain')),
        sa.PrimaryKeyConstraint(
            'grain', 'start', 'channel', 'method', 'producer_id', 'market_id',
            name=op.f('pk_sales_rollups'),
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        'ix_sales_rollups_scope',
        'sales_rollups',
        ['market_id', 'grain', 'start', 'producer_id', 'sales', 'value'],
        unique=False,
    )
    op.create_index(
        'ix_sales_rollups_producer',
        'sales_rollups',
        ['producer_id', 'grain', 'start', 'market_id', 'sales', 'value'],
        unique=False,
    )
    op.create_table(
        'product_sales_rollups',
        sa.Column('grain', sa.String(length=5), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('market_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('producer_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('lines', sa.Integer(), nullable=False),
        sa.Column('units', sa.BigInteger(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "grain IN ('day', 'month')", name=op.f('ck_product_sales_rollups_grain')
        ),
        sa.PrimaryKeyConstraint(
            'grain', 'start', 'market_id', 'producer_id', 'product_id',
            name=op.f('pk_product_sales_rollups'),
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        'ix_product_sales_rollups_scope',
        'product_sales_rollups',
        ['market_id', 'grain', 'start', 'producer_id', 'lines', 'units', 'value'],
        unique=False,
    )
    op.create_index(
        'ix_product_sales_rollups_producer',
        'product_sales_rollups',
        ['producer_id', 'grain', 'start', 'market_id', 'lines', 'units', 'value'],
        unique=False,
    )
    op.create_table(
        'product_total_rollups',
        sa.Column('grain', sa.String(length=5), nullable=False),
        sa.Column('start', sa.Date(), nullable=False),
        sa.Column('product_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('lines', sa.Integer(), nullable=False),
        sa.Column('units', sa.BigInteger(), nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "grain IN ('day', 'month')", name=op.f('ck_product_total_rollups_grain')
        ),
        sa.PrimaryKeyConstraint(
            'grain', 'start', 'product_id', name=op.f('pk_product_total_rollups')
        ),
        sqlite_with_rowid=False,
    )


def downgrade():
    op.drop_table('product_total_rollups')
    op.drop_index('ix_products_listing_stars', table_name='products')
    # SQLite rebuilds products to drop a column (see migrations/sqlite_rebuilds.py).
    with foreign_keys_off(), op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('ocop_stars')
    op.drop_index('ix_product_sales_rollups_producer', table_name='product_sales_rollups')
    op.drop_index('ix_product_sales_rollups_scope', table_name='product_sales_rollups')
    op.drop_table('product_sales_rollups')
    op.drop_index('ix_sales_rollups_producer', table_name='sales_rollups')
    op.drop_index('ix_sales_rollups_scope', table_name='sales_rollups')
    op.drop_table('sales_rollups')
