"""Search tables: the change outbox (both backends) and the PostgreSQL backend's index rows."""

import enum
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from market.dbtypes import str_enum, utcnow
from market.extensions import db


class OutboxEntity(enum.StrEnum):
    """What changed: one product, or a producer (all of its products)."""

    PRODUCT = "product"
    PRODUCER = "producer"


class SearchOutbox(db.Model):
    """A change the index has not applied yet, written in the transaction that made it."""

    __tablename__ = "search_outbox"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    entity: so.Mapped[OutboxEntity] = so.mapped_column(str_enum(OutboxEntity, "search_entity"))
    entity_id: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class SearchDocument(db.Model):
    """A product's searchable text for the PostgreSQL backend, folded by ``search_fold()``.

    Folded columns hold space-separated words with a space at each end, so ``LIKE '% cam %'``
    matches a whole word and ``LIKE '% ca%'`` a word start, both served by a trigram index.
    """

    __tablename__ = "search_documents"
    __table_args__ = (
        sa.Index(
            "ix_search_documents_text_folded_trgm",
            "text_folded",
            postgresql_using="gin",
            postgresql_ops={"text_folded": "gin_trgm_ops"},
        ),
    )

    product_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True
    )
    name_folded: so.Mapped[str] = so.mapped_column(sa.Text)
    meta_folded: so.Mapped[str] = so.mapped_column(sa.Text)
    text_folded: so.Mapped[str] = so.mapped_column(sa.Text)
    exact: so.Mapped[str] = so.mapped_column(sa.Text)


class SearchWord(db.Model):
    """A folded word some document held: the vocabulary typo fixes are drawn from."""

    __tablename__ = "search_words"

    word: so.Mapped[str] = so.mapped_column(sa.String(100), primary_key=True)


def _extension_schema(connection: sa.Connection, name: str) -> str:
    return connection.scalar(
        sa.text(
            "SELECT n.nspname FROM pg_extension e "
            "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = :name"
        ),
        {"name": name},
    )


def install_postgres_functions(connection: sa.Connection) -> None:
    """Create unaccent, pg_trgm and the IMMUTABLE ``search_fold(text)`` the index relies on."""
    connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    # The trigram operator class must resolve while this transaction creates the index.
    connection.execute(
        sa.text(
            "SELECT set_config('search_path', current_setting('search_path') || ', ' || "
            "quote_ident(:s), true) WHERE NOT (:s = ANY (current_schemas(false)))"
        ),
        {"s": _extension_schema(connection, "pg_trgm")},
    )
    # unaccent() is only STABLE (its dictionary is found through search_path); naming the
    # schema and the dictionary makes the wrapper safe to declare IMMUTABLE.
    schema = connection.scalar(
        sa.text("SELECT quote_ident(:s)"), {"s": _extension_schema(connection, "unaccent")}
    )
    connection.execute(
        sa.text(
            "CREATE OR REPLACE FUNCTION search_fold(text) RETURNS text "
            "LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$ "
            f"SELECT ' ' || btrim(regexp_replace(lower({schema}.unaccent("
            f"'{schema}.unaccent'::regdictionary, $1)), '[^a-z0-9]+', ' ', 'g')) || ' ' $$"
        )
    )


@sa.event.listens_for(SearchDocument.__table__, "before_create")
def _before_create(_table: sa.Table, connection: sa.Connection, **_kw: object) -> None:
    if connection.dialect.name == "postgresql":
        install_postgres_functions(connection)
