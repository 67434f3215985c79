"""delivery choices on order parts; cash on delivery collected by carriers

Order parts record the delivery option the shopper chose (its key) and the days quoted
(their carrier and service come from 0027_shipments). The ledger gains the method
``carrier_cod`` (cash a carrier collected on delivery) and the kind ``remittance`` (the
carrier handing it over); part earnings take the new method too. ``cod_receivables`` holds what each carrier collected and remitted per part,
``cod_remittances`` every remitted line as the carrier reported it.

Revision ID: 0028_carrier_cod
Revises: 0027_shipments
Create Date: 2026-12-07 15:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

from migrations.sqlite_rebuilds import foreign_keys_off

# revision identifiers, used by Alembic.
revision = "0028_carrier_cod"
down_revision = "0027_shipments"
branch_labels = None
depends_on = None

OLD_METHODS = ("bank_transfer", "card", "cash")
NEW_METHODS = (*OLD_METHODS, "carrier_cod")
OLD_KINDS = ("attempt", "notification", "payment", "earning", "refund", "payout")
NEW_KINDS = (*OLD_KINDS, "remittance")
# (table, column, enum name, old values, new values, nullable). Payouts and stall sales never
# hold ``carrier_cod``; their checks follow the one PaymentMethod enum their models declare.
ENUMS = (
    ("payment_ledger", "method", "ledger_method", OLD_METHODS, NEW_METHODS, True),
    ("payment_ledger", "kind", "ledger_kind", OLD_KINDS, NEW_KINDS, False),
    ("part_earnings", "method", "earning_method", OLD_METHODS, NEW_METHODS, False),
    ("payouts", "method", "payout_method", OLD_METHODS, NEW_METHODS, False),
    ("stall_sales", "method", "stall_sale_method", OLD_METHODS, NEW_METHODS, False),
)


def _enum(name, values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True)


def _change_enums(new):
    """Widen (or narrow back) the enum checks; on SQLite a rebuild of each table."""
    if op.get_bind().dialect.name == "sqlite":
        for table in dict.fromkeys(each[0] for each in ENUMS):
            with op.batch_alter_table(table, schema=None) as batch_op:
                for each, column, name, old, wider, nullable in ENUMS:
                    if each == table:
                        before, after = (old, wider) if new else (wider, old)
                        batch_op.alter_column(
                            column,
                            existing_type=_enum(name, before),
                            type_=_enum(name, after),
                            existing_nullable=nullable,
                        )
        return
    for table, column, name, old, wider, _nullable in ENUMS:
        values = wider if new else old
        op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
        listed = ", ".join(f"'{value}'" for value in values)
        op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, f"{column} IN ({listed})")


def upgrade():
    # payment_ledger and order_parts are referenced (refund requests, order lines): SQLite's
    # rebuilds keep every row with foreign keys off for the whole migration.
    with foreign_keys_off():
        _upgrade()


def _upgrade():
    _change_enums(new=True)
    with op.batch_alter_table("order_parts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("delivery_option", sa.String(length=60), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("days_min", sa.SmallInteger(), nullable=True))
        batch_op.add_column(sa.Column("days_max", sa.SmallInteger(), nullable=True))
    op.create_table(
        "cod_receivables",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("tracking_code", sa.String(length=64), nullable=False),
        sa.Column("target_code", sa.String(length=32), nullable=False),
        sa.Column("part_ref", sa.String(length=64), nullable=False),
        sa.Column("producer_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("remitted", sa.BigInteger(), nullable=False),
        sa.Column("collected_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("payment_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("amount > 0 AND remitted >= 0", name=op.f("ck_cod_receivables_amounts")),
        sa.ForeignKeyConstraint(
            ["payment_id"],
            ["payment_ledger.id"],
            name=op.f("fk_cod_receivables_payment_id_payment_ledger"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["producer_id"],
            ["producers.id"],
            name=op.f("fk_cod_receivables_producer_id_producers"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cod_receivables")),
        sa.UniqueConstraint(
            "carrier", "tracking_code", name=op.f("uq_cod_receivables_carrier_tracking_code")
        ),
        sa.UniqueConstraint(
            "target_code", "part_ref", name=op.f("uq_cod_receivables_target_code_part_ref")
        ),
    )
    with op.batch_alter_table("cod_receivables", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cod_receivables_carrier"), ["carrier"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cod_receivables_producer_id"), ["producer_id"], unique=False
        )
    op.create_table(
        "cod_remittances",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("tracking_code", sa.String(length=64), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("remitted_on", sa.Date(), nullable=False),
        sa.Column(
            "source", _enum("remittance_source", ("statement", "notification")), nullable=False
        ),
        sa.Column("source_ref", sa.String(length=200), nullable=False),
        sa.Column(
            "outcome",
            _enum("remittance_outcome", ("settled", "short", "over", "duplicate", "unknown")),
            nullable=False,
        ),
        sa.Column("applied", sa.BigInteger(), nullable=False),
        sa.Column("receivable_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount > 0 AND applied >= 0", name=op.f("ck_cod_remittances_amounts")),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_cod_remittances_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["receivable_id"],
            ["cod_receivables.id"],
            name=op.f("fk_cod_remittances_receivable_id_cod_receivables"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cod_remittances")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_cod_remittances_dedupe_key")),
    )
    with op.batch_alter_table("cod_remittances", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cod_remittances_outcome"), ["outcome"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cod_remittances_receivable_id"), ["receivable_id"], unique=False
        )


def downgrade():
    with foreign_keys_off():
        _downgrade()


def _downgrade():
    with op.batch_alter_table("cod_remittances", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cod_remittances_receivable_id"))
        batch_op.drop_index(batch_op.f("ix_cod_remittances_outcome"))
    op.drop_table("cod_remittances")
    with op.batch_alter_table("cod_receivables", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cod_receivables_producer_id"))
        batch_op.drop_index(batch_op.f("ix_cod_receivables_carrier"))
    op.drop_table("cod_receivables")
    # Lines of the new kind and method go with the tables that explained them.
    op.execute("DELETE FROM payment_ledger WHERE kind = 'remittance'")
    op.execute("UPDATE payment_ledger SET method = 'cash' WHERE method = 'carrier_cod'")
    op.execute("UPDATE part_earnings SET method = 'cash' WHERE method = 'carrier_cod'")
    with op.batch_alter_table("order_parts", schema=None) as batch_op:
        batch_op.drop_column("days_max")
        batch_op.drop_column("days_min")
        batch_op.drop_column("delivery_option")
    _change_enums(new=False)
