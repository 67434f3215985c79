"""authenticated bank notifications that could not be read, kept byte for byte

Revision ID: 0010_unreadable_notifications
Revises: 0009
Create Date: 2026-12-07 08:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_unreadable_notifications'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('unreadable_bank_notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.Enum('sepay', 'casso', name='bank_provider', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('body_sha256', sa.String(length=64), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('headers', sa.Text(), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('deliveries', sa.Integer(), nullable=False),
    sa.Column('handled_at', sa.DateTime(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_unreadable_bank_notifications_handled_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unreadable_bank_notifications')),
    sa.UniqueConstraint('provider', 'body_sha256', name=op.f('uq_unreadable_bank_notifications_provider_body_sha256'))
    )
    with op.batch_alter_table('unreadable_bank_notifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unreadable_bank_notifications_received_at'), ['received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('unreadable_bank_notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unreadable_bank_notifications_received_at'))
    op.drop_table('unreadable_bank_notifications')
