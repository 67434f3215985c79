"""Migrations build exactly the schema the models describe, and keep the data they do not drop,
on SQLite and PostgreSQL."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from catalog.audit import AuditEntry
from catalog.categories import sync_categories
from catalog.models import Certification, HelperGrant, Lot, ProductCertification, ProductImage
from market import create_app
from market.accounts.models import Role, User
from market.extensions import db
from orders.checkout import place_order
from orders.models import CartItem
from tests import factories
from tests.conftest import TEST_DATABASE_URL
from tests.orders.helpers import order_request

SCHEMA = "migration_check"


def _migration_url(tmp_path: Path) -> str:
    if not TEST_DATABASE_URL:
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    engine = sa.create_engine(TEST_DATABASE_URL)
    with engine.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        connection.execute(sa.text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()
    separator = "&" if "?" in TEST_DATABASE_URL else "?"
    return f"{TEST_DATABASE_URL}{separator}options=-csearch_path%3D{SCHEMA}"


def test_migrations_match_the_models_and_downgrade_cleanly(
    app_config: dict, tmp_path: Path
) -> None:
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": _migration_url(tmp_path)})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        downgrade(revision="base")
        remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


# Tables whose rows hang off the tables SQLite rebuilds (producers, products, order parts).
KEPT = (
    "producers",
    "producer_members",
    "helper_grants",
    "audit_log",
    "growing_areas",
    "products",
    "product_images",
    "product_certifications",
    "lots",
    "cart_items",
    "stock_movements",
    "orders",
    "order_parts",
    "order_lines",
    "part_events",
)


def _fill() -> None:
    """A producer with a product (photo, certificate, lot, in a cart, ordered: a part with a line,
    an event and a stock movement) and a producer with only rows that cascade (member, helper
    grant, change log)."""
    sync_categories()
    owner = User(name="Chủ HTX Chè", email="owner@example.vn", role=Role.SHOPPER)
    helper = User(name="Tổ công nghệ số", email="helper@example.vn", role=Role.HELPER)
    for user in (owner, helper):
        user.set_password("correct horse")
    db.session.add_all([owner, helper])
    db.session.commit()
    maker = factories.producer(owner=owner)
    household = factories.producer(owner=owner)
    tea = factories.product(maker, price=50_000, stock=5)
    area = factories.growing_area(maker)
    db.session.add_all(
        [
            HelperGrant(producer_id=household.id, helper_id=helper.id),
            AuditEntry(
                producer_id=household.id, actor_access="owner", action="edit", entity="shop"
            ),
            ProductImage(product_id=tea.id, key="photo-1", width=640, height=480),
            ProductCertification(product_id=tea.id, code=Certification.VIETGAP),
            Lot(
                code="L-0001",
                product_id=tea.id,
                growing_area_id=area.id,
                harvest_date=date(2026, 11, 1),
                quantity=Decimal(20),
            ),
        ]
    )
    db.session.commit()
    place_order(order_request([(tea.id, 1, 50_000)], [maker.id], user_id=owner.id))
    db.session.add(CartItem(user_id=owner.id, product_id=tea.id, quantity=1, price_seen=50_000))
    db.session.commit()


def _rows() -> dict[str, int]:
    """Row counts of the kept tables that exist at the current revision."""
    tables = set(sa.inspect(db.engine).get_table_names())
    with db.engine.connect() as connection:
        return {
            table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))
            for table in KEPT
            if table in tables
        }


def _revision() -> str | None:
    """The database's current migration."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _foreign_keys_on() -> bool:
    """SQLite enforces foreign keys on the pooled connection (always true elsewhere)."""
    with db.engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            return True
        return bool(connection.exec_driver_sql("PRAGMA foreign_keys").scalar())


def test_migrations_keep_the_rows_of_tables_they_do_not_drop(
    app_config: dict, tmp_path: Path
) -> None:
    """Down one migration at a time to the first and up again: on SQLite, rebuilding producers,
    products and order parts (batch mode) must not delete or block the rows referencing them."""
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": _migration_url(tmp_path)})
    with app.app_context():
        upgrade()
        _fill()
        db.session.remove()
        start = _rows()
        assert all(start.values()), start
        # Each step is its own command on a fresh connection, as from the command line, so no
        # step relies on a pragma an earlier one left behind.
        while _revision() != "0001":
            db.engine.dispose()
            downgrade(revision="-1")
            assert _foreign_keys_on()
            now = _rows()
            assert now == {table: start[table] for table in now}, _revision()
        kept = _rows()
        assert kept["producer_members"] == 2 and kept["product_images"] == 1
        db.engine.dispose()
        upgrade()  # producers and products are rebuilt again on SQLite
        assert _foreign_keys_on()
        assert {table: n for table, n in _rows().items() if table in kept} == kept
        downgrade(revision="base")
        db.engine.dispose()


def test_upgrading_past_0016_makes_no_manager_provincial(app_config: dict, tmp_path: Path) -> None:
    """A manager with no market was read as the whole province before 0016; it grants nobody."""
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": _migration_url(tmp_path)})
    with app.app_context():
        upgrade(revision="0015_search_rows")
        with db.engine.begin() as connection:
            for name in ("removed from her only market", "never given one"):
                connection.execute(
                    sa.text(
                        "INSERT INTO users (name, email, password_hash, role, locale, active, "
                        "created_at, session_version) VALUES (:name, :email, 'x', 'manager', "
                        "'vi', :active, CURRENT_TIMESTAMP, 0)"
                    ),
                    {"name": name, "email": f"{len(name)}@example.vn", "active": True},
                )
        upgrade(revision="0016_provincial_grant")
        with db.engine.connect() as connection:
            provincial = connection.execute(sa.text("SELECT provincial FROM users")).scalars()
            assert list(provincial) == [False, False]
        downgrade(revision="base")
        db.engine.dispose()
