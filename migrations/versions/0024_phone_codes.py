"""one-time codes sent by SMS; when an account's mobile number was proved

``phone_codes`` keeps each code's keyed hash, its purpose, tries, expiry and use, and who asked
(number and client address, counted for the daily limits). ``users.phone_verified_at`` says when
a code proved the account's number; numbers typed before codes existed stay unproved (None).

Revision ID: 0024_phone_codes
Revises: 0023_notifications
Create Date: 2026-12-07 14:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

from migrations.sqlite_rebuilds import foreign_keys_off

# revision identifiers, used by Alembic.
revision = '0024_phone_codes'
down_revision = '0023_notifications'
branch_labels = None
depends_on = None


def upgrade():
    # A nullable column without constraints: SQLite adds it in place, no table rebuild.
    op.add_column('users', sa.Column('phone_verified_at', sa.DateTime(), nullable=True))
    op.create_table(
        'phone_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone', sa.String(length=15), nullable=False),
        sa.Column(
            'purpose',
            sa.Enum(
                'signup', 'reset', 'change_phone', name='code_purpose', native_enum=False,
                create_constraint=True, length=12,
            ),
            nullable=False,
        ),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=120), nullable=True),
        sa.Column('password_hash', sa.String(length=256), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('requested_from', sa.String(length=45), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['user_id'], ['users.id'], name=op.f('fk_phone_codes_user_id_users'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_phone_codes')),
    )
    with op.batch_alter_table('phone_codes', schema=None) as batch_op:
        batch_op.create_index(
            'ix_phone_codes_phone_created_at', ['phone', 'created_at'], unique=False
        )
        batch_op.create_index(
            'ix_phone_codes_requested_from_created_at', ['requested_from', 'created_at'],
            unique=False,
        )
        batch_op.create_index(batch_op.f('ix_phone_codes_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('phone_codes')
    # SQLite rebuilds ``users`` to drop the column; many tables reference it ON DELETE CASCADE.
    with foreign_keys_off(), op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('phone_verified_at')
