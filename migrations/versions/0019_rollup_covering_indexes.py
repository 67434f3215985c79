"""the rollups' indexes hold every column a report reads, on PostgreSQL too

Revision ID: 0019_rollup_covering_indexes
Revises: 0018_search_word_counts
Create Date: 2026-12-07 11:50:00.000000

SQLite adds a table's key columns to each index of a table without rowid, so its reports read
the rollups from the indexes alone; PostgreSQL does not, and a district's two-year product
report read half a million rows from the table (0.4–0.8 s at a million sales lines). The
indexes now name the channel, method and product themselves, and an index covers the
province's product totals of a period.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0019_rollup_covering_indexes'
down_revision = '0018_search_word_counts'
branch_labels = None
depends_on = None

BEFORE = {
    ('sales_rollups', 'ix_sales_rollups_scope'):
        ['market_id', 'grain', 'start', 'producer_id', 'sales', 'value'],
    ('sales_rollups', 'ix_sales_rollups_producer'):
        ['producer_id', 'grain', 'start', 'market_id', 'sales', 'value'],
    ('product_sales_rollups', 'ix_product_sales_rollups_scope'):
        ['market_id', 'grain', 'start', 'producer_id', 'lines', 'units', 'value'],
    ('product_sales_rollups', 'ix_product_sales_rollups_producer'):
        ['producer_id', 'grain', 'start', 'market_id', 'lines', 'units', 'value'],
}
AFTER = {
    ('sales_rollups', 'ix_sales_rollups_scope'):
        ['market_id', 'grain', 'start', 'producer_id', 'channel', 'method', 'sales', 'value'],
    ('sales_rollups', 'ix_sales_rollups_producer'):
        ['producer_id', 'grain', 'start', 'market_id', 'channel', 'method', 'sales', 'value'],
    ('product_sales_rollups', 'ix_product_sales_rollups_scope'):
        ['market_id', 'grain', 'start', 'producer_id', 'product_id', 'lines', 'units', 'value'],
    ('product_sales_rollups', 'ix_product_sales_rollups_producer'):
        ['producer_id', 'grain', 'start', 'market_id', 'product_id', 'lines', 'units', 'value'],
}
PERIOD = ('product_total_rollups', 'ix_product_total_rollups_period')
PERIOD_COLUMNS = ['grain', 'start', 'product_id', 'lines', 'units', 'value']


def _replace(indexes):
    for (table, name), columns in indexes.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns, unique=False)


def upgrade():
    _replace(AFTER)
    op.create_index(PERIOD[1], PERIOD[0], PERIOD_COLUMNS, unique=False)


def downgrade():
    op.drop_index(PERIOD[1], table_name=PERIOD[0])
    _replace(BEFORE)
