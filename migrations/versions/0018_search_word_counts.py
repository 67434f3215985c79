"""search words count the rows holding them; a narrow index serves searches without words

Revision ID: 0018_search_word_counts
Revises: 0017_refund_requests
Create Date: 2026-12-07 11:40:00.000000

Typo fixes are ranked by how many products hold each word: a stored count is a primary-key
look-up where counting through the GIN index read thousands of rows. The rows are derived
data: they are emptied with their feed position, so the first sync rebuilds them (with the
counts and the leaner search vectors) from the catalog. A search without words (filters
only) counts its facets over every row: it now reads them from one narrow index.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_search_word_counts'
down_revision = '0017_refund_requests'
branch_labels = None
depends_on = None


def _forget_rows():
    op.execute("DELETE FROM search_documents")
    op.execute("DELETE FROM search_words")
    op.execute("DELETE FROM search_positions WHERE name = 'postgres'")


VALUES = [
    'group_id', 'district_code', 'stars', 'price_band', 'in_stock', 'category_id', 'price',
    'cert_codes', 'created_at', 'product_id',
]


def upgrade():
    _forget_rows()
    with op.batch_alter_table('search_words', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('documents', sa.Integer(), server_default='0', nullable=False)
        )
    op.create_index('ix_search_documents_values', 'search_documents', VALUES, unique=False)


def downgrade():
    op.drop_index('ix_search_documents_values', table_name='search_documents')
    _forget_rows()
    with op.batch_alter_table('search_words', schema=None) as batch_op:
        batch_op.drop_column('documents')
