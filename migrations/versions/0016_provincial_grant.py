"""managers are provincial by a grant of their own, not by having no market

Revision ID: 0016_provincial_grant
Revises: 0015_search_rows
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_provincial_grant'
down_revision = '0015_search_rows'
branch_labels = None
depends_on = None


def upgrade():
    # Added in place on SQLite too (users is referenced by many tables; no rebuild).
    op.add_column(
        'users', sa.Column('provincial', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    # Nobody gets it here. Until now a manager assigned to no market was read as provincial, and
    # that was the hole: a manager removed from their only market saw the whole province. Which
    # of them an admin meant to be provincial cannot be told from the data, so an admin grants it
    # again (`flask accounts provincial EMAIL`, or the console).


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite (3.35+) drops a plain column in place; batch mode would rebuild users.
        op.execute('ALTER TABLE users DROP COLUMN provincial')
    else:
        op.drop_column('users', 'provincial')
