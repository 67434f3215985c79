"""search: outbox for index freshness, PostgreSQL search rows (unaccent + pg_trgm)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:29:19.843478

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def _extension_schema(connection, name):
    return connection.scalar(
        sa.text(
            "SELECT quote_ident(n.nspname) FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = :name"
        ),
        {"name": name},
    )


def upgrade():
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.Enum('product', 'producer', name='search_entity', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )
    op.create_table('search_words',
    sa.Column('word', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_words'))
    )
    op.create_table('search_documents',
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('name_folded', sa.Text(), nullable=False),
    sa.Column('meta_folded', sa.Text(), nullable=False),
    sa.Column('text_folded', sa.Text(), nullable=False),
    sa.Column('exact', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_search_documents_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('product_id', name=op.f('pk_search_documents'))
    )

    connection = op.get_bind()
    if connection.dialect.name == 'postgresql':
        # unaccent() is STABLE; an IMMUTABLE wrapper naming its schema and dictionary can fold
        # text for the index. Words come out space-separated with a space at each end.
        op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        unaccent = _extension_schema(connection, 'unaccent')
        trgm = _extension_schema(connection, 'pg_trgm')
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
        # The trigram index only serves PostgreSQL; elsewhere the table stays empty.
        with op.batch_alter_table('search_documents', schema=None) as batch_op:
            batch_op.create_index('ix_search_documents_text_folded_trgm', ['text_folded'], unique=False)

    # Queue every existing product so the first index sync fills the new index.
    op.execute(
        "INSERT INTO search_outbox (entity, entity_id, created_at) "
        "SELECT 'product', id, CURRENT_TIMESTAMP FROM products"
    )


def downgrade():
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index('ix_search_documents_text_folded_trgm')

    op.drop_table('search_documents')
    op.drop_table('search_words')
    op.drop_table('search_outbox')
    if op.get_bind().dialect.name == 'postgresql':
        # The extensions stay: other objects may use them.
        op.execute("DROP FUNCTION IF EXISTS search_fold(text)")
