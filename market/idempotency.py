"""Insert-once: the database's unique constraints make every provider event count once.

``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` behaves the same on SQLite and PostgreSQL,
also when two requests insert the same key at the same moment: one row is written, the other
insert returns nothing and its caller treats the event as a duplicate.
"""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from market.extensions import db


def insert_once(model: type, values: dict[str, Any], *, unique_on: tuple[str, ...]) -> int | None:
    """Insert a row of ``model`` unless its unique key exists; the new id, or None if it did."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=list(unique_on))
        .returning(model.id)
    )
    return db.session.scalar(statement)
