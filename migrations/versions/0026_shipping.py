"""shipping: products' weights and sizes, producers' packaging, farm pickup, zone rates, carriers

Products get ``weight_grams`` and optional ``length_cm``/``width_cm``/``height_cm``; producers
``packaging_grams`` (200 g) and ``farm_pickup`` (on, as before). A producer's flat fees become
zone rates that charge the same: the fee in its province becomes a rate for its province (its
commune's, else Tuyên Quang), the fee elsewhere a rate for everywhere else; then the two fee
columns go. Downgrading gives them back from those rates (30,000 đ when none is left).

Revision ID: 0026_shipping
Revises: 0025_helper_notices
Create Date: 2026-12-07 14:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

from market import places
from migrations.sqlite_rebuilds import foreign_keys_off

# revision identifiers, used by Alembic.
revision = "0026_shipping"
down_revision = "0025_helper_notices"
branch_labels = None
depends_on = None

HOME_PROVINCE = "08"  # Tuyên Quang, where a producer without a known commune works
DEFAULT_FEE = 30000  # producers' former default fee in their province


def _province_of(commune_code):
    commune = places.commune(commune_code)
    return commune.province_code if commune else HOME_PROVINCE


def upgrade():
    with foreign_keys_off():
        rates = op.create_table(
            "delivery_rates",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("producer_id", sa.Integer(), nullable=False),
            sa.Column(
                "zone_kind",
                sa.Enum(
                    "commune",
                    "area",
                    "province",
                    "everywhere",
                    name="zone_kind",
                    native_enum=False,
                    create_constraint=True,
                ),
                nullable=False,
            ),
            sa.Column("zone_code", sa.String(length=40), nullable=False),
            sa.Column("up_to_grams", sa.Integer(), nullable=True),
            sa.Column("fee", sa.BigInteger(), nullable=False),
            sa.Column("free_above", sa.BigInteger(), nullable=True),
            sa.CheckConstraint(
                "up_to_grams > 0 OR up_to_grams IS NULL",
                name=op.f("ck_delivery_rates_band_positive"),
            ),
            sa.CheckConstraint("fee >= 0", name=op.f("ck_delivery_rates_fee_non_negative")),
            sa.CheckConstraint(
                "free_above > 0 OR free_above IS NULL",
                name=op.f("ck_delivery_rates_free_above_positive"),
            ),
            sa.ForeignKeyConstraint(
                ["producer_id"],
                ["producers.id"],
                name=op.f("fk_delivery_rates_producer_id_producers"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_rates")),
        )
        with op.batch_alter_table("delivery_rates", schema=None) as batch_op:
            batch_op.create_index(
                batch_op.f("ix_delivery_rates_producer_id"), ["producer_id"], unique=False
            )
        op.create_table(
            "producer_carriers",
            sa.Column("producer_id", sa.Integer(), nullable=False),
            sa.Column("carrier", sa.String(length=20), nullable=False),
            sa.ForeignKeyConstraint(
                ["producer_id"],
                ["producers.id"],
                name=op.f("fk_producer_carriers_producer_id_producers"),
                ondelete="CASCADE",
            ),
            sa.PrimaryKeyConstraint("producer_id", "carrier", name=op.f("pk_producer_carriers")),
        )
        producers = op.get_bind().execute(
            sa.text("SELECT id, commune_code, delivery_fee, delivery_fee_elsewhere FROM producers")
        )
        rows = []
        for producer_id, commune_code, fee, elsewhere in producers:
            rows.append(
                {
                    "producer_id": producer_id,
                    "zone_kind": "province",
                    "zone_code": _province_of(commune_code),
                    "fee": fee,
                }
            )
            if elsewhere is not None:
                rows.append(
                    {
                        "producer_id": producer_id,
                        "zone_kind": "everywhere",
                        "zone_code": "",
                        "fee": elsewhere,
                    }
                )
        if rows:
            op.bulk_insert(rates, rows)
        with op.batch_alter_table("producers", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("packaging_grams", sa.Integer(), server_default="200", nullable=False)
            )
            batch_op.add_column(
                sa.Column("farm_pickup", sa.Boolean(), server_default=sa.true(), nullable=False)
            )
            batch_op.create_check_constraint(
                op.f("ck_producers_packaging_grams_non_negative"), "packaging_grams >= 0"
            )
            batch_op.drop_constraint(
                op.f("ck_producers_delivery_fee_elsewhere_non_negative"), type_="check"
            )
            batch_op.drop_constraint(op.f("ck_producers_delivery_fee_non_negative"), type_="check")
            batch_op.drop_column("delivery_fee_elsewhere")
            batch_op.drop_column("delivery_fee")
        with op.batch_alter_table("products", schema=None) as batch_op:
            batch_op.add_column(sa.Column("weight_grams", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("length_cm", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("width_cm", sa.Integer(), nullable=True))
            batch_op.add_column(sa.Column("height_cm", sa.Integer(), nullable=True))
            batch_op.create_check_constraint(
                op.f("ck_products_weight_positive"), "weight_grams > 0 OR weight_grams IS NULL"
            )
            batch_op.create_check_constraint(
                op.f("ck_products_dimensions_positive"),
                "(length_cm > 0 OR length_cm IS NULL) AND (width_cm > 0 OR width_cm IS NULL)"
                " AND (height_cm > 0 OR height_cm IS NULL)",
            )


def downgrade():
    with foreign_keys_off():
        with op.batch_alter_table("products", schema=None) as batch_op:
            batch_op.drop_constraint(op.f("ck_products_dimensions_positive"), type_="check")
            batch_op.drop_constraint(op.f("ck_products_weight_positive"), type_="check")
            batch_op.drop_column("height_cm")
            batch_op.drop_column("width_cm")
            batch_op.drop_column("length_cm")
            batch_op.drop_column("weight_grams")
        with op.batch_alter_table("producers", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("delivery_fee", sa.BigInteger(), server_default="30000", nullable=False)
            )
            batch_op.add_column(sa.Column("delivery_fee_elsewhere", sa.BigInteger(), nullable=True))
            batch_op.create_check_constraint(
                op.f("ck_producers_delivery_fee_non_negative"), "delivery_fee >= 0"
            )
            batch_op.create_check_constraint(
                op.f("ck_producers_delivery_fee_elsewhere_non_negative"),
                "delivery_fee_elsewhere >= 0 OR delivery_fee_elsewhere IS NULL",
            )
            batch_op.drop_constraint(
                op.f("ck_producers_packaging_grams_non_negative"), type_="check"
            )
            batch_op.drop_column("farm_pickup")
            batch_op.drop_column("packaging_grams")
        # The cheapest rate of the producer's province (any band), and of everywhere else.
        bind = op.get_bind()
        producers = bind.execute(sa.text("SELECT id, commune_code FROM producers")).all()
        for producer_id, commune_code in producers:
            near = bind.execute(
                sa.text(
                    "SELECT min(fee) FROM delivery_rates WHERE producer_id = :id"
                    " AND zone_kind = 'province' AND zone_code = :code"
                ),
                {"id": producer_id, "code": _province_of(commune_code)},
            ).scalar()
            far = bind.execute(
                sa.text(
                    "SELECT min(fee) FROM delivery_rates WHERE producer_id = :id"
                    " AND zone_kind = 'everywhere'"
                ),
                {"id": producer_id},
            ).scalar()
            bind.execute(
                sa.text(
                    "UPDATE producers SET delivery_fee = :near, delivery_fee_elsewhere = :far"
                    " WHERE id = :id"
                ),
                {"id": producer_id, "near": DEFAULT_FEE if near is None else near, "far": far},
            )
        op.drop_table("producer_carriers")
        with op.batch_alter_table("delivery_rates", schema=None) as batch_op:
            batch_op.drop_index(batch_op.f("ix_delivery_rates_producer_id"))
        op.drop_table("delivery_rates")
