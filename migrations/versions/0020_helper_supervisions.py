"""a helper's team lead (supervisor), assigned by a manager, reads their households' change logs

Revision ID: 0020_helper_supervisions
Revises: 0019_rollup_covering_indexes
Create Date: 2026-12-07 11:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_helper_supervisions'
down_revision = '0019_rollup_covering_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'helper_supervisions',
        sa.Column('helper_id', sa.Integer(), nullable=False),
        sa.Column('supervisor_id', sa.Integer(), nullable=False),
        sa.Column('assigned_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            'helper_id <> supervisor_id', name=op.f('ck_helper_supervisions_not_self')
        ),
        sa.ForeignKeyConstraint(
            ['assigned_by_id'], ['users.id'],
            name=op.f('fk_helper_supervisions_assigned_by_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['helper_id'], ['users.id'],
            name=op.f('fk_helper_supervisions_helper_id_users'), ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['supervisor_id'], ['users.id'],
            name=op.f('fk_helper_supervisions_supervisor_id_users'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('helper_id', name=op.f('pk_helper_supervisions')),
    )
    with op.batch_alter_table('helper_supervisions', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_helper_supervisions_supervisor_id'), ['supervisor_id'], unique=False
        )


def downgrade():
    op.drop_table('helper_supervisions')
