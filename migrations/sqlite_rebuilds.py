"""SQLite table rebuilds that keep the rows of the tables referencing the rebuilt table.

For most changes (a constraint added or dropped, a column with a reference dropped) Alembic's
batch mode rebuilds a SQLite table: it copies the table, drops the old one and renames the copy.
With foreign keys on, dropping the old table first deletes its rows, and with them the rows of
every table that references it ON DELETE CASCADE (a producer's members, an order part's lines),
while ON DELETE SET NULL blanks references and ON DELETE RESTRICT makes the migration fail.

So a migration that rebuilds a referenced table does it inside ``foreign_keys_off()``, which must
come before the migration changes any row: SQLite ignores the switch inside a transaction, and
Alembic runs each SQLite migration in a transaction of its own. ``env.py`` turns foreign keys
back on once the migrations have run. Other databases alter tables in place: nothing to do.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op


@contextmanager
def foreign_keys_off() -> Iterator[None]:
    """On SQLite, run the block with foreign keys off, then check every reference still holds."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        yield
        return
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(
            "SQLite kept foreign keys on (a transaction is open): rebuild the table before the "
            "migration changes any row, or its referencing rows would be deleted."
        )
    yield
    broken = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise RuntimeError(f"Rows reference rows that are gone after the rebuild: {broken[:5]}")


def foreign_keys_back_on(connection: sa.Connection) -> None:
    """After the migrations, outside their transactions: SQLite's foreign keys on again, as the
    app has them (``market.database``), so no pooled connection keeps them off."""
    if connection.dialect.name == "sqlite":
        connection.rollback()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
