"""users carry a session version: raising it ends every session of the account

Revision ID: 0013_session_version
Revises: 0012_sales_rollups
Create Date: 2026-12-07 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_session_version'
down_revision = '0012_sales_rollups'
branch_labels = None
depends_on = None


def upgrade():
    # In place on every database (SQLite adds a column with a constant default without a
    # rebuild). Sessions from before carry no version and end: everyone signs in once more.
    op.add_column(
        'users',
        sa.Column('session_version', sa.Integer(), server_default='0', nullable=False),
    )


def downgrade():
    # SQLite 3.35+ drops a column in place; batch mode would rebuild users, which nearly every
    # table references (see migrations/sqlite_rebuilds.py).
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE users DROP COLUMN session_version')
    else:
        op.drop_column('users', 'session_version')
