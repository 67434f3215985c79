"""search rows hold everything a PostgreSQL search needs; each index keeps a feed position

Revision ID: 0015_search_rows
Revises: 0014_background_jobs
Create Date: 2026-12-07 09:00:00.000000

The rows are derived data: the table is rebuilt empty in its new shape, and as it has no
position in the change feed yet (search_positions), the first sync rebuilds it from the catalog,
as a new embedded index does.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import TSVECTOR


# revision identifiers, used by Alembic.
revision = '0015_search_rows'
down_revision = '0014_background_jobs'
branch_labels = None
depends_on = None

def _product_key():
    return sa.ForeignKeyConstraint(
        ['product_id'], ['products.id'],
        name=op.f('fk_search_documents_product_id_products'), ondelete='CASCADE',
    )


def upgrade():
    op.drop_table('search_documents')
    op.execute("DELETE FROM search_words")
    op.create_table('search_documents',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('vector', sa.Text().with_variant(TSVECTOR(), 'postgresql'), nullable=False),
    sa.Column('name_folded', sa.Text(), nullable=False),
    sa.Column('exact', sa.Text(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('district_code', sa.String(length=3), nullable=False),
    sa.Column('stars', sa.SmallInteger(), nullable=False),
    sa.Column('cert_codes', sa.String(length=100), nullable=False),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('price_band', sa.SmallInteger(), nullable=False),
    sa.Column('in_stock', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    _product_key(),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_search_documents'))
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index('ix_search_documents_newest', ['created_at', 'product_id'], unique=False)
        batch_op.create_index('ix_search_documents_vector', ['vector'], unique=False, postgresql_using='gin')
    if op.get_bind().dialect.name == 'postgresql':
        # Documents are folded in Python now (catalog.search.text), one fold for every backend.
        op.execute("DROP FUNCTION IF EXISTS search_fold(text)")
    op.create_table('search_positions',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_search_positions'))
    )


def downgrade():
    op.drop_table('search_positions')
    op.drop_table('search_documents')
    op.execute("DELETE FROM search_words")
    op.create_table('search_documents',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('name_folded', sa.Text(), nullable=False),
    sa.Column('meta_folded', sa.Text(), nullable=False),
    sa.Column('text_folded', sa.Text(), nullable=False),
    sa.Column('exact', sa.Text(), nullable=False),
    _product_key(),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_search_documents'))
    )
    connection = op.get_bind()
    if connection.dialect.name == 'postgresql':
        unaccent = connection.scalar(sa.text(
            "SELECT quote_ident(n.nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'unaccent'"
        ))
        trgm = connection.scalar(sa.text(
            "SELECT quote_ident(n.nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
        ))
        op.execute(
            "CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ "
            f"SELECT ' ' || btrim(regexp_replace(lower({unaccent}.unaccent("
            f"'{unaccent}.unaccent'::regdictionary, $1)), '[^a-z0-9]+', ' ', 'g')) || ' ' $$"
        )
        op.create_index(
            'ix_search_documents_text_folded_trgm', 'search_documents', ['text_folded'],
            unique=False, postgresql_using='gin',
            postgresql_ops={'text_folded': f'{trgm}.gin_trgm_ops'},
        )
    else:
        with op.batch_alter_table('search_documents', schema=None) as batch_op:
            batch_op.create_index('ix_search_documents_text_folded_trgm', ['text_folded'], unique=False)
