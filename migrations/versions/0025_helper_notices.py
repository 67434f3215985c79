"""a household may send its order and payment notices to the helper it grants

``helper_grants.notices``: the household ticked "send my notices to my helper too" when it gave
the helper access. Grants that exist already were given without that choice, so they start off.

Revision ID: 0025_helper_notices
Revises: 0024_phone_codes
Create Date: 2026-12-07 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0025_helper_notices'
down_revision = '0024_phone_codes'
branch_labels = None
depends_on = None


def upgrade():
    # Nothing references helper_grants, so SQLite's batch copy loses no row either way.
    with op.batch_alter_table('helper_grants', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('notices', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('helper_grants', schema=None) as batch_op:
        batch_op.drop_column('notices')
