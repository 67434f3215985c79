"""producers' refund requests of card and transfer payments, decided by provincial managers

Revision ID: 0017_refund_requests
Revises: 0016_provincial_grant
Create Date: 2026-12-07 09:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_refund_requests'
down_revision = '0016_provincial_grant'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'refund_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('part_id', sa.Integer(), nullable=False),
        sa.Column('producer_id', sa.Integer(), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('reason', sa.String(length=500), nullable=False),
        sa.Column(
            'status',
            sa.Enum(
                'pending', 'approved', 'rejected', name='refund_request_status',
                native_enum=False, create_constraint=True,
            ),
            nullable=False,
        ),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.Column('decision_note', sa.String(length=500), nullable=False),
        sa.Column('refund_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('amount > 0', name=op.f('ck_refund_requests_amount_positive')),
        sa.ForeignKeyConstraint(
            ['decided_by_id'], ['users.id'], name=op.f('fk_refund_requests_decided_by_id_users')
        ),
        sa.ForeignKeyConstraint(
            ['part_id'], ['order_parts.id'], name=op.f('fk_refund_requests_part_id_order_parts'),
            ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['producer_id'], ['producers.id'],
            name=op.f('fk_refund_requests_producer_id_producers'), ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['refund_id'], ['payment_ledger.id'],
            name=op.f('fk_refund_requests_refund_id_payment_ledger'), ondelete='RESTRICT',
        ),
        sa.ForeignKeyConstraint(
            ['requested_by_id'], ['users.id'],
            name=op.f('fk_refund_requests_requested_by_id_users'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_requests')),
    )
    with op.batch_alter_table('refund_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_requests_part_id'), ['part_id'], unique=False)
        batch_op.create_index(
            batch_op.f('ix_refund_requests_producer_id'), ['producer_id'], unique=False
        )
        batch_op.create_index(batch_op.f('ix_refund_requests_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('refund_requests')
